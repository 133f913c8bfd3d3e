/**
 * The first graphDiff after a start, and where its time goes (issue 16; bench/RESULTS.md, "The
 * first graphDiff after Neo4j starts"):
 * `npx tsx bench/diff-cold.ts --data <a copy of a national store> [--bolt-port 7841] [--port 4241]
 *   [--under gen-tu-ho-chi-minh-2025] [--env WARMUP=off] [--runs 2] [--restart service] [--stats] [--dist dist]`
 *
 * Starts the bench Neo4j on `--data` afresh, then the compiled service (`node dist/main.js`, built
 * beforehand with `npm run build`) on it with `--env` settings, waits for the service's warm-up to
 * log its end (WARMUP=on) and for both processes to go quiet, then asks the diff of `--under`
 * across the reform, first page then summary, `--runs` times. For each request: wall time, and
 * what the load distorts least — the service's CPU, Neo4j's CPU split by thread (the JIT's
 * compiler threads, the garbage collector's, the rest: Bolt workers running Cypher, planning
 * included), the bytes Neo4j read from files (its page cache's misses: /proc/<pid>/io rchar) and
 * the JIT's compiled-method count (jstat). `--stats` adds, per statement, the compile (planning)
 * and execution times Neo4j's query collector records (db.stats, QUERIES). `--restart service`
 * then restarts the service alone (Neo4j stays warm) and asks again.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { Agent, fetch } from "undici";
import { diffOperations } from "../src/graphql/services/diff-operations.ts";
import { stopOurServer } from "./http-client.ts";
import { BENCH_PASSWORD, neo4jOptions, startBenchNeo4j } from "./neo4j.ts";
import { randomBenchSecret } from "./secrets.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    ...neo4jOptions({ boltPort: "7841", memoryMb: "1536" }),
    port: { type: "string", default: "4241" },
    /** The build to run (`npm run build -- --out <dir>` makes another, e.g. of the code before a change). */
    dist: { type: "string", default: "dist" },
    under: { type: "string", default: "gen-tu-ho-chi-minh-2025" },
    from: { type: "string", default: "2025-06-30" },
    to: { type: "string", default: "2025-07-01" },
    runs: { type: "string", default: "2" },
    env: { type: "string", multiple: true, default: [] },
    restart: { type: "string", default: "" },
    stats: { type: "boolean", default: false },
    /** Seconds both processes must stay under 2 % CPU before the first request. */
    quiet: { type: "string", default: "5" },
  },
});
if (!args.data) throw new Error("--data is required (a copy of a national store: never the lead's)");

/** The warm-up's page and summary (src/graphql/services/diff-operations.ts), under operation names of their own. */
const { page: PAGE, summary: SUMMARY } = diffOperations("Cold");

const TICK = 100;
/** utime + stime of /proc/<pid>[/task/<tid>]/stat, in seconds. */
function cpuOfStat(file: string): { name: string; cpu: number } {
  const text = readFileSync(file, "utf8");
  const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { name, cpu: (Number(fields[11]) + Number(fields[12])) / TICK };
}

interface JvmSample {
  total: number;
  jit: number;
  gc: number;
  rchar: number;
  compiled: number;
}

/** Neo4j's CPU by kind of thread, the bytes it has read (files, sockets), the JIT's compiled methods. */
function jvmSample(pid: number): JvmSample {
  let jit = 0;
  let gc = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const t = cpuOfStat(`/proc/${pid}/task/${tid}/stat`);
      if (/^C[12] CompilerThre/.test(t.name)) jit += t.cpu;
      else if (/^(GC Thread|G1 )/.test(t.name)) gc += t.cpu;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  const io = readFileSync(`/proc/${pid}/io`, "utf8");
  const rchar = Number(/rchar: (\d+)/.exec(io)?.[1] ?? 0);
  let compiled = 0;
  try {
    const out = execFileSync("jstat", ["-compiler", String(pid)], { encoding: "utf8" });
    compiled = Number(out.trim().split("\n")[1]?.trim().split(/\s+/)[0] ?? 0);
  } catch {
    // no jstat: the count stays 0
  }
  return { total: cpuOfStat(`/proc/${pid}/stat`).cpu, jit, gc, rchar, compiled };
}

