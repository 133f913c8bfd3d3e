/**
 * Where units lie relative to an editor's scopes (the subtrees rooted at the scope units), for
 * src/auth/scope.ts to judge a change by.
 *
 * - On given days (subtreeMembership: the registry import's plan).
 * - For as long as a change is in force (membershipInForce; security review, finding 1). A change
 *   dated `on` holds from then to its end (`until`, or for good), so a unit it names must be
 *   inside on its date (or the day before: the unit is judged where it was when the change
 *   began) and on every later day the change holds — it is enough to look at the days its
 *   placement, or an ancestor's, changes: the first day (validFrom) and the day after the last
 *   (validTo + 1) of every structural link (SUBORDINATE_TO, PART_OF for organs) on its paths
 *   upwards in that span. Days after the unit's own end do not count (the change ends with it).
 *   One statement for all the units.
 */
import { active } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter, Row, TransactionRunner } from "./database.ts";
import { text } from "./fields.ts";

/** Whether a unit lies strictly below one of the scope roots (`below`) or in one of the subtrees (`within`). */
export interface Membership {
  within: boolean;
  below: boolean;
}

/**
 * For the unit bound to `u`, `below` and `within` (as Membership; `above` too) on any of `$scopeDates`, for
 * the roots `$scopes`. The superiors are collected upwards from the unit (a few hops): with the
 * roots as the pattern's far end, the planner started from them and walked down their whole
 * subtree (PROFILE at national size: 28,748 db hits for two units, against 240 this way).
 */
export function membershipCypher(u: string): string {
  return `CALL (${u}) {
       UNWIND $scopeDates AS day
       OPTIONAL MATCH (${u}) (()-[r:SUBORDINATE_TO|PART_OF]->(:Unit) WHERE ${active("r", "date(day)")}){1,40} (a:Unit)
       RETURN collect(DISTINCT a.id) AS above
     }
     WITH *, any(x IN above WHERE x IN $scopes) AS below
     WITH *, below OR ${u}.id IN $scopes AS within`;
}

/**
 * For each id, whether the unit lies in one of the subtrees rooted at `scopes` (the root
 * included) on either date, and whether it lies strictly below one of the roots. An id that
 * names no unit is in neither.
 */
export async function subtreeMembership(
  tx: TransactionRunner,
  ids: readonly string[],
  scopes: readonly string[],
  dates: readonly string[],
): Promise<{ within: Set<string>; below: Set<string> }> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     ${membershipCypher("u")}
     RETURN u.id AS id, below, within`,
    { ids: [...new Set(ids)], scopes: [...scopes], scopeDates: [...dates] },
  );
  return membershipSets(rows);
}

/** Rows (id, below, within) as the two sets assertScope's lookup answers. */
export function membershipSets(rows: readonly Row[]): { within: Set<string>; below: Set<string> } {
  return {
    within: new Set(rows.filter((r) => r.within === true).map((r) => text(r, "id"))),
    below: new Set(rows.filter((r) => r.below === true).map((r) => text(r, "id"))),
  };
}

export interface ChangeSpan {
  /** The change's first day. */
  on: string;
  /** The day before it. */
  dayBefore: string;
  /** Its last day; null: it holds for good. */
  until: string | null;
}

/** The days (in `span`, after its first) on which a unit's place, or an ancestor's, changes. */
const LATER_DAYS = `
  OPTIONAL MATCH (u) (()-[r:SUBORDINATE_TO|PART_OF]->(:Unit)
    WHERE (r.validTo IS NULL OR r.validTo >= date($on))
      AND ($until IS NULL OR r.validFrom IS NULL OR r.validFrom <= date($until))){1,40} (:Unit)
  UNWIND r AS link
  WITH DISTINCT u, link
  UNWIND [link.validFrom, link.validTo + duration({days: 1})] AS day
  WITH DISTINCT u, day
  WHERE day > date($on) AND ($until IS NULL OR day <= date($until)) AND (u.validTo IS NULL OR day <= u.validTo)
  RETURN collect(day) AS later`;

/** Whether some unit above `u` on `day` is a scope root. */
const BELOW_ON_DAY = `
  OPTIONAL MATCH (u) (()-[r:SUBORDINATE_TO|PART_OF]->(:Unit) WHERE ${active("r", "day")}){1,40} (a:Unit)
  RETURN any(x IN collect(DISTINCT a.id) WHERE x IN $scopes) AS below`;

/**
 * For the unit bound to `u`: `below` and `within` (as Membership) for as long as a change holds
 * (parameters `$scopes`, `$on`, `$dayBefore`, `$until`: membershipParams) — inside a scope's
 * subtree on the change's first day or the day before and on every later day of the span, and
 * strictly below a root on all of those days. A lock statement folds it in (src/store/write-locks.ts).
 */
export const IN_FORCE_MEMBERSHIP = `CALL (u) {
       CALL (u) { ${LATER_DAYS} }
       CALL (u) {
         UNWIND [date($dayBefore), date($on)] AS day
         CALL (u, day) { ${BELOW_ON_DAY} }
         RETURN any(x IN collect(below) WHERE x) AS belowAtStart
       }
       CALL (u, later) {
         UNWIND later AS day
         CALL (u, day) { ${BELOW_ON_DAY} }
         RETURN all(x IN collect(below) WHERE x) AS belowLater
       }
       WITH u, belowAtStart AND belowLater AS below
       RETURN below, below OR u.id IN $scopes AS within
     }`;

/** The parameters of IN_FORCE_MEMBERSHIP. */
export function membershipParams(scopes: readonly string[], span: ChangeSpan): Row {
  return { scopes: [...scopes], on: span.on, dayBefore: span.dayBefore, until: span.until };
}

/**
 * For each id: whether it lies in the subtrees rooted at `scopes` (a root included) on the
 * change's first day or the day before and on every later day of `span`, and whether strictly
 * below a root on all of those days (IN_FORCE_MEMBERSHIP).
 */
export async function membershipInForce(
  tx: TransactionRunner,
  ids: readonly string[],
  scopes: readonly string[],
  span: ChangeSpan,
): Promise<{ within: Set<string>; below: Set<string> }> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     ${IN_FORCE_MEMBERSHIP}
     RETURN u.id AS id, below, within`,
    { ids: [...new Set(ids)], ...membershipParams(scopes, span) },
  );
  return membershipSets(rows);
}

/**
 * Which of these units lie in the subtrees rooted at `scopes` on `day` (a root included), by the
 * structural links in force that day — not by a host, nor on another day (a reminder subscription
 * is on a unit of the editor's today).
 */
export async function unitsInScopeOn(
  db: Database,
  ids: readonly string[],
  scopes: readonly string[],
  day: string,
  counter?: RoundTripCounter,
): Promise<Set<string>> {
  const rows = await db.read(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     WHERE u.id IN $scopes OR EXISTS {
       MATCH (u) (()-[r:SUBORDINATE_TO|PART_OF]->(:Unit) WHERE ${active("r", "date($day)")}){1,40} (a:Unit)
       WHERE a.id IN $scopes
     }
     RETURN u.id AS id`,
    { ids: [...new Set(ids)], scopes: [...scopes], day },
    counter,
  );
  return new Set(rows.map((r) => text(r, "id")));
}
