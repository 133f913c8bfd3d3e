/**
 * Bulk import of a generated graph (scale 0.001) into the shared test Neo4j: twice, the second
 * time changing nothing; then a reporting chain over HTTP through generated units. The test
 * writes in one transaction per import and removes everything it wrote at the end, so that the
 * other files' whole-graph snapshots see the database as the seed left it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANCHOR_UNITS } from "../../src/generator/model.ts";
import { countNation, generateNation, LAST_OLD_DAY, REFORM_DAY } from "../../src/generator/national.ts";
import {
  checkAnchors,
  countGenerated,
  deleteGenerated,
  ensureImportSchema,
  importGenerated,
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
    await ensureImportSchema(server.db);
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
    expect(counted).toEqual({
      units: expected.units,
      relations: expected.relations,
      events: expected.events,
      eventLinks: expected.eventLinks,
    });
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
