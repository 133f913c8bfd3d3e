import { describe, expect, it } from "vitest";
import { nameOn } from "../../src/domain/names.ts";

describe("nameOn", () => {
  const unit = {
    name: "Đảng ủy xã C",
    formerNames: ["Đảng ủy xã A", "Đảng ủy xã B"],
    formerNamesUntil: ["2020-12-31", "2023-06-30"],
  };
  it("gives the name in force on each date", () => {
    expect(nameOn(unit, "2019-01-01")).toBe("Đảng ủy xã A");
    expect(nameOn(unit, "2020-12-31")).toBe("Đảng ủy xã A");
    expect(nameOn(unit, "2021-01-01")).toBe("Đảng ủy xã B");
    expect(nameOn(unit, "2023-07-01")).toBe("Đảng ủy xã C");
    expect(nameOn({ name: "X", formerNames: [], formerNamesUntil: [] }, "1900-01-01")).toBe("X");
  });
});
