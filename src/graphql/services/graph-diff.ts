/**
 * Runs a diff (src/domain/diff.ts) over the store a batch of units at a time: shared by
 * graphDiff and the diff exports. The arguments are checked here once for both (each error
 * names its argument); the scope is the subtrees of the roots and of their predecessors on
 * both dates, or the whole graph, and for a scoped reader never more than its own part.
 */
import {
  type DiffChange,
  type DiffChangeType,
  type DiffPosition,
  DiffTally,
  type DiffWindow,
  isAfter,
  spanDays,
  unitChanges,
  unitsNamed,
} from "../../domain/diff.ts";
import { badInput, notFound } from "../../domain/errors.ts";
import type { Database, RoundTripCounter } from "../../store/database.ts";
import {
  DIFF_BATCH,
  diffEvents,
  diffMembers,
  diffRoots,
  diffUnitRows,
  unitIdsFrom,
} from "../../store/diff-repository.ts";
import { exportMembers } from "../../store/export-repository.ts";
import { dateArg } from "../arguments.ts";

export interface DiffArgs {
  from: unknown;
  to: unknown;
  under: readonly string[] | null;
  /** Only changes of these types; null or empty: all. */
  types?: readonly DiffChangeType[] | null;
}

/** A checked diff: its window, roots, and the units it covers. */
export interface DiffPlan {
  window: DiffWindow;
  roots: string[];
  /** The roots' predecessors (the units a merger ended into them), also covered. */
  predecessors: string[];
  /** The units covered, in id order; null for the whole graph. */
  members: string[] | null;
  /** A scoped reader's units (every period); null when reading is not scoped. */
  visible: ReadonlySet<string> | null;
  /** The change types kept; null: all. */
  types: ReadonlySet<DiffChangeType> | null;
}

/** The window, or BAD_USER_INPUT naming `from` (after `to`) or `to` (too long a window). */
export function diffWindow(from: unknown, to: unknown, maxSpanDays: number): DiffWindow {
  const window = { from: dateArg(from, "from"), to: dateArg(to, "to") };
  if (window.from > window.to) throw badInput("from", `${window.from} is after to (${window.to})`);
  const span = spanDays(window);
  if (span > maxSpanDays)
    throw badInput(
      "to",
      `the window spans ${span.toLocaleString("en-US")} days, more than DIFF_MAX_SPAN_DAYS ${maxSpanDays.toLocaleString("en-US")}`,
    );
  return window;
}

/**
 * Plans a diff: checks the window and the roots (NOT_FOUND naming `under` for one that does not
 * exist or that a scoped reader may not see), and reads the units covered.
 */
export async function planDiff(
  db: Database,
  args: DiffArgs & { maxSpanDays: number; scopes: readonly string[] | null; rootArgument?: string },
  counter?: RoundTripCounter,
): Promise<DiffPlan> {
  const window = diffWindow(args.from, args.to, args.maxSpanDays);
  const visibleIds =
    args.scopes === null ? null : await exportMembers(db, { root: null, asOf: null, scopes: args.scopes });
  const visible = visibleIds === null ? null : new Set(visibleIds);
  const types = args.types && args.types.length > 0 ? new Set(args.types) : null;
  const under = args.under && args.under.length > 0 ? [...new Set(args.under)] : null;
  if (under === null) return { window, roots: [], predecessors: [], members: visibleIds, visible, types };
  const found = await diffRoots(db, under, counter);
  for (const r of found) {
    if (!r.found || (visible !== null && !visible.has(r.id))) {
      const err = notFound("unit", r.id);
      err.details.argument = args.rootArgument ?? "under";
      throw err;
    }
  }
  const predecessors = [...new Set(found.flatMap((r) => r.predecessors))].filter(
    (p) => !under.includes(p) && (visible === null || visible.has(p)),
  );
  const members = await diffMembers(db, { roots: [...under, ...predecessors], window }, counter);
  return {
    window,
    roots: under,
    predecessors,
    members: visible === null ? members : members.filter((m) => visible.has(m)),
    visible,
    types,
  };
}

/** One batch of changes, with the current names of the units they are filed under. */
export interface DiffBatch {
  changes: DiffChange[];
  names: Map<string, string>;
}

