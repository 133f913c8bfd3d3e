/**
 * Writes at scale (issue 16, item 4): `npx tsx bench/writes.ts --scale 1 [--clients 16]
 * [--duration 30] [--modes single,spread,one] [--data .data-writes/full] [--record]`.
 *
 * Imports the generated graph at `--scale` into its own embedded Neo4j (skipped when already
 * there), starts our server as a child process, and has editors — each a token scoped to one
 * provincial committee, as a provincial editor's would be — send changes over HTTP:
 *
 * - single: one client, one change at a time (the cost of one change, to compare across sizes);
 * - spread: `--clients` clients, each in its own province;
 * - one: the same clients, all in one province (they contend for the same units and superiors).
 *
 * A change is a move of a party cell to another commune committee of its province (setSuperior:
 * every invariant is checked) or a rename of a unit (updateUnit), half and half. Afterwards it
 * checks that no moved unit has two direct superiors at once or sits on a cycle, and prints the
 * acknowledged changes per second, p50/p99, the errors by code, and the server's peak RSS.
 * `--record` appends the table to bench/results/writes-<date>.json. `--compiled` runs our server
 * compiled (npm run build, node dist/main.js), as production does, instead of under tsx.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateInto } from "../src/cli/generate.ts";
import { type Database, Database as DatabaseClass } from "../src/store/database.ts";
import { buildOurServer } from "./compiled.ts";
import { postGraphql, rssMb, signToken, startCompiledServer, startOurServer } from "./http-client.ts";
import { BENCH_PASSWORD, startBenchNeo4j } from "./neo4j.ts";
import { randomBenchSecret } from "./secrets.ts";
import { checkMoved, loadWorkload, type ProvinceWork } from "./writes-workload.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const JWT_SECRET = randomBenchSecret();
const BASIS = ["dieu-le-dang-whole"];
const MOVE = `mutation ($u: ID!, $s: ID!, $d: Date!, $b: [ID!]!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: $b) { id } }`;
const RENAME = `mutation ($in: UpdateUnitInput!) { updateUnit(input: $in) { id } }`;

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "0.001" },
    data: { type: "string" },
    clients: { type: "string", default: "16" },
    duration: { type: "string", default: "30" },
    modes: { type: "string", default: "single,spread,one" },
    "bolt-port": { type: "string", default: "7871" },
    port: { type: "string", default: "4271" },
    heap: { type: "string", default: "2048" },
    pagecache: { type: "string", default: "2048" },
    record: { type: "boolean", default: false },
    /** A folder for a V8 CPU profile of our server (node --cpu-prof), written when it stops. */
    "server-profile": { type: "string" },
    /** A file for a Java Flight Recorder recording of Neo4j during the timed modes (jcmd JFR.start). */
    jfr: { type: "string" },
    /** A Neo4j already running on the store (its password: .data/bench/neo4j-password), and its process id (for its CPU): none is started. */
    uri: { type: "string" },
    "neo4j-pid": { type: "string" },
    /** Our server compiled, as production runs it (npm run build, then node dist/main.js), not under tsx. */
    compiled: { type: "boolean", default: false },
  },
});

interface Sample {
  kind: "move" | "rename";
  ms: number;
  error: string | null;
}

