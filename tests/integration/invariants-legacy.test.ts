/**
 * The invariant checks judge what a change makes, not what the graph already held: a unit that
 * already has two overlapping wholes or superiors (legacy data, written here with Cypher as an
 * import might have left it) can still be renamed, moved and closed over HTTP, while a new link
 * that overlaps is still refused and leaves the graph as it was; a cycle is judged on the days its
 * links share; and the integrity report lists both kinds of overlap.
 */
import { describe, expect, it } from "vitest";
import { bumpGraphVersion } from "../../src/store/graph-version.ts";
import {
  BASIS,
  create,
  fileSandbox,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  refusedUnchanged,
} from "./helpers/sandbox.ts";

const P = "il-";
const { server, admin } = await fileSandbox(P);

const RENAME = `mutation ($id: ID!, $d: Date!) { updateUnit(input: { id: $id, name: "Tên mới", effectiveOn: $d, basis: ["dieu-le-dang-whole"] }) { id } }`;
const MOVE = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const CLOSE = `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const ADD = `mutation ($input: AddRelationInput!) { addRelation(input: $input) { id } }`;

let n = 0;

/**
 * A fresh province with the cell `chiBo` under `xa` and `xa`'s Ban Chấp hành `bch` (PART_OF `xa`),
 * both from 2020; then, written directly (legacy data, not through the API), `bch` also PART_OF
 * `xa2` and `chiBo` also SUBORDINATE_TO `xa2`, from 2021 on, open-ended.
 */
async function legacyFixture(): Promise<ProvinceIds & { bch: string }> {
  const ids = await provinceFixture(server, admin, `${P}${++n}`, { cell: true });
  const bch = `${ids.tinh}-bch-xa`;
  await create(server, admin, { id: bch, kind: "EXECUTIVE_COMMITTEE" }, ids.xa);
  await server.db.write(
    `MATCH (o:Unit {id: $bch}), (c:Unit {id: $cell}), (w:Unit {id: $xa2})
     CREATE (o)-[:PART_OF {id: $bch + '-legacy', validFrom: date('2021-01-01'), basis: $basis, origin: 'legacy'}]->(w)
     CREATE (c)-[:SUBORDINATE_TO {id: $cell + '-legacy', validFrom: date('2021-01-01'), basis: $basis, origin: 'legacy'}]->(w)`,
    { bch, cell: ids.chiBo, xa2: ids.xa2, basis: BASIS },
  );
  // A write outside the service: raise the graph's version, as every write path must.
  await bumpGraphVersion(server.db);
  return { ...ids, bch };
}

async function ok(query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await gqlAs(server, admin, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
}

/** The far ends of `id`'s links of `type` in force on `day`. */
async function linksOn(id: string, type: string, day: string): Promise<string[]> {
  const rows = await server.db.read(
    `MATCH (:Unit {id: $id})-[r]->(w:Unit) WHERE type(r) = $type
       AND (r.validFrom IS NULL OR r.validFrom <= date($day)) AND (r.validTo IS NULL OR r.validTo >= date($day))
     RETURN w.id AS id ORDER BY id`,
    { id, type, day },
  );
  return rows.map((r) => r.id as string);
}

describe("a unit that already holds two overlapping wholes", () => {
  it("can be renamed and moved, while a new overlapping PART_OF is refused (ONE_WHOLE)", async () => {
    const ids = await legacyFixture();
    await ok(RENAME, { id: ids.bch, d: "2025-02-01" });
    expect(
      await refusedUnchanged(server, admin, ADD, {
        input: { type: "PART_OF", fromId: ids.bch, toId: ids.huyen, validFrom: "2024-01-01", basis: BASIS },
      }),
    ).toMatchObject({ code: "CONFLICT", rule: "ONE_WHOLE" });
    await ok(MOVE, { u: ids.bch, s: ids.huyen2, d: "2025-03-01" });
    expect(await linksOn(ids.bch, "PART_OF", "2025-03-01")).toEqual([ids.huyen2]);
    expect(await linksOn(ids.bch, "PART_OF", "2025-02-28")).toEqual([ids.xa, ids.xa2].sort());
  });

  it("is listed by the integrity report (DOUBLE_WHOLE), as a cell with two superiors is (DOUBLE_SUPERIOR)", async () => {
    const ids = await legacyFixture();
    const r = await server.gql<{
      integrityReport: { findings: { rule: string; units: { id: string }[] }[] };
    }>(
      `query ($under: ID) { integrityReport(asOf: "2024-01-01", under: $under) { findings { rule units { id } } } }`,
      { under: ids.tinh },
    );
    expect(r.errors).toBeUndefined();
    const findings = r.data?.integrityReport.findings ?? [];
    // Each finding: the unit, then its wholes or superiors (in no particular order).
    const units = (rule: string) =>
      findings
        .filter((f) => f.rule === rule)
        .map((f) => f.units.map((u) => u.id))
        .map(([unit, ...others]) => [unit, ...others.sort()]);
    expect(units("DOUBLE_WHOLE")).toEqual([[ids.bch, ...[ids.xa, ids.xa2].sort()]]);
    expect(units("DOUBLE_SUPERIOR")).toEqual([[ids.chiBo, ...[ids.xa, ids.xa2].sort()]]);
    // Before the legacy links began there is no overlap.
    const before = await server.gql<{ integrityReport: { findings: { rule: string }[] } }>(
      `query ($under: ID) { integrityReport(asOf: "2020-06-01", under: $under) { findings { rule } } }`,
      { under: ids.tinh },
    );
    expect(before.data?.integrityReport.findings.filter((f) => f.rule.startsWith("DOUBLE_"))).toEqual([]);
  });
});

describe("a party cell that already holds two overlapping superiors", () => {
  it("can be renamed and closed, while a new overlapping SUBORDINATE_TO is refused (ONE_DIRECT_SUPERIOR)", async () => {
    const ids = await legacyFixture();
    const xa3 = `${ids.tinh}-xa3`;
    await create(server, admin, { id: xa3, kind: "COMMUNE_COMMITTEE" }, ids.huyen);
    await ok(RENAME, { id: ids.chiBo, d: "2025-02-01" });
    expect(
      await refusedUnchanged(server, admin, ADD, {
        input: {
          type: "SUBORDINATE_TO",
          fromId: ids.chiBo,
          toId: xa3,
          validFrom: "2024-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "CONFLICT", rule: "ONE_DIRECT_SUPERIOR" });
    await ok(CLOSE, { id: ids.chiBo, d: "2025-06-30" });
    expect(await linksOn(ids.chiBo, "SUBORDINATE_TO", "2025-07-01")).toEqual([]);
    expect(await linksOn(ids.chiBo, "SUBORDINATE_TO", "2025-06-30")).toEqual([ids.xa, ids.xa2].sort());
  });
});

describe("a cycle is judged on the days its links share", () => {
  it("refuses a move that closes a loop while the links overlap, and allows it once the old link has ended", async () => {
    const ids = await provinceFixture(server, admin, `${P}${++n}`);
    const bch = `${ids.tinh}-bch-xa`;
    const btv = `${ids.tinh}-btv-xa`;
    await create(server, admin, { id: bch, kind: "EXECUTIVE_COMMITTEE" }, ids.xa);
    await create(server, admin, { id: btv, kind: "STANDING_BOARD" }, bch);
    // btv leaves bch at the end of 2022: btv → bch holds 2020-01-01 … 2022-12-31.
    await ok(MOVE, { u: btv, s: ids.xa2, d: "2023-01-01" });
    expect(await refusedUnchanged(server, admin, MOVE, { u: bch, s: btv, d: "2022-06-01" })).toMatchObject({
      code: "CONFLICT",
      rule: "NO_CYCLE",
    });
    await ok(MOVE, { u: bch, s: btv, d: "2023-01-01" });
    expect(await linksOn(bch, "PART_OF", "2023-01-01")).toEqual([btv]);
  });
});