const delta = (a: JvmSample, b: JvmSample) =>
  `neo4j cpu ${(b.total - a.total).toFixed(2)} s (jit ${(b.jit - a.jit).toFixed(2)}, gc ${(b.gc - a.gc).toFixed(2)}, ` +
  `other ${(b.total - a.total - (b.jit - a.jit) - (b.gc - a.gc)).toFixed(2)}), read ${((b.rchar - a.rchar) / 1e6).toFixed(1)} MB, ` +
  `+${b.compiled - a.compiled} methods compiled`;

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** Waits until both processes have used under 2 % of a core for `seconds` in a row. */
async function settle(pids: number[], seconds: number): Promise<void> {
  const cpu = () => pids.reduce((s, p) => s + cpuOfStat(`/proc/${p}/stat`).cpu, 0);
  let quietFor = 0;
  let last = cpu();
  for (let waited = 0; quietFor < seconds && waited < 600; waited++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpu();
    quietFor = now - last < 0.02 * pids.length ? quietFor + 1 : 0;
    last = now;
  }
}

/** The compiled service on the bench Neo4j; resolves with it once it answers /ready, and a promise of its warm-up's log line. */
async function startService(uri: string): Promise<{ proc: ChildProcess; warm: Promise<string> }> {
  const env = Object.fromEntries(
    args.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const proc = spawn(process.execPath, [path.resolve(ROOT, args.dist, "main.js")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEO4J_URI: uri,
      NEO4J_PASSWORD: BENCH_PASSWORD,
      JWT_SECRET: randomBenchSecret(),
      PORT: args.port,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      GRAPHIQL: "false",
      RATE_LIMIT_PER_MINUTE: "0",
      REQUEST_TIMEOUT_MS: "120000",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const warm = new Promise<string>((resolve) => {
    const lines = readline.createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      if (/warm-up (done|ended early)/.test(line)) resolve(line);
      else if (/"level":[4-6]\d/.test(line)) console.log(`service: ${line.slice(0, 600)}`);
    });
    proc.once("exit", (code, signal) => {
      console.log(`service exited (${code ?? signal})`);
      resolve("(service exited)");
    });
  });
  const base = `http://127.0.0.1:${args.port}`;
  const started = performance.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`dist/main.js exited (${proc.exitCode})`);
    const ok = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > 300_000) throw new Error("the service was not ready within 300 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(
    `service ready ${((performance.now() - started) / 1000).toFixed(1)} s after its start (load ${load()})`,
  );
  return { proc, warm };
}

async function ask(name: string, query: string, jvmPid: number, servicePid: number): Promise<void> {
  const before = jvmSample(jvmPid);
  const svc = cpuOfStat(`/proc/${servicePid}/stat`).cpu;
  const t = performance.now();
  const res = await fetch(`http://127.0.0.1:${args.port}/graphql`, {
    // A connection of its own: the service closes idle ones, which a reused one can meet mid-request.
    dispatcher: new Agent({ pipelining: 0 }),
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables: { from: args.from, to: args.to, under: [args.under] } }),
  });
  const body = (await res.json()) as {
    errors?: unknown;
    data?: { graphDiff?: { summary?: { total: number } } };
  };
  const ms = performance.now() - t;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const after = jvmSample(jvmPid);
  const total = body.data?.graphDiff?.summary?.total;
  console.log(
    `${name}: ${ms.toFixed(0)} ms; service cpu ${(cpuOfStat(`/proc/${servicePid}/stat`).cpu - svc).toFixed(2)} s; ${delta(before, after)}` +
      `${total === undefined ? "" : `; ${total} changes`} (load ${load()})`,
  );
}

/**
 * Neo4j's query collector (db.stats, QUERIES): per statement, the compile (planning) and execution
 * times of its invocations from `mark()` on (the collector keeps those from its start, and some
 * from before it: Neo4j's own query cache).
 */
