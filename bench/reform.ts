/**
 * The 2025 reform replayed nationally (issue 16, item 5):
 * `npx tsx bench/reform.ts --scale 1 [--seed 42] [--concurrency N] [--sample 1000]
 *  [--reference .data-reform/ref-1] [--record] [--replay-only] [--cut-only] [--compiled]`.
 * `--compiled` runs our server as `npm start` does (npm run build, node dist/main.js) instead of
 * under tsx, whose loader and source maps cost memory and time production does not pay.
 *
 * 1. Reference: the bulk-imported full history at `--scale` in its own embedded Neo4j (imported
 *    when missing; `--reference` may name a copy of the bench store), behind our server: the
 *    as-of answers (superior, reporting chain, obligations) of the sampled units on 30/06/2025,
 *    01/07/2025 and 01/01/2026, and the integrity report's counts.
 * 2. Replay: a fresh database with the generated graph as it stood on 30/06/2025
 *    (src/generator/national/reform-cut.ts), our server, and the reform applied through the
 *    public mutations with an admin token (src/generator/national/reform-plan.ts,
 *    bench/reform-replay.ts) — events, audit and invariant checks as for any editor — with a
 *    progress bar. Then the same answers and counts.
 * 3. Comparison: mismatches by question with examples, invariant findings beyond the history's;
 *    exit code 1 on any mismatch, failed step or broken invariant.
 *
 * Both Neo4j run one after the other on the same Bolt port (--bolt-port, default 7821).
 */
import type { ChildProcess } from "node:child_process";
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { Agent } from "undici";
import { generateInto } from "../src/cli/generate.ts";
import { ANCHOR_UNITS } from "../src/generator/model.ts";
import { generateNation } from "../src/generator/national/index.ts";
import { preReformCut } from "../src/generator/national/reform-cut.ts";
import { type ProvinceReform, provinceReform } from "../src/generator/national/reform-plan.ts";
import { checkAnchors, importGenerated } from "../src/store/bulk-import.ts";
import { buildOurServer } from "./compiled.ts";
import { postGraphql, signToken, startCompiledServer, startOurServer, stopOurServer } from "./http-client.ts";
import { startBenchNeo4j } from "./neo4j.ts";
import {
  brokenInvariants,
  collectAnswers,
  compareAnswers,
  integrityCounts,
  sampleUnits,
} from "./reform-answers.ts";
import { memorySampler, statementTimes } from "./reform-memory.ts";
import { type Gql, replayReform } from "./reform-replay.ts";
import { randomBenchSecret } from "./secrets.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const JWT_SECRET = randomBenchSecret();

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "0.001" },
    seed: { type: "string", default: "42" },
    data: { type: "string", default: ".data-reform" },
    reference: { type: "string" },
    // As many mutations at once as the machine has cores: on 2 cores, 4 at once cost Neo4j 40 % more
    // CPU than 2 (lock contention) and the replay 23 % more time (bench/RESULTS.md, session 15).
    concurrency: { type: "string", default: String(os.availableParallelism()) },
    sample: { type: "string", default: "1000" },
    "bolt-port": { type: "string", default: "7821" },
    port: { type: "string", default: "4221" },
    heap: { type: "string", default: "1536" },
    pagecache: { type: "string", default: "1024" },
    record: { type: "boolean", default: false },
    // The replay alone: no reference answers, no comparison (to see how far a long replay gets).
    "replay-only": { type: "boolean", default: false },
    // Only import the pre-reform cut (a long import started ahead of the replay).
    "cut-only": { type: "boolean", default: false },
    provinces: { type: "string" },
    compiled: { type: "boolean", default: false },
  },
});

const scale = Number(args.scale);
const seed = Number(args.seed);
const concurrency = Number(args.concurrency);
const log = (line: string) => process.stderr.write(`${line}\n`);
/**
 * The replay's connections: a province's restructuring may run longer than fetch's default 300 s
 * wait for response headers, and the server goes on and commits it; so the client waits as long
 * as the server's own request budget (REQUEST_TIMEOUT_MS below) instead of counting it as failed.
 */
