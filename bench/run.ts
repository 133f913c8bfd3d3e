/**
 * `npm run bench [-- --sizes 1k,100k,full --samples 60 --duration 5 --fresh --profile]`
 *
 * For each size: starts a Neo4j of its own (embedded launcher, bench port, .data/bench/<size>),
 * loads the seed, imports the generated graph with a progress bar (skipped when that size is
 * already imported; --fresh starts from an empty database), starts our server and the Neo4j
 * GraphQL Library's as child processes, and asks each question three ways — our GraphQL over
 * HTTP, raw Cypher through the driver, the library over HTTP — alternating between the ways:
 *   - latency: one client, `samples` requests per way (after a warm-up), p50 / p95 / p99;
 *   - throughput at 1, 8 and 32 concurrent clients for `duration` seconds each (autocannon for
 *     HTTP, a concurrent loop for the driver), with the servers' RSS read from /proc under load;
 *   - Cypher round trips per request (ours: extensions.cypherRoundTrips; the library: its
 *     statement count; raw: 1).
 * Results go to bench/results/<date>.json and between the markers of bench/RESULTS.md.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import neo4j, { type Driver } from "neo4j-driver";
import { type GenerateResult, generateInto } from "../src/cli/generate.ts";
import { countGenerated } from "../src/store/bulk-import.ts";
import { toParams } from "../src/store/database.ts";
import { compileServers } from "./compiled.ts";
import { summarizeProfiles } from "./cpu-profile.ts";
import {
  adminToken,
  cacheCounters,
  distinctQuestions,
  hitRate,
  httpLoadFrom,
  pickDistinct,
  startWriter,
  writeTargets,
} from "./distinct.ts";
import { rssMb } from "./http-client.ts";
import { BENCH_PASSWORD, neo4jOptions, startBenchNeo4j } from "./neo4j.ts";
import { AS_OF, pickSamples, type Question, questions, type Way } from "./questions.ts";
import { renderResults } from "./report.ts";
import { type PhasePeaks, RssPhases, topPhases } from "./rss-phases.ts";
import { randomBenchSecret } from "./secrets.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const SIZES: Record<string, number> = { "1k": 0.001, "100k": 0.28, full: 1 };
const WAYS: Way[] = ["ours", "raw", "lib"];
const LATENCY_WAYS: LatencyWay[] = ["ours", "raw", "lib", "uncached"];
const CONCURRENCY = [1, 8, 32];

export interface WayResult {
  latencyMs: { p50: number; p95: number; p99: number; mean: number; n: number };
  roundTrips: number | null;
  throughput: Record<string, { rps: number; p50: number; p99: number; errors: number }>;
  rssMb: number | null;
  errors: string[];
}

export interface QuestionResult {
  key: string;
  title: string;
  agree: boolean;
  signatures: Record<Way, string>;
  ways: Record<Way, WayResult>;
  /** Our server with its result cache off (RESULT_CACHE_MB=0): latency and round trips only. */
  uncached?: Pick<WayResult, "latencyMs" | "roundTrips" | "errors">;
}

/** One question over distinct inputs (bench/distinct.ts): each request about a unit not asked before. */
export interface DistinctResult {
  key: string;
  title: string;
  /** Inputs in the list, and the distinct units behind them. */
  inputs: number;
  units: number;
  agree: boolean;
  ways: Record<
    Way,
    {
      latencyMs: WayResult["latencyMs"];
      roundTrips: number | null;
      throughput: Record<string, { rps: number; p50: number; p99: number; errors: number }>;
      /** Whether a throughput run used up the list and went round again (ours could then hit its cache). */
      wrapped: boolean;
      errors: string[];
    }
  >;
  /** Our cache's hit rate (joined reads count as hits) in the latency rounds and each throughput run. */
  hitRate: Record<string, number>;
}

/** Reads of the repeated samples while a writer changes the graph (bench/distinct.ts). */
export interface MixedResult {
  readers: number;
  seconds: number;
  writeEveryMs: number;
  quiet: { rps: number; p50: number; p99: number; errors: number; hitRate: number };
  writing: { rps: number; p50: number; p99: number; errors: number; hitRate: number };
  /** Renames acknowledged, refused with a GraphQL error (counted by code), and requests that failed. */
  writes: {
    ok: number;
    refused: number;
    failed: number;
    byCode: Record<string, number>;
    p50: number;
    p99: number;
    lastError: string;
  };
}

