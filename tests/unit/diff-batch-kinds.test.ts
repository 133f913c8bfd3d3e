/** The batch mutations' event kinds explain a change in the diff (src/domain/diff.ts) as their one-unit counterparts do. */
import { describe, expect, it } from "vitest";
import { causeKindOf, SINGLE_OF_BATCH } from "../../src/domain/diff.ts";

describe("causeKindOf for batch events", () => {
  it("reads a batch move as a move", () => {
    expect(causeKindOf("MOVE_UNITS")).toBe("MOVE");
    expect(causeKindOf("MOVE_UNITS")).toBe(causeKindOf("SET_SUPERIOR"));
  });

  it("gives every batch kind its single counterpart's cause", () => {
    expect(Object.keys(SINGLE_OF_BATCH).sort()).toEqual(
      ["ADD_RELATIONS", "CLOSE_UNITS", "CREATE_UNITS", "MERGE_MANY", "MOVE_UNITS"].sort(),
    );
    for (const [batch, single] of Object.entries(SINGLE_OF_BATCH))
      expect(causeKindOf(batch)).toBe(causeKindOf(single));
  });

  it("leaves the restructurings as they were", () => {
    expect(causeKindOf("MERGE_UNITS")).toBe("MERGE");
    expect(causeKindOf("ABOLISH_LEVEL")).toBe("ABOLISHED_LEVEL");
  });

  it("reads mergeMany's event as a merger", () => {
    expect(causeKindOf("MERGE_MANY")).toBe("MERGE");
  });
});
