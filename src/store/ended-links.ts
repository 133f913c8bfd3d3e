/**
 * The scope check on the far ends of the relations a change ends or deletes (moves, closures —
 * one unit or a batch). Ending a unit's link to its superior takes it away from that superior, so
 * the far end must be the editor's too — including a link dated in the future (it is deleted),
 * which the check on the moved or closed unit alone (judged on the day before and the day of the
 * change) does not see. A closure also ends every other relation of the units it closes (none may
 * outlive its ends): the unit at the far end loses it — a report it receives, an inspection it
 * makes — as it would by endRelation, which needs both ends in scope; so it must be the editor's
 * too. Shared by src/store/mutation-repository.ts, src/store/batch-changes.ts and the registry import
 * (src/store/registry-repository.ts).
 */
import type { Named } from "../auth/scope.ts";
import { isStructural } from "../domain/relation-types.ts";
import type { ChangeSession } from "./change-session.ts";
import type { RelationRecord } from "./records.ts";

/**
 * FORBIDDEN (naming `argumentOf(the unit the change names)`) unless every end outside `checked`
 * of the relations in `ending` is in the editor's scope: a superior, or the far end of any other
 * relation, must lie in it; a subordinate that loses its structural link strictly below a scope
 * root. The ends read from the graph are shown by a label, not by id, so that a refusal does not
 * reveal what lies outside.
 */
export async function authorizeEndedLinks(
  s: ChangeSession,
  ending: readonly Pick<RelationRecord, "type" | "from" | "to">[],
  checked: ReadonlySet<string>,
  argumentOf: (unitId: string) => string,
): Promise<void> {
  const named: Named[] = [];
  for (const r of ending) {
    const structural = isStructural(r.type);
    if (!checked.has(r.to))
      named.push({
        argument: argumentOf(r.from),
        ids: [r.to],
        label: structural ? "(the superior it leaves)" : "(the other end of a relation it ends)",
      });
    if (!checked.has(r.from))
      named.push({
        argument: argumentOf(r.to),
        ids: [r.from],
        label: structural ? "(a subordinate whose link ends)" : "(the other end of a relation it ends)",
        structural,
      });
  }
  await s.authorize(named);
}