export interface SizeResult {
  size: string;
  scale: number;
  units: number;
  relations: number;
  import: GenerateResult | null;
  samples: Record<string, number>;
  rssIdleMb: Record<"ours" | "lib", number | null>;
  rssMaxMb: Record<"ours" | "lib", number | null>;
  /** Peak RSS by phase of the run, per server ("ours", "uncached", "lib"), sampled every 200 ms. */
  rssPhasesMb?: PhasePeaks;
  questions: QuestionResult[];
  distinct?: DistinctResult[];
  mixed?: MixedResult;
  load: { before: number[]; after: number[] };
  profile?: string[];
}

export interface BenchRun {
  date: string;
  commit: string;
  dirty: boolean;
  command: string;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string; neo4j: string };
  settings: { samples: number; duration: number; heapMb: number; pageCacheMb: number; asOf: string };
  sizes: SizeResult[];
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

interface Child {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `node [nodeArgs] <entry>` — a compiled entry (bench/compiled.ts) — and waits until it
 * is ready: its `READY <url>` line, or, for our service (which prints no such line), until
 * `readyUrl` answers.
 */
async function startChild(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  readyUrl?: { url: string; probe: string },
): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors: string[] = [];
  proc.stderr?.on("data", (d: Buffer) => errors.push(d.toString()));
  // Our service logs (pino, LOG_LEVEL=error) to stdout: kept only to explain a failed start.
  proc.stdout?.on("data", (d: Buffer) => errors.push(d.toString()));
  const name = path.relative(ROOT, entry);
  const url = await new Promise<string>((resolve, reject) => {
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${name} did not start: ${errors.join("")}`))),
      120_000,
    );
    const lines = readline.createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m) finish(() => resolve(m[1] as string));
    });
    proc.once("exit", (code) =>
      finish(() => reject(new Error(`${name} exited (${code}): ${errors.join("")}`))),
    );
    if (readyUrl)
      void pollReady(readyUrl.probe, () => done).then((ok) => ok && finish(() => resolve(readyUrl.url)));
  });
  // A server that dies under load says so (its requests then fail as errors of that way).
  let stopping = false;
  proc.once("exit", (code, signal) => {
    if (!stopping) console.error(`\n${name} exited (${code ?? signal}): ${errors.join("").slice(-2000)}`);
  });
  return {
    proc,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        stopping = true;
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

/** True once `probe` answers 200; false if `stopped` says the start ended otherwise first. */
async function pollReady(probe: string, stopped: () => boolean): Promise<boolean> {
  while (!stopped()) {
    const ok = await fetch(probe, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Our server's token secret in the benchmark: the mixed workload's writer signs its token with it. */
const BENCH_JWT_SECRET = randomBenchSecret();

/** A request that takes longer than this counts as an error (Neo4j may still be working on it). */
const REQUEST_TIMEOUT_MS = 60_000;

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return res.json();
}

/** One request of one way; returns the answer. */
type Ask = (i: number) => Promise<unknown>;

type Urls = { ours: string; lib: string; uncached: string };
/** The three ways, and our server without its cache (latency only). */
type LatencyWay = Way | "uncached";

function askers(q: Question, urls: Urls, driver: Driver): Record<LatencyWay, Ask> {
  return {
    uncached: (i) => postJson(urls.uncached, q.ours(i)),
    ours: (i) => postJson(urls.ours, q.ours(i)),
    lib: (i) => postJson(urls.lib, q.lib(i)),
    raw: async (i) => {
      const { cypher, params } = q.raw(i);
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        // An auto-commit read: one Bolt exchange, as our server's reads (a managed transaction
        // would add a COMMIT exchange, and the floor would not be one).
        const res = await session.run(cypher, toParams(params) as Record<string, unknown>);
        return res.records.map((r) => r.toObject());
      } finally {
        await session.close();
      }
    },
  };
}

function graphqlErrors(answer: unknown): string | null {
  const errors = (answer as { errors?: { message: string }[] })?.errors;
  return errors && errors.length > 0 ? errors.map((e) => e.message).join("; ") : null;
}

async function libStatements(url: string): Promise<number> {
  const res = await fetch(url.replace(/\/graphql$/, "/stats"));
  return ((await res.json()) as { statements: number }).statements;
}

/** A concurrent loop over the driver for `seconds`: requests per second and latencies. */
async function rawLoad(ask: Ask, samples: number, connections: number, seconds: number) {
  const until = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const i = next++ % samples;
        const t = performance.now();
        try {
          await ask(i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
}

async function httpLoad(url: string, bodies: unknown[], connections: number, seconds: number) {
  const u = new URL(url);
  const result = await autocannon({
    url: u.origin,
    connections,
    duration: seconds,
    requests: bodies.map((b) => ({
      method: "POST" as const,
      path: u.pathname,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(b),
    })),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** One question being measured: how to ask it each way, and the results filled in so far. */
interface QuestionBench {
  q: Question;
  ask: Record<LatencyWay, Ask>;
  urls: Urls;
  servers: { ours: Child; lib: Child };
  opts: { samples: number; duration: number };
  rss: RssPhases;
  ways: Record<Way, WayResult>;
  uncached: NonNullable<QuestionResult["uncached"]>;
}

const resultOf = (b: QuestionBench, w: LatencyWay) => (w === "uncached" ? b.uncached : b.ways[w]);
const noLatency = () => ({ p50: 0, p95: 0, p99: 0, mean: 0, n: 0 });

async function benchQuestion(
  q: Question,
  ask: Record<LatencyWay, Ask>,
  urls: Urls,
  servers: { ours: Child; lib: Child },
  opts: { samples: number; duration: number },
  rss: RssPhases,
): Promise<QuestionResult> {
  const ways = Object.fromEntries(
    WAYS.map((w) => [
      w,
      {
        latencyMs: noLatency(),
        roundTrips: w === "raw" ? 1 : null,
        throughput: {},
        rssMb: null,
        errors: [],
      } as WayResult,
    ]),
  ) as Record<Way, WayResult>;
  const b: QuestionBench = {
    q,
    ask,
    urls,
    servers,
    opts,
    rss,
    ways,
    uncached: { latencyMs: noLatency(), roundTrips: null, errors: [] },
  };
  await rss.enter(`repeated ${q.key} agreement`);
  const { signatures, agree } = await checkAgreement(b);
  await rss.enter(`repeated ${q.key} latency`);
  await measureLatency(b);
  await measureThroughput(b);
  return { key: q.key, title: q.title, agree, signatures, ways, uncached: b.uncached };
}

/** Agreement: the ways answer the first samples alike. */
async function checkAgreement(
  b: QuestionBench,
): Promise<{ signatures: Record<Way, string>; agree: boolean }> {
  const signatures = {} as Record<Way, string>;
  let agree = true;
  for (let i = 0; i < Math.min(3, b.q.samples); i++) {
    const got = {} as Record<LatencyWay, string>;
    for (const w of LATENCY_WAYS) {
      try {
        const answer = await b.ask[w](i);
        const err = graphqlErrors(answer);
        if (err) resultOf(b, w).errors.push(err);
        got[w] = b.q.signature[w === "uncached" ? "ours" : w](answer);
      } catch (e) {
        resultOf(b, w).errors.push(e instanceof Error ? e.message : String(e));
        got[w] = "error";
      }
    }
    if (i === 0) Object.assign(signatures, { ours: got.ours, raw: got.raw, lib: got.lib });
    if (got.ours !== got.raw || got.ours !== got.lib || got.ours !== got.uncached) agree = false;
  }
  return { signatures, agree };
}

/**
 * Latency: warm up (JIT in Neo4j and in the servers), then one client, the ways in turn (the
 * order rotates); Cypher round trips counted alongside.
 */
async function measureLatency(b: QuestionBench): Promise<void> {
  for (const w of LATENCY_WAYS) {
    const until = performance.now() + 5_000;
    for (let i = 0; i < 30 && performance.now() < until; i++) await b.ask[w](i).catch(() => {});
  }
  const times: Record<LatencyWay, number[]> = { ours: [], raw: [], lib: [], uncached: [] };
  const trips = { ours: { sum: 0, n: 0 }, uncached: { sum: 0, n: 0 } };
  const libBefore = await libStatements(b.urls.lib);
  const deadline = performance.now() + Math.max(20_000, b.opts.samples * 3 * 400);
  for (let n = 0; n < b.opts.samples && performance.now() < deadline; n++) {
    for (let k = 0; k < LATENCY_WAYS.length; k++) {
      const w = LATENCY_WAYS[(n + k) % LATENCY_WAYS.length] as LatencyWay;
      const t = performance.now();
      try {
        const answer = await b.ask[w](n);
        times[w].push(performance.now() - t);
        if (w === "ours" || w === "uncached") countTrips(trips[w], answer);
      } catch (e) {
        resultOf(b, w).errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  }
  const libAfter = await libStatements(b.urls.lib);
  b.ways.ours.roundTrips = trips.ours.n > 0 ? trips.ours.sum / trips.ours.n : null;
  b.uncached.roundTrips = trips.uncached.n > 0 ? trips.uncached.sum / trips.uncached.n : null;
  b.ways.lib.roundTrips = times.lib.length > 0 ? (libAfter - libBefore) / times.lib.length : null;
  for (const w of LATENCY_WAYS) resultOf(b, w).latencyMs = latencyOf(times[w]);
}

/** Adds our server's count of Cypher round trips (extensions.cypherRoundTrips) to a tally. */
function countTrips(tally: { sum: number; n: number }, answer: unknown): void {
  const count = (answer as { extensions?: { cypherRoundTrips?: number } }).extensions?.cypherRoundTrips;
  if (typeof count !== "number") return;
  tally.sum += count;
  tally.n++;
}

function latencyOf(times: number[]): WayResult["latencyMs"] {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    n: sorted.length,
  };
}

/** Throughput at 1, 8, 32 clients, the ways in rotating order. */
async function measureThroughput(b: QuestionBench): Promise<void> {
  const bodies = { ours: [] as unknown[], lib: [] as unknown[] };
  for (let i = 0; i < b.q.samples; i++) {
    bodies.ours.push(b.q.ours(i));
    bodies.lib.push(b.q.lib(i));
  }
  for (const [ci, c] of CONCURRENCY.entries())
    for (let k = 0; k < WAYS.length; k++) {
      const w = WAYS[(ci + k) % WAYS.length] as Way;
      await b.rss.enter(`repeated ${b.q.key}@${c} ${w}`);
      if (w === "raw")
        b.ways.raw.throughput[String(c)] = await rawLoad(b.ask.raw, b.q.samples, c, b.opts.duration);
      else await httpLoadSampled(b, w, bodies[w], c);
    }
}

/** One HTTP load run (its phase entered by the caller); the server's peak RSS in it is the way's. */
async function httpLoadSampled(
  b: QuestionBench,
  w: "ours" | "lib",
  bodies: unknown[],
  c: number,
): Promise<void> {
  b.ways[w].throughput[String(c)] = await httpLoad(b.urls[w], bodies, c, b.opts.duration);
  await b.rss.enter(`repeated ${b.q.key}@${c} ${w} (after)`);
  const peak = b.rss.peaks[w]?.[`repeated ${b.q.key}@${c} ${w}`] ?? 0;
  b.ways[w].rssMb = Math.max(b.ways[w].rssMb ?? 0, peak);
}

interface DistinctContext {
  urls: Urls;
  driver: Driver;
  servers: Servers;
  opts: SizeOptions;
  rss: RssPhases;
}

/**
 * One request per way and question, on the first repeated sample, before anything is timed: a
 * fresh server's first request (and Neo4j's first plan of each statement) is not what a miss
 * costs. At load 17 the first chain of a fresh server once took over REQUEST_TIMEOUT_MS (15 s).
 */
async function warmUp(qs: Question[], urls: Urls, driver: Driver): Promise<void> {
  for (const q of qs) {
    const ask = askers(q, urls, driver);
    for (const w of LATENCY_WAYS) await ask[w](0).catch(() => undefined);
  }
}

/** The distinct-input workload (bench/distinct.ts) for chain, obligations and nested. */
async function benchDistinct(ctx: DistinctContext): Promise<DistinctResult[]> {
  const inputs = await pickDistinct(ctx.driver, ctx.opts.distinct);
  const out: DistinctResult[] = [];
  for (const q of distinctQuestions(inputs)) {
    if (ctx.opts.only && !ctx.opts.only.includes(q.key)) continue;
    process.stdout.write(`  distinct ${q.key} (${q.samples} inputs): `);
    const r = await distinctQuestion(ctx, q, inputs.units[q.key as keyof typeof inputs.units]);
    console.log(
      `${WAYS.map(
        (w) =>
          `${w} p50 ${r.ways[w].latencyMs.p50.toFixed(1)} ms, ${r.ways[w].throughput["8"]?.rps.toFixed(0)} rps@8, ${r.ways[w].roundTrips?.toFixed(2)} trips`,
      ).join(" | ")} | hit rate ${JSON.stringify(r.hitRate)}${r.agree ? "" : "  (answers differ!)"}`,
    );
    out.push(r);
  }
  return out;
}

async function distinctQuestion(ctx: DistinctContext, q: Question, units: number): Promise<DistinctResult> {
  const ask = askers(q, { ...ctx.urls }, ctx.driver);
  const stats = ctx.urls.ours.replace(/\/graphql$/, "/metrics");
  const empty = (): DistinctResult["ways"]["ours"] => ({
    latencyMs: noLatency(),
    roundTrips: null,
    throughput: {},
    wrapped: false,
    errors: [] as string[],
  });
  const ways = { ours: empty(), raw: { ...empty(), roundTrips: 1 }, lib: empty() };
  await ctx.rss.enter(`distinct ${q.key} agreement`);
  // Agreement on the last inputs of the list (the latency rounds start at the first).
  let agree = true;
  for (const i of [q.samples - 1, q.samples - 2, q.samples - 3].filter((i) => i >= 0)) {
    const got: string[] = [];
    for (const w of WAYS) {
      const answer = await ask[w](i).catch((e: unknown) => ({ errors: [{ message: String(e) }] }));
      const err = graphqlErrors(answer);
      if (err) ways[w].errors.push(`agreement, input ${i}: ${err}`);
      got.push(err ? "error" : q.signature[w](answer));
    }
    if (new Set(got).size !== 1) {
      agree = false;
      ways.ours.errors.push(`answers differ on input ${i}: ${got.join(" | ")}`);
    }
  }
  const latency = Math.min(ctx.opts.distinctSamples, Math.floor(q.samples / 2));
  const times: Record<Way, number[]> = { ours: [], raw: [], lib: [] };
  const trips = { sum: 0, n: 0 };
  const libBefore = await libStatements(ctx.urls.lib);
  const cacheBefore = await cacheCounters(stats);
  await ctx.rss.enter(`distinct ${q.key} latency`);
  for (let n = 0; n < latency; n++)
    for (let k = 0; k < WAYS.length; k++) {
      const w = WAYS[(n + k) % WAYS.length] as Way;
      const t = performance.now();
      try {
        const answer = await ask[w](n);
        times[w].push(performance.now() - t);
        const err = graphqlErrors(answer);
        if (err && w !== "raw") ways[w].errors.push(err);
        if (w === "ours") countTrips(trips, answer);
      } catch (e) {
        ways[w].errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  const hit: Record<string, number> = { latency: hitRate(cacheBefore, await cacheCounters(stats)) };
  ways.ours.roundTrips = trips.n > 0 ? trips.sum / trips.n : null;
  ways.lib.roundTrips =
    times.lib.length > 0 ? ((await libStatements(ctx.urls.lib)) - libBefore) / times.lib.length : null;
  for (const w of WAYS) ways[w].latencyMs = latencyOf(times[w]);
  // Throughput: each way goes on through the list from where it stopped.
  const cursor: Record<Way, number> = { ours: latency, raw: latency, lib: latency };
  const next = (w: Way) => () => {
    const i = cursor[w]++;
    if (i >= q.samples) ways[w].wrapped = true;
    return i % q.samples;
  };
  for (const [ci, c] of [8, 32].entries())
    for (let k = 0; k < WAYS.length; k++) {
      const w = WAYS[(ci + k) % WAYS.length] as Way;
      await ctx.rss.enter(`distinct ${q.key}@${c} ${w}`);
      if (w === "raw") {
        const nextRaw = next("raw");
        ways.raw.throughput[String(c)] = await rawLoad(
          (_) => ask.raw(nextRaw()),
          q.samples,
          c,
          ctx.opts.duration,
        );
        continue;
      }
      const nextHttp = next(w);
      const body = () => (w === "ours" ? q.ours(nextHttp()) : q.lib(nextHttp()));
      const before = w === "ours" ? await cacheCounters(stats) : null;
      ways[w].throughput[String(c)] = await httpLoadFrom(ctx.urls[w], body, c, ctx.opts.duration);
      if (before) hit[String(c)] = hitRate(before, await cacheCounters(stats));
    }
  return { key: q.key, title: q.title, inputs: q.samples, units, agree, ways, hitRate: hit };
}

/**
 * Reads of the repeated samples (chain and obligations, alternating) at 8 clients, first alone,
 * then while a writer renames a commune every 200 ms through the API.
 */
async function benchMixed(ctx: DistinctContext, qs: Question[]): Promise<MixedResult | undefined> {
  const reads = qs.filter((q) => q.key === "chain" || q.key === "obligations");
  if (reads.length === 0) return undefined;
  const stats = ctx.urls.ours.replace(/\/graphql$/, "/metrics");
  let n = 0;
  const body = () => {
    const q = reads[n % reads.length] as Question;
    const i = Math.floor(n / reads.length);
    n++;
    return q.ours(i);
  };
  const readers = 8;
  const seconds = ctx.opts.mixedSeconds;
  const writeEveryMs = 200;
  // Warm the hot set first, so that "quiet" shows the steady state without writes.
  await ctx.rss.enter("mixed warm-up");
  for (let i = 0; i < 2 * reads.length * 20; i++) await postJson(ctx.urls.ours, body());
  const phase = async () => {
    const before = await cacheCounters(stats);
    const r = await httpLoadFrom(ctx.urls.ours, body, readers, seconds);
    return {
      rps: r.rps,
      p50: r.p50,
      p99: r.p99,
      errors: r.errors,
      hitRate: hitRate(before, await cacheCounters(stats)),
    };
  };
  process.stdout.write("  mixed (8 readers of the repeated samples, a write every 200 ms): ");
  await ctx.rss.enter("mixed reads alone");
  const quiet = await phase();
  const token = await adminToken(BENCH_JWT_SECRET);
  const writer = startWriter(ctx.urls.ours, token, await writeTargets(ctx.driver), writeEveryMs);
  await ctx.rss.enter("mixed reads + writes");
  const writing = await phase();
  const tally = await writer.stop();
  await ctx.rss.enter("mixed after");
  const lat = [...tally.latencies].sort((a, b) => a - b);
  const result: MixedResult = {
    readers,
    seconds,
    writeEveryMs,
    quiet,
    writing,
    writes: {
      ok: tally.ok,
      refused: tally.refused,
      failed: tally.failed,
      byCode: tally.byCode,
      p50: percentile(lat, 0.5),
      p99: percentile(lat, 0.99),
      lastError: tally.lastError,
    },
  };
  console.log(
    `quiet ${quiet.rps.toFixed(0)} rps, hit rate ${(100 * quiet.hitRate).toFixed(1)} % | writing ${writing.rps.toFixed(0)} rps, hit rate ${(100 * writing.hitRate).toFixed(1)} %, ${tally.ok} writes acknowledged, ${tally.refused} refused, ${tally.failed} failed${tally.lastError ? ` (last error: ${tally.lastError})` : ""}`,
  );
  return result;
}

interface SizeOptions {
  samples: number;
  duration: number;
  fresh: boolean;
  profile: boolean;
  dataDir: string;
  boltPort: number;
  httpPort: number;
  heapMb: number;
  pageCacheMb: number;
  seed: number;
  only: string[] | null;
  /** Distinct inputs per question (0: skip the distinct and mixed workloads). */
  distinct: number;
  /** Latency samples per way in the distinct workload. */
  distinctSamples: number;
  /** Length of each phase of the mixed workload. */
  mixedSeconds: number;
}

type Servers = { ours: Child; lib: Child; uncached: Child };

async function benchSize(size: string, opts: SizeOptions): Promise<SizeResult> {
  const scale = SIZES[size];
  if (scale === undefined) throw new Error(`unknown size ${size} (known: ${Object.keys(SIZES).join(", ")})`);
  const dataDir = path.join(opts.dataDir, size);
  if (opts.fresh) await rm(dataDir, { recursive: true, force: true });
  console.log(`\n== ${size} (scale ${scale}) — Neo4j at ${dataDir}`);
  const neo = await startBenchNeo4j({
    boltPort: opts.boltPort,
    dataDir,
    heapMb: opts.heapMb,
    pageCacheMb: opts.pageCacheMb,
  });
  const servers: Partial<Servers> = {};
  const driver = neo4j.driver(neo.uri, neo4j.auth.basic("neo4j", BENCH_PASSWORD), {
    maxConnectionPoolSize: 64,
  });
  try {
    const { imported, total, relations } = await importSize(neo, scale, opts.seed);
    const profileDir = path.join(ROOT, ".data", "bench", "profiles", size);
    const started = await startServers(
      servers,
      { NEO4J_URI: neo.uri, NEO4J_PASSWORD: BENCH_PASSWORD },
      opts,
      profileDir,
    );
    const urls = { ours: started.ours.url, lib: started.lib.url, uncached: started.uncached.url };
    const idle = (c: Child) => (c.proc.pid ? rssMb(c.proc.pid) : Promise.resolve(null));
    const rssIdleMb = { ours: await idle(started.ours), lib: await idle(started.lib) };
    const samples = await pickSamples(driver);
    const qs = questions(samples).filter((q) => !opts.only || opts.only.includes(q.key));
    const rss = new RssPhases({
      ours: started.ours.proc.pid,
      uncached: started.uncached.proc.pid,
      lib: started.lib.proc.pid,
    });
    const load = { before: os.loadavg(), after: [] as number[] };
    const ctx: DistinctContext = { urls, driver, servers: started, opts, rss };
    await rss.enter("warm-up");
    await warmUp(qs, urls, driver);
    const distinct = opts.distinct > 0 ? await benchDistinct(ctx) : undefined;
    const mixed = opts.distinct > 0 ? await benchMixed(ctx, qs) : undefined;
    const results: QuestionResult[] = [];
    for (const q of qs) results.push(await benchAndLog(q, askers(q, urls, driver), urls, started, opts, rss));
    await rss.stop();
    const rssMax = { ours: rss.max("ours"), lib: rss.max("lib") };
    console.log(
      `  RSS peaks, ours: ${topPhases(rss.peaks.ours)}; uncached: ${topPhases(rss.peaks.uncached, 2)}`,
    );
    load.after = os.loadavg();
    let profile: string[] | undefined;
    if (opts.profile) {
      await started.ours.stop();
      profile = await summarizeProfiles(profileDir);
    }
    return {
      size,
      scale,
      units: total,
      relations,
      import: imported.skipped ? null : imported,
      samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.length])),
      rssIdleMb,
      rssMaxMb: rssMax,
      rssPhasesMb: rss.peaks,
      questions: results,
      distinct,
      mixed,
      load,
      profile,
    };
  } finally {
    await servers.ours?.stop();
    await servers.lib?.stop();
    await servers.uncached?.stop();
    await driver.close();
    await neo.stop();
  }
}

/** Imports the generated graph of a size (unless already there) and counts what the database holds. */
async function importSize(
  neo: Awaited<ReturnType<typeof startBenchNeo4j>>,
  scale: number,
  seed: number,
): Promise<{ imported: GenerateResult; total: number; relations: number }> {
  const imported = await generateInto(neo.db, { scale, seed, skipIfComplete: true });
  if (imported.skipped) console.log(`already imported (${imported.units} units); --fresh to import again`);
  else
    console.log(
      `imported ${imported.units} units, ${imported.relations} relations in ${imported.seconds.toFixed(1)} s`,
    );
  const counts = await countGenerated(neo.db);
  const total = (await neo.db.read("MATCH (u:Unit) RETURN count(u) AS n"))[0]?.n as number;
  const relations = (await neo.db.read("MATCH (:Unit)-[r]->(:Unit) RETURN count(r) AS n"))[0]?.n as number;
  console.log(`database: ${total} units (${counts.units} generated), ${relations} relations between units`);
  return { imported, total, relations };
}

/**
 * Starts our server (profiled when asked), the library's, and ours once more with the result
 * cache off: what a first (or uncacheable) request costs. Each is recorded in `servers` as
 * soon as it runs, so that the caller stops it whatever fails next.
 */
async function startServers(
  servers: Partial<Servers>,
  env: Record<string, string>,
  opts: SizeOptions,
  profileDir: string,
): Promise<Servers> {
  if (opts.profile) {
    await rm(profileDir, { recursive: true, force: true });
    await mkdir(profileDir, { recursive: true });
  }
  const compiled = await compileServers(ROOT);
  // Our service as `npm start` runs it (src/main.ts, compiled), on the bench database.
  const ours = (port: number, extra: Record<string, string>, nodeArgs: string[] = []) =>
    startChild(
      compiled.ours,
      {
        ...env,
        ...extra,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "error",
        GRAPHIQL: "false",
        // The benchmark's clients all come from 127.0.0.1 at hundreds of requests a second.
        RATE_LIMIT_PER_MINUTE: "0",
        // The result cache's counters come from /metrics (on by default on an internal service).
        METRICS: "on",
        JWT_SECRET: BENCH_JWT_SECRET,
      },
      nodeArgs,
      { url: `http://127.0.0.1:${port}/graphql`, probe: `http://127.0.0.1:${port}/ready` },
    );
  servers.ours = await ours(
    opts.httpPort,
    {},
    opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  );
  servers.lib = await startChild(compiled.lib, {
    ...env,
    NODE_ENV: "production",
    PORT: String(opts.httpPort + 1),
  });
  servers.uncached = await ours(opts.httpPort + 2, { RESULT_CACHE_MB: "0" });
  return servers as Servers;
}

/** benchQuestion with a progress line. */
async function benchAndLog(...args: Parameters<typeof benchQuestion>): Promise<QuestionResult> {
  process.stdout.write(`  ${args[0].key}: `);
  const r = await benchQuestion(...args);
  console.log(
    WAYS.map(
      (w) =>
        `${w} p50 ${r.ways[w].latencyMs.p50.toFixed(1)} ms, ${r.ways[w].throughput["8"]?.rps.toFixed(0)} rps@8`,
    ).join(" | ") +
      ` | uncached p50 ${r.uncached?.latencyMs.p50.toFixed(1)} ms` +
      (r.agree ? "" : "  (answers differ!)"),
  );
  return r;
}

async function main(): Promise<void> {
  const { values, opts } = parseOptions();
  const run = await newRun(opts);
  await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
  // --results FILE adds the sizes measured now to an earlier run's file (a long run can be done size by size);
  // --no-write keeps a quick look out of the tree (its numbers go to the system's temporary folder).
  const name = `${run.date.replace(/[:.]/g, "-")}.json`;
  const file = values.results
    ? path.resolve(values.results)
    : values["no-write"]
      ? path.join(os.tmpdir(), `party-org-graph-bench-${name}`)
      : path.join(ROOT, "bench", "results", name);
  const earlier = values.results
    ? ((await readFile(file, "utf8").then(JSON.parse, () => null)) as BenchRun | null)
    : null;
  if (earlier) {
    run.date = earlier.date;
    run.sizes = earlier.sizes;
    run.command = `${earlier.command}; ${run.command}`;
  }
  if (values["render-only"]) {
    if (!earlier) throw new Error("--render-only needs --results FILE");
    await writeResultsMd(renderResults(earlier));
    console.log("bench/RESULTS.md rendered from", path.relative(ROOT, file));
    return;
  }
  await benchSizes(run, values.sizes, opts, file);
  const table = renderResults(run);
  console.log(`\n${table}`);
  if (!values["no-write"]) {
    await writeResultsMd(table);
    console.log("bench/RESULTS.md updated");
  }
}

/** The command line: the options as given, and those benchSize reads. */
function parseOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1k,100k,full" },
      samples: { type: "string", default: "60" },
      duration: { type: "string", default: "5" },
      fresh: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      only: { type: "string" },
      "data-dir": { type: "string", default: path.join(ROOT, ".data", "bench") },
      ...neo4jOptions({ boltPort: "7811", memoryMb: "4096" }),
      "http-port": { type: "string", default: "4211" },
      seed: { type: "string", default: "42" },
      "no-write": { type: "boolean", default: false },
      results: { type: "string" },
      "render-only": { type: "boolean", default: false },
      distinct: { type: "string", default: "5000" },
      "distinct-samples": { type: "string", default: "200" },
      "mixed-seconds": { type: "string", default: "10" },
    },
  });
  const opts: SizeOptions = {
    samples: Number(values.samples),
    duration: Number(values.duration),
    fresh: values.fresh,
    profile: values.profile,
    dataDir: values["data-dir"],
    boltPort: Number(values["bolt-port"]),
    httpPort: Number(values["http-port"]),
    heapMb: Number(values.heap),
    pageCacheMb: Number(values.pagecache),
    seed: Number(values.seed),
    only: values.only ? values.only.split(",") : null,
    distinct: Number(values.distinct),
    distinctSamples: Number(values["distinct-samples"]),
    mixedSeconds: Number(values["mixed-seconds"]),
  };
  return { values, opts };
}

