/**
 * Many changes at once against the real Neo4j: changes to different units all commit side by
 * side; changes to the same units serialise (each sees what the one before committed), or fail
 * with a domain error naming the rule; no client ever sees a deadlock or a transient error; and
 * afterwards every invariant holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASIS, closeSandbox, create, type GqlResult, gqlAs, openSandbox } from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

const P = "cw-";
const PROVINCES = ["a", "b"];
const COMMUNES = [0, 1, 2, 3];
const CELLS = [0, 1, 2, 3, 4, 5];
const MOVE_DAY = "2026-01-01";
let server: TestServer;
let admin: string;

const province = (p: string) => `${P}tinh-${p}`;
const commune = (p: string, c: number) => `${P}xa-${p}${c}`;
const cell = (p: string, c: number) => `${P}chi-bo-${p}${c}`;

const SET = `mutation ($u: ID!, $s: ID!, $d: Date!, $b: [ID!]!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: $b) { id } }`;
const RENAME = `mutation ($in: UpdateUnitInput!) { updateUnit(input: $in) { id } }`;
const CLOSE = `mutation ($id: ID!, $d: Date!, $b: [ID!]!) { closeUnit(id: $id, lastDay: $d, basis: $b) { id } }`;

beforeAll(async () => {
  ({ server, admin } = await openSandbox());
  for (const p of PROVINCES) {
    await create(
      server,
      admin,
      { id: province(p), kind: "PROVINCIAL_COMMITTEE" },
      "bch-trung-uong",
      "2025-07-01",
    );
    for (const c of COMMUNES)
      await create(
        server,
        admin,
        { id: commune(p, c), kind: "COMMUNE_COMMITTEE" },
        province(p),
        "2025-07-01",
      );
    for (const c of CELLS)
      await create(server, admin, { id: cell(p, c), kind: "BASIC_PARTY_CELL" }, commune(p, 0), "2025-07-01");
  }
}, 300_000);

afterAll(() => closeSandbox(server, P));

const move = (unit: string, superior: string) =>
  gqlAs(server, admin, SET, { u: unit, s: superior, d: MOVE_DAY, b: BASIS });

/** What no client may see: a deadlock, a retryable database error, or an internal error. */
function expectNoTransientError(results: GqlResult[]): void {
  for (const r of results) {
    expect(JSON.stringify(r.errors ?? [])).not.toMatch(/deadlock|TransientError|Neo\./i);
    expect(r.errors?.[0]?.extensions?.code ?? "none").not.toMatch(
      /INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE/,
    );
  }
}

/** The sandbox's invariant breaches, read back from the graph (each list should be empty). */
async function breaches(): Promise<{ twoSuperiors: string[]; cycles: string[]; outlived: string[] }> {
  const [row] = await server.db.read(
    `MATCH (u:Unit) WHERE u.id STARTS WITH $p
     WITH collect(u) AS units
     RETURN
       [u IN units WHERE EXISTS {
          MATCH (u)-[a:SUBORDINATE_TO]->(), (u)-[b:SUBORDINATE_TO]->()
          WHERE elementId(a) < elementId(b)
            AND coalesce(a.validFrom, date('0001-01-01')) <= coalesce(b.validTo, date('9999-12-31'))
            AND coalesce(b.validFrom, date('0001-01-01')) <= coalesce(a.validTo, date('9999-12-31'))
        } | u.id] AS twoSuperiors,
       [u IN units WHERE EXISTS { MATCH (u)-[:SUBORDINATE_TO*1..20]->(u) } | u.id] AS cycles,
       [u IN units WHERE EXISTS {
          MATCH (u)-[r:SUBORDINATE_TO]->(s:Unit)
          WHERE coalesce(r.validTo, date('9999-12-31')) > coalesce(s.validTo, date('9999-12-31'))
             OR coalesce(r.validTo, date('9999-12-31')) > coalesce(u.validTo, date('9999-12-31'))
        } | u.id] AS outlived`,
    { p: P },
  );
  return row as { twoSuperiors: string[]; cycles: string[]; outlived: string[] };
}

/** The superior of each cell of the sandbox on a day after the moves. */
async function superiorsAfter(): Promise<Map<string, string[]>> {
  const rows = await server.db.read(
    `MATCH (x:Unit)-[r:SUBORDINATE_TO]->(s:Unit)
     WHERE x.id STARTS WITH $cells AND r.validFrom <= date('2026-06-01')
       AND (r.validTo IS NULL OR r.validTo >= date('2026-06-01'))
     RETURN x.id AS cell, collect(s.id) AS superiors`,
    { cells: `${P}chi-bo-` },
  );
  return new Map(rows.map((r) => [r.cell as string, r.superiors as string[]]));
}

describe("concurrent changes", () => {
  it("commits every one of many changes to different units sent at once", async () => {
    const moves = PROVINCES.flatMap((p) => CELLS.map((c) => move(cell(p, c), commune(p, 1 + (c % 3)))));
    const renames = PROVINCES.flatMap((p) =>
      COMMUNES.map((c) =>
        gqlAs(server, admin, RENAME, {
          in: { id: commune(p, c), effectiveOn: "2026-02-01", basis: BASIS, name: `renamed ${p}${c}` },
        }),
      ),
    );
    const results = await Promise.all([...moves, ...renames]);
    expectNoTransientError(results);
    expect(results.filter((r) => r.errors).map((r) => r.errors?.[0]?.message)).toEqual([]);
    const superiors = await superiorsAfter();
    for (const p of PROVINCES)
      for (const c of CELLS) expect(superiors.get(cell(p, c))).toEqual([commune(p, 1 + (c % 3))]);
    expect(await breaches()).toEqual({ twoSuperiors: [], cycles: [], outlived: [] });
  }, 120_000);

  it("serialises conflicting changes: each commits on what the one before left, or fails with its rule", async () => {
    // Moves of one cell to each commune it is not under (so each one changes something, in any
    // order), for two cells; and a commune closed while cells are being moved into it: a move that
    // commits first makes the close fail (NO_ORPHANS); a close that commits first makes the moves'
    // edges end with the commune.
    const targets = (current: number) => COMMUNES.filter((c) => c !== current);
    const sameCell = targets(1).map((c) => move(cell("a", 0), commune("a", c)));
    const other = targets(2).map((c) => move(cell("a", 1), commune("a", c)));
    const intoClosing = [2, 3].map((c) => move(cell("b", c), commune("b", 0)));
    const close = gqlAs(server, admin, CLOSE, { id: commune("b", 0), d: "2026-06-30", b: BASIS });
    const results = await Promise.all([...sameCell, ...other, ...intoClosing, close]);
    expectNoTransientError(results);

    const moves = results.slice(0, -1);
    expect(moves.filter((r) => r.errors).map((r) => r.errors?.[0]?.message)).toEqual([]);
    const closed = results.at(-1) as GqlResult;
    expect(closed.errors?.[0]?.message ?? "committed").toMatch(/^committed$|NO_ORPHANS/);
    const superiors = await superiorsAfter();
    for (const c of [0, 1]) expect(superiors.get(cell("a", c))).toHaveLength(1);
    for (const c of [2, 3]) expect(superiors.get(cell("b", c))).toEqual([commune("b", 0)]);
    expect(await breaches()).toEqual({ twoSuperiors: [], cycles: [], outlived: [] });
  }, 120_000);
});
