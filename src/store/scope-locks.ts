/**
 * The locks of a change taken inside the editor's scope (review s14 H), for the one-unit mutations
 * (mutation-repository.ts) and the restructurings and batch changes (restructuring-repository.ts).
 */
import type { Named } from "../auth/scope.ts";
import type { ChangeSession } from "./change-session.ts";

/**
 * Checks the editor's scope of what a change names with a read, takes the change's locks, and
 * checks again under them (review s14 H): an editor naming units outside its scope is refused
 * before it holds, or waits for, any lock of theirs (setSuperior of the top would lock every Tỉnh
 * ủy); the check under the locks sees a move committed between the two. Admins: no statement.
 */
export async function lockInScope(
  s: ChangeSession,
  named: readonly Named[],
  lock: () => Promise<void>,
  on?: string,
  until?: string | null,
): Promise<void> {
  await s.authorize(named, on, until);
  await lock();
  await s.authorize(named, on, until);
}
