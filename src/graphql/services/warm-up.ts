/**
 * The service's warm-up at start (WARMUP=on, the default; src/server.ts): in the background,
 * once the port is open, so it never holds readiness back. The very first graphDiff after Neo4j
 * starts took 4–6 s against ≤ 1.2 s after (bench/RESULTS.md, graphDiff): a fresh JVM, a cold page
 * cache, and statements Neo4j had not planned yet. So, one at a time:
 * 1. graphDiff's and the diff exports' statements are planned on empty inputs, plain and as the
 *    result cache wraps them (warmDiffStatements: nothing is read);
 * 2. one real, small graphDiff — the first page and the summary, as a client asks them, under the
 *    unit that came into being last among those with nothing under it, across its first day —
 *    runs through Apollo, so the page's other reads (units, obligations on both dates, causes)
 *    are planned too and the indexes they go through are read once.
 * Bounded by WARMUP_BUDGET_MS (2 minutes) in all (every read gets what is left as its Neo4j timeout); its
 * outcome is logged, and a failure (Neo4j slow or down, a query refused) only ends it early:
 * the first requests then plan their own statements, as without it.
 */
import type { ApolloServer } from "@apollo/server";
import type { Principal } from "../../auth/principal.ts";
import type { Config } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import { budgetedReads, type Database } from "../../store/database.ts";
import { warmDiffStatements, warmUpSample } from "../../store/diff-repository.ts";
import { type Context, createContext } from "../context.ts";
import type { ResultCache } from "../result-cache.ts";

/** The longest the warm-up may take, all its reads together. */
export const WARMUP_BUDGET_MS = 120_000;

/** Whom the warm-up reads as: it reads everything (only the statements' plans depend on it). */
const WARM_UP_READER: Principal = { role: "admin", subject: "warm-up", scopes: [] };

const PAGE = `query WarmUpDiffPage($from: Date!, $to: Date!, $under: [ID!]) {
  graphDiff(from: $from, to: $to, under: $under, first: 50) {
    nodes { type date unit { id name kind } oldSuperior { id } newSuperior { id } relationType
      obligations { gained { recipient { id } frequencies } lost { recipient { id } } }
      cause { kind eventId name direct } }
    pageInfo { hasNextPage endCursor }
  } }`;
const SUMMARY = `query WarmUpDiffSummary($from: Date!, $to: Date!, $under: [ID!]) {
  graphDiff(from: $from, to: $to, under: $under) {
    predecessors { id }
    summary { total headline partyOrganisationsMoved byType { key count } byCause { key count }
      byKind { key total } byProvince { key label total } } } }`;

export interface WarmUpDeps {
  db: Database;
  config: Config;
  log: Logger;
  cache: ResultCache | null;
}

export interface WarmUpReport {
  /** graphDiff statements planned on empty inputs. */
  planned: number;
  /** The unit the real diff ran under; null in an empty graph (no diff run). */
  sample: string | null;
  /** The real diff's operations that answered without errors. */
  operations: number;
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
  const budget = reads.budget;
  const report: WarmUpReport = { planned: 0, sample: null, operations: 0 };
  report.planned = await warmDiffStatements(db, { wrapped: config.RESULT_CACHE_MB > 0, budget });
  const sample = stopped() ? null : await warmUpSample(db, reads);
  if (!sample) return report;
  report.sample = sample.id;
  const variables = { from: sample.from, to: sample.to, under: [sample.id] };
  for (const query of [PAGE, SUMMARY]) {
    if (stopped()) break;
    const contextValue = createContext(db, config, log, "warm-up", WARM_UP_READER, cache);
    contextValue.roundTrips.budget = budget;
    const response = await apollo.executeOperation({ query, variables }, { contextValue });
    const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
    if (errors?.length)
      throw new Error(
        `warm-up diff refused: ${errors.map((e) => e.extensions?.code ?? e.message).join(", ")}`,
      );
    report.operations++;
  }
  return report;
}
