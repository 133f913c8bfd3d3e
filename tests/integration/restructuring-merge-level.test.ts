/**
 * mergeUnits with abolishLevel: a merger that also ends a level below its sources (a merged
 * province's districts) in the same change — the level's subordinates move once, straight to the
 * new unit, the level's units close with their organs, one event names both restructurings with
 * their bases; and a refusal (kind pairings, no such level, unknown basis) leaves the graph as it was.
 */
import { describe, expect, it } from "vitest";
import { create, fileSandbox, gqlAs, provinceFixture, refusedUnchanged } from "./helpers/sandbox.ts";

const P = "ml-";
const { server, admin } = await fileSandbox(P);

const MERGE = `mutation ($input: MergeUnitsInput!) {
  mergeUnits(input: $input) { kind basis { id } note units { id } changes { entity entityId operation } }
}`;
const MERGER_BASIS = ["qd-321-328-2025-whole"];
const LEVEL_BASIS = ["qd-294-2025-whole"];

let n = 0;
/**
 * Two provinces under the Central Committee: `tinh` with districts `huyen` (communes `xa`, `xa2`,
 * the cell `chiBo` under `xa`, the organ `bch`) and `huyen2`; `other` with `otherHuyen` (commune `xa3`).
 */
async function provinces() {
  const ids = await provinceFixture(server, admin, `${P}${++n}`, { cell: true, otherDistrict: true });
  const more = { bch: `${ids.huyen}-bch`, xa3: `${ids.otherHuyen}-xa3`, into: `${P}${n}-tinh-moi` };
  await create(server, admin, { id: more.bch, kind: "EXECUTIVE_COMMITTEE" }, ids.huyen);
  await create(server, admin, { id: more.xa3, kind: "COMMUNE_COMMITTEE" }, ids.otherHuyen);
  return { ...ids, ...more };
}

function mergeInput(
  ids: { tinh: string; other: string; into: string },
  abolishLevel: { kind: string; basis: string[] } | null,
) {
  return {
    input: {
      sourceIds: [ids.tinh, ids.other],
      into: { id: ids.into, name: "Tỉnh ủy hợp nhất", kind: "PROVINCIAL_COMMITTEE", level: "PROVINCIAL" },
      superiorId: "bch-trung-uong",
      effectiveOn: "2025-07-01",
      basis: MERGER_BASIS,
      ...(abolishLevel ? { abolishLevel } : {}),
    },
  };
}

/** A unit's SUBORDINATE_TO links, all of its history, as [superior, from, to]. */
async function linksOf(id: string): Promise<string[][]> {
  const rows = await server.db.read(
    `MATCH (:Unit {id: $id})-[r:SUBORDINATE_TO]->(p:Unit)
     RETURN p.id AS superior, toString(r.validFrom) AS f, toString(r.validTo) AS t ORDER BY f`,
    { id },
  );
  return rows.map((r) => [r.superior as string, r.f as string, (r.t as string | null) ?? "…"]);
}

async function validTo(id: string): Promise<string | null> {
  const rows = await server.db.read("MATCH (u:Unit {id: $id}) RETURN toString(u.validTo) AS t", { id });
  return (rows[0]?.t as string | null) ?? null;
}

describe("mergeUnits abolishing a level below the merged units", () => {
  it("moves the level's subordinates once, straight to the new unit, and closes the level with the sources", async () => {
    const ids = await provinces();
    const res = await gqlAs<{
      mergeUnits: {
        kind: string;
        basis: { id: string }[];
        note: string;
        units: { id: string }[];
        changes: { entity: string; entityId: string; operation: string }[];
      };
    }>(server, admin, MERGE, mergeInput(ids, { kind: "DISTRICT_COMMITTEE", basis: LEVEL_BASIS }));
    expect(res.errors).toBeUndefined();
    const event = res.data?.mergeUnits;
    // One event for both: the merger's kind, both bases, the level named in its note.
    expect(event?.kind).toBe("MERGE_UNITS");
    expect(event?.basis.map((b) => b.id).sort()).toEqual([...MERGER_BASIS, ...LEVEL_BASIS].sort());
    expect(event?.note).toContain("DISTRICT_COMMITTEE");
    expect(event?.note).toContain(LEVEL_BASIS[0]);
    // Each commune: its district's link until 30/06/2025, then the new unit's — one move, never
    // under an old Tỉnh ủy (a district is never under the new one either: closed the same day).
    expect(await linksOf(ids.xa)).toEqual([
      [ids.huyen, "2020-01-01", "2025-06-30"],
      [ids.into, "2025-07-01", "…"],
    ]);
    expect(await linksOf(ids.xa2)).toEqual([
      [ids.huyen, "2020-01-01", "2025-06-30"],
      [ids.into, "2025-07-01", "…"],
    ]);
    expect(await linksOf(ids.xa3)).toEqual([
      [ids.otherHuyen, "2020-01-01", "2025-06-30"],
      [ids.into, "2025-07-01", "…"],
    ]);
    // Below the communes nothing moves.
    expect(await linksOf(ids.chiBo)).toEqual([[ids.xa, "2020-01-01", "…"]]);
    // The sources, the districts and their organs end on 30/06/2025; the districts were never moved.
    for (const id of [ids.tinh, ids.other, ids.huyen, ids.huyen2, ids.otherHuyen, ids.bch])
      expect(await validTo(id), id).toBe("2025-06-30");
    expect(await linksOf(ids.huyen)).toEqual([[ids.tinh, "2020-01-01", "2025-06-30"]]);
    expect(await validTo(ids.xa)).toBeNull();
    // The audit: every closure and move recorded in this one event.
    const ended = new Set(
      event?.changes.filter((c) => c.entity === "UNIT" && c.operation === "ENDED").map((c) => c.entityId),
    );
    expect([...ended].sort()).toEqual(
      [ids.tinh, ids.other, ids.huyen, ids.huyen2, ids.otherHuyen, ids.bch].sort(),
    );
    expect(event?.units.map((u) => u.id)).toEqual(expect.arrayContaining([ids.into, ids.xa, ids.xa3]));
  }, 420_000); // ten units built through the API, then the merger: 163 s at load 25, over 180 s at 35

  it("is what a plain merger of units that still have the level is refused for: the kind pairings", async () => {
    const ids = await provinces();
    const refused = await refusedUnchanged(server, admin, MERGE, mergeInput(ids, null));
    expect(refused.rule).toBe("KIND_PAIRING");
  });

  it.each([
    [
      "a level with no unit below the sources",
      { kind: "GOVERNMENT_PARTY_COMMITTEE", basis: LEVEL_BASIS },
      "kind",
    ],
    [
      "an unknown provision in the level's basis",
      { kind: "DISTRICT_COMMITTEE", basis: ["no-such-provision"] },
      "basis",
    ],
  ])("refuses %s, naming its argument, and changes nothing", async (_, level, field) => {
    const ids = await provinces();
    const refused = await refusedUnchanged(server, admin, MERGE, mergeInput(ids, level));
    expect(refused).toEqual({
      code: "BAD_USER_INPUT",
      rule: undefined,
      argument: `input.abolishLevel.${field}`,
    });
  });
});
