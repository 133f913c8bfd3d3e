/**
 * Recovery, with real processes: a change that cannot get the hierarchy lock in its time
 * budget; the service (`src/main.ts` as a child process, its own embedded Neo4j) while its JVM
 * is killed during a stream of acknowledged writes, and on SIGTERM during writes; and a
 * service on an external NEO4J_URI whose server dies and returns. Slow: it starts four JVMs.
 * Time bounds here are generous ("answers within 5 s"): the requirement is not to hang.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import neo4j from "neo4j-driver";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Backend, openBackend } from "../../src/bootstrap.ts";
import { loadConfig } from "../../src/config.ts";
import { CODE_MESSAGES_VI, RULE_MESSAGES_VI } from "../../src/domain/error-messages-vi.ts";
import { type EmbeddedNeo4j, startEmbeddedNeo4j } from "../../src/neo4j/launcher.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { Database } from "../../src/store/database.ts";
import { freePort } from "../support/global-setup.ts";
import { randomSecret } from "../support/secrets.ts";
import { CREATE, createVariables, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer } from "./helpers/test-server.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = randomSecret();
const SUPERIOR = "bch-trung-uong";
const JVM_START_MS = 240_000;

/** The units the write streams create: provincial committees under the Central Committee. */
const newUnit = (id: string) => ({ id, kind: "PROVINCIAL_COMMITTEE" });

type LogLine = { msg?: string; pid?: number; [k: string]: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** GET with a 5 s bound: a probe that does not answer in time fails the test. */
async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function graphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  bearer?: string,
): Promise<{
  status: number;
  body: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
}> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as never };
}

// ---------------------------------------------------------------------------------------------
// A stream of createUnit mutations from several clients, each outcome recorded.

type Outcome =
  | { id: string; kind: "acknowledged" }
  | { id: string; kind: "refused"; status: number; code: unknown }
  | { id: string; kind: "not-connected" }
  | { id: string; kind: "dropped"; error: string };

function writeStream(url: string, admin: string, prefix: string, clients: number) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let n = 0;
  const client = async () => {
    while (!stopped) {
      const id = `${prefix}${n++}`;
      try {
        const res = await graphql(url, CREATE, createVariables(newUnit(id), SUPERIOR), admin);
        if (res.body.errors) {
          outcomes.push({
            id,
            kind: "refused",
            status: res.status,
            code: res.body.errors[0]?.extensions?.code,
          });
          await sleep(100);
        } else outcomes.push({ id, kind: "acknowledged" });
      } catch (e) {
        const code = (e as { cause?: { code?: string } }).cause?.code;
        // Refused at connect: the request never reached the service (it stopped listening).
        if (code === "ECONNREFUSED") {
          outcomes.push({ id, kind: "not-connected" });
          return;
        }
        outcomes.push({ id, kind: "dropped", error: `${(e as Error).message} ${code ?? ""}` });
        await sleep(100);
      }
    }
  };
  const running = Promise.all(Array.from({ length: clients }, client));
  return {
    outcomes,
    acknowledged: () => outcomes.filter((o) => o.kind === "acknowledged").map((o) => o.id),
    async stop() {
      stopped = true;
      await running;
    },
    finished: running,
  };
}

/** Every unit under the prefix, with its superior link and the events that created it. */
async function unitsWritten(
  db: Database,
  prefix: string,
): Promise<Map<string, { superiors: number; events: number }>> {
  const rows = await db.read(
    `MATCH (u:Unit) WHERE u.id STARTS WITH $prefix
     OPTIONAL MATCH (u)-[s:SUBORDINATE_TO]->(:Unit {id: $superior})
     OPTIONAL MATCH (e:Event {kind: 'CREATE_UNIT'})-[:AFFECTED]->(u)
     RETURN u.id AS id, count(DISTINCT s) AS superiors, count(DISTINCT e) AS events`,
    { prefix, superior: SUPERIOR },
  );
  return new Map(
    rows.map((r) => [r.id as string, { superiors: r.superiors as number, events: r.events as number }]),
  );
}

