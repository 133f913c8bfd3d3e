/**
 * Downloads within EXPORT_TIMEOUT_MS, against the real Neo4j: every read of a download runs with
 * what is left of it as its transaction timeout, so a download whose read outlasts it is answered
 * TIMEOUT (503, one line of JSON naming EXPORT_TIMEOUT_MS) before any byte of the file, Neo4j
 * stops the read (no transaction of it is left running), and its EXPORT_CONCURRENCY slot comes
 * free for the next download — on /export, /registry and /export/diff.
 *
 * The fixture makes one read of each route take practically for ever with a few dozen units: a
 * "ladder" of 40 levels of two units, each subordinate to both units above it, so that there are
 * 2^39 structural paths from the bottom to the top. A scoped reader's visibility check of a
 * bottom unit (outside its scope) walks every path up before it can say no; a reader scoped at
 * the ladder's top has a diff export list its part of the graph first, a walk of every path down
 * whose dates must hold together (so none can be cut short). (No real hierarchy looks like this: the invariants keep one
 * superior per unit; it is written straight into Neo4j, and removed afterwards.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually } from "./helpers/eventually.ts";
import { TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

vi.setConfig({ testTimeout: 180_000 });

const P = "tmo-";
const LEVELS = 40;
const BOTTOM = `${P}${LEVELS}-0`;
const SEED_UNIT = "chi-bo-so-noi-vu-quang-ngai";

let server: TestServer;
let admin: string;
let outsider: string;
let ladderReader: string;

/** The statements still running in Neo4j on the ladder's units (named by their parameters). */
async function ladderReads(): Promise<string[]> {
  const rows = await server.db.read(
    "SHOW TRANSACTIONS YIELD currentQuery, parameters RETURN currentQuery, parameters",
  );
  return rows.filter((r) => JSON.stringify(r.parameters).includes(P)).map((r) => String(r.currentQuery));
}

/** A download; `complete` false when its connection was cut mid-stream (past EXPORT_TIMEOUT_MS on a loaded machine). */
async function download(
  path: string,
  bearer: string,
): Promise<{ status: number; body: string; complete: boolean }> {
  const res = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  const body = await res.text().catch(() => null);
  return { status: res.status, body: body ?? "", complete: body !== null };
}

beforeAll(async () => {
  server = await startTestServer({
    JWT_SECRET: TEST_SECRET,
    READ_ACCESS: "scoped",
    EXPORT_CONCURRENCY: "1",
    // Long enough for the next (small) download to finish within it on a loaded machine.
    EXPORT_TIMEOUT_MS: "5000",
  });
  admin = await token("admin", [], "admin-tmo-tester");
  outsider = await token("viewer", ["tinh-uy-lam-dong-2025"], "viewer-tmo-tester");
  ladderReader = await token("viewer", [`${P}0-0`], "viewer-tmo-ladder");
  const levels = Array.from({ length: LEVELS + 1 }, (_, l) => l);
  await server.db.write(
    `UNWIND $levels AS l
     UNWIND CASE l WHEN 0 THEN [0] ELSE [0, 1] END AS k
     CREATE (:Unit {id: $p + l + '-' + k, name: 'Bậc thang ' + l + '-' + k,
                    kind: CASE l WHEN 0 THEN 'PROVINCIAL_COMMITTEE' ELSE 'BASIC_PARTY_CELL' END})`,
    { levels, p: P },
  );
  await server.db.write(
    `UNWIND $levels AS l
     MATCH (a:Unit), (b:Unit)
     WHERE a.id IN [$p + l + '-0', $p + l + '-1'] AND b.id IN [$p + (l - 1) + '-0', $p + (l - 1) + '-1']
     CREATE (a)-[:SUBORDINATE_TO {id: a.id + '>' + b.id}]->(b)`,
    { levels: levels.slice(1), p: P },
  );
});

afterAll(async () => {
  await server?.db.write("MATCH (u:Unit) WHERE u.id STARTS WITH $p DETACH DELETE u", { p: P });
  await server?.close();
});

describe("a download past EXPORT_TIMEOUT_MS", () => {
  const cases: [string, string, () => string][] = [
    ["/export", `/export/${BOTTOM}.json`, () => outsider],
    ["/registry", `/registry/${BOTTOM}.csv`, () => outsider],
    ["/export/diff", "/export/diff/_all.json?from=2020-01-01&to=2021-01-01", () => ladderReader],
  ];
  for (const [route, path, bearer] of cases)
    it(`on ${route} fails coded, stops its reads in Neo4j and frees its slot`, async () => {
      const res = await download(path, bearer());
      expect(res.status, res.body).toBe(503);
      expect(JSON.parse(res.body).error).toMatchObject({
        code: "TIMEOUT",
        limit: "EXPORT_TIMEOUT_MS",
        max: 5000,
      });
      // Neo4j ends the read at its transaction timeout (within its own check interval).
      expect(await eventually(ladderReads, (q) => q.length === 0, 60_000)).toEqual([]);
      // The only slot (EXPORT_CONCURRENCY=1) is free again: the next download is served.
      const next = await eventually(
        () => download(`/export/${SEED_UNIT}.csv`, admin),
        (r) => r.status !== 503 && r.complete,
        60_000,
      );
      expect(next).toMatchObject({ status: 200, complete: true });
      expect(next.body).toContain(SEED_UNIT);
    });
});
