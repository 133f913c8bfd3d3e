/**
 * An import, from the file's bytes to a report: read and check the rows, judge them against the
 * graph (src/registry/plan.ts), and — unless it is a dry run — apply the plan as one change
 * (runChange: the hierarchy lock, one transaction, the invariants, an Event with its Change
 * records under the importer's name). The plan is made again inside that transaction, so that
 * what was checked is what is written; any problem then, or any invariant, writes nothing.
 */
import { assertCanWrite, type Principal } from "../auth/principal.ts";
import type { DateRange } from "../domain/dates.ts";
import { DomainError } from "../domain/errors.ts";
import { runChange } from "../store/change-session.ts";
import type { Database, TransactionRunner } from "../store/database.ts";
import { applyImportPlan, readImportSnapshot } from "../store/registry-repository.ts";
import type { ImportRow, Problem } from "./parse.ts";
import {
  IMPORT_OPERATION,
  type ImportPlan,
  isEmptyPlan,
  namedUnits,
  planBasis,
  planImport,
  referencesOf,
  rowDateProblems,
  type Snapshot,
} from "./plan.ts";
import { readImportFile } from "./read-file.ts";

export interface ImportReport {
  dryRun: boolean;
  /** Whether the graph was changed (false for a dry run, a file with problems, or nothing to change). */
  applied: boolean;
  eventId: string | null;
  effectiveOn: string;
  rows: number;
  summary: { create: number; change: number; move: number; close: number; problems: number };
  diff: {
    create: ImportPlan["create"];
    change: { line: number; id: string; changes: ImportPlan["change"][number]["changes"] }[];
    move: ImportPlan["move"];
    close: ImportPlan["close"];
  };
  /** The first MAX_PROBLEMS_LISTED problems, in line order (`summary.problems` counts them all). */
  problems: Problem[];
  /** Whether `problems` lists fewer than `summary.problems`. */
  truncated: boolean;
}

/** The most problems a report lists: past them the file needs fixing anyway, and the answer stays small. */
export const MAX_PROBLEMS_LISTED = 1000;

/** The longest problem message a report carries (each quotes a cell or two, cut to 60 characters). */
const MAX_MESSAGE = 300;

interface Options {
  effectiveOn: string;
  /** The dates a change may take effect in (EFFECTIVE_DATE_MIN, EFFECTIVE_DATE_MAX_YEARS_AHEAD): the rows' dates too. */
  dates: DateRange;
  dryRun: boolean;
  /** The most rows the file may hold (REGISTRY_IMPORT_MAX_ROWS). */
  maxRows: number;
}

export async function importRegistry(
  db: Database,
  principal: Principal,
  bytes: Uint8Array,
  o: Options,
): Promise<ImportReport> {
  assertCanWrite(principal, "registry import");
  const file = await readImportFile(bytes, o.maxRows);
  const reads: TransactionRunner = { run: (cypher, params) => db.read(cypher, params) };
  file.problems.push(...rowDateProblems(file.rows, o.dates));
  const failed = new Set(file.problems.map((p) => p.line));
  const { plan } = await planAgainst(reads, file.rows, principal, o.effectiveOn, failed);
  plan.problems = [...file.problems, ...plan.problems].sort((a, b) => a.line - b.line);
  if (!o.dryRun && plan.problems.length > 0) throw rejected(plan, file.rows.length, o);
  if (o.dryRun || isEmptyPlan(plan)) return reportOf(plan, file.rows.length, o, null);
  const eventId = await runChange(
    db,
    principal,
    {
      kind: IMPORT_OPERATION,
      effectiveOn: o.effectiveOn,
      basis: planBasis(plan),
      note: `registry import, ${file.rows.length} rows`,
    },
    async (s) => {
      const fresh = await planAgainst(s.tx, file.rows, principal, o.effectiveOn);
      if (fresh.plan.problems.length > 0) throw rejected(fresh.plan, file.rows.length, o);
      await s.authorize(namedUnits(fresh.plan));
      await applyImportPlan(s, fresh.plan, fresh.snapshot);
    },
  ).catch((e: unknown) => {
    throw uniquenessConflict(e) ?? e;
  });
  return reportOf(plan, file.rows.length, o, eventId);
}

/** The plan for these rows against the graph as `tx` reads it. */
async function planAgainst(
  tx: TransactionRunner,
  rows: readonly ImportRow[],
  principal: Principal,
  effectiveOn: string,
  failedLines: ReadonlySet<number> = new Set(),
): Promise<{ plan: ImportPlan; snapshot: Snapshot }> {
  const { refs, basis } = referencesOf(rows);
  const closing = Object.fromEntries(
    rows.filter((r) => r.validTo && r.id).map((r) => [r.id as string, r.validTo as string]),
  );
  const snapshot = await readImportSnapshot(tx, { refs, basis, closing, effectiveOn }, principal);
  return { plan: planImport(rows, snapshot, principal, effectiveOn, failedLines), snapshot };
}

/**
 * The unique constraint refused a write: a registry code the plan could not see is held by a unit
 * outside the editor's scope (the plan resolves codes only within it). The answer names neither
 * the code nor the holder, so that the write attempt is no better an oracle than a dry run.
 */
function uniquenessConflict(e: unknown): DomainError | null {
  if (!(e instanceof DomainError) || e.code !== "CONFLICT" || e.details.rule !== undefined) return null;
  return new DomainError(
    "CONFLICT",
    "The import conflicts with the graph (a registry code or id of the file is already in use); nothing was written",
    { rule: "IMPORT_CONFLICT" },
  );
}

function rejected(plan: ImportPlan, rows: number, o: Options): DomainError {
  const report = reportOf(plan, rows, o, null);
  return new DomainError(
    "BAD_USER_INPUT",
    `The file has ${plan.problems.length} problem(s); nothing was written (run it with dryRun for the list)`,
    { rule: "IMPORT_PROBLEMS", ...report },
  );
}

function reportOf(plan: ImportPlan, rows: number, o: Options, eventId: string | null): ImportReport {
  return {
    dryRun: o.dryRun,
    applied: eventId !== null,
    eventId,
    effectiveOn: o.effectiveOn,
    rows,
    summary: {
      create: plan.create.length,
      change: plan.change.length,
      move: plan.move.length,
      close: plan.close.length,
      problems: plan.problems.length,
    },
    diff: {
      create: plan.create,
      change: plan.change.map((c) => ({ line: c.line, id: c.id, changes: c.changes })),
      move: plan.move,
      close: plan.close,
    },
    problems: plan.problems.slice(0, MAX_PROBLEMS_LISTED).map(boundedMessage),
    truncated: plan.problems.length > MAX_PROBLEMS_LISTED,
  };
}

/** A problem whose message quotes a value the reader did not cut (a superior, a provision) cut here. */
function boundedMessage(p: Problem): Problem {
  return p.message.length > MAX_MESSAGE ? { ...p, message: `${p.message.slice(0, MAX_MESSAGE - 1)}…` } : p;
}
