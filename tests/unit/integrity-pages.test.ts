/**
 * The integrity report's pages across its sources (src/graphql/services/integrity-report.ts):
 * a page read source by source gives the slice of the whole list, and reads nothing it skips.
 */
import { describe, expect, it } from "vitest";
import { finding, type IntegrityRule } from "../../src/domain/integrity.ts";
import { countsOf, pageOf } from "../../src/graphql/services/integrity-report.ts";

/** A source of `n` findings of `rule` (units `${prefix}0`…), recording the slices it is asked for. */
function source(rule: IntegrityRule, prefix: string, n: number, asked: string[]) {
  const all = Array.from({ length: n }, (_, i) => finding(rule, "2026-01-15", { units: [`${prefix}${i}`] }));
  return {
    rule,
    count: n,
    read: async (skip: number, limit: number) => {
      asked.push(`${prefix}:${skip}+${limit}`);
      return all.slice(skip, skip + limit);
    },
  };
}

function sources(asked: string[]) {
  return [
    source("MISSING_SUPERIOR", "m", 3, asked),
    source("CYCLE", "c", 0, asked),
    source("CITES_REPLACED_DOCUMENT", "r", 2, asked),
    source("CITES_REPLACED_DOCUMENT", "q", 2, asked),
    source("NO_REPORTING_OBLIGATION", "n", 5, asked),
  ];
}

const ids = (fs: { units: string[] }[]) => fs.map((f) => f.units[0]);
const everything = ["m0", "m1", "m2", "r0", "r1", "q0", "q1", "n0", "n1", "n2", "n3", "n4"];

describe("integrity report pages", () => {
  it("a page is the slice of the whole list, whatever sources it spans", async () => {
    for (const [offset, first] of [
      [0, 100],
      [0, 3],
      [2, 4],
      [3, 2],
      [6, 5],
      [11, 10],
    ] as const) {
      const page = await pageOf(sources([]), null, offset, first);
      expect(ids(page)).toEqual(everything.slice(offset, offset + first));
    }
  });

  it("reads only the slices it returns: nothing from the sources it skips or does not reach", async () => {
    const asked: string[] = [];
    await pageOf(sources(asked), null, 4, 3);
    expect(asked).toEqual(["r:1+1", "q:0+2"]);
  });

  it("a rule's page runs through that rule's sources only", async () => {
    const asked: string[] = [];
    const page = await pageOf(sources(asked), "CITES_REPLACED_DOCUMENT", 1, 2);
    expect(ids(page)).toEqual(["r1", "q0"]);
    expect(asked).toEqual(["r:1+1", "q:0+1"]);
  });

  it("an offset past the end gives an empty page and reads nothing", async () => {
    const asked: string[] = [];
    expect(await pageOf(sources(asked), null, everything.length, 5)).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("counts add a rule's sources up and list every rule, without reading a finding", () => {
    const asked: string[] = [];
    const counts = Object.fromEntries(countsOf(sources(asked)).map((c) => [c.rule, c.count]));
    expect(counts).toEqual({
      MISSING_SUPERIOR: 3,
      DOUBLE_SUPERIOR: 0,
      DOUBLE_WHOLE: 0,
      CYCLE: 0,
      RELATION_OUTSIDE_VALIDITY: 0,
      CITES_REPLACED_DOCUMENT: 4,
      NO_REPORTING_OBLIGATION: 5,
    });
    expect(asked).toEqual([]);
  });
});