// ---------------------------------------------------------------------------------------------

describe("a change that cannot get the hierarchy lock in its time budget", () => {
  it("fails with a retryable SERVICE_UNAVAILABLE (503, rule WRITE_TIMEOUT) and writes nothing", async () => {
    const server = await startTestServer({ JWT_SECRET: TEST_SECRET, WRITE_TIMEOUT_MS: "1000" });
    const target = inject("neo4j");
    const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password));
    const session = driver.session();
    const holder = await session.beginTransaction();
    try {
      // Another writer holds the hierarchy's version counters (every change raises one of them,
      // src/store/graph-version.ts) for longer than the budget.
      await holder.run("MATCH (l:WriteLock) SET l.heldByTest = true");
      const admin = await token("admin");
      const id = "wt-blocked-unit";
      const res = await graphql(server.url, CREATE, createVariables(newUnit(id), SUPERIOR), admin);
      expect(res.status).toBe(503);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        rule: "WRITE_TIMEOUT",
        retryable: true,
        messageVi: expect.stringContaining(RULE_MESSAGES_VI.WRITE_TIMEOUT as string),
      });
      await holder.rollback();
      expect((await unitsWritten(server.db, "wt-")).size).toBe(0);
    } finally {
      if (holder.isOpen()) await holder.rollback();
      await session.close();
      await driver.close();
      await removeSandbox(server.db, "wt-");
      await server.close();
    }
  });
});

