/**
 * The scope check on the structural links a change ends or deletes (moves, closures — one unit
 * or a batch): ending a unit's link to its superior takes it away from that superior, so the far
 * end must be the editor's too — including a link dated in the future (it is deleted), which the
 * check on the moved or closed unit alone (judged on the day before and the day of the change)
 * does not see. Shared by src/store/mutation-repository.ts and src/store/batch-changes.ts.
 */
import type { Named } from "../auth/scope.ts";
import type { ChangeSession } from "./change-session.ts";
import type { RelationRecord } from "./records.ts";

const STRUCTURAL = new Set(["SUBORDINATE_TO", "PART_OF"]);

/**
 * FORBIDDEN (naming `argumentOf(the unit the change names)`) unless every end outside `checked`
 * of the structural links in `ending` is in the editor's scope: a superior must lie in it, a
 * subordinate that loses its link strictly below a scope root. The ends read from the graph are
 * shown by a label, not by id, so that a refusal does not reveal what lies outside.
 */
export async function authorizeEndedLinks(
  s: ChangeSession,
  ending: readonly RelationRecord[],
  checked: ReadonlySet<string>,
  argumentOf: (unitId: string) => string,
): Promise<void> {
  const named: Named[] = [];
  for (const r of ending) {
    if (!STRUCTURAL.has(r.type)) continue;
    if (!checked.has(r.to))
      named.push({ argument: argumentOf(r.from), ids: [r.to], label: "(the superior it leaves)" });
    if (!checked.has(r.from))
      named.push({
        argument: argumentOf(r.to),
        ids: [r.from],
        label: "(a subordinate whose link ends)",
        structural: true,
      });
  }
  await s.authorize(named);
}