/** A run with no sizes yet: when, on which commit and machine, with which settings. */
async function newRun(opts: SizeOptions): Promise<BenchRun> {
  const git = (args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  const version = async (pkg: string) =>
    (
      JSON.parse(await readFile(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  return {
    date: new Date().toISOString(),
    commit: git(["rev-parse", "HEAD"]),
    dirty: git(["status", "--porcelain"]).length > 0,
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    machine: {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      neo4j: `Neo4j 5.26 community (embedded), neo4j-driver ${await version("neo4j-driver")}, @neo4j/graphql ${await version("@neo4j/graphql")}`,
    },
    settings: {
      samples: opts.samples,
      duration: opts.duration,
      heapMb: opts.heapMb,
      pageCacheMb: opts.pageCacheMb,
      asOf: AS_OF,
    },
    sizes: [],
  };
}

/** Measures each size in turn, saving the run after every size so that an interrupted run keeps what it measured. */
async function benchSizes(run: BenchRun, sizes: string, opts: SizeOptions, file: string): Promise<void> {
  const order = Object.keys(SIZES);
  for (const size of sizes.split(",").map((x) => x.trim())) {
    const result = await benchSize(size, opts);
    run.sizes = [...run.sizes.filter((x) => x.size !== size), result].sort(
      (a, b) => order.indexOf(a.size) - order.indexOf(b.size),
    );
    await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  }
  console.log(`\nresults: ${file.startsWith(ROOT) ? path.relative(ROOT, file) : file}`);
}

/** Replaces the generated section of bench/RESULTS.md, keeping the text around it. */
async function writeResultsMd(table: string): Promise<void> {
  const resultsMd = path.join(ROOT, "bench", "RESULTS.md");
  const current = await readFile(resultsMd, "utf8").catch(() => "");
  const start = "<!-- results:start -->";
  const end = "<!-- results:end -->";
  const block = `${start}\n${table}\n${end}`;
  const next =
    current.includes(start) && current.includes(end)
      ? current.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => block)
      : `# Benchmark results\n\n${block}\n`;
  await writeFile(resultsMd, next);
}

main().catch((e: unknown) => {
  console.error("bench failed:", e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
