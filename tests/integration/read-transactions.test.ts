/**
 * Reads run in read transactions, so that a `neo4j://` routing driver sends them to followers
 * and read replicas; writes in write transactions; and a read after a write waits for it (the
 * bookmark). Observed on the wire: the service talks to the test Neo4j through a relay that
 * reads the Bolt messages (helpers/bolt-tap.ts), and Neo4j itself refuses a write in a read
 * transaction. A last check runs the service over a `neo4j://` URI.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { Database } from "../../src/store/database.ts";
import { type BoltTap, startBoltTap, type TappedStatement } from "./helpers/bolt-tap.ts";
import { CREATE, createVariables, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";

const PREFIX = "read-tx-test-";

/** Read paths of the API: GraphQL queries of several areas, the calendar feed and an export. */
const READS = [
  `{ reportingObligations(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2024-06-01") { recipient { name } via { name } basis { label } rule { title } } }`,
  `{ reportingChain(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2025-07-01") { from { name } to { name } basis { label } } }`,
  `{ unit(id: "tinh-uy-quang-ngai") { name descendants(asOf: "2024-06-01", first: 50) { totalCount } } }`,
  `{ searchUnits(text: "tinh uy lam dong", first: 5) { id } }`,
  `{ stats { units relations documents provisions } }`,
];
const HTTP_READS = ["/calendar/chi-bo-so-noi-vu-quang-ngai.ics", "/export/tinh-uy-quang-ngai.json"];

interface Running {
  db: Database;
  server: RunningServer;
  base: string;
}

async function startOn(uri: string): Promise<Running> {
  const neo4j = inject("neo4j");
  const config = loadConfig({
    REQUEST_TIMEOUT_MS: "120000",
    WRITE_TIMEOUT_MS: "60000",
    JWT_SECRET: TEST_SECRET,
    NEO4J_URI: uri,
    NEO4J_PASSWORD: neo4j.password,
    LOG_LEVEL: "silent",
  });
  const db = new Database({
    uri,
    user: neo4j.user,
    password: neo4j.password,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
  });
  const server = await startServer({ db, config, log: createLogger("silent"), port: 0, host: "127.0.0.1" });
  return { db, server, base: server.url.replace(/\/graphql$/, "") };
}

async function stop(r: Running | undefined): Promise<void> {
  await r?.server.stop();
  await r?.db.close();
}

async function gql(
  base: string,
  query: string,
  variables?: Record<string, unknown>,
  bearer?: string,
): Promise<{ data?: Record<string, unknown> | null; errors?: { message: string }[] }> {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string }[] };
}

/** The statements sent while `work` ran. */
async function sentDuring(tap: BoltTap, work: () => Promise<void>): Promise<TappedStatement[]> {
  const from = tap.statements.length;
  await work();
  return tap.statements.slice(from);
}

const writes = (s: TappedStatement[]) => s.filter((x) => x.mode === "w").map((x) => x.query.slice(0, 80));

let tap: BoltTap;
let running: Running;

beforeAll(async () => {
  tap = await startBoltTap(inject("neo4j").uri);
  running = await startOn(tap.uri);
});

afterAll(async () => {
  await removeSandbox(running.db, PREFIX);
  await stop(running);
  await tap.close();
});

describe("read transactions", () => {
  it("every statement of the read paths runs in a read transaction", async () => {
    const sent = await sentDuring(tap, async () => {
      for (const query of READS) expect((await gql(running.base, query)).errors).toBeUndefined();
      for (const p of HTTP_READS) {
        const res = await fetch(`${running.base}${p}`);
        await res.arrayBuffer();
        expect(res.status, p).toBe(200);
      }
    });
    expect(sent.length).toBeGreaterThanOrEqual(READS.length + HTTP_READS.length);
    expect(writes(sent)).toEqual([]);
  }, 240_000); // cold first queries on a busy machine

  it("a mutation writes in a write transaction, and the next read waits for its bookmark", async () => {
    const admin = await token("admin", [], "admin-tester");
    const before = await sentDuring(tap, async () => {
      expect((await gql(running.base, READS[4] as string)).errors).toBeUndefined();
    });
    const mutation = await sentDuring(tap, async () => {
      const res = await gql(
        running.base,
        CREATE,
        createVariables({ id: `${PREFIX}tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong"),
        admin,
      );
      expect(res.errors).toBeUndefined();
    });
    const after = await sentDuring(tap, async () => {
      const res = await gql(running.base, `{ unit(id: "${PREFIX}tinh") { id } }`);
      expect(res.data?.unit).toEqual({ id: `${PREFIX}tinh` });
    });
    expect(writes(mutation).length).toBeGreaterThan(0);
    const lastBefore = before.at(-1)?.bookmarks;
    const firstAfter = after[0];
    expect(firstAfter?.mode).toBe("r");
    expect(firstAfter?.bookmarks.length).toBeGreaterThan(0);
    // The bookmark moved on with the write: the read is causally after it.
    expect(firstAfter?.bookmarks).not.toEqual(lastBefore);
  });

  it("Neo4j refuses a write in the service's read transactions", async () => {
    const attempt = running.db.read(`CREATE (n:ReadTransactionProbe {id: "${PREFIX}probe"}) RETURN n`);
    await expect(attempt).rejects.toMatchObject({ code: "Neo.ClientError.Statement.AccessMode" });
    const left = await running.db.read(`MATCH (n:ReadTransactionProbe) RETURN count(n) AS n`);
    expect(left).toEqual([{ n: 0 }]);
  });
});

describe("a neo4j:// routing URI", () => {
  let routed: Running | undefined;
  afterAll(() => stop(routed));

  it("the service reads and writes through the driver's routing table", async () => {
    const { port } = new URL(inject("neo4j").uri);
    routed = await startOn(`neo4j://127.0.0.1:${port}`);
    const read = await gql(routed.base, READS[0] as string);
    expect(read.errors).toBeUndefined();
    expect(read.data?.reportingObligations).toEqual(expect.arrayContaining([expect.anything()]));
    const admin = await token("admin", [], "admin-tester");
    const res = await gql(
      routed.base,
      CREATE,
      createVariables({ id: `${PREFIX}routed`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong"),
      admin,
    );
    expect(res.errors).toBeUndefined();
  });
});