const REQUEST_BUDGET_MS = 600_000;
const replayAgent = new Agent({
  headersTimeout: REQUEST_BUDGET_MS + 60_000,
  bodyTimeout: REQUEST_BUDGET_MS + 60_000,
});

/** Our server as a child process, with a write budget for the restructurings, and its GraphQL client. */
async function startServer(
  uri: string,
): Promise<{ proc: ChildProcess; url: string; gql: Gql; memory: ReturnType<typeof memorySampler> }> {
  const env = {
    JWT_SECRET,
    // An abolishLevel or a province's merger moves hundreds of units in one transaction.
    WRITE_TIMEOUT_MS: String(REQUEST_BUDGET_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_BUDGET_MS),
    MAX_RESPONSE_BYTES: String(64 * 1024 * 1024),
    // The replay asks no graphDiff: the warm-up (a province-sized diff, ~90 s of Neo4j CPU after a start) would only slow the steps beside it.
    WARMUP: "off",
  };
  const { proc, url } = args.compiled
    ? await startCompiledServer(uri, args.port, env)
    : await startOurServer(uri, args.port, env);
  const jwt = await signToken(JWT_SECRET, { role: "admin" }, "bench-reform", 86_400);
  const memory = memorySampler(proc.pid as number, url);
  const gql: Gql = (query, variables) =>
    memory.track(query, async () => (await postGraphql(url, jwt, query, variables, replayAgent)).body);
  return { proc, url, gql, memory };
}

