import { describe, expect, it } from "vitest";
import { findSuperiorCycles } from "../../src/domain/hierarchy.ts";

describe("findSuperiorCycles", () => {
  it("finds no cycle in a tree", () => {
    expect(
      findSuperiorCycles([
        { from: "chi-bo", to: "dang-bo" },
        { from: "dang-bo", to: "tinh-uy" },
      ]),
    ).toEqual([]);
  });

  it("finds a cycle that exists on some date", () => {
    const cycles = findSuperiorCycles([
      { from: "a", to: "b", validFrom: "2020-01-01" },
      { from: "b", to: "c", validFrom: "2021-01-01", validTo: "2021-12-31" },
      { from: "c", to: "a", validFrom: "2021-06-01" },
    ]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.date).toBe("2021-06-01");
    expect(new Set(cycles[0]?.units)).toEqual(new Set(["a", "b", "c"]));
  });

  it("ignores edges that never hold on the same day", () => {
    expect(
      findSuperiorCycles([
        { from: "a", to: "b", validTo: "2025-06-30" },
        { from: "b", to: "a", validFrom: "2025-07-01" },
      ]),
    ).toEqual([]);
  });

  it("finds a self-loop", () => {
    expect(findSuperiorCycles([{ from: "a", to: "a" }])[0]?.units).toEqual(["a"]);
  });
});
