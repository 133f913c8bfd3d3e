/**
 * Where a reader of the change feed may safely resume. A change is stamped (`at`) when its last
 * statements run, before it commits, and changes commit side by side: one stamped earlier may
 * become visible after a later one a reader has already paged past. No change commits later than
 * its write budget after its stamp (Neo4j ends a transaction at WRITE_TIMEOUT_MS), so every record
 * stamped before `now − (WRITE_TIMEOUT_MS + COMMIT_LAG_MARGIN_MS)` — the horizon — that will ever
 * exist already does. So no cursor the feed hands out passes the horizon (taken before the read):
 * a page follows on exactly only through records stamped before it; the younger ones come on the
 * last page only, and every cursor — the end cursor, a scan's resume point, each record's own — is
 * min(record, horizon). A reader that stores any of them and resumes however much later reads the
 * younger records again (at least once; skip ids already seen) and never misses one.
 */

/** Added to WRITE_TIMEOUT_MS: clock skew between the service and Neo4j, and the commit itself. */
export const COMMIT_LAG_MARGIN_MS = 10_000;

/** How far back a stamp may lie when its change becomes visible (also the live feed's look-back). */
export function commitLagMs(writeTimeoutMs: number): number {
  return writeTimeoutMs + COMMIT_LAG_MARGIN_MS;
}

// A type, not an interface: a cursor is encoded from it as a plain record.
export type FeedPosition = { at: string; id: string };

/** A position before every change stamped at `at` (change ids are `chg-` + a UUID, all above this one). */
export const BEFORE_ANY_ID = "chg-00000000-0000-0000-0000-000000000000";

/** The horizon at `nowMs`, in ms: taken before a page is read, so no record before it commits after the read. */
export function feedHorizon(nowMs: number, lagMs: number): number {
  return nowMs - lagMs;
}

/**
 * A cursor the reader may keep: `reached` (a record, or the cursor a page was read after when it
 * was empty), or the horizon if `reached` lies at or beyond it; null when nothing was reached.
 * (Date.parse drops a stamp's digits below the millisecond, so the comparison is exact.)
 */
export function settledEnd(reached: FeedPosition, horizonMs: number): FeedPosition;
export function settledEnd(reached: FeedPosition | null, horizonMs: number): FeedPosition | null;
export function settledEnd(reached: FeedPosition | null, horizonMs: number): FeedPosition | null {
  if (!reached) return null;
  if (Date.parse(reached.at) < horizonMs) return reached;
  return { at: new Date(horizonMs).toISOString(), id: BEFORE_ANY_ID };
}

/**
 * A page of `first` from `read` (up to first + 1 records in feed order): there is a next page only
 * if the record after it was stamped before the horizon — then so was every record of the page, and
 * its last is an exact place to follow on from. Otherwise this is the last page, and the records at
 * or after the horizon on it come again to a reader polling from its end cursor (the horizon), until
 * the horizon passes them; a page full of young records (one merger's thousands) never says
 * `hasNextPage`, so no reader spins on it.
 */
export function cutPage<T extends FeedPosition>(
  read: readonly T[],
  first: number,
  horizonMs: number,
): { items: T[]; hasNextPage: boolean } {
  const next = read[first];
  return { items: read.slice(0, first), hasNextPage: next !== undefined && Date.parse(next.at) < horizonMs };
}