function bar(label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      etaBuffer: 200,
      fps: 2,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  b.start(total, 0, { rate: "0" });
  const update = b.update.bind(b);
  b.update = ((value: number) =>
    update(value, {
      rate: (value / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(1),
    })) as never;
  return b;
}

async function neo4jAt(dataDir: string) {
  return startBenchNeo4j({
    boltPort: Number(args["bolt-port"]),
    dataDir,
    heapMb: Number(args.heap),
    pageCacheMb: Number(args.pagecache),
  });
}

/** The plan of every chunk, and every generated unit id (for the sample). */
function planNation(): { plans: ProvinceReform[]; all: string[]; seconds: number } {
  const t = performance.now();
  let plans: ProvinceReform[] = [];
  const unitsOf = new Map<string, string[]>();
  for (const b of generateNation({ scale, seed })) {
    unitsOf.set(
      b.key,
      b.units.map((u) => u.id),
    );
    const p = provinceReform(b);
    if (p.steps.length > 0) plans.push(p);
  }
  // The largest provinces first, so that the last one does not run alone at the end.
  plans.sort((a, b) => b.steps.length - a.steps.length);
  // --provinces n: only the n provinces around the median size (the others keep their 30/06/2025 state).
  if (args.provinces) {
    const n = Math.max(1, Math.min(plans.length, Number(args.provinces)));
    const from = Math.max(0, Math.floor(plans.length / 2) - Math.floor(n / 2));
    plans = plans.slice(from, from + n);
  }
  const all = args.provinces ? plans.flatMap((p) => unitsOf.get(p.key) ?? []) : [...unitsOf.values()].flat();
  return { plans, all, seconds: (performance.now() - t) / 1000 };
}

async function answersOf(gql: Gql, units: string[], label: string) {
  const b = bar(label, units.length * 3);
  const answers = await collectAnswers(gql, units, { concurrency: 8, onDone: (n) => b.update(n) });
  b.stop();
  return answers;
}

/** The reference answers and integrity counts, from the file beside the store or from a server on it. */
async function referenceAnswers(refDir: string, sample: string[]) {
  const file = `${refDir}-answers-${seed}-${sample.length}.json`;
  const kept = JSON.parse(await readFile(file, "utf8").catch(() => "null")) as {
    sample: string[];
    answers: [string, string][];
    counts: Record<string, Record<string, number>>;
  } | null;
  if (kept && JSON.stringify(kept.sample) === JSON.stringify(sample)) {
    log(`reference answers from ${file}`);
    return { reference: new Map(kept.answers), refCounts: kept.counts };
  }
  log(`reference: the full history in ${refDir}`);
  const ref = await neo4jAt(refDir);
  try {
    await generateInto(ref.db, { scale, seed, skipIfComplete: true });
    const server = await startServer(ref.uri);
    try {
      const reference = await answersOf(server.gql, sample, "reference answers");
      const refCounts = await integrityCounts(server.gql);
      await writeFile(file, JSON.stringify({ sample, answers: [...reference], counts: refCounts }));
      return { reference, refCounts };
    } finally {
      server.memory.stop();
      await stopOurServer(server.proc);
    }
  } finally {
    await ref.stop();
  }
}

/** A stopped store holding the seed and the pre-reform cut, copied for each replay; the import's seconds (0 when it was there). */
async function ensureCut(cutDir: string): Promise<number> {
  if (await stat(path.join(cutDir, "cut-complete")).catch(() => null)) return 0;
  await rm(cutDir, { recursive: true, force: true });
  const neo = await neo4jAt(cutDir);
  try {
    await checkAnchors(neo.db, ANCHOR_UNITS);
    const t = performance.now();
    const cut = await importGenerated(
      neo.db,
      (function* () {
        for (const b of generateNation({ scale, seed })) yield preReformCut(b);
      })(),
    );
    const seconds = (performance.now() - t) / 1000;
    log(`pre-reform cut imported: ${cut.units} units, ${cut.relations} relations (${seconds.toFixed(1)} s)`);
    await neo.stop();
    await writeFile(path.join(cutDir, "cut-complete"), `${new Date().toISOString()}\n`);
    return seconds;
  } catch (e) {
    await neo.stop();
    throw e;
  }
}

async function main(): Promise<void> {
  const dataRoot = path.resolve(ROOT, args.data);
  await mkdir(dataRoot, { recursive: true });
  if (args["cut-only"]) {
    const seconds = await ensureCut(path.join(dataRoot, `cut-${scale}-${seed}`));
    log(`pre-reform cut ready (${seconds.toFixed(1)} s of import)`);
    process.exit(0);
  }
  if (args.compiled) buildOurServer(ROOT);
  log(`planning the reform at scale ${scale}, seed ${seed}…`);
  const { plans, all, seconds: planSeconds } = planNation();
  const problems = plans.flatMap((p) => p.problems.map((x) => `${p.key}: ${x}`));
  const steps = plans.reduce((a, p) => a + p.steps.length, 0);
  const byOp: Record<string, number> = {};
  for (const p of plans) for (const s of p.steps) byOp[s.op] = (byOp[s.op] ?? 0) + 1;
  log(
    `plan: ${steps} steps in ${plans.length} provinces (${planSeconds.toFixed(1)} s): ${JSON.stringify(byOp)}`,
  );
  if (problems.length > 0)
    log(`plan problems (${problems.length}):\n  ${problems.slice(0, 20).join("\n  ")}`);
  const sample = sampleUnits(
    all,
    {
      ended: plans.flatMap((p) => p.ended),
      founded: plans.flatMap((p) => p.founded),
      moved: plans.flatMap((p) => p.moved),
    },
    Number(args.sample),
    seed,
  );

  // 1. Reference: the bulk-imported history (its answers kept beside it for the next run).
  const refDir = path.resolve(ROOT, args.reference ?? path.join(args.data, `ref-${scale}`));
  const replayOnly = args["replay-only"];
  const { reference, refCounts } = replayOnly
    ? { reference: new Map<string, string>(), refCounts: {} }
    : await referenceAnswers(refDir, sample);

  // 2. Replay on the pre-reform cut.
  const cutDir = path.join(dataRoot, `cut-${scale}-${seed}`);
  const importSeconds = await ensureCut(cutDir);
  const replayDir = path.join(dataRoot, `replay-${scale}`);
  await rm(replayDir, { recursive: true, force: true });
  await cp(cutDir, replayDir, { recursive: true });
  const rep = await neo4jAt(replayDir);
  let result: Record<string, unknown>;
  let failed = false;
  try {
    const server = await startServer(rep.uri);
    try {
      server.memory.phase("replay");
      const load = os.loadavg();
      const b = bar("reform", steps);
      // A long replay says as it goes where its time goes and how much memory the server holds.
      const progress = setInterval(async () => {
        log(
          `\n  statements so far: ${JSON.stringify((await statementTimes(server.url, 6)).map((x) => [x.statement, x.seconds]))}`,
        );
        log(`  memory peaks so far: ${JSON.stringify(server.memory.peaks())}`);
      }, 120_000);
      const report = await replayReform(server.gql, plans, { concurrency, onStep: (n) => b.update(n) });
      clearInterval(progress);
      b.stop();
      const loadAfter = os.loadavg();
      log(
        `replayed ${report.steps} steps in ${report.seconds.toFixed(1)} s (${(report.steps / report.seconds).toFixed(1)}/s), ${report.failures.length} failed, ${report.retries} retries`,
      );
      for (const f of report.failures.slice(0, 10))
        log(`  FAILED ${f.province} ${f.step.op} ${JSON.stringify(f.step).slice(0, 200)}: ${f.error}`);
      // Where the replay's time went, by statement (before the answers add their reads).
      const statements = await statementTimes(server.url);
      log(`statements by total time during the replay: ${JSON.stringify(statements)}`);
      server.memory.phase("answers");
      const replayed = await answersOf(server.gql, replayOnly ? [] : sample, "replayed answers");
      const counts = replayOnly ? {} : await integrityCounts(server.gql);
      const memory = server.memory.stop();
      log(`server memory, peak by phase: ${JSON.stringify(memory.peaks)}`);
      const mismatches = compareAnswers(reference, replayed);
      const broken = brokenInvariants(refCounts, counts);
      const byQuestion: Record<string, number> = {};
      for (const m of mismatches) byQuestion[m.question] = (byQuestion[m.question] ?? 0) + 1;
      const mismatchedUnits = new Set(mismatches.map((m) => m.key.split("@")[0])).size;
      log(
        `compared ${sample.length} units × 3 dates: ${mismatches.length} mismatches (${mismatchedUnits} units) ${JSON.stringify(byQuestion)}`,
      );
      for (const m of mismatches.slice(0, 8))
        log(`  ${m.key} ${m.question}\n    history:  ${m.reference}\n    replayed: ${m.replayed}`);
      log(`integrity (history → replayed): ${JSON.stringify({ history: refCounts, replayed: counts })}`);
      if (broken.length) log(`BROKEN INVARIANTS: ${broken.join("; ")}`);
      failed =
        mismatches.length > 0 || broken.length > 0 || report.failures.length > 0 || problems.length > 0;
      result = {
        at: new Date().toISOString(),
        scale,
        seed,
        provinces: plans.length,
        provinceKeys: args.provinces ? plans.map((p) => p.key) : "all",
        steps: report.steps,
        byOp: report.byOp,
        planSeconds,
        importSeconds,
        replaySeconds: report.seconds,
        stepsPerSecond: report.steps / report.seconds,
        concurrency,
        failures: report.failures.length,
        retries: report.retries,
        sampledUnits: sample.length,
        mismatches: mismatches.length,
        mismatchedUnits,
        byQuestion,
        brokenInvariants: broken,
        integrity: { history: refCounts, replayed: counts },
        peakRssMb: memory.peakRssMb,
        memoryPeaks: memory.peaks,
        statements,
        loadAverage: { before: load, after: loadAfter },
      };
      console.log(JSON.stringify(result, null, 2));
    } finally {
      server.memory.stop();
      await stopOurServer(server.proc);
    }
  } finally {
    await rep.stop();
  }
  if (args.record) {
    const file = path.join(ROOT, "bench/results", `reform-${new Date().toISOString().slice(0, 10)}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    const previous = JSON.parse(await readFile(file, "utf8").catch(() => "[]")) as unknown[];
    await writeFile(file, `${JSON.stringify([...previous, result], null, 2)}\n`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
