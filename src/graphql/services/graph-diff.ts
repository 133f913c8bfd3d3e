/**
 * Runs a diff (src/domain/diff.ts) over the store a batch of units at a time: shared by
 * graphDiff and the diff exports. The arguments are checked here once for both (each error
 * names its argument); the scope is the subtrees of the roots and of their predecessors on
 * both dates, or the whole graph, and for a scoped reader never more than its own part.
 */
import {
  type DiffChange,
  type DiffChangeType,
  type DiffEventRow,
  type DiffPosition,
  type DiffSummary,
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
  type DiffStoreRow,
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
  /** The reader's scopes (null: not scoped): what `visible` was read from. */
  scopes: readonly string[] | null;
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
 * Reads whose answers may be kept between requests under the graph's versions: a request's
 * `ctx.loaders.read` (src/graphql/loaders/request-reads.ts, the result cache), which hands `load`
 * the counter that captures the versions. Without one (the exports), each is read every time.
 */
export type KeptReads = <V extends object>(
  area: string,
  key: unknown,
  load: (counter: RoundTripCounter | undefined) => Promise<V>,
) => Promise<V>;

const readEachTime =
  (counter?: RoundTripCounter): KeptReads =>
  (_area, _key, load) =>
    load(counter);

/**
 * Plans a diff: checks the window and the roots (NOT_FOUND naming `under` for one that does not
 * exist or that a scoped reader may not see), and reads the units covered. The roots'
 * predecessors and the member list (before a scoped reader's filter) are kept through `kept`:
 * the next page, and the summary after the first page, do not walk the scope again.
 */
export async function planDiff(
  db: Database,
  args: DiffArgs & { maxSpanDays: number; scopes: readonly string[] | null; rootArgument?: string },
  counter?: RoundTripCounter,
  kept: KeptReads = readEachTime(counter),
): Promise<DiffPlan> {
  const window = diffWindow(args.from, args.to, args.maxSpanDays);
  const visibleIds =
    args.scopes === null
      ? null
      : await exportMembers(db, { root: null, asOf: null, scopes: args.scopes }, counter);
  const visible = visibleIds === null ? null : new Set(visibleIds);
  const types = args.types && args.types.length > 0 ? new Set(args.types) : null;
  const under = args.under && args.under.length > 0 ? [...new Set(args.under)] : null;
  const scopes = args.scopes === null ? null : [...args.scopes].sort();
  if (under === null)
    return { window, roots: [], predecessors: [], members: visibleIds, visible, types, scopes };
  const { found } = await kept("diff-roots", under, async (c) => ({ found: await diffRoots(db, under, c) }));
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
  const scope = [...under, ...predecessors];
  const { members } = await kept("diff-members", { scope, window }, async (c) => ({
    members: await diffMembers(db, { roots: scope, window }, c),
  }));
  return {
    window,
    roots: under,
    predecessors,
    members: visible === null ? members : members.filter((m) => visible.has(m)),
    visible,
    types,
    scopes,
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
 * The scope is sent with a batch's read (to leave out the incoming relations filed under their
 * start) only when it is at most this many times the batch: sending 14,000 ids costs more than
 * the few incoming relations of a page's first 200 units, and less than those of 5,000.
 */
const SCOPE_PER_BATCH_ID = 4;

/** How diffBatches reads: the first batches' sizes, the size of the others, and how far ahead. */
export interface BatchReading {
  /** The first batches' sizes (a page's small ones); `size` after them. */
  sizes?: readonly number[];
  /** Units a batch; DIFF_BATCH unless given. */
  size?: number;
  /** Batches read while the caller handles the current one (0: none). */
  ahead?: number;
}

/**
 * The events a batch's changes may name as causes: each unit's own (read with its row) and its
 * superiors' on both dates (a restructuring above it). Units are read in id order, and a
 * superior's id mostly sorts before its subordinates' (a commune before its cells), so its events
 * came with its own row in this batch or an earlier one; the others (a root sorting after its
 * subtree, a superior outside the scope) are read apart, once per diff, the roots' and their
 * predecessors' from the start. Holds the events of the units that have some (a few per merger).
 */
class BatchEvents {
  private readonly known = new Map<string, readonly DiffEventRow[]>();
  private readonly outside = new Map<string, Promise<Map<string, DiffEventRow[]>>>();
  /** The first id of the first batch: units from it on, up to a batch's last, came in a batch. */
  private first: string | null = null;

  /** Notes the first batch's ids (taken in order, before any read: reads may end out of order). */
  firstBatch(ids: readonly string[]): void {
    this.first ??= ids[0] ?? null;
  }

  constructor(
    private readonly db: Database,
    private readonly plan: DiffPlan,
    private readonly counter?: RoundTripCounter,
  ) {
    this.read([...plan.roots, ...plan.predecessors]);
  }

  /** Reads the events of the rows' superiors that no batch up to this one (`ids`) holds. */
  async fetchOutside(
    rows: readonly DiffStoreRow[],
    ids: readonly string[],
    inScope: (id: string) => boolean,
  ) {
    const last = ids.at(-1) ?? "";
    const inBatches = (id: string) => this.first !== null && id >= this.first && id <= last && inScope(id);
    const wanted = new Set<string>();
    for (const r of rows)
      for (const s of [r.superiorAtFrom, r.superiorAtTo]) if (s && !inBatches(s)) wanted.add(s);
    this.read([...wanted].filter((id) => !this.outside.has(id)));
    for (const read of new Set([...wanted].map((id) => this.outside.get(id))))
      for (const [id, events] of (await read) ?? []) this.known.set(id, events);
  }

  private read(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const read = diffEvents(this.db, { ids, window: this.plan.window }, this.counter);
    read.catch(() => undefined);
    for (const id of ids) this.outside.set(id, read);
  }

  /** Keeps a batch's units' events (before its changes are made: a superior may be in the same batch). */
  take(rows: readonly DiffStoreRow[]): void {
    for (const r of rows) if (r.events.length > 0) this.known.set(r.id, r.events);
  }

  readonly of = (id: string): readonly DiffEventRow[] => this.known.get(id) ?? [];
}

/**
 * The diff's changes in listing order (unit id, then each unit's own order), a batch of units at
 * a time, starting after `after`. Bounded memory for the whole graph: one batch of rows at once,
 * or 1 + `ahead` when the next batches are read while the caller handles this one (for readers
 * that read everything: the reads run side by side in Neo4j).
 */
export async function* diffBatches(
  db: Database,
  plan: DiffPlan,
  after: DiffPosition | null,
  counter?: RoundTripCounter,
  reading: BatchReading = {},
): AsyncGenerator<DiffBatch> {
  const { sizes = [], size: batchSize = DIFF_BATCH, ahead = 0 } = reading;
  const memberSet = plan.members === null ? null : new Set(plan.members);
  const inScope = (id: string) => memberSet === null || memberSet.has(id);
  const scopeFor = (ids: readonly string[]) =>
    plan.members === null
      ? null
      : plan.members.length <= ids.length * SCOPE_PER_BATCH_ID
        ? plan.members
        : undefined;
  let next = plan.members === null ? null : startIndex(plan.members, after?.u ?? "");
  let start = after?.u ?? "";
  let inclusive = true;
  let round = 0;
  const events = new BatchEvents(db, plan, counter);
  const nextIds = async (): Promise<string[]> => {
    const size = sizes[round++] ?? batchSize;
    if (plan.members !== null && next !== null) {
      const ids = plan.members.slice(next, next + size);
      next += ids.length;
      events.firstBatch(ids);
      return ids;
    }
    const ids = await unitIdsFrom(db, { start, inclusive, limit: size }, counter);
    start = ids.at(-1) ?? start;
    inclusive = false;
    events.firstBatch(ids);
    return ids;
  };
  const read = async (ids: readonly string[]) => {
    const rows = await diffUnitRows(db, { ids, window: plan.window, scope: scopeFor(ids) }, counter);
    await events.fetchOutside(rows, ids, inScope);
    return { rows };
  };
  // The batches' ids are taken one after another (the whole graph's keyset needs the last id);
  // their reads may overlap.
  let lastIds: Promise<unknown> = Promise.resolve();
  const load = () => {
    const ids = lastIds.then(nextIds);
    lastIds = ids;
    const batch = ids.then((ids) => (ids.length === 0 ? null : read(ids)));
    // A reader that stops early never awaits the batches read ahead: their failure must not go unhandled.
    batch.catch(() => undefined);
    return batch;
  };
  const queue = Array.from({ length: 1 + ahead }, load);
  for (;;) {
    const batch = await queue.shift();
    if (!batch) return;
    if (ahead > 0) queue.push(load());
    const { rows } = batch;
    events.take(rows);
    const eventsOf = events.of;
    const changes = rows
      .flatMap((row) => unitChanges(row, { window: plan.window, inScope, eventsOf }))
      .filter((c) => isAfter(c, after) && (plan.types === null || plan.types.has(c.type)))
      .filter((c) => plan.visible === null || unitsNamed(c).every((id) => plan.visible?.has(id)));
    yield { changes, names: new Map(rows.map((r) => [r.id, r.current.name ?? r.id])) };
    if (ahead === 0) queue.push(load());
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
  for await (const batch of diffBatches(db, plan, args.after, counter, {
    sizes: pageBatchSizes(args.first),
  })) {
    out.push(...batch.changes);
    if (out.length > args.first) break;
  }
  return { changes: out.slice(0, args.first), hasNextPage: out.length > args.first };
}

/** Batches the summary reads while it counts one: up to three reads run side by side. */
const SUMMARY_READ_AHEAD = 2;

type Page = { changes: DiffChange[]; hasNextPage: boolean };

/**
 * Every change of the diff counted, and the page asked for along (when one is): only the page's
 * changes are kept, so memory is the counts, the page and the batches read ahead, whatever the
 * diff's size.
 */
export async function diffSummary(
  db: Database,
  plan: DiffPlan,
  counter?: RoundTripCounter,
  page?: { first: number; after: DiffPosition | null },
): Promise<{ summary: DiffSummary; page: Page | null }> {
  const tally = new DiffTally();
  const kept: DiffChange[] = [];
  for await (const batch of diffBatches(db, plan, null, counter, { ahead: SUMMARY_READ_AHEAD })) {
    for (const c of batch.changes) {
      tally.add(c, batch.names.get(c.unitId));
      if (page && kept.length <= page.first && isAfter(c, page.after)) kept.push(c);
    }
  }
  const cut = page ? { changes: kept.slice(0, page.first), hasNextPage: kept.length > page.first } : null;
  return { summary: tally.summary(), page: cut };
}

/**
 * A diff as one request reads it: the page, and the summary when asked. The page alone reads
 * units in id order only until it is full. Both are kept between requests (through `kept`, under
 * the graph's versions), so each is computed once per scope, window, filter and reader (and page)
 * until the graph changes; when the summary is counted in this request and the page is asked
 * too, the page is cut from the same reading.
 */
export class DiffRun {
  private counted: Promise<DiffSummary> | undefined;
  private along: Page | null = null;
  private onePage: Promise<Page> | undefined;

  constructor(
    private readonly db: Database,
    readonly plan: DiffPlan,
    private readonly args: { first: number; after: DiffPosition | null; withSummary?: boolean },
    counter?: RoundTripCounter,
    private readonly kept: KeptReads = readEachTime(counter),
  ) {}

  /** What the kept answers depend on besides the graph: the scope, window, filter and reader. */
  private key(): object {
    const { plan } = this;
    return {
      roots: plan.roots,
      predecessors: plan.predecessors,
      window: plan.window,
      types: plan.types === null ? null : [...plan.types].sort(),
      scopes: plan.scopes,
    };
  }

  summary(): Promise<DiffSummary> {
    this.counted ??= this.kept("diff-summary", this.key(), async (c) => {
      const counted = await diffSummary(this.db, this.plan, c, this.args.withSummary ? this.args : undefined);
      this.along = counted.page;
      return counted.summary;
    });
    return this.counted;
  }

  page(): Promise<Page> {
    const { first, after } = this.args;
    const alone = () =>
      this.kept("diff-page", { ...this.key(), first, after }, (c) =>
        diffPage(this.db, this.plan, this.args, c),
      );
    this.onePage ??= this.args.withSummary ? this.summary().then(() => this.along ?? alone()) : alone();
    return this.onePage;
  }
}