async function collector(uri: string) {
  const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", BENCH_PASSWORD));
  const run = async (cypher: string) => {
    const session = driver.session();
    try {
      return (await session.run(cypher)).records.map((r) => r.toObject());
    } finally {
      await session.close();
    }
  };
  type Invocation = { elapsedCompileTimeInUs?: unknown; elapsedExecutionTimeInUs?: unknown };
  const retrieve = async () =>
    (await run("CALL db.stats.retrieve('QUERIES')")).map(
      (r) => r.data as { query: string; invocations: Invocation[] },
    );
  await run("CALL db.stats.clear('QUERIES')");
  await run("CALL db.stats.collect('QUERIES', {durationSeconds: 3600})");
  const seen = new Map<string, number>();
  return {
    async mark(): Promise<void> {
      for (const q of await retrieve()) seen.set(q.query, q.invocations.length);
    },
    async report(): Promise<void> {
      const queries = await retrieve();
      await run("CALL db.stats.stop('QUERIES')");
      const lines: { compile: number; exec: number; text: string }[] = [];
      const us = (v: unknown) => Number(neo4j.isInt(v) ? (v as neo4j.Integer).toNumber() : (v ?? 0));
      for (const q of queries) {
        const invocations = q.invocations.slice(seen.get(q.query) ?? 0);
        if (invocations.length === 0) continue;
        const compile = invocations.map((i) => us(i.elapsedCompileTimeInUs) / 1000);
        const exec = invocations.map((i) => us(i.elapsedExecutionTimeInUs) / 1000);
        lines.push({
          compile: compile.reduce((a, b) => a + b, 0),
          exec: exec.reduce((a, b) => a + b, 0),
          text: `${invocations.length}× compile ${compile.map((c) => c.toFixed(0)).join("/")} ms, exec ${exec.map((e) => e.toFixed(0)).join("/")} ms  ${q.query.replace(/\s+/g, " ").slice(0, 110)}`,
        });
      }
      lines.sort((a, b) => b.compile + b.exec - (a.compile + a.exec));
      console.log(
        `query collector, the requests above: ${lines.length} statements, compile ${lines.reduce((s, l) => s + l.compile, 0).toFixed(0)} ms, exec ${lines.reduce((s, l) => s + l.exec, 0).toFixed(0)} ms in all`,
      );
      for (const l of lines.slice(0, 25)) console.log(`  ${l.text}`);
      await driver.close();
    },
  };
}

/** The warm-up's log line, or a note when it logs none (after 10 s with WARMUP=off, else 300 s). */
const warmedUp = (line: Promise<string>) =>
  Promise.race([
    line,
    new Promise<string>((r) =>
      setTimeout(
        () => r("(no warm-up line: WARMUP=off, or it took over 300 s)"),
        args.env.includes("WARMUP=off") ? 10_000 : 300_000,
      ),
    ),
  ]);

async function series(jvmPid: number, servicePid: number, label: string): Promise<void> {
  for (let i = 1; i <= Number(args.runs); i++) {
    await ask(`${label} page ${i}`, PAGE, jvmPid, servicePid);
    await ask(`${label} summary ${i}`, SUMMARY, jvmPid, servicePid);
  }
}

const t0 = performance.now();
const bench = await startBenchNeo4j({
  boltPort: Number(args["bolt-port"]),
  dataDir: args.data,
  heapMb: Number(args.heap),
  pageCacheMb: Number(args.pagecache),
});
const jvmPid = bench.neo4j.pid;
console.log(
  `neo4j ready (pid ${jvmPid}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; at start: ${delta(
    { total: 0, jit: 0, gc: 0, rchar: 0, compiled: 0 },
    jvmSample(jvmPid),
  )}`,
);
await bench.db.close();
let service: Awaited<ReturnType<typeof startService>> | null = null;
try {
  const beforeService = jvmSample(jvmPid);
  service = await startService(bench.uri);
  const servicePid = service.proc.pid as number;
  const warmLine = await warmedUp(service.warm);
  console.log(`warm-up: ${warmLine.slice(0, 400)}`);
  console.log(`service start and warm-up: ${delta(beforeService, jvmSample(jvmPid))}`);
  await settle([jvmPid, servicePid], Number(args.quiet));
  const stats = args.stats ? await collector(bench.uri) : null;
  await stats?.mark();
  await series(jvmPid, servicePid, "after start:");
  await stats?.report();
  if (args.restart === "service") {
    await stopOurServer(service.proc);
    service = await startService(bench.uri);
    console.log(`warm-up: ${(await warmedUp(service.warm)).slice(0, 400)}`);
    await settle([jvmPid, service.proc.pid as number], Number(args.quiet));
    await series(jvmPid, service.proc.pid as number, "service restarted:");
  }
} finally {
  if (service) await stopOurServer(service.proc);
  await bench.neo4j.stop();
}