interface ModeResult {
  mode: string;
  clients: number;
  provinces: number;
  seconds: number;
  acknowledged: number;
  perSecond: number;
  p50: number;
  p99: number;
  byKind: Record<string, { n: number; p50: number; p99: number }>;
  errors: Record<string, number>;
  invariants: { moved: number; twoSuperiors: number; cycles: number };
  peakRssMb: number;
  /** CPU time our server and Neo4j spent per acknowledged change (user + system), ms. */
  cpuMsPerChange: number;
  /** Of which our server's (Node: HTTP, GraphQL, the driver) and Neo4j's, ms per acknowledged change. */
  serverCpuMsPerChange: number;
  neo4jCpuMsPerChange: number;
  loadAverage: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function token(scope: string): Promise<string> {
  return signToken(JWT_SECRET, { role: "editor", scopes: [scope] }, `bench-writes-${scope}`);
}

/** CPU time (user + system) a process has used so far, ms (/proc/<pid>/stat, clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

/** Sends one change; the error code of a failed one (a GraphQL error's extensions.code, or HTTP). */
async function send(url: string, jwt: string, query: string, variables: unknown): Promise<string | null> {
  const { status, body } = await postGraphql(url, jwt, query, variables);
  const e = body.errors?.[0];
  if (e)
    return `${e.extensions?.code ?? "ERROR"}${e.extensions?.rule ? `/${e.extensions.rule}` : ""}: ${e.message.slice(0, 160)}`;
  if (status !== 200 || !body.data) return `HTTP ${status}`;
  return null;
}

interface Client {
  work: ProvinceWork;
  jwt: string;
  /** Its share of the province's cells, among the clients working there. */
  slot: number;
  slots: number;
}

async function runMode(
  mode: string,
  clients: Client[],
  url: string,
  seconds: number,
  state: { moveDay: string },
  db: Database,
  pid: number,
  neo4jPid: number,
): Promise<ModeResult> {
  const serverBefore = await cpuMs(pid);
  const neo4jBefore = await cpuMs(neo4jPid);
  const samples: Sample[] = [];
  const moved = new Set<string>();
  const end = Date.now() + seconds * 1000;
  let peakRss = 0;
  const sampler = setInterval(async () => {
    peakRss = Math.max(peakRss, await rssMb(pid));
  }, 200);
  await Promise.all(
    clients.map(async (c, i) => {
      let n = i;
      while (Date.now() < end) {
        n++;
        const kind: Sample["kind"] = n % 2 === 0 ? "move" : "rename";
        const started = performance.now();
        let error: string | null;
        if (kind === "move") {
          const m = c.work.nextMove(c.slot, c.slots);
          error = await send(url, c.jwt, MOVE, { u: m.unit, s: m.superior, d: state.moveDay, b: BASIS });
          if (!error) {
            c.work.moved(m);
            moved.add(m.unit);
          }
        } else {
          const { id, day } = c.work.nextRename(c.slot, c.slots);
          error = await send(url, c.jwt, RENAME, {
            in: { id, effectiveOn: day, basis: BASIS, name: `bench rename ${day} ${id}` },
          });
        }
        samples.push({ kind, ms: performance.now() - started, error });
      }
    }),
  );
  clearInterval(sampler);
  const serverSpent = (await cpuMs(pid)) - serverBefore;
  const neo4jSpent = (await cpuMs(neo4jPid)) - neo4jBefore;
  const ok = samples.filter((s) => !s.error);
  const sorted = ok.map((s) => s.ms).sort((a, b) => a - b);
  const byKind: ModeResult["byKind"] = {};
  for (const kind of ["move", "rename"]) {
    const ms = ok
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    byKind[kind] = { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99) };
  }
  const errors: Record<string, number> = {};
  for (const s of samples) if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
  return {
    mode,
    clients: clients.length,
    provinces: new Set(clients.map((c) => c.work.province)).size,
    seconds,
    acknowledged: ok.length,
    perSecond: ok.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    byKind,
    errors,
    invariants: await checkMoved(db, [...moved]),
    peakRssMb: Math.round(peakRss),
    cpuMsPerChange: perChange(serverSpent + neo4jSpent, ok.length),
    serverCpuMsPerChange: perChange(serverSpent, ok.length),
    neo4jCpuMsPerChange: perChange(neo4jSpent, ok.length),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** CPU ms per acknowledged change, one decimal. */
function perChange(ms: number, acknowledged: number): number {
  return Math.round((ms / Math.max(1, acknowledged)) * 10) / 10;
}

function print(r: ModeResult): void {
  const f = (x: number) => (Number.isNaN(x) ? "–" : x.toFixed(1));
  console.log(
    `${r.mode.padEnd(7)} ${String(r.clients).padStart(2)} clients, ${r.provinces} province(s): ` +
      `${r.acknowledged} acknowledged in ${r.seconds} s = ${r.perSecond.toFixed(1)}/s; ` +
      `p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms (move ${f(r.byKind.move?.p50 ?? Number.NaN)}/${f(r.byKind.move?.p99 ?? Number.NaN)}, ` +
      `rename ${f(r.byKind.rename?.p50 ?? Number.NaN)}/${f(r.byKind.rename?.p99 ?? Number.NaN)}); ` +
      `moved ${r.invariants.moved}, two superiors ${r.invariants.twoSuperiors}, cycles ${r.invariants.cycles}; ` +
      `server + Neo4j CPU ${r.cpuMsPerChange} ms per change (server ${r.serverCpuMsPerChange}, Neo4j ${r.neo4jCpuMsPerChange}); peak RSS ${r.peakRssMb} MB; load ${r.loadAverage.join(" ")}`,
  );
  for (const [e, n] of Object.entries(r.errors)) console.log(`    ${n} × ${e}`);
}

/**
 * Neo4j plans each statement on first use (seconds apiece on a loaded machine, enough to push the
 * first changes past WRITE_TIMEOUT_MS): a few changes one at a time first, not timed.
 */
async function warmUp(
  url: string,
  work: ProvinceWork,
  jwts: Map<string, string>,
  moveDay: string,
): Promise<void> {
  const jwt = jwts.get(work.scope) as string;
  for (let i = 0; i < 6; i++) {
    const m = work.nextMove(0, 1);
    if (!(await send(url, jwt, MOVE, { u: m.unit, s: m.superior, d: moveDay, b: BASIS }))) work.moved(m);
    const { id, day } = work.nextRename(0, 1);
    await send(url, jwt, RENAME, {
      in: { id, effectiveOn: day, basis: BASIS, name: `bench rename ${day} ${id}` },
    });
  }
}

/**
 * Our server as `npm start` runs it (scripts/build.ts into dist/, then `node dist/main.js`: no tsx,
 * whose source maps make the driver's per-result stack capture dear), on the bench's Neo4j; ready
 * once /ready answers.
 */
async function startCompiled(
  uri: string,
  port: string,
  nodeArgs: readonly string[],
): Promise<{ proc: ChildProcess; url: string }> {
  buildOurServer(ROOT);
  // No graphDiff here: the warm-up (~90 s of Neo4j CPU after a start) would only slow the writes beside it.
  return startCompiledServer(uri, port, { JWT_SECRET, WARMUP: "off" }, nodeArgs);
}

/** A Java Flight Recorder command on Neo4j's JVM (jcmd, beside the java that runs it). */
function jfr(pid: number, command: "start" | "stop", options: string): void {
  const jcmd = path.join(path.dirname(readlinkSync(`/proc/${pid}/exe`)), "jcmd");
  execFileSync(jcmd, [String(pid), `JFR.${command}`, ...options.split(" ")], { stdio: "inherit" });
}

async function main(): Promise<void> {
  const scale = Number(args.scale);
  const dataDir = args.data ?? `.data-writes/scale-${scale}`;
  const clientCount = Number(args.clients);
  const seconds = Number(args.duration);
  console.log(`== writes at scale ${scale}, Neo4j at ${dataDir}`);
  const neo = args.uri
    ? (() => {
        const db = new DatabaseClass({ uri: args.uri as string, user: "neo4j", password: BENCH_PASSWORD });
        return {
          db,
          uri: args.uri as string,
          neo4j: { pid: Number(args["neo4j-pid"]) },
          stop: () => db.close(),
        };
      })()
    : await startBenchNeo4j({
        boltPort: Number(args["bolt-port"]),
        dataDir,
        heapMb: Number(args.heap),
        pageCacheMb: Number(args.pagecache),
      });
  let server: { proc: ChildProcess; url: string } | undefined;
  try {
    const imported = await generateInto(neo.db, { scale, seed: 42, skipIfComplete: true });
    console.log(`${imported.skipped ? "already imported" : "imported"}: ${imported.units} units`);
    const workload = await loadWorkload(neo.db, clientCount);
    console.log(`workload: ${workload.provinces.length} provinces with movable cells`);
    const profile = args["server-profile"]
      ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["server-profile"])}`]
      : [];
    server = args.compiled
      ? await startCompiled(neo.uri, args.port, profile)
      : await startOurServer(neo.uri, args.port, { JWT_SECRET, WARMUP: "off" }, profile);
    const jwts = new Map<string, string>();
    for (const p of workload.provinces) jwts.set(p.scope, await token(p.scope));
    const state = { moveDay: workload.moveDay };
    const pid = server.proc.pid as number;
    await warmUp(server.url, workload.provinces[0] as ProvinceWork, jwts, state.moveDay);
    const results: ModeResult[] = [];
    if (args.jfr)
      jfr(neo.neo4j.pid, "start", `name=writes filename=${path.resolve(args.jfr)} settings=profile`);
    for (const mode of args.modes.split(",")) {
      const first = workload.provinces[0] as ProvinceWork;
      const jwt = (w: ProvinceWork) => jwts.get(w.scope) as string;
      const clients: Client[] =
        mode === "single"
          ? [{ work: first, jwt: jwt(first), slot: 0, slots: 1 }]
          : mode === "spread"
            ? workload.provinces
                .slice(0, clientCount)
                .map((w) => ({ work: w, jwt: jwt(w), slot: 0, slots: 1 }))
            : Array.from({ length: clientCount }, (_, i) => ({
                work: first,
                jwt: jwt(first),
                slot: i,
                slots: clientCount,
              }));
      // A short warm-up (JIT, query plans), not counted.
      await runMode(`${mode}-warm`, clients, server.url, 3, state, neo.db, pid, neo.neo4j.pid);
      const r = await runMode(mode, clients, server.url, seconds, state, neo.db, pid, neo.neo4j.pid);
      print(r);
      results.push(r);
    }
    if (args.jfr) jfr(neo.neo4j.pid, "stop", "name=writes");
    if (args.record) {
      await mkdir(path.join(ROOT, "bench/results"), { recursive: true });
      const file = path.join(
        ROOT,
        `bench/results/writes-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
      );
      await writeFile(
        file,
        JSON.stringify({ scale, units: imported.units, clients: clientCount, results }, null, 2),
      );
      console.log(`recorded in ${path.relative(ROOT, file)}`);
    }
  } finally {
    if (server) {
      const proc = server.proc;
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      });
    }
    await neo.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
