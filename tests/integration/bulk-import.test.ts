/**
 * Bulk import of a generated graph (scale 0.001) into the shared test Neo4j: twice, the second
 * time changing nothing; then a reporting chain over HTTP through generated units. The test
 * writes in one transaction per import and removes everything it wrote at the end, so that the
 * other files' whole-graph snapshots see the database as the seed left it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RELATION_TYPE_NAMES } from "../../src/domain/relation-types.ts";
import { ANCHOR_UNITS, type GeneratedBatch } from "../../src/generator/model.ts";
import { countNation, generateNation, LAST_OLD_DAY, REFORM_DAY } from "../../src/generator/national/index.ts";
import {
  checkAnchors,
  countGenerated,
  deleteGenerated,
  importGenerated,
  relationsCypher,
} from "../../src/store/bulk-import.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const SCALE = 0.001;

describe("bulk import of a generated graph", () => {
  let server: TestServer;
  const expected = countNation({ scale: SCALE });

  beforeAll(async () => {
    // Round-trip counts here describe the queries themselves, so the result cache is off; with it
    // on, a request first reads the graph's version (tests/integration/result-cache.test.ts).
    server = await startTestServer({ RESULT_CACHE_MB: "0" });
    await checkAnchors(server.db, ANCHOR_UNITS);
  });

  afterAll(async () => {
    if (!server) return;
    await deleteGenerated(server.db, 1_000_000);
    await server.close();
  });

  it("imports every unit, relation and merger event, and a second run changes nothing", async () => {
    const before = await server.db.read("MATCH (n) RETURN count(n) AS nodes");
    const first = await importGenerated(server.db, generateNation({ scale: SCALE }), {
      singleTransaction: true,
    });
    expect(first.units).toBe(expected.units);
    expect(first.relations).toBe(expected.relations);
    expect(first.events).toBe(expected.events);
    const counted = await countGenerated(server.db);
    expect(counted).toEqual(wholeNation());
    const afterFirst = await server.db.read("MATCH (n) RETURN count(n) AS nodes");
    expect(afterFirst[0]?.nodes).toBe((before[0]?.nodes as number) + expected.units + expected.events);

    const second = await importGenerated(server.db, generateNation({ scale: SCALE }), {
      singleTransaction: true,
    });
    expect(second.units).toBe(expected.units);
    expect(await countGenerated(server.db)).toEqual(counted);
    const afterSecond = await server.db.read(
      `MATCH (n) WITH count(n) AS nodes
       CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
       CALL { MATCH (u:Unit) WHERE u.id STARTS WITH 'gen-' RETURN count(DISTINCT u.id) AS ids, count(u) AS units }
       RETURN nodes, relationships, ids, units`,
    );
    expect(afterSecond[0]?.nodes).toBe(afterFirst[0]?.nodes);
    expect(afterSecond[0]?.ids).toBe(afterSecond[0]?.units);
    const generated = await server.db.read(
      "MATCH (u:Unit) WHERE u.id STARTS WITH 'gen-' AND (u.synthetic <> true OR u.origin <> 'generated') RETURN count(u) AS n",
    );
    expect(generated[0]?.n).toBe(0);
  });

  it("looks relations up with a seek on their id index, whatever the statistics", async () => {
    // The test database holds few relationships of each type: the statistics under which the
    // planner, unhinted, scans the whole id index for every row.
    for (const type of RELATION_TYPE_NAMES) {
      const session = server.db.driver.session({ database: server.db.database });
      try {
        const result = await session.run(`EXPLAIN ${relationsCypher(type)}`, {
          rows: "",
          record: "\u001e",
          field: "\u001f",
          item: "\u001d",
        });
        const operators: string[] = [];
        const walk = (p: { operatorType: string; children: unknown[] }) => {
          operators.push(p.operatorType.split("@")[0] as string);
          for (const c of p.children) walk(c as typeof p);
        };
        walk(result.summary.plan as unknown as { operatorType: string; children: unknown[] });
        expect(operators, type).toContain("DirectedRelationshipIndexSeek");
        expect(
          operators.filter((o) => /Scan/.test(o)),
          type,
        ).toEqual([]);
      } finally {
        await session.close();
      }
    }
  });

  it("completes an interrupted import, one transaction per statement, without twins", async () => {
    await deleteGenerated(server.db, 1_000_000);
    // The interrupted run: every chunk but the last, then the last with half its relations.
    const all = [...generateNation({ scale: SCALE })];
    const last = all.at(-1) as GeneratedBatch;
    const partial = [
      ...all.slice(0, -1),
      { ...last, relations: last.relations.slice(0, last.relations.length / 2), events: [] },
    ];
    const interrupted = await importGenerated(server.db, partial, { batchSize: 100 });
    // Units are CREATEd while they are new, MERGEd where the unique constraint finds them there.
    expect(interrupted.unitBatchesMerged).toBe(0);
    const resumed = await importGenerated(server.db, all, { batchSize: 100 });
    expect(resumed.unitBatchesMerged).toBeGreaterThan(0);
    expect(resumed.relations).toBe(expected.relations);
    expect(await countGenerated(server.db)).toEqual(wholeNation());
    expect(await twins()).toEqual({ relations: 0, links: 0 });
  });

  it("adds no twins when two imports run at once", async () => {
    await deleteGenerated(server.db, 1_000_000);
    await Promise.all([
      importGenerated(server.db, generateNation({ scale: SCALE }), { batchSize: 150 }),
      importGenerated(server.db, generateNation({ scale: SCALE }), { batchSize: 150 }),
    ]);
    expect(await countGenerated(server.db)).toEqual(wholeNation());
    expect(await twins()).toEqual({ relations: 0, links: 0 });
  });

  /** What countGenerated says of the whole generated nation at SCALE, imported once. */
  function wholeNation() {
    const { units, relations, events, eventLinks } = expected;
    return { units, relations, events, eventLinks };
  }

  /** Generated relationships sharing an id, and merger event links repeated between the same nodes. */
  async function twins(): Promise<{ relations: number; links: number }> {
    const rows = await server.db.read(
      `CALL { MATCH (:Unit)-[r]->(:Unit) WHERE r.origin = 'generated'
              WITH r.id AS id, count(*) AS n WHERE n > 1 RETURN count(*) AS relations }
       CALL { MATCH (e:MergerEvent)-[l]->(u:Unit)
              WITH e, type(l) AS t, u, count(*) AS n WHERE n > 1 RETURN count(*) AS links }
       RETURN relations, links`,
    );
    return rows[0] as { relations: number; links: number };
  }

  it("answers a reporting chain over HTTP through generated units, before and after the reform", async () => {
    const rows = await server.db.read(
      "MATCH (u:Unit {kind: 'SUBORDINATE_PARTY_CELL', sector: 'LOCALITY'}) WHERE u.id STARTS WITH 'gen-' RETURN u.id AS id ORDER BY id LIMIT 1",
    );
    const id = rows[0]?.id as string;
    expect(id).toMatch(/^gen-/);
    const query = `query($id: ID!, $asOf: Date) { reportingChain(unitId: $id, asOf: $asOf) {
      from { id kind } to { id kind } relation basis { id } } }`;
    type Step = { from: { id: string; kind: string }; to: { id: string; kind: string }; relation: string };
    const before = await server.gql<{ reportingChain: Step[] }>(query, { id, asOf: LAST_OLD_DAY });
    const after = await server.gql<{ reportingChain: Step[] }>(query, { id, asOf: REFORM_DAY });
    expect(before.errors).toBeUndefined();
    expect(after.errors).toBeUndefined();
    const kinds = (steps: Step[] | undefined) => (steps ?? []).map((s) => s.to.kind);
    expect(kinds(before.data?.reportingChain)).toEqual([
      "COMMUNE_COMMITTEE",
      "DISTRICT_COMMITTEE",
      "PROVINCIAL_COMMITTEE",
      "CENTRAL_COMMITTEE",
    ]);
    expect(kinds(after.data?.reportingChain)).toEqual([
      "COMMUNE_COMMITTEE",
      "PROVINCIAL_COMMITTEE",
      "CENTRAL_COMMITTEE",
    ]);
    expect(after.data?.reportingChain.at(-1)?.to.id).toBe("bch-trung-uong");
    expect(after.extensions?.cypherRoundTrips).toBe(1);
  });
});
