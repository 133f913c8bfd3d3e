/**
 * Restructuring under load and as history: 200 randomized concurrent moves, merges and
 * closes leave no cycle and no double superior; and replaying the 2025 reform as events over
 * the pre-2025 graph gives the same as-of answers as the seed's history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { active } from "../../src/store/cypher-fragments.ts";
import {
  doubleSuperiors,
  fetchPlainGraph,
  relationsOutsideEndpoints,
  superiorCycles,
} from "./helpers/graph-oracle.ts";
import { closeSandbox, create, gqlAs, openSandbox } from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

let server: TestServer;
let admin: string;

beforeAll(async () => {
  ({ server, admin } = await openSandbox());
});
afterAll(() => closeSandbox(server, "cc-", "rp-"));

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("concurrent restructuring", () => {
  it("200 randomized concurrent moves, merges and closes leave no cycle and no double superior", async () => {
    const P = "cc-";
    await create(server, admin, { id: `${P}tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
    const districts = [0, 1, 2, 3].map((i) => `${P}huyen-${i}`);
    for (const d of districts) await create(server, admin, { id: d, kind: "DISTRICT_COMMITTEE" }, `${P}tinh`);
    const communes = Array.from({ length: 12 }, (_, i) => `${P}xa-${i}`);
    for (const [i, c] of communes.entries())
      await create(server, admin, { id: c, kind: "COMMUNE_COMMITTEE" }, districts[i % 4] as string);
    const cells = Array.from({ length: 12 }, (_, i) => `${P}chi-bo-${i}`);
    for (const [i, c] of cells.entries())
      await create(server, admin, { id: c, kind: "BASIC_PARTY_CELL" }, communes[i] as string);

    const random = prng(20251123);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const day = () =>
      `202${1 + Math.floor(random() * 4)}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-01`;
    const ops: { query: string; variables: Record<string, unknown> }[] = [];
    for (let i = 0; i < 200; i++) {
      const r = random();
      if (r < 0.4)
        ops.push({
          query: `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`,
          variables: { u: pick(communes), s: pick(districts), d: day() },
        });
      else if (r < 0.55)
        ops.push({
          // Attempts at a cycle or a forbidden pairing: a district under a commune or a cell.
          query: `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`,
          variables: { u: pick(districts), s: pick([...communes, ...cells]), d: day() },
        });
      else if (r < 0.75)
        ops.push({
          query: `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`,
          variables: { u: pick(cells), s: pick(communes), d: day() },
        });
      else if (r < 0.9) {
        const a = pick(communes);
        const b = pick(communes.filter((c) => c !== a));
        ops.push({
          query: `mutation ($a: ID!, $b: ID!, $into: ID!, $d: Date!) { mergeUnits(input: { sourceIds: [$a, $b], into: { id: $into, name: "Xã hợp nhất", kind: COMMUNE_COMMITTEE }, effectiveOn: $d, basis: ["dieu-le-dang-whole"] }) { id } }`,
          variables: { a, b, into: `${P}xa-hop-${i}`, d: day() },
        });
      } else
        ops.push({
          query: `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`,
          variables: { id: pick([...cells, ...communes]), d: day() },
        });
    }

    const outcomes = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < ops.length) {
        const op = ops[next++] as (typeof ops)[number];
        const res = await gqlAs(server, admin, op.query, op.variables);
        const code = res.errors ? String(res.errors[0]?.extensions?.code) : "OK";
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    // Every request ended in success or a typed refusal; none failed unexpectedly.
    expect(
      [...outcomes.keys()].every((c) => ["OK", "CONFLICT", "BAD_USER_INPUT", "NOT_FOUND"].includes(c)),
      JSON.stringify([...outcomes]),
    ).toBe(true);
    expect(outcomes.get("OK") ?? 0).toBeGreaterThan(20);
    expect((outcomes.get("CONFLICT") ?? 0) + (outcomes.get("BAD_USER_INPUT") ?? 0)).toBeGreaterThan(10);

    // Checked by walking the graph in TypeScript (helpers/graph-oracle.ts), not by the service's Cypher.
    const graph = await fetchPlainGraph(server.db, P);
    expect(graph.relations.filter((r) => r.type === "SUBORDINATE_TO").length).toBeGreaterThan(20);
    expect(doubleSuperiors(graph)).toEqual([]);
    expect(superiorCycles(graph)).toEqual([]);
    expect(relationsOutsideEndpoints(graph)).toEqual([]);
    const audited = await server.db.read(
      "MATCH (e:Event)-[:AFFECTED]->(u:Unit) WHERE u.id STARTS WITH $p RETURN count(DISTINCT e) AS n",
      { p: P },
    );
    expect(audited[0]?.n as number).toBeGreaterThanOrEqual((outcomes.get("OK") ?? 0) + 1);
  }, 180_000); // 200 changes: minutes on a loaded 2-core machine
});

describe("replaying the 2025 reform", () => {
  const chainOf = async (id: string, asOf: string) =>
    (
      await gqlAs<{ reportingChain: { to: { id: string; kind: string } }[] }>(
        server,
        null,
        `{ reportingChain(unitId: "${id}", asOf: "${asOf}") { to { id kind } } }`,
      )
    ).data?.reportingChain.map((s) => s.to) ?? [];
  const run = async (query: string) => {
    const res = await gqlAs(server, admin, query);
    expect(res.errors, query).toBeUndefined();
  };

  it("gives the same as-of answers as the seed's history for Quảng Ngãi", async () => {
    // The pre-2025 world: everything in force under Quảng Ngãi and Kon Tum on 30/06/2025, cloned
    // with its structure and without the ends the seed knows.
    await server.db.write(
      `WITH date('2025-06-30') AS d
       MATCH (root:Unit) WHERE root.id IN ['tinh-uy-quang-ngai', 'tinh-uy-kon-tum']
       MATCH (x:Unit) (()-[r:SUBORDINATE_TO|PART_OF]->(n:Unit) WHERE ${active("r")}){0,10} (root)
       WHERE ${active("x")}
       WITH DISTINCT x, properties(x) AS p
       CREATE (c:Unit) SET c = p {.*, id: 'rp-' + x.id, validTo: null, origin: 'test'}`,
    );
    for (const type of ["SUBORDINATE_TO", "PART_OF"])
      await server.db.write(
        `WITH date('2025-06-30') AS d
         MATCH (ca:Unit) WHERE ca.id STARTS WITH 'rp-'
         MATCH (a:Unit {id: substring(ca.id, 3)})-[r:${type}]->(b:Unit) WHERE ${active("r")}
         OPTIONAL MATCH (cb:Unit {id: 'rp-' + b.id})
         WITH ca, r, coalesce(cb, b) AS target, properties(r) AS p
         CREATE (ca)-[nr:${type}]->(target) SET nr = p {.*, id: 'rp-' + r.id, validTo: null, origin: 'test'}`,
      );

    // The reform as events: districts abolished, the provinces merged, the new provincial
    // committee for the government side, the bloc committee's cells moved, the bloc closed.
    // Both provinces have district committees in the seed (Quảng Ngãi four, Kon Tum two).
    for (const p of ["rp-tinh-uy-quang-ngai", "rp-tinh-uy-kon-tum"])
      await run(
        `mutation { abolishLevel(input: { underId: "${p}", kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { id } }`,
      );
    await run(`mutation { mergeUnits(input: { sourceIds: ["rp-tinh-uy-quang-ngai", "rp-tinh-uy-kon-tum"],
      into: { id: "rp-tinh-uy-quang-ngai-2025", name: "Tỉnh ủy Quảng Ngãi", kind: PROVINCIAL_COMMITTEE, level: PROVINCIAL, province: "quang-ngai" },
      effectiveOn: "2025-07-01", basis: ["qd-321-328-2025-whole"] }) { id } }`);
    await run(`mutation { createUnit(input: { unit: { id: "rp-dang-uy-ubnd-tinh-quang-ngai-2025", name: "Đảng ủy UBND tỉnh Quảng Ngãi", kind: GOVERNMENT_PARTY_COMMITTEE },
      superiorId: "rp-tinh-uy-quang-ngai-2025", effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { id } }`);
    const blocChildren = await server.db.read(
      `MATCH (c:Unit)-[r:SUBORDINATE_TO]->(:Unit {id: 'rp-dang-uy-khoi-co-quan-quang-ngai'})
       WHERE r.validTo IS NULL OR r.validTo >= date('2025-07-01') RETURN c.id AS id`,
    );
    for (const c of blocChildren)
      await run(
        `mutation { setSuperior(unitId: "${c.id}", superiorId: "rp-dang-uy-ubnd-tinh-quang-ngai-2025", effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"]) { id } }`,
      );
    await run(
      `mutation { closeUnit(id: "rp-dang-uy-khoi-co-quan-quang-ngai", lastDay: "2025-06-30", basis: ["qd-294-2025-whole"]) { id } }`,
    );

    // The agency cell: the same chain, day for day, as the seed's history.
    const strip = (xs: { id: string }[]) => xs.map((x) => x.id.replace(/^rp-/, ""));
    for (const asOf of ["2025-06-30", "2025-07-01", "2026-01-01"])
      expect(strip(await chainOf("rp-chi-bo-so-noi-vu-quang-ngai", asOf)), asOf).toEqual(
        strip(await chainOf("chi-bo-so-noi-vu-quang-ngai", asOf)),
      );

    // Communes: through a district before, straight to the province after — as in the seed.
    const seedNewCommune = await server.db.read(
      `MATCH (c:Unit {kind: 'COMMUNE_COMMITTEE', province: 'quang-ngai'})-[r:SUBORDINATE_TO]->(:Unit {id: 'tinh-uy-quang-ngai-2025'})
       RETURN c.id AS id LIMIT 1`,
    );
    const seedKindsAfter = (await chainOf(seedNewCommune[0]?.id as string, "2025-07-01")).map((s) => s.kind);
    const replayed = await server.db.read(
      "MATCH (c:Unit {kind: 'COMMUNE_COMMITTEE'}) WHERE c.id STARTS WITH 'rp-' RETURN c.id AS id, substring(c.id, 3) AS original",
    );
    expect(replayed.length).toBeGreaterThan(0);
    for (const c of replayed) {
      expect((await chainOf(c.id as string, "2025-07-01")).map((s) => s.kind)).toEqual(seedKindsAfter);
      expect((await chainOf(c.id as string, "2025-06-30")).map((s) => s.kind)).toEqual(
        (await chainOf(c.original as string, "2025-06-30")).map((s) => s.kind),
      );
    }

    // No district is in force after the reform, in either world.
    const districts = async (under: string) =>
      (
        await gqlAs<{ units: { totalCount: number } }>(
          server,
          null,
          `{ units(kinds: [DISTRICT_COMMITTEE], under: "${under}", asOf: "2025-07-01") { totalCount } }`,
        )
      ).data?.units.totalCount;
    expect(await districts("rp-tinh-uy-quang-ngai-2025")).toBe(0);
    expect(await districts("tinh-uy-quang-ngai-2025")).toBe(0);
  }, 180_000); // the whole reform replayed as events
});
