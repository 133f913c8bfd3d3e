/** The integration tests' invariant oracle finds what it is meant to find (so that its silence means something). */
import { describe, expect, it } from "vitest";
import {
  doubleSuperiors,
  type PlainGraph,
  type PlainRelation,
  relationsOutsideEndpoints,
  superiorCycles,
} from "../integration/helpers/graph-oracle.ts";

const sub = (from: string, to: string, validFrom: string | null, validTo: string | null): PlainRelation => ({
  type: "SUBORDINATE_TO",
  from,
  to,
  validFrom,
  validTo,
});

function graph(
  relations: PlainRelation[],
  bounds: Record<string, [string | null, string | null]> = {},
): PlainGraph {
  const ids = new Set(relations.flatMap((r) => [r.from, r.to]));
  const units = new Map(
    [...ids].map((id) => {
      const [validFrom, validTo] = bounds[id] ?? [null, null];
      return [id, { id, validFrom, validTo }];
    }),
  );
  return { units, relations };
}

describe("the graph oracle", () => {
  it("finds a second superior only on the days both are in force", () => {
    const g = graph([
      sub("xa", "huyen-a", "2020-01-01", "2024-12-31"),
      sub("xa", "huyen-b", "2024-06-01", null),
    ]);
    expect(doubleSuperiors(g)).toEqual(["xa on 2024-06-01"]);
    const handover = graph([
      sub("xa", "huyen-a", null, "2024-05-31"),
      sub("xa", "huyen-b", "2024-06-01", null),
    ]);
    expect(doubleSuperiors(handover)).toEqual([]);
  });

  it("finds a cycle only when its links are in force on one day", () => {
    const cycle = graph([
      sub("a", "b", "2021-01-01", null),
      sub("b", "c", null, null),
      sub("c", "a", "2022-01-01", null),
    ]);
    expect(superiorCycles(cycle).length).toBeGreaterThan(0);
    const apart = graph([sub("a", "b", null, "2021-12-31"), sub("b", "a", "2022-01-01", null)]);
    expect(superiorCycles(apart)).toEqual([]);
  });

  it("finds a relation outside its ends' validity, or ending before it starts", () => {
    const outside = graph([sub("xa", "huyen", "2019-01-01", null)], { huyen: ["2020-01-01", null] });
    expect(relationsOutsideEndpoints(outside)).toHaveLength(1);
    const reversed = graph([sub("xa", "huyen", "2024-01-01", "2023-01-01")]);
    expect(relationsOutsideEndpoints(reversed)).toHaveLength(1);
    const inside = graph([sub("xa", "huyen", "2021-01-01", "2024-06-30")], {
      huyen: ["2020-01-01", "2025-06-30"],
    });
    expect(relationsOutsideEndpoints(inside)).toEqual([]);
  });
});
