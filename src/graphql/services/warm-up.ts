/**
 * The service's warm-up at start (WARMUP=on, the default; src/server.ts): in the background,
 * once the port is open, so it never holds readiness back. The first real-sized graphDiff after
 * Neo4j starts cost 13–32 s of Neo4j CPU against 0.3–1.5 s once warm (bench/RESULTS.md, "The
 * first graphDiff after Neo4j starts"): half of it the JVM's JIT compiling Cypher's runtime
 * (compiler threads), the rest planning on a cold JVM (5–14 s a statement) and running
 * interpreted code; its page cache misses were a few MB. A small diff plans the statements but
 * warms neither the JIT nor the plans of the page's other reads, which Neo4j keys by the size
 * class of their lists (a page of 50 changes sends lists of about 100). So, one at a time:
 * 1. graphDiff's and the diff exports' statements are planned on empty inputs, plain and as the
 *    result cache wraps them (warmDiffStatements: nothing is read);
 * 2. one small real graphDiff — the first page and the summary, as a client asks them — under
 *    the unit that came into being last among those with nothing under it, across its first
 *    day, through Apollo: an early client's diff finds its reads planned;
 * 3. the same through Apollo under a real-sized scope: the highest unit above that one, the top
 *    left out, with at most WARMUP_SCOPE_MAX_UNITS units under it (a province; warmUpScope), so
 *    that every read of a client's page is planned at a client's sizes;
 * 4. the facts statement behind a page's obligations planned at each size class of its key
 *    list that a page may send (Neo4j plans a list of 1, 2–10, 11–100 and 101–1,000 apart: the
 *    small diff's page sent another class than a client's page of 50, and a client paid 5–10 s
 *    to plan it);
 * 5. that scope's diff read again — its members, its first page and every batch of it, as the
 *    summary reads them, wrapped as the result cache sends them — round after round, until a
 *    round (from the third) is not faster than the one before by a tenth (the JIT has caught
 *    up), at most WARMUP_ROUNDS rounds.
 * Bounded by WARMUP_BUDGET_MS in all (every read gets what is left as its Neo4j timeout, and no
 * round starts after it), one step at a time (the summaries through Apollo read up to three
 * batches side by side, as a client's do; the rounds one statement at a time); its outcome is logged,
 * and a failure (Neo4j slow or down, a query refused) only ends it early: the first requests
 * then pay for what it did not do, as without it.
 */
import type { ApolloServer } from "@apollo/server";
import type { Principal } from "../../auth/principal.ts";
import type { Config } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import { budgetedReads, type Database, RoundTripCounter, type TimeBudget } from "../../store/database.ts";
import { warmDiffStatements, warmUpSample, warmUpScope } from "../../store/diff-repository.ts";
import { VersionCapture } from "../../store/graph-version.ts";
import { unitFacts } from "../../store/relation-repository.ts";
import { type Context, createContext } from "../context.ts";
import type { ResultCache } from "../result-cache.ts";
import { diffOperations } from "./diff-operations.ts";
import { diffBatches, diffPage, planDiff } from "./graph-diff.ts";

/**
 * The longest the warm-up may take, all its reads together: on 2 cores at a load of 10 its
 * planning alone took 40 s and a province's diff 15–20 s a round before the JIT caught up.
 */
export const WARMUP_BUDGET_MS = 300_000;

/** The largest scope (units on the day) the warm-up's real-sized diff reads: the largest province has 14,396. */
export const WARMUP_SCOPE_MAX_UNITS = 20_000;

/** The most rounds of the real-sized diff (step 5); at least three are read. */
export const WARMUP_ROUNDS = 8;
const MIN_ROUNDS = 3;

/** A key list of each size class Neo4j plans apart: 1, 2–10, 11–100, 101–1,000 (step 4). */
const FACTS_SIZE_CLASSES = [1, 2, 11, 101];

/** Whom the warm-up reads as: it reads everything (only the statements' plans depend on it). */
const WARM_UP_READER: Principal = { role: "admin", subject: "warm-up", scopes: [] };

/** The diff's page and summary the warm-up asks through Apollo (steps 2 and 3). */
const { page: PAGE, summary: SUMMARY } = diffOperations("WarmUp");

export interface WarmUpDeps {
  db: Database;
  config: Config;
  log: Logger;
  cache: ResultCache | null;
}

export interface WarmUpReport {
  /** graphDiff statements planned on empty inputs. */
  planned: number;
  /** The unit the small real diff ran under; null in an empty graph (no diff run). */
  sample: string | null;
  /** The real-sized scope (step 3) and its units on the day; null when none was found. */
  scope: string | null;
  units: number;
  /** The operations through Apollo that answered without errors (2 per diff). */
  operations: number;
  /** Size classes the facts statement was planned at (step 4). */
  factsPlanned: number;
  /** Each round of step 5, in milliseconds. */
  rounds: number[];
}