/** Index of the first member at or after `id` (members are in id order). */
function startIndex(members: readonly string[], id: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((members[mid] as string) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Batch sizes for a page: small first (a page of 50 changes needs the first hundred-odd units
 * of the scope, not its thousands), then growing to DIFF_BATCH while the page is not full.
 */
export function pageBatchSizes(first: number): number[] {
  const sizes: number[] = [];
  for (let n = Math.max(200, first * 4); n < DIFF_BATCH; n *= 4) sizes.push(n);
  return sizes;
}

/**
 * The diff's changes in listing order (unit id, then each unit's own order), a batch of units at
 * a time, starting after `after`. Bounded memory for the whole graph: one batch of rows at once
 * (two with `prefetch`, which reads the next batch while the caller handles this one — for
 * readers that read everything). `sizes` gives the first batches' sizes (DIFF_BATCH after them).
 */
export async function* diffBatches(
  db: Database,
  plan: DiffPlan,
  after: DiffPosition | null,
  counter?: RoundTripCounter,
  sizes: readonly number[] = [],
  prefetch = false,
): AsyncGenerator<DiffBatch> {
  const memberSet = plan.members === null ? null : new Set(plan.members);
  const inScope = (id: string) => memberSet === null || memberSet.has(id);
  let next = plan.members === null ? null : startIndex(plan.members, after?.u ?? "");
  let start = after?.u ?? "";
  let inclusive = true;
  let round = 0;
  const nextIds = async (): Promise<string[]> => {
    const size = sizes[round++] ?? DIFF_BATCH;
    if (plan.members !== null && next !== null) {
      const ids = plan.members.slice(next, next + size);
      next += ids.length;
      return ids;
    }
    const ids = await unitIdsFrom(db, { start, inclusive, limit: size }, counter);
    start = ids.at(-1) ?? start;
    inclusive = false;
    return ids;
  };
  const read = async (ids: readonly string[]) => {
    const rows = await diffUnitRows(db, { ids, window: plan.window }, counter);
    const superiors = rows.flatMap((r) => [r.superiorAtFrom, r.superiorAtTo]).filter((s): s is string => !!s);
    const events = await diffEvents(
      db,
      { ids: [...rows.map((r) => r.id), ...superiors], window: plan.window },
      counter,
    );
    return { rows, events };
  };
  const load = async () => {
    const ids = await nextIds();
    return ids.length === 0 ? null : read(ids);
  };
  let pending = load();
  for (;;) {
    const batch = await pending;
    if (batch === null) return;
    pending = prefetch ? load() : Promise.resolve(null);
    // A reader that stops early never awaits the prefetched batch: its failure must not go unhandled.
    pending.catch(() => undefined);
    const { rows, events } = batch;
    const eventsOf = (id: string) => events.get(id) ?? [];
    const changes = rows
      .flatMap((row) => unitChanges(row, { window: plan.window, inScope, eventsOf }))
      .filter((c) => isAfter(c, after) && (plan.types === null || plan.types.has(c.type)))
      .filter((c) => plan.visible === null || unitsNamed(c).every((id) => plan.visible?.has(id)));
    yield { changes, names: new Map(rows.map((r) => [r.id, r.current.name ?? r.id])) };
    if (!prefetch) pending = load();
  }
}

/** A page: up to `first` changes after `after`, and whether more follow; reads units in id order only as far as it needs. */
export async function diffPage(
  db: Database,
  plan: DiffPlan,
  args: { first: number; after: DiffPosition | null },
  counter?: RoundTripCounter,
): Promise<{ changes: DiffChange[]; hasNextPage: boolean }> {
  const out: DiffChange[] = [];
  for await (const batch of diffBatches(db, plan, args.after, counter, pageBatchSizes(args.first))) {
    out.push(...batch.changes);
    if (out.length > args.first) break;
  }
  return { changes: out.slice(0, args.first), hasNextPage: out.length > args.first };
}

/** Every change of the diff, with its summary. */
export async function diffAll(
  db: Database,
  plan: DiffPlan,
  counter?: RoundTripCounter,
): Promise<{ changes: DiffChange[]; tally: DiffTally }> {
  const changes: DiffChange[] = [];
  const tally = new DiffTally();
  for await (const batch of diffBatches(db, plan, null, counter, [], true)) {
    for (const c of batch.changes) {
      changes.push(c);
      tally.add(c, batch.names.get(c.unitId));
    }
  }
  return { changes, tally };
}

/**
 * A diff as one request reads it: the page, and the summary when asked. The page alone reads
 * units in id order only until it is full; with the summary asked too, everything is read once
 * and the page is cut from it.
 */
export class DiffRun {
  private everything: ReturnType<typeof diffAll> | undefined;
  private onePage: ReturnType<typeof diffPage> | undefined;

  constructor(
    private readonly db: Database,
    readonly plan: DiffPlan,
    private readonly args: { first: number; after: DiffPosition | null; withSummary?: boolean },
    private readonly counter?: RoundTripCounter,
  ) {}

  all(): ReturnType<typeof diffAll> {
    this.everything ??= diffAll(this.db, this.plan, this.counter);
    return this.everything;
  }

  page(): ReturnType<typeof diffPage> {
    this.onePage ??= this.args.withSummary
      ? this.all().then(({ changes }) => {
          const rest = changes.filter((c) => isAfter(c, this.args.after));
          return { changes: rest.slice(0, this.args.first), hasNextPage: rest.length > this.args.first };
        })
      : diffPage(this.db, this.plan, this.args, this.counter);
    return this.onePage;
  }
}