describe("the service with its embedded Neo4j", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "recovery-test-"));
  let boltPort = 0;
  let base = "";
  let url = "";
  let admin = "";
  let service: ChildProcess;
  let exited: Promise<number | null>;
  const logs: LogLine[] = [];
  const waitForLog = (msg: string, timeoutMs: number, from = 0) =>
    until(`log "${msg}"`, timeoutMs, async () => logs.slice(from).find((l) => l.msg?.startsWith(msg)));
  // Started by the tests themselves, on the service's data folder once it has stopped.
  let neo: EmbeddedNeo4j | undefined;
  let backend: Backend | undefined;
  let external: RunningServer | undefined;

  beforeAll(async () => {
    admin = await token("admin");
    boltPort = await freePort();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    url = `${base}/graphql`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      NEO4J_BOLT_PORT: String(boltPort),
      NEO4J_DATA_DIR: dataDir,
      NEO4J_PASSWORD: PASSWORD,
      NEO4J_HEAP_MB: "512",
      NEO4J_PAGECACHE_MB: "64",
      SEED_ON_START: "auto",
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: "info",
      // The write stream retries quickly while Neo4j is down; this test is not about rate limits.
      RATE_LIMIT_PER_MINUTE: "0",
    };
    delete env.NEO4J_URI;
    // `node --import tsx` keeps the service in this one process, so signals reach it directly.
    const spawnService = () => {
      service = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      exited = new Promise((resolve) => service.once("exit", (code) => resolve(code)));
      readline.createInterface({ input: service.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          logs.push({ msg: line });
        }
      });
      const from = logs.length;
      return Promise.race([
        waitForLog("GraphQL ready", JVM_START_MS + 120_000, from).then(() => null),
        // What the service said before it went, so that an early exit can be understood from CI's log.
        exited.then(
          (code) =>
            `exited during start-up (code ${code}); its last log lines:\n${logs
              .slice(from)
              .slice(-12)
              .map((l) => JSON.stringify(l))
              .join("\n")}`,
        ),
      ]);
    };
    // Once in a full CI run (not reproduced alone or in pairs) the service exited with code 0 while
    // starting; a second start shows whether that is the machine or the service, and says so.
    const first = await spawnService();
    if (first !== null) {
      console.warn(`recovery test: the service ${first}\nstarting it once more`);
      const second = await spawnService();
      if (second !== null) throw new Error(`the service ${second}`);
    }
  }, JVM_START_MS + 150_000);

  afterAll(async () => {
    await external?.stop().catch(() => {});
    await backend?.close().catch(() => {});
    await neo?.stop().catch(() => {});
    if (service.exitCode === null && service.signalCode === null) {
      service.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(
    "notices a killed JVM, fails fast while it is down, restarts it, and keeps every acknowledged write whole",
    async () => {
      const jvmPid = logs.find((l) => l.msg === "embedded Neo4j started")?.pid;
      expect(jvmPid).toEqual(expect.any(Number));
      const stream = writeStream(url, admin, "rk-", 4);
      const logMark = logs.length;
      try {
        await until("acknowledged writes", 120_000, async () =>
          stream.acknowledged().length >= 6 ? true : undefined,
        );
        process.kill(jvmPid as number, "SIGKILL");

        // /ready answers at once (each probe within 5 s) and says 503, database down, within seconds.
        const notReady = await until("/ready 503", 15_000, async () => {
          const ready = await get(`${base}/ready`);
          return ready.status === 503 && ready.body.status === "unavailable" ? ready : undefined;
        });
        expect(notReady.body).toMatchObject({
          database: { state: expect.stringMatching(/down|restarting/) },
        });
        const health = await get(`${base}/health`);
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({
          status: "ok",
          database: { state: expect.stringMatching(/down|restarting/) },
        });

        // A GraphQL request while it is down: SERVICE_UNAVAILABLE, HTTP 503, well within 5 s.
        const started = Date.now();
        const read = await graphql(url, `{ unit(id: "${SUPERIOR}") { id } }`);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(read.status).toBe(503);
        expect(read.body.errors?.[0]?.extensions).toMatchObject({
          code: "SERVICE_UNAVAILABLE",
          retryable: true,
          messageVi: expect.stringContaining(CODE_MESSAGES_VI.SERVICE_UNAVAILABLE),
        });

        // It comes back by itself.
        const back = await until("/ready 200", JVM_START_MS, async () => {
          const ready = await get(`${base}/ready`);
          return ready.status === 200 ? ready : undefined;
        });
        expect(back.body).toMatchObject({ status: "ready", database: { state: "up" } });
        await waitForLog("Neo4j is back", 10_000, logMark);
        expect(logs.slice(logMark).map((l) => l.msg)).toEqual(
          expect.arrayContaining([
            "Neo4j is down",
            "embedded Neo4j will be restarted",
            "embedded Neo4j restarted",
          ]),
        );
        // Writes are acknowledged again after the restart.
        const ackedBefore = stream.acknowledged().length;
        await until("writes after the restart", 120_000, async () =>
          stream.acknowledged().length >= ackedBefore + 3 ? true : undefined,
        );
      } finally {
        await stream.stop();
      }
      const refusals = stream.outcomes.flatMap((o) => (o.kind === "refused" ? [o.code] : []));
      expect(refusals.filter((code) => code !== "SERVICE_UNAVAILABLE")).toEqual([]);

      // Verified in the service's own database: every acknowledged write is there, and no unit
      // is half-written (each has its SUBORDINATE_TO link and its Event).
      const db = new Database({ uri: `bolt://127.0.0.1:${boltPort}`, user: "neo4j", password: PASSWORD });
      try {
        const written = await unitsWritten(db, "rk-");
        for (const id of stream.acknowledged())
          expect(written.get(id), id).toEqual({ superiors: 1, events: 1 });
        for (const [id, unit] of written) expect(unit, id).toEqual({ superiors: 1, events: 1 });
      } finally {
        await db.close();
      }
    },
    JVM_START_MS + 180_000,
  );

  it(
    "on SIGTERM answers every request it accepted, exits 0, and keeps exactly the acknowledged writes",
    async () => {
      const stream = writeStream(url, admin, "rs-", 6);
      await until("acknowledged writes", 60_000, async () =>
        stream.acknowledged().length >= 6 ? true : undefined,
      );
      const atSigterm = stream.outcomes.length;
      service.kill("SIGTERM");
      expect(await exited).toBe(0);
      await stream.finished;
      // Writes in flight at SIGTERM (queued for the lock) were finished and acknowledged.
      expect(
        stream.outcomes.slice(atSigterm).filter((o) => o.kind === "acknowledged").length,
      ).toBeGreaterThan(0);

      // Each request got an answer, or never reached the service; none was dropped mid-way.
      expect(stream.outcomes.filter((o) => o.kind === "dropped")).toEqual([]);
      expect(stream.outcomes.filter((o) => o.kind === "not-connected").length).toBeGreaterThan(0);
      // A refusal can only be a retryable one (a change past its time budget while queued).
      const refusals = stream.outcomes.flatMap((o) =>
        o.kind === "refused" ? [`${o.status} ${o.code}`] : [],
      );
      expect(refusals.filter((r) => r !== "503 SERVICE_UNAVAILABLE")).toEqual([]);

      // On the same data folder, restarted: the acknowledged writes, whole, and nothing else.
      neo = await startEmbeddedNeo4j({
        boltPort,
        dataDir,
        password: PASSWORD,
        heapMb: 512,
        pageCacheMb: 64,
        startTimeoutMs: JVM_START_MS,
      });
      backend = await openBackend(
        loadConfig({
          NEO4J_URI: neo.uri,
          NEO4J_PASSWORD: PASSWORD,
          NEO4J_CHECK_INTERVAL_MS: "1000",
          LOG_LEVEL: "silent",
        }),
        pino({ level: "silent" }),
      );
      const written = await unitsWritten(backend.db, "rs-");
      expect([...written.keys()].sort()).toEqual(stream.acknowledged().sort());
      for (const [id, unit] of written) expect(unit, id).toEqual({ superiors: 1, events: 1 });
    },
    JVM_START_MS + 120_000,
  );

  it(
    "on an external NEO4J_URI, fails fast while the server is down and is ready again when it returns",
    async () => {
      // The Neo4j the previous test started is this service's external server.
      expect(backend).toBeDefined();
      const db = (backend as Backend).db;
      const config = loadConfig({ NEO4J_URI: neo?.uri, NEO4J_PASSWORD: PASSWORD, JWT_SECRET: TEST_SECRET });
      external = await startServer({
        db,
        config,
        log: pino({ level: "silent" }),
        port: 0,
        host: "127.0.0.1",
      });
      const externalBase = external.url.replace(/\/graphql$/, "");
      expect((await get(`${externalBase}/ready`)).status).toBe(200);

      process.kill((neo as EmbeddedNeo4j).pid, "SIGKILL");
      await (neo as EmbeddedNeo4j).exited;
      const notReady = await until("/ready 503", 15_000, async () => {
        const ready = await get(`${externalBase}/ready`);
        return ready.status === 503 ? ready : undefined;
      });
      expect(notReady.body).toMatchObject({ status: "unavailable" });
      const read = await graphql(external.url, `{ unit(id: "${SUPERIOR}") { id } }`);
      expect(read.status).toBe(503);
      expect(read.body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      await until("state down", 15_000, async () =>
        db.health.snapshot().state === "down" ? true : undefined,
      );

      neo = await startEmbeddedNeo4j({
        boltPort,
        dataDir,
        password: PASSWORD,
        heapMb: 512,
        pageCacheMb: 64,
        startTimeoutMs: JVM_START_MS,
      });
      const back = await until("/ready 200", 60_000, async () => {
        const ready = await get(`${externalBase}/ready`);
        return ready.status === 200 ? ready : undefined;
      });
      expect(back.body).toMatchObject({ status: "ready", database: { state: "up" } });
      const again = await graphql(external.url, `{ unit(id: "${SUPERIOR}") { id } }`);
      expect(again.body).toEqual(expect.objectContaining({ data: { unit: { id: SUPERIOR } } }));
    },
    JVM_START_MS + 120_000,
  );
});
