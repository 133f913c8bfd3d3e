/**
 * Where units lie relative to an editor's scopes (the subtrees rooted at the scope units), for
 * src/auth/scope.ts to judge a change by: read on its own (subtreeMembership), or in the statement
 * that locks the units (src/store/write-locks.ts), which saves a change a round trip.
 */
import { active } from "./cypher-fragments.ts";
import type { Row, TransactionRunner } from "./database.ts";
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
