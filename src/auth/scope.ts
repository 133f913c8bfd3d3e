/**
 * Editors' scopes, decided here and only here (pure): an editor may touch a unit only inside the
 * subtrees rooted at their `scopes`, and may not move, close, split or merge away a scope root
 * itself, nor end its link to its superior — the root's place in the hierarchy belongs to whoever
 * holds the level above. Admins may do anything. The store answers only "which of these ids lie
 * in these subtrees" (ScopeLookup), and asks this module before it writes.
 *
 * An id that does not exist answers exactly as one outside the scope (FORBIDDEN, same message),
 * so that an editor cannot learn what exists outside their subtrees.
 */
import { DomainError, notFound, quotedIds } from "../domain/errors.ts";
import type { Principal } from "./principal.ts";

/** Units an operation names or touches, grouped by the argument they come from. */
export interface Named {
  /** The argument, e.g. "input.superiorId", or the one the units were derived from. */
  argument: string;
  ids: readonly (string | null | undefined)[];
  /**
   * How the units are shown when the caller did not name them (they were read from the graph:
   * a relation's ends, a unit's superior or subordinates): this text instead of their ids, so
   * that a refusal does not reveal what lies outside.
   */
  label?: string;
  /** The units are moved, closed, split or merged away, or lose their structural link: they must lie strictly below a scope root. */
  structural?: boolean;
  /**
   * With `structural`: the units GAIN a structural link (addRelation of PART_OF or SUBORDINATE_TO)
   * and leave nothing, so they are judged on the change's own day — only units a change moves,
   * closes, splits or merges away are judged from the day before (change-session.ts leavingIds).
   */
  gains?: boolean;
}

/** For each id asked about: whether it lies in one of the subtrees (the root included), and whether strictly below a root. */
export interface ScopeFacts {
  within: ReadonlySet<string>;
  below: ReadonlySet<string>;
}

export type ScopeLookup = (ids: readonly string[], scopes: readonly string[]) => Promise<ScopeFacts>;

/** The ids a check has to look up. */
export function idsOf(named: readonly Named[]): string[] {
  return [...new Set(named.flatMap((n) => n.ids.filter((id): id is string => typeof id === "string")))];
}

const quoted = (ids: readonly string[]) => quotedIds(ids);

function shown(n: Named, ids: readonly string[]): string {
  return `${n.argument} ${n.label ?? quoted(ids)}`;
}

/**
 * The refusal for an editor whose operation names units outside their subtrees, or structurally
 * changes a scope root; null when the operation may go ahead. Outside units come first.
 */
export function scopeRefusal(
  p: Principal,
  operation: string,
  named: readonly Named[],
  facts: ScopeFacts,
): DomainError | null {
  if (p.role === "admin") return null;
  const present = (n: Named) => n.ids.filter((id): id is string => typeof id === "string");
  const outside = named
    .map((n) => ({ n, ids: present(n).filter((id) => !facts.within.has(id)) }))
    .filter((x) => x.ids.length > 0);
  if (outside.length > 0) return outsideError(p, operation, outside);
  const roots = named
    .filter((n) => n.structural)
    .map((n) => ({ n, ids: present(n).filter((id) => !facts.below.has(id)) }))
    .filter((x) => x.ids.length > 0);
  if (roots.length > 0) {
    const units = [...new Set(roots.flatMap((x) => x.ids))];
    return new DomainError(
      "FORBIDDEN",
      `${operation}: ${listed(roots).text} is the root of your scope (${quoted(units)}); only an admin (or an editor of the level above) may move, close, split or merge it, or end its link to its superior`,
      { rule: "SCOPE_ROOT", argument: roots[0]?.n.argument, units },
    );
  }
  return null;
}

/** The refused entries as text, each once (a relation's two ends share one label). */
function listed(entries: { n: Named; ids: string[] }[]): { text: string; plural: boolean } {
  const pieces = [...new Set(entries.map((x) => shown(x.n, x.ids)))];
  const first = entries[0];
  return {
    text: pieces.join("; "),
    plural: pieces.length > 1 || (!!first && !first.n.label && first.ids.length > 1),
  };
}

function outsideError(p: Principal, operation: string, outside: { n: Named; ids: string[] }[]): DomainError {
  const { text, plural } = listed(outside);
  return new DomainError(
    "FORBIDDEN",
    `${operation}: ${text} ${plural ? "are" : "is"} outside your scope (${quotedIds(p.scopes, false) || "none"})`,
    {
      rule: "EDITOR_SCOPE",
      argument: outside[0]?.n.argument,
      // Only the ids the caller gave: derived ones would reveal what lies outside.
      units: [...new Set(outside.filter((x) => !x.n.label).flatMap((x) => x.ids))],
    },
  );
}

/** Checks an operation's named units against the principal's scopes, looking them up only for editors. */
export async function assertScope(
  p: Principal,
  operation: string,
  named: readonly Named[],
  lookup: ScopeLookup,
): Promise<void> {
  if (p.role === "admin") return;
  const ids = idsOf(named);
  if (ids.length === 0) return;
  const refusal = scopeRefusal(p, operation, named, await lookup(ids, p.scopes));
  if (refusal) throw refusal;
}

/**
 * What an id that names nothing answers: NOT_FOUND for an admin; for an editor the FORBIDDEN an
 * outside id gets, word for word, so that existence outside the scope stays unknown.
 */
export function unknownId(
  p: Principal,
  operation: string,
  what: string,
  argument: string,
  id: string,
): DomainError {
  if (p.role === "admin") {
    const err = notFound(what, id);
    err.details.argument = argument;
    return err;
  }
  return outsideError(p, operation, [{ n: { argument, ids: [id], label: `"${id}"` }, ids: [id] }]);
}

/** A unit without a superior (a new root of the hierarchy) is an admin's to create. */
export function assertMayCreateRoot(p: Principal, operation: string): void {
  if (p.role !== "admin")
    throw new DomainError("FORBIDDEN", `${operation}: only an admin may create a unit without a superior`, {
      rule: "EDITOR_SCOPE",
      argument: "input.superiorId",
    });
}
