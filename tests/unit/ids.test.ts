/**
 * Relation ids (src/domain/ids.ts): deterministic, the same as before for ends without dots
 * (every seeded and generated id), and never shared by two different relations — unit ids may
 * hold dots, so joining the parts with dots alone was ambiguous.
 */
import { describe, expect, it } from "vitest";
import { relationId, UNIT_ID } from "../../src/domain/ids.ts";

describe("relationId", () => {
  it("keeps the dotted form for ends without dots", () => {
    expect(relationId({ type: "REPORTS_TO", from: "xa-a", to: "tinh-b", validFrom: "2024-01-01" })).toBe(
      "reports_to.xa-a.tinh-b.2024-01-01",
    );
    expect(relationId({ type: "PART_OF", from: "bch-x", to: "x", validFrom: null })).toBe("part_of.bch-x.x");
  });

  it("gives two relations whose ends differ different ids, also when an end holds a dot", () => {
    // u → v.w and u.v → w: joined with dots, both were "reports_to.u.v.w.2024-01-01".
    const a = { type: "REPORTS_TO", from: "u", to: "v.w", validFrom: "2024-01-01" };
    const b = { type: "REPORTS_TO", from: "u.v", to: "w", validFrom: "2024-01-01" };
    for (const r of [a, b]) {
      expect(UNIT_ID.test(r.from)).toBe(true);
      expect(UNIT_ID.test(r.to)).toBe(true);
    }
    expect(relationId(a)).not.toBe(relationId(b));
  });

  it("tells a start date from an end whose id looks like one", () => {
    // u → v from 2024-01-01, and u → "v.2024-01-01" with no start.
    expect(relationId({ type: "PART_OF", from: "u", to: "v", validFrom: "2024-01-01" })).not.toBe(
      relationId({ type: "PART_OF", from: "u", to: "v.2024-01-01", validFrom: null }),
    );
  });

  it("is one-to-one over ends with and without dots: each id splits back into its parts", () => {
    const ends = ["a", "a.b", "b", "b.c", "a.b.c", "c", "2024-01-01", "x.2024-01-01"];
    const seen = new Map<string, string>();
    for (const from of ends)
      for (const to of ends)
        for (const validFrom of [null, "2024-01-01"]) {
          const parts = JSON.stringify([from, to, validFrom]);
          const id = relationId({ type: "REPORTS_TO", from, to, validFrom });
          expect(seen.get(id) ?? parts).toBe(parts);
          seen.set(id, parts);
        }
    expect(seen.size).toBe(ends.length * ends.length * 2);
  });
});
