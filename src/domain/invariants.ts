/**
 * The invariants every change must keep (Điều lệ Đảng: one direct superior committee), as
 * typed errors that name the rule and the units involved. The checks themselves run as
 * Cypher inside the write transaction (src/store/invariant-checks.ts); this module says
 * what a violation means and which error code it gets.
 */
import { DomainError } from "./errors.ts";

export type InvariantRule =
  | "ONE_DIRECT_SUPERIOR"
  | "NO_CYCLE"
  | "INTERVAL_ORDER"
  | "ENDPOINTS_ACTIVE"
  | "KIND_PAIRING"
  | "UNIQUE_ID"
  | "NO_ORPHANS";

const CODES: Record<InvariantRule, "CONFLICT" | "BAD_USER_INPUT"> = {
  ONE_DIRECT_SUPERIOR: "CONFLICT",
  NO_CYCLE: "CONFLICT",
  INTERVAL_ORDER: "BAD_USER_INPUT",
  ENDPOINTS_ACTIVE: "CONFLICT",
  KIND_PAIRING: "BAD_USER_INPUT",
  UNIQUE_ID: "CONFLICT",
  NO_ORPHANS: "CONFLICT",
};

export interface Violation {
  rule: InvariantRule;
  units: string[];
  message: string;
}

export function violationError(v: Violation): DomainError {
  return new DomainError(CODES[v.rule], `${v.rule}: ${v.message}`, { rule: v.rule, units: v.units });
}

/** validFrom must not come after validTo (both inclusive days). */
export function checkIntervalOrder(
  what: string,
  units: string[],
  validFrom: string | null | undefined,
  validTo: string | null | undefined,
): Violation | null {
  if (validFrom && validTo && validFrom > validTo)
    return {
      rule: "INTERVAL_ORDER",
      units,
      message: `${what}: validTo ${validTo} is before validFrom ${validFrom}`,
    };
  return null;
}
