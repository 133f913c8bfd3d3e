/**
 * `npx tsx bench/memory.ts [--data .data/bench/full | --uri bolt://127.0.0.1:7811] [--seconds 5]
 *   [--node-args "--max-semi-space-size=8"] [--env RESULT_CACHE_MB=32] [--phases distinct,mixed,repeated]
 *   [--snapshot <phase>] [--out <file.json>]`
 * `npx tsx bench/memory.ts --neo4j-only [--data …]`: only the bench Neo4j, for several runs with `--uri`.
 *
 * Where our server's memory goes under `npm run bench`'s workloads (issue 16, item 6), phase by
 * phase: the compiled service (`node dist/main.js`, built beforehand with `npm run build`) on the
 * bench store, asked
 * - **distinct** inputs (bench/distinct.ts) of the chain, the obligations and the nested question:
 *   one client for `--latency` inputs, then 8 and 32 clients for `--seconds` each;
 * - **mixed**: 8 clients on the repeated chain and obligations, alone and with a rename every 200 ms;
 * - **repeated**: the 20 samples of each question over and over, at 8 and 32 clients;
 * - **integrity** (not by default): `integrityReport`'s counts of the whole graph on three dates
 *   (`--integrity-dates`), one after the other, as bench/reform.ts asks them.
 * Every 250 ms it reads the server's RSS (/proc) and, from its /metrics, the V8 heap (total, used,
 * and the new, old and large-object spaces) and the memory outside the heap (external: Buffers,
 * sockets' data); it prints each phase's peak RSS with the rest as they were at that moment, and
 * its requests per second. `--node-args` and `--env` run the server with other V8 flags or
 * settings, to compare; `--snapshot <phase>` writes a heap snapshot (SIGUSR2,
 * `--heapsnapshot-signal`) half-way through that phase, into the server's working folder.
 *
 * Its own Neo4j (unless `--uri`): the embedded launcher on `--data` (a copy of the bench store),
 * Bolt `--bolt-port` (7811); our server on `--port` (4211).
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { Agent, fetch as undiciFetch } from "undici";
import {
  adminToken,
  distinctQuestions,
  httpLoadFrom,
  pickDistinct,
  startWriter,
  writeTargets,
} from "./distinct.ts";
import { rssMb, startCompiledServer, stopOurServer } from "./http-client.ts";
import { BENCH_PASSWORD, type BenchNeo4j, neo4jOptions, startBenchNeo4j } from "./neo4j.ts";
import { pickSamples, type Question, questions } from "./questions.ts";
import { randomBenchSecret } from "./secrets.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const JWT_SECRET = randomBenchSecret();
const MB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: ".data/bench/full" },
    uri: { type: "string" },
    ...neo4jOptions({ boltPort: "7811", memoryMb: "1536" }),
    port: { type: "string", default: "4211" },
    seconds: { type: "string", default: "5" },
    distinct: { type: "string", default: "5000" },
    fill: { type: "string", default: "0" },
    latency: { type: "string", default: "200" },
    phases: { type: "string", default: "distinct,mixed,repeated" },
    "integrity-dates": { type: "string", default: "2025-06-30,2025-07-01,2026-01-01" },
    "node-args": { type: "string", default: "" },
    env: { type: "string", multiple: true, default: [] },
    snapshot: { type: "string" },
    out: { type: "string" },
    "neo4j-only": { type: "boolean", default: false },
  },
});

interface Sample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  newSpace: number;
  oldSpace: number;
  largeObjects: number;
  external: number;
  /** The result cache's estimated bytes (its /metrics gauge). */
  cache: number;
}

interface PhaseResult {
  phase: string;
  rps: number | null;
  /** The server's CPU and its garbage collectors' time in the phase, ms per request (load phases). */
  cpuMsPerRequest: number | null;
  gcMsPerRequest: number | null;
  p99: number | null;
  errors: number;
  /** The sample with the highest RSS. */
  peak: Sample | null;
  /** The highest heap total and external seen (not necessarily at the RSS peak). */
  maxHeapTotal: number;
  maxExternal: number;
}

/** One gauge of prom-client's default metrics, MB (a labelled one by its label). */
function gauge(text: string, name: string, label = ""): number {
  const m = new RegExp(`^${name}${label ? `\\{[^}]*${label}[^}]*\\}` : ""} (\\S+)`, "m").exec(text);
  return m ? Number(m[1]) / MB : Number.NaN;
}

async function sample(pid: number, metricsUrl: string): Promise<Sample> {
  const [rss, text] = await Promise.all([
    rssMb(pid),
    fetch(metricsUrl)
      .then((r) => r.text())
      .catch(() => ""),
  ]);
  const space = (s: string) => gauge(text, "nodejs_heap_space_size_total_bytes", `space="${s}"`);
  return {
    rss,
    heapTotal: gauge(text, "nodejs_heap_size_total_bytes"),
    heapUsed: gauge(text, "nodejs_heap_size_used_bytes"),
    newSpace: space("new"),
    oldSpace: space("old"),
    largeObjects: space("large_object"),
    external: gauge(text, "nodejs_external_memory_bytes"),
    cache: gauge(text, "party_org_graph_result_cache_bytes"),
  };
}

