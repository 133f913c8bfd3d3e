import { describe, expect, it } from "vitest";
import { unitsNamedBy } from "../../src/graphql/visibility.ts";

describe("unitsNamedBy", () => {
  it("names the linked units and those inside the before / after states", () => {
    const relation = {
      unitIds: ["a", "b"],
      before: null,
      after: JSON.stringify({ from: "a", to: "b", via: ["c", "d"], type: "REPORTS_TO" }),
    };
    expect(unitsNamedBy(relation).sort()).toEqual(["a", "b", "c", "d"]);
    const unit = {
      unitIds: ["x"],
      before: JSON.stringify({ id: "x", host: "old-host" }),
      after: JSON.stringify({ id: "x", host: "new-host" }),
    };
    expect(unitsNamedBy(unit).sort()).toEqual(["new-host", "old-host", "x"]);
  });
});
