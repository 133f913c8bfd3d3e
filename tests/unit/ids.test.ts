/**
 * Relation ids (src/domain/ids.ts): deterministic, the same as before for ends without dots
 * (every seeded and generated id), and never shared by two different relations — unit ids may
 * hold dots, so joining the parts with dots alone was ambiguous.
 */
import { describe, expect, it } from "vitest";
import { appendToId, joinId, relationId, UNIT_ID } from "../../src/domain/ids.ts";
import { ChunkBuilder } from "../../src/generator/model.ts";

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

describe("joinId", () => {
  const parts = ["a", "a.b", "b", "2024-01-01", "x.2024-01-01", "l2"];
  const lists = parts.flatMap((p) => [
    [p],
    ...parts.flatMap((q) => [[p, q], ...parts.map((r) => [p, q, r])]),
  ]);

  it("gives each list of two or more parts its own id, whatever dots the parts hold", () => {
    const seen = new Map<string, string>();
    for (const list of lists.filter((l) => l.length >= 2)) {
      const id = joinId(["entry", ...list]);
      expect(seen.get(id) ?? JSON.stringify(list)).toBe(JSON.stringify(list));
      seen.set(id, JSON.stringify(list));
    }
    expect(seen.size).toBe(lists.filter((l) => l.length >= 2).length);
  });

  it("appends a part as joinId would have joined it", () => {
    for (const list of lists)
      expect(appendToId(joinId(["meeting", ...list]), "papers")).toBe(joinId(["meeting", ...list, "papers"]));
  });
});

describe("generated relation ids", () => {
  /** The generated unit `child` (from 2025-07-01) under the known unit `parent`. */
  const relationOf = (child: string, parent: string) => {
    const b = new ChunkBuilder("test", new Map([[parent, { validFrom: null, validTo: null }]]));
    b.unit({ id: child, name: child, kind: "PROVINCIAL_COMMITTEE", validFrom: "2025-07-01" });
    b.rel("SUBORDINATE_TO", child, parent, ["dieu-le-dang-whole"]);
    return b.relations[0];
  };

  it("are the API's ids with the generator's prefix, as stored before for ends without dots", () => {
    const r = relationOf("gen-tinh-a", "bch-trung-uong");
    expect(r?.id).toBe("gen-subordinate_to.gen-tinh-a.bch-trung-uong.2025-07-01");
    expect(r?.id).toBe(
      `gen-${relationId({ type: "SUBORDINATE_TO", from: "gen-tinh-a", to: "bch-trung-uong", validFrom: "2025-07-01" })}`,
    );
  });

  it("stay apart when an end holds a dot", () => {
    // gen-a → b.c and gen-a.b → c: with dots alone, both were "gen-subordinate_to.gen-a.b.c.2025-07-01".
    expect(relationOf("gen-a", "b.c")?.id).not.toBe(relationOf("gen-a.b", "c")?.id);
  });
});
