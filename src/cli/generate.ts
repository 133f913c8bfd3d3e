/**
 * `npm run generate -- --scale 0.01 [--seed 42] [--batch-size 5000]`: generates the synthetic
 * national graph (src/generator) and imports it (src/store/bulk-import.ts) into NEO4J_URI or
 * the embedded Neo4j, with a progress bar (count, rate, ETA). Idempotent: a re-run, or a run
 * resumed after an interruption, adds nothing twice. The seed must be loaded (it is, on an
 * empty database, before the import). `--delete` removes every generated unit instead;
 * `--skip-if-complete` does nothing when the same scale and seed were imported completely.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { openBackend } from "../bootstrap.ts";
import { ConfigError, loadConfig } from "../config.ts";
import type { GeneratedBatch } from "../generator/model.ts";
import { ANCHOR_UNITS } from "../generator/model.ts";
import { estimateSize, generateNation, nationalPlan } from "../generator/national/index.ts";
import { createLogger } from "../logger.ts";
import { loadSeed } from "../seed/load-seed.ts";
import {
  checkAnchors,
  countGenerated,
  DEFAULT_BATCH_SIZE,
  deleteGenerated,
  type ImportReport,
  importGenerated,
  importMarker,
  markImportComplete,
} from "../store/bulk-import.ts";
import type { Database } from "../store/database.ts";
import { isDatabaseEmpty } from "../store/seed-repository.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface GenerateArgs {
  scale: number;
  seed: number;
  /** Rows per statement and transaction; default DEFAULT_BATCH_SIZE (src/store/bulk-import.ts says why). */
  batchSize?: number;
  skipIfComplete: boolean;
  /** Draw the bar even when stdout is not a terminal (one line every few seconds). */
  quiet?: boolean;
}

export interface GenerateResult {
  skipped: boolean;
  units: number;
  relations: number;
  events: number;
  eventLinks: number;
  seconds: number;
  breakdown: Record<string, number>;
}

/** Imports the generated graph into an open database; used by the CLI and by the benchmarks. */
export async function generateInto(db: Database, args: GenerateArgs): Promise<GenerateResult> {
  if (await isDatabaseEmpty(db)) await loadSeed(db);
  await checkAnchors(db, ANCHOR_UNITS);
  const marker = await importMarker(db);
  if (marker && (marker.scale !== args.scale || marker.seed !== args.seed))
    throw new UsageError(
      `the database holds a generated graph of scale ${marker.scale}, seed ${marker.seed}; graphs of different scales or seeds do not mix: run with --delete first`,
    );
  if (args.skipIfComplete && marker)
    return { skipped: true, ...marker, eventLinks: 0, seconds: 0, breakdown: {} };
  const started = performance.now();
  const progress = progressBar(args, estimateSize(nationalPlan({ scale: args.scale, seed: args.seed })));
  const report = await importGenerated(
    db,
    progress.counted(generateNation({ scale: args.scale, seed: args.seed })),
    {
      batchSize: args.batchSize,
      onProgress: (done) => progress.written(done.units + done.relations + done.events, started),
    },
  );
  progress.done();
  await markImportComplete(db, {
    scale: args.scale,
    seed: args.seed,
    units: report.units,
    relations: report.relations,
    events: report.events,
  });
  return {
    skipped: false,
    units: report.units,
    relations: report.relations,
    events: report.events,
    eventLinks: report.eventLinks,
    seconds: (performance.now() - started) / 1000,
    breakdown: breakdownOf(report),
  };
}

/** Seconds by where they went. */
function breakdownOf(report: ImportReport): Record<string, number> {
  const breakdown: Record<string, number> = {
    units: report.ms.units / 1000,
    events: report.ms.events / 1000,
    generate: report.ms.generate / 1000,
    encode: report.ms.encode / 1000,
  };
  for (const [type, ms] of Object.entries(report.ms.relations)) breakdown[type] = (ms as number) / 1000;
  return breakdown;
}

/** The progress bar on stderr: its total starts as an estimate and becomes exact once the generator is done. */
function progressBar(args: GenerateArgs, estimate: number) {
  let total = estimate;
  const bar = new cliProgress.SingleBar(
    {
      format:
        "import |{bar}| {percentage}% | {value}/{total} units+relations | {rate}/s | ETA {eta_formatted} | {phase}",
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      etaBuffer: 40,
      fps: 5,
      noTTYOutput: !args.quiet,
      notTTYSchedule: 3000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0, phase: "generating" });
  return {
    /** The batches, counted as the generator yields them. */
    *counted(batches: Iterable<GeneratedBatch>): Generator<GeneratedBatch> {
      let generated = 0;
      for (const b of batches) {
        generated += b.units.length + b.relations.length + b.events.length;
        bar.update({ phase: b.key });
        yield b;
      }
      total = generated;
      bar.setTotal(total);
    },
    written(value: number, started: number) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(value, { rate: Math.round(value / Math.max(seconds, 0.001)) });
    },
    done() {
      bar.update(total, { phase: "done" });
      bar.stop();
    },
  };
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: "string", default: "0.01" },
      seed: { type: "string", default: "42" },
      "batch-size": { type: "string", default: String(DEFAULT_BATCH_SIZE) },
      "skip-if-complete": { type: "boolean", default: false },
      delete: { type: "boolean", default: false },
    },
  });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const batchSize = Number(values["batch-size"]);
  if (!(scale >= 0.001 && scale <= 1))
    throw new UsageError(`--scale must be between 0.001 and 1 (got ${values.scale})`);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer (got ${values.seed})`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError("--batch-size must be a positive integer");
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
  const backend = await openBackend(config, log);
  try {
    if (values.delete) {
      const n = await deleteGenerated(backend.db);
      console.log(`deleted ${n} generated nodes`);
      return;
    }
    const result = await generateInto(backend.db, {
      scale,
      seed,
      batchSize,
      skipIfComplete: values["skip-if-complete"],
    });
    if (result.skipped) {
      console.log(`already imported: scale ${scale}, seed ${seed} (${result.units} units); nothing to do`);
      return;
    }
    const inDb = await countGenerated(backend.db);
    console.log(
      `imported scale ${scale}, seed ${seed}: ${result.units} units, ${result.relations} relations, ${result.events} merger events (${result.eventLinks} links) in ${result.seconds.toFixed(1)} s`,
    );
    console.log(
      `time in Neo4j statements: ${Object.entries(result.breakdown)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(", ")}`,
    );
    console.log(
      `database now holds ${inDb.units} generated units, ${inDb.relations} generated relations, ${inDb.events} merger events`,
    );
  } finally {
    await backend.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().catch((e: unknown) => {
    if (e instanceof ConfigError || e instanceof UsageError) console.error(e.message);
    else console.error("generate failed:", e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
