/**
 * Where units lie relative to an editor's scopes (the subtrees rooted at the scope units), for
 * src/auth/scope.ts to judge a change by.
 *
 * - On given days (subtreeMembership: the registry import's plan).
 * - For as long as a change is in force (membershipInForce; security review, finding 1). A change
 *   dated `on` holds from then to its end (`until`, or for good), so a unit it names must be
 *   inside on its date (a unit the change moves or closes away: or the day before, where it was
 *   when the change began) and on every later day the change holds — it is enough to look at the days its
 *   placement, or an ancestor's, changes: the first day (validFrom) and the day after the last
 *   (validTo + 1) of every structural link (SUBORDINATE_TO, PART_OF for organs) on its paths
 *   upwards in that span. Days after the unit's own end do not count (the change ends with it).
 *   One statement for all the units.
 */
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
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
       OPTIONAL MATCH (${u}) (()-[r:${STRUCTURE}]->(:Unit) WHERE ${active("r", "date(day)")}){1,${MAX_STRUCTURE_DEPTH}} (a:Unit)
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
  OPTIONAL MATCH (u) (()-[r:${STRUCTURE}]->(:Unit)
    WHERE (r.validTo IS NULL OR r.validTo >= date($on))
      AND ($until IS NULL OR r.validFrom IS NULL OR r.validFrom <= date($until))){1,${MAX_STRUCTURE_DEPTH}} (:Unit)
  UNWIND r AS link
  WITH DISTINCT u, link
  UNWIND [link.validFrom, link.validTo + duration({days: 1})] AS day
  WITH DISTINCT u, day
  WHERE day > date($on) AND ($until IS NULL OR day <= date($until)) AND (u.validTo IS NULL OR day <= u.validTo)
  RETURN collect(day) AS later`;

/** Whether some unit above `u` on `day` is a scope root. */
const BELOW_ON_DAY = `
  OPTIONAL MATCH (u) (()-[r:${STRUCTURE}]->(:Unit) WHERE ${active("r", "day")}){1,${MAX_STRUCTURE_DEPTH}} (a:Unit)
  RETURN any(x IN collect(DISTINCT a.id) WHERE x IN $scopes) AS below`;

/**
 * For the unit bound to `u`: `below` and `within` (as Membership) for as long as a change holds
 * (parameters `$scopes`, `$on`, `$dayBefore`, `$until`: membershipParams) — inside a scope's
 * subtree on the change's first day and on every later day of the span, and strictly below a root
 * on all of those days; and the same judged from the day before (`leavingBelow`, `leavingWithin`),
 * which only a unit the change itself moves or closes away may use: once the change has ended its
 * link, the unit is no longer where it was on the first day. A lock statement folds it in
 * (src/store/write-locks.ts).
 */
export const IN_FORCE_MEMBERSHIP = `CALL (u) {
       CALL (u) { ${LATER_DAYS} }
       CALL (u) {
         WITH date($on) AS day
         CALL (u, day) { ${BELOW_ON_DAY} }
         RETURN below AS belowOn
       }
       CALL (u) {
         WITH date($dayBefore) AS day
         CALL (u, day) { ${BELOW_ON_DAY} }
         RETURN below AS belowEve
       }
       CALL (u, later) {
         UNWIND later AS day
         CALL (u, day) { ${BELOW_ON_DAY} }
         RETURN all(x IN collect(below) WHERE x) AS belowLater
       }
       WITH u, belowLater AND belowOn AS below, belowLater AND (belowOn OR belowEve) AS leavingBelow
       RETURN below, below OR u.id IN $scopes AS within,
              leavingBelow, leavingBelow OR u.id IN $scopes AS leavingWithin
     }`;

/** The parameters of IN_FORCE_MEMBERSHIP. */
export function membershipParams(scopes: readonly string[], span: ChangeSpan): Row {
  return { scopes: [...scopes], on: span.on, dayBefore: span.dayBefore, until: span.until };
}

/** Where a unit lies for a change's scope check (IN_FORCE_MEMBERSHIP): from the change's first day, and from the day before for a unit the change moves or closes away. */
export interface InForceMembership extends Membership {
  leaving: Membership;
}

/** A row of IN_FORCE_MEMBERSHIP's columns, by unit id. */
export interface InForceRow {
  id: string;
  below: boolean;
  within: boolean;
  leavingBelow: boolean;
  leavingWithin: boolean;
}

/** IN_FORCE_MEMBERSHIP's columns as an InForceMembership. */
export function inForceOf(r: InForceRow): InForceMembership {
  return {
    within: r.within === true,
    below: r.below === true,
    leaving: { within: r.leavingWithin === true, below: r.leavingBelow === true },
  };
}

/** For each id, where it lies for as long as a change of `span` holds (IN_FORCE_MEMBERSHIP). */
export async function membershipInForce(
  tx: TransactionRunner,
  ids: readonly string[],
  scopes: readonly string[],
  span: ChangeSpan,
): Promise<Map<string, InForceMembership>> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     ${IN_FORCE_MEMBERSHIP}
     RETURN u.id AS id, below, within, leavingBelow, leavingWithin`,
    { ids: [...new Set(ids)], ...membershipParams(scopes, span) },
  );
  return new Map(rows.map((r) => [text(r, "id"), inForceOf(r as unknown as InForceRow)]));
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
       MATCH (u) (()-[r:${STRUCTURE}]->(:Unit) WHERE ${active("r", "date($day)")}){1,${MAX_STRUCTURE_DEPTH}} (a:Unit)
       WHERE a.id IN $scopes
     }
     RETURN u.id AS id`,
    { ids: [...new Set(ids)], scopes: [...scopes], day },
    counter,
  );
  return new Set(rows.map((r) => text(r, "id")));
}
