/**
 * Where a province's critical path spends its time (issue 16, item 5):
 * `npx tsx bench/reform-profile.ts --scale 0.03 [--province KEY] [--bolt-port 7822] [--profile]`;
 * `node --expose-gc --import tsx bench/reform-profile.ts --memory …` for what each change holds.
 *
 * On a copy of the pre-reform cut that bench/reform.ts imported (`.data-reform/cut-<scale>-<seed>`),
 * runs one province's reform steps up to and including its merger and the abolition of its district
 * level (the changes nothing else can overlap; the commune mergers that come before them in an
 * unmerged province too)
 * in-process through the store's change functions (no HTTP), as an admin, one after the other.
 * Each statement is timed and, with `--profile`, run under PROFILE in the same transaction (the
 * change still commits as it would) for its db hits. Prints, per change, the statements grouped
 * by the function that ran them (time, db hits, calls), slowest first. With `--memory`, each change
 * also gets the most live heap it held (memoryProbe: a full collection after each statement) and
 * the most RSS above what the process held before it: what one change holds in the service
 * (issue 16, item 6), without the HTTP server's share. Not with `--profile` (its plans are held too).
 */
import { cp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Principal } from "../src/auth/principal.ts";
import { LAST_OLD_DAY, REFORM_DAY } from "../src/generator/national/constants.ts";
import { generateNation } from "../src/generator/national/index.ts";
import { provinceReform, type ReformStep } from "../src/generator/national/reform-plan.ts";
import { callerName } from "../src/observability/statement-names.ts";
import type { Database } from "../src/store/database.ts";
import type { NewUnit } from "../src/store/mutation-repository.ts";
import { restructurings } from "../src/store/restructuring-repository.ts";
import { startBenchNeo4j } from "./neo4j.ts";
import { dbHitsOf, recordingDb } from "./recording-db.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "0.03" },
    seed: { type: "string", default: "42" },
    data: { type: "string", default: ".data-reform" },
    province: { type: "string" },
    "bolt-port": { type: "string", default: "7822" },
    heap: { type: "string", default: "1536" },
    pagecache: { type: "string", default: "1024" },
    profile: { type: "boolean", default: false },
    memory: { type: "boolean", default: false },
  },
});

interface Statement {
  name: string;
  ms: number;
  dbHits: number;
}

/** The function that ran a statement, past this file's own frames. */
const statementName = () =>
  callerName(
    (new Error().stack ?? "")
      .split("\n")
      .filter((l) => !l.includes("reform-profile") && !l.includes("recording-db"))
      .join("\n"),
  );

/** Records each statement of a change with the function that sent it, its time and db hits. */
function recording(db: Database, log: Statement[], probe?: ReturnType<typeof memoryProbe>): Database {
  return recordingDb(db, {
    profile: args.profile ?? false,
    timeoutMs: 1_800_000,
    label: () => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 30;
      const name = statementName();
      Error.stackTraceLimit = limit;
      return name;
    },
    record: ({ ms, profile, label }) => {
      log.push({ name: label, ms, dbHits: profile ? dbHitsOf(profile) : 0 });
      probe?.statement(label);
    },
  });
}

/** One step of the plan through the store's change function (what its resolver calls). */
function runStep(db: Database, p: Principal, step: ReformStep): Promise<unknown> {
  switch (step.op) {
    case "abolishLevel":
      return restructurings.abolishLevel(db, p, { ...step, effectiveOn: REFORM_DAY });
    case "mergeUnits":
      return restructurings.mergeUnits(db, p, {
        ...step,
        into: step.into as NewUnit,
        effectiveOn: REFORM_DAY,
      });
    case "mergeMany":
      return restructurings.mergeMany(db, p, {
        merges: step.merges.map((m) => ({ ...m, into: m.into as NewUnit })),
        effectiveOn: REFORM_DAY,
        basis: step.basis,
      });
    case "createUnits":
      return restructurings.createUnits(db, p, {
        units: step.units.map((u) => ({ ...u, unit: u.unit as NewUnit })),
        effectiveOn: REFORM_DAY,
        basis: step.basis,
      });
    case "moveUnits":
      return restructurings.moveUnits(db, p, { ...step, effectiveOn: REFORM_DAY });
    case "closeUnits":
      return restructurings.closeUnits(db, p, { ...step, lastDay: LAST_OLD_DAY, withSubtree: false });
    default:
      throw new Error(`not on the critical path: ${step.op}`);
  }
}

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * What a change holds: after each of its statements (its answer still in hand), a full collection
 * and the heap then in use — the live set, what the heap must keep whatever garbage waits — the
 * most of those above the start and the statement it came after; and the most RSS, sampled every
 * 10 ms. Needs node --expose-gc.
 */