/** The server's CPU seconds and its collectors' seconds so far (prom-client's default metrics). */
async function cpuAndGc(metricsUrl: string): Promise<{ cpu: number; gc: number }> {
  const text = await fetch(metricsUrl)
    .then((r) => r.text())
    .catch(() => "");
  let gc = 0;
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)/gm)) gc += Number(m[1]);
  const cpu = Number(/^process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? Number.NaN);
  return { cpu, gc };
}

/** Samples every 250 ms into the current phase. */
function sampler(pid: number, metricsUrl: string) {
  let current: PhaseResult | null = null;
  const timer = setInterval(async () => {
    const phase = current;
    if (!phase) return;
    const s = await sample(pid, metricsUrl);
    if (!phase.peak || s.rss > phase.peak.rss) phase.peak = s;
    phase.maxHeapTotal = Math.max(phase.maxHeapTotal, s.heapTotal || 0);
    phase.maxExternal = Math.max(phase.maxExternal, s.external || 0);
  }, 250);
  return {
    async run(
      name: string,
      work: () => Promise<{ rps: number; p99: number; errors: number; requests?: number } | null>,
    ): Promise<PhaseResult> {
      const phase: PhaseResult = {
        phase: name,
        rps: null,
        cpuMsPerRequest: null,
        gcMsPerRequest: null,
        p99: null,
        errors: 0,
        peak: null,
        maxHeapTotal: 0,
        maxExternal: 0,
      };
      const before = await cpuAndGc(metricsUrl);
      current = phase;
      const r = await work();
      current = null;
      const after = await cpuAndGc(metricsUrl);
      if (r) Object.assign(phase, { rps: r.rps, p99: r.p99, errors: r.errors });
      if (r?.requests) {
        phase.cpuMsPerRequest = Math.round(((after.cpu - before.cpu) * 1e4) / r.requests) / 10;
        phase.gcMsPerRequest = Math.round(((after.gc - before.gc) * 1e4) / r.requests) / 10;
      }
      const p = phase.peak;
      console.log(
        `${name.padEnd(24)} ${r ? `${r.rps.toFixed(0).padStart(5)} rps p99 ${String(r.p99).padStart(5)} ms err ${r.errors} CPU ${phase.cpuMsPerRequest} GC ${phase.gcMsPerRequest} ms/req` : "".padEnd(30)}` +
          (p
            ? ` | RSS ${p.rss.toFixed(0)} MB: heap ${p.heapTotal.toFixed(0)} (used ${p.heapUsed.toFixed(0)}; new ${p.newSpace.toFixed(0)}, old ${p.oldSpace.toFixed(0)}, large ${p.largeObjects.toFixed(0)}), external ${p.external.toFixed(0)}, cache ${p.cache.toFixed(0)}`
            : ""),
      );
      return phase;
    },
    stop: () => clearInterval(timer),
  };
}

/** The compiled server with its metrics on (the sampler reads the heap from them). */
async function startServer(uri: string, port: string, nodeArgs: string[], env: Record<string, string>) {
  const server = await startCompiledServer(uri, port, { METRICS: "on", JWT_SECRET, ...env }, nodeArgs);
  return { ...server, metrics: `${server.base}/metrics` };
}

/** Waits, for a phase without load. */
async function pause(ms: number): Promise<null> {
  await new Promise((r) => setTimeout(r, ms));
  return null;
}

