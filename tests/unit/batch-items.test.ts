/** Which item of a batch a refusal names (src/domain/batch-items.ts). */
import { describe, expect, it } from "vitest";
import { assertDistinctItems, itemArgument, naming } from "../../src/domain/batch-items.ts";
import { DomainError } from "../../src/domain/errors.ts";

const moves = [
  { unit: "a", other: "x", argument: "input.moves[0]" },
  { unit: "b", other: "c", argument: "input.moves[1]" },
  { unit: "c", other: "b", argument: "input.moves[2]" },
];

describe("itemArgument", () => {
  it("names the move that closes a cycle, whichever unit the cycle was read from", () => {
    expect(itemArgument({ rule: "NO_CYCLE", units: ["b", "c"] }, moves)).toBe("input.moves[2]");
    expect(itemArgument({ rule: "NO_CYCLE", units: ["c", "b"] }, moves)).toBe("input.moves[2]");
  });

  it("names the item about the unit the rule speaks of", () => {
    expect(itemArgument({ rule: "KIND_PAIRING", units: ["b", "c"] }, moves)).toBe("input.moves[1]");
    expect(itemArgument({ rule: "ONE_DIRECT_SUPERIOR", units: ["a", "y", "x"] }, moves)).toBe(
      "input.moves[0]",
    );
  });

  it("names, among relations between the same units, the one whose type can break the rule", () => {
    const relations = [
      { unit: "u", other: "v", type: "SUBORDINATE_TO", argument: "input.relations[0]" },
      { unit: "u", other: "w", type: "REPORTS_TO", argument: "input.relations[1]" },
    ];
    // u is already under w: the new superior v gives it two; REPORTS_TO u → w breaks nothing.
    expect(itemArgument({ rule: "ONE_DIRECT_SUPERIOR", units: ["u", "w", "v"] }, relations)).toBe(
      "input.relations[0]",
    );
  });

  it("names an item without another end by its unit, and none when no item fits", () => {
    const ids = [
      { unit: "p", argument: "input.ids[0]" },
      { unit: "q", argument: "input.ids[1]" },
    ];
    expect(itemArgument({ rule: "NO_ORPHANS", units: ["q", "child"] }, ids)).toBe("input.ids[1]");
    expect(itemArgument({ rule: "NO_ORPHANS", units: ["elsewhere"] }, ids)).toBeNull();
  });
});

describe("naming", () => {
  it("adds the item's argument to a rule's refusal that names none, keeping code, message and rule", () => {
    const error = new DomainError("CONFLICT", "NO_CYCLE: …", { rule: "NO_CYCLE", units: ["b", "c"] });
    const named = naming(error, moves) as DomainError;
    expect([named.code, named.message, named.details]).toEqual([
      "CONFLICT",
      "NO_CYCLE: …",
      { rule: "NO_CYCLE", units: ["b", "c"], argument: "input.moves[2]" },
    ]);
  });

  it("leaves an error that names its argument already, or names no rule, as it is", () => {
    const argued = new DomainError("FORBIDDEN", "…", { rule: "EDITOR_SCOPE", units: ["b"], argument: "x" });
    const plain = new DomainError("NOT_FOUND", "…", { id: "b" });
    const other = new Error("boom");
    expect(naming(argued, moves)).toBe(argued);
    expect(naming(plain, moves)).toBe(plain);
    expect(naming(other, moves)).toBe(other);
  });
});

describe("assertDistinctItems", () => {
  it("names the second occurrence", () => {
    expect(() => assertDistinctItems(["a", "b", "a"], (i) => `input.ids[${i}]`)).toThrow(
      expect.objectContaining({ details: { argument: "input.ids[2]" } }),
    );
    expect(() => assertDistinctItems(["a", "b"], (i) => `input.ids[${i}]`)).not.toThrow();
  });
});