function memoryProbe() {
  if (!gc) throw new Error("--memory: run with node --expose-gc --import tsx");
  gc();
  const start = process.memoryUsage();
  let live = { bytes: start.heapUsed, after: "(start)" };
  let rss = start.rss;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage().rss);
  }, 10);
  return {
    /** After a statement (`label`), its answer still held. */
    statement(label: string) {
      gc?.();
      const used = process.memoryUsage().heapUsed;
      if (used > live.bytes) live = { bytes: used, after: label };
    },
    stop() {
      clearInterval(timer);
      gc?.();
      const end = process.memoryUsage().heapUsed;
      return {
        // What stays once the change is over (caches the first change fills, e.g. source maps for the stack labels).
        afterMb: Math.round(((end - start.heapUsed) / MB) * 10) / 10,
        liveMb: Math.round(((live.bytes - start.heapUsed) / MB) * 10) / 10,
        after: live.after,
        rssMb: Math.round((rss - start.rss) / MB),
      };
    },
  };
}

function report(label: string, log: Statement[]): void {
  const by = new Map<string, Statement & { calls: number }>();
  for (const s of log) {
    const t = by.get(s.name) ?? { name: s.name, ms: 0, dbHits: 0, calls: 0 };
    t.ms += s.ms;
    t.dbHits += s.dbHits;
    t.calls++;
    by.set(s.name, t);
  }
  const ms = log.reduce((a, s) => a + s.ms, 0);
  const hits = log.reduce((a, s) => a + s.dbHits, 0);
  console.log(`\n${label}: ${log.length} statements, ${(ms / 1000).toFixed(1)} s, ${hits} db hits`);
  for (const t of [...by.values()].sort((a, b) => b.ms - a.ms))
    console.log(
      `  ${(t.ms / 1000).toFixed(2).padStart(8)} s ${String(t.dbHits).padStart(11)} hits ${String(t.calls).padStart(3)}× ${t.name}`,
    );
}

async function main(): Promise<void> {
  const scale = Number(args.scale);
  const seed = Number(args.seed);
  const plans = [...generateNation({ scale, seed })].map(provinceReform).filter((p) => p.steps.length > 0);
  // Default: the merged province of median size (the one a national run waits on is the largest).
  const merged = plans
    .filter((p) => p.steps.some((s) => s.op === "mergeUnits"))
    .sort((a, b) => a.singleSteps - b.singleSteps);
  const plan = args.province
    ? plans.find((p) => p.key === args.province)
    : merged[Math.floor(merged.length / 2)];
  if (!plan) throw new Error(`no such province: ${args.province}`);
  // Up to the province's merger and the abolition of its district level (one change or two), whichever comes last.
  const lastAt = Math.max(
    ...plan.steps.filter((s) => s.op === "abolishLevel" || s.op === "mergeUnits").map((s) => s.wave),
  );
  const steps = plan.steps.filter((s) => s.wave <= lastAt);
  const dataRoot = path.resolve(ROOT, args.data);
  const dir = path.join(dataRoot, `profile-${scale}`);
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(dataRoot, `cut-${scale}-${seed}`), dir, { recursive: true });
  const neo = await startBenchNeo4j({
    boltPort: Number(args["bolt-port"]),
    dataDir: dir,
    heapMb: Number(args.heap),
    pageCacheMb: Number(args.pagecache),
  });
  try {
    const admin: Principal = { role: "admin", subject: "bench-reform-profile", scopes: [] };
    console.log(
      `${plan.key} (scale ${scale}): ${steps.length} steps up to its merger and abolishLevel; load ${os.loadavg().map((x) => x.toFixed(1))}`,
    );
    for (const step of steps) {
      const log: Statement[] = [];
      const probe = args.memory ? memoryProbe() : undefined;
      const t = performance.now();
      const eventId = await runStep(recording(neo.db, log, probe), admin, step);
      const held = probe?.stop();
      const [audit] = await neo.db.read(
        "MATCH (c:Change {eventId: $eventId}) RETURN count(c) AS records, count(DISTINCT c.entity + c.entityId) AS entities",
        { eventId },
      );
      const items =
        step.op === "mergeMany"
          ? `${step.merges.length} mergers`
          : "ids" in step
            ? `${step.ids.length} ids`
            : "sourceIds" in step
              ? `${step.sourceIds.join(" + ")}${step.abolishLevel ? ` abolishing ${step.abolishLevel.kind}` : ""}`
              : "underId" in step
                ? `under ${step.underId}`
                : "";
      report(
        `${step.op} ${items} (wave ${step.wave}; ${((performance.now() - t) / 1000).toFixed(1)} s wall; ${audit?.records} audit records${held ? `; held at most ${held.liveMb} MB of live heap above the start (after ${held.after}; ${held.afterMb} MB once over), RSS up to ${held.rssMb} MB above` : ""})`,
        log,
      );
    }
    console.log(`\nload after: ${os.loadavg().map((x) => x.toFixed(1))}`);
  } finally {
    await neo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