/** No wait for headers or body is cut short: a whole-graph integrityReport may take minutes under load. */
const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** One request; the answer's GraphQL errors, if any, are printed. */
async function post(url: string, body: unknown): Promise<void> {
  const res = await undiciFetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    dispatcher: patient,
  });
  const text = await res.text();
  if (text.includes('"errors"')) console.log(`  ${res.status}: ${text.slice(0, 300)}`);
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const phases = new Set((args.phases as string).split(","));
  const neo: BenchNeo4j | null = args.uri
    ? null
    : await startBenchNeo4j({
        boltPort: Number(args["bolt-port"]),
        dataDir: path.resolve(ROOT, args.data as string),
        heapMb: Number(args.heap),
        pageCacheMb: Number(args.pagecache),
      });
  const uri = args.uri ?? (neo as BenchNeo4j).uri;
  if (args["neo4j-only"]) {
    // Started once for several runs with --uri: stops on SIGTERM / Ctrl-C.
    console.log(`NEO4J ${uri} (pid ${process.pid}); SIGTERM stops it`);
    const stop = () => void neo?.stop().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    return;
  }
  const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", BENCH_PASSWORD));
  const nodeArgs = (args["node-args"] as string).split(" ").filter(Boolean);
  if (args.snapshot) nodeArgs.push("--heapsnapshot-signal=SIGUSR2");
  const env = Object.fromEntries((args.env as string[]).map((kv) => kv.split("=", 2) as [string, string]));
  const server = await startServer(uri, args.port as string, nodeArgs, env);
  const pid = server.proc.pid as number;
  const s = sampler(pid, server.metrics);
  const results: PhaseResult[] = [];
  const load = { before: os.loadavg(), after: [] as number[] };
  console.log(
    `our server pid ${pid}, node args [${nodeArgs.join(" ")}], env ${JSON.stringify(env)}; load ${load.before.map((x) => x.toFixed(1)).join(" ")}`,
  );
  const phase = async (
    name: string,
    work: () => Promise<{ rps: number; p99: number; errors: number } | null>,
  ) => {
    const snap =
      args.snapshot === name ? setTimeout(() => server.proc.kill("SIGUSR2"), (seconds * 1000) / 2) : null;
    results.push(await s.run(name, work));
    if (snap) clearTimeout(snap);
  };
  try {
    results.push(await s.run("idle", () => pause(1000)));
    // The inputs are picked only for the phases that ask them (each pick reads the whole graph).
    const asks =
      phases.has("distinct") || phases.has("mixed") || phases.has("repeated") || Number(args.fill) > 0;
    const samples = asks ? await pickSamples(driver) : null;
    const repeated = samples
      ? questions(samples).filter((q) => ["chain", "obligations", "nested"].includes(q.key))
      : [];
    for (const q of repeated) await post(server.url, q.ours(0));
    const load8and32 = async (q: Question, next: () => number, label: string) => {
      for (const c of [8, 32])
        await phase(`${label}@${c}`, () => httpLoadFrom(server.url, () => q.ours(next()), c, seconds));
    };
    const distinct = asks ? distinctQuestions(await pickDistinct(driver, Number(args.distinct))) : [];
    const fill = Number(args.fill);
    if (fill > 0) {
      // Nested answers from the end of the list (the distinct phases start at its head): the
      // cache up to its bound first, as a long run leaves it.
      const q = distinct[2] as Question;
      let i = q.samples - 1;
      await phase("fill (nested@8)", async () => {
        let left = fill;
        const worker = async () => {
          while (left-- > 0) await post(server.url, q.ours(i--));
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        return null;
      });
    }
    if (phases.has("distinct")) {
      for (const q of distinct) {
        let cursor = 0;
        const latency = Math.min(Number(args.latency), Math.floor(q.samples / 2));
        await phase(`distinct ${q.key}@1`, async () => {
          for (; cursor < latency; cursor++) await post(server.url, q.ours(cursor));
          return null;
        });
        await load8and32(q, () => cursor++ % q.samples, `distinct ${q.key}`);
      }
    }
    if (phases.has("mixed")) {
      const reads = repeated.filter((q) => q.key !== "nested");
      let n = 0;
      const body = () => {
        const q = reads[n % reads.length] as Question;
        return q.ours(Math.floor(n++ / reads.length));
      };
      await phase("mixed", () => httpLoadFrom(server.url, body, 8, seconds));
      const writer = startWriter(server.url, await adminToken(JWT_SECRET), await writeTargets(driver), 200);
      await phase("mixed + writes", () => httpLoadFrom(server.url, body, 8, seconds));
      const tally = await writer.stop();
      console.log(`  writes: ${tally.ok} acknowledged, ${tally.refused} refused, ${tally.failed} failed`);
    }
    if (phases.has("integrity"))
      // What the reform bench asks after its replay: the whole graph's counts on three dates.
      for (const d of (args["integrity-dates"] as string).split(","))
        await phase(`integrityReport ${d}`, async () => {
          const started = performance.now();
          await post(server.url, {
            query: "query ($d: Date) { integrityReport(asOf: $d) { counts { rule count } } }",
            variables: { d },
          });
          console.log(
            `  integrityReport(${d}) answered in ${((performance.now() - started) / 1000).toFixed(1)} s`,
          );
          return null;
        });
    if (phases.has("repeated"))
      for (const q of repeated) {
        let i = 0;
        await load8and32(q, () => i++, `repeated ${q.key}`);
      }
    results.push(await s.run("after", () => pause(2000)));
  } finally {
    s.stop();
    load.after = os.loadavg();
    await stopOurServer(server.proc);
    await driver.close();
    await neo?.stop();
  }
  const peak = Math.max(...results.map((r) => r.peak?.rss ?? 0));
  console.log(
    `peak RSS ${peak.toFixed(0)} MB; load ${load.before.map((x) => x.toFixed(1)).join(" ")} → ${load.after.map((x) => x.toFixed(1)).join(" ")}`,
  );
  if (args.out)
    await writeFile(
      args.out,
      JSON.stringify({ date: new Date().toISOString(), args, load, peak, results }, null, 2),
    );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
