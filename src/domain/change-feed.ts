/**
 * Where a reader of the change feed may safely resume. A change is stamped (`at`) when its last
 * statements run, before it commits, and changes commit side by side: one stamped earlier may
 * become visible after a later one a reader has already paged past. No change commits later than
 * its write budget after its stamp (Neo4j ends a transaction at WRITE_TIMEOUT_MS), so every record
 * stamped before `now − (WRITE_TIMEOUT_MS + COMMIT_LAG_MARGIN_MS)` — the horizon — that will ever
 * exist already does. The last page's end cursor never passes the horizon: a reader polling with
 * it reads the younger records again (at least once; skip ids already seen) and never misses one.
 */

/** Added to WRITE_TIMEOUT_MS: clock skew between the service and Neo4j, and the commit itself. */
export const COMMIT_LAG_MARGIN_MS = 10_000;

/** How far back a stamp may lie when its change becomes visible (also the live feed's look-back). */
export function commitLagMs(writeTimeoutMs: number): number {
  return writeTimeoutMs + COMMIT_LAG_MARGIN_MS;
}

export interface FeedPosition {
  at: string;
  id: string;
}

/** A position before every change stamped at `at` (change ids are `chg-` + a UUID, all above this one). */
export const BEFORE_ANY_ID = "chg-00000000-0000-0000-0000-000000000000";

/**
 * The end cursor of the feed's last page: `reached` (its last record, or the cursor it was read
 * after when it was empty), or the horizon if `reached` lies beyond it; null when nothing was reached.
 */
export function settledEnd(reached: FeedPosition | null, nowMs: number, lagMs: number): FeedPosition | null {
  if (!reached) return null;
  const horizon = nowMs - lagMs;
  if (Date.parse(reached.at) < horizon) return reached;
  return { at: new Date(horizon).toISOString(), id: BEFORE_ANY_ID };
}
