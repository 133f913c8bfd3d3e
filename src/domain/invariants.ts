/**
 * The invariants every change must keep (Điều lệ Đảng: one direct superior committee), as
 * typed errors that name the rule and the units involved. The checks themselves run as
 * Cypher inside the write transaction (src/store/invariant-checks.ts); this module says
 * what a violation means and which error code it gets.
 */
import { intervalOrderText, isInOrder } from "./dates.ts";
import { DomainError } from "./errors.ts";

type InvariantRule =
  | "ONE_DIRECT_SUPERIOR"
  | "ONE_WHOLE"
  | "NO_CYCLE"
  | "STRUCTURE_DEPTH"
  | "INTERVAL_ORDER"
  | "ENDPOINTS_ACTIVE"
  | "KIND_PAIRING"
  | "UNIQUE_ID"
  | "NO_ORPHANS"
  | "NO_SELF_RELATION"
  | "DUPLICATE_RELATION";

const CODES: Record<InvariantRule, "CONFLICT" | "BAD_USER_INPUT"> = {
  ONE_DIRECT_SUPERIOR: "CONFLICT",
  ONE_WHOLE: "CONFLICT",
  NO_CYCLE: "CONFLICT",
  STRUCTURE_DEPTH: "CONFLICT",
  INTERVAL_ORDER: "BAD_USER_INPUT",
  ENDPOINTS_ACTIVE: "CONFLICT",
  KIND_PAIRING: "BAD_USER_INPUT",
  UNIQUE_ID: "CONFLICT",
  NO_ORPHANS: "CONFLICT",
  NO_SELF_RELATION: "BAD_USER_INPUT",
  DUPLICATE_RELATION: "CONFLICT",
};

/**
 * How many structural links (SUBORDINATE_TO, PART_OF) a chain of superiors and wholes may have,
 * from any unit up to its top. Real hierarchies are 4–8 deep (DOMAIN.md: centre, province,
 * commune, cell, and the organs beside them); the bound is what makes "no cycle" checkable by a
 * bounded walk: a ring of any length has a chain longer than it, so a change that would make a
 * chain longer is refused (STRUCTURE_DEPTH) whatever the ring's length, and every walk up the
 * structure — the scope checks, the write locks' chains, the integrity report — reaches the top
 * within it.
 */
export const MAX_STRUCTURE_DEPTH = 40;

export interface Violation {
  rule: InvariantRule;
  units: string[];
  message: string;
  /** Relations the violation is about, e.g. the existing relation a new one duplicates. */
  relations?: string[];
}

/** The error for a violation; `argument` names the input at fault when it was caught at the edge. */
export function violationError(v: Violation, argument?: string): DomainError {
  const text = `${v.rule}: ${v.message}`;
  return new DomainError(CODES[v.rule], argument ? `Argument "${argument}": ${text}` : text, {
    rule: v.rule,
    units: v.units,
    ...(v.relations ? { relations: v.relations } : {}),
    ...(argument ? { argument } : {}),
  });
}

/**
 * The error for a violation found while a change is applied (src/store/mutation-repository.ts):
 * the message names the rule; the argument at fault, when known, goes in the details only.
 */
export function changeViolationError(v: Violation, argument?: string): DomainError {
  return new DomainError(CODES[v.rule], `${v.rule}: ${v.message}`, {
    rule: v.rule,
    units: v.units,
    ...(argument ? { argument } : {}),
  });
}

/** No relation goes from a unit to itself (a unit neither leads, reports to nor coordinates with itself). */
export function selfRelation(type: string, from: string, to: string): Violation | null {
  return from === to
    ? {
        rule: "NO_SELF_RELATION",
        units: [from],
        message: `a ${type} relation cannot go from "${from}" to itself`,
      }
    : null;
}

/** validFrom must not come after validTo (src/domain/dates.ts isInOrder). */
export function checkIntervalOrder(
  what: string,
  units: string[],
  validFrom: string | null | undefined,
  validTo: string | null | undefined,
): Violation | null {
  const interval = { validFrom, validTo };
  if (isInOrder(interval)) return null;
  return { rule: "INTERVAL_ORDER", units, message: `${what}: ${intervalOrderText(interval)}` };
}

/**
 * The rules a change's invariant checks list their violations in (src/store/invariant-checks.ts
 * checkInvariants), the first being the one a refused change reports.
 */
const CHECK_ORDER: readonly InvariantRule[] = [
  "NO_SELF_RELATION",
  "DUPLICATE_RELATION",
  "ONE_DIRECT_SUPERIOR",
  "ONE_WHOLE",
  "NO_CYCLE",
  "STRUCTURE_DEPTH",
  "INTERVAL_ORDER",
  "ENDPOINTS_ACTIVE",
  "KIND_PAIRING",
];

/**
 * Of the violation found so far in a change checked in parts (src/store/change-session.ts,
 * AUDIT_CHUNK) and those the checks found in a later part, the one a single check of the whole
 * change would report: the earliest rule in CHECK_ORDER, the earlier part on a tie.
 */
export function firstViolation(found: Violation | null, more: readonly Violation[]): Violation | null {
  const next = more[0];
  if (!next) return found;
  if (!found) return next;
  return CHECK_ORDER.indexOf(next.rule) < CHECK_ORDER.indexOf(found.rule) ? next : found;
}