export interface WarmUp {
  /** Settles when the warm-up has ended, however it ended (it never rejects). */
  done: Promise<void>;
  /** Stops it before its next step (the service is stopping). */
  stop(): void;
}

/** Starts the warm-up in the background (nothing when WARMUP=off). */
export function startWarmUp(deps: WarmUpDeps, apollo: ApolloServer<Context>): WarmUp {
  if (deps.config.WARMUP === "off") return { done: Promise.resolve(), stop: () => {} };
  let stopped = false;
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const done = warmUp(deps, apollo, () => stopped).then(
    (report) => deps.log.info({ ...report, ms: ms() }, "warm-up done"),
    (err: unknown) =>
      deps.log.warn({ err, ms: ms() }, "warm-up ended early; the first requests plan their own statements"),
  );
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/** The warm-up's steps, one at a time; throws what ended it early. */
export async function warmUp(
  deps: WarmUpDeps,
  apollo: ApolloServer<Context>,
  stopped: () => boolean = () => false,
): Promise<WarmUpReport> {
  const { db, config, log, cache } = deps;
  // One bound for every read of it.
  const reads = budgetedReads(WARMUP_BUDGET_MS, "the warm-up's bound");
  const budget = reads.budget as TimeBudget; // budgetedReads sets it
  const report: WarmUpReport = {
    planned: 0,
    sample: null,
    scope: null,
    units: 0,
    operations: 0,
    factsPlanned: 0,
    rounds: [],
  };
  report.planned = await warmDiffStatements(db, { wrapped: config.RESULT_CACHE_MB > 0, budget });
  const sample = stopped() ? null : await warmUpSample(db, reads);
  if (!sample) return report;
  report.sample = sample.id;
  const window = { from: sample.from, to: sample.to };
  const diff = async (under: string) => {
    for (const query of [PAGE, SUMMARY]) {
      if (stopped()) return;
      const contextValue = createContext(db, config, log, "warm-up", WARM_UP_READER, cache);
      contextValue.roundTrips.budget = budget;
      const response = await apollo.executeOperation(
        { query, variables: { ...window, under: [under] } },
        { contextValue },
      );
      const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
      if (errors?.length)
        throw new Error(
          `warm-up diff refused: ${errors.map((e) => e.extensions?.code ?? e.message).join(", ")}`,
        );
      report.operations++;
    }
  };
  await diff(sample.id);
  const scope = stopped()
    ? null
    : await warmUpScope(db, { unit: sample.id, date: sample.to, maxUnits: WARMUP_SCOPE_MAX_UNITS }, reads);
  if (!scope) return report;
  report.scope = scope.id;
  report.units = scope.units;
  await diff(scope.id);
  // The facts statement behind a page's obligations (one of the largest: 5–14 s to plan on a
  // cold JVM) is planned once per size class of its key list (1, up to 10, 100, 1,000: Neo4j
  // keys its plans by them), and a client's page may send any: each is planned here, as the
  // fact loader sends it (wrapped, without references, when the result cache is on).
  const facts = new RoundTripCounter();
  facts.budget = budget;
  if (cache) facts.versions = new VersionCapture();
  for (const size of FACTS_SIZE_CLASSES) {
    if (stopped()) return report;
    const keys = Array.from({ length: size }, () => ({ id: scope.id, asOf: sample.to }));
    await unitFacts(db, keys, facts, !cache);
    report.factsPlanned++;
  }
  // Step 5: the scope's reads again, outside the result cache (which would answer them from
  // memory), wrapped as it sends them when it is on.
  const counter = new RoundTripCounter();
  counter.budget = budget;
  if (cache) counter.versions = new VersionCapture();
  const args = { ...window, under: [scope.id], maxSpanDays: config.DIFF_MAX_SPAN_DAYS, scopes: null };
  while (report.rounds.length < WARMUP_ROUNDS && !stopped() && Date.now() < budget.deadline) {
    const started = performance.now();
    const plan = await planDiff(db, args, counter);
    await diffPage(db, plan, { first: 50, after: null }, counter);
    for await (const _ of diffBatches(db, plan, null, counter)) if (stopped()) return report;
    report.rounds.push(Math.round(performance.now() - started));
    const [before, last] = report.rounds.slice(-2) as [number, number];
    if (report.rounds.length >= MIN_ROUNDS && last > 0.9 * before) break;
  }
  return report;
}
