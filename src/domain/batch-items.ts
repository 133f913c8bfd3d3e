/**
 * Which item of a batch (createUnits, moveUnits, closeUnits, addRelations) a refusal is about:
 * the invariants are checked on the whole change at the end of its transaction
 * (src/store/invariant-checks.ts), where a violation names units, not arguments; the batch
 * names its items so that the error can point at one, e.g. `input.moves[3]`.
 */
import { DomainError } from "./errors.ts";
import { STRUCTURAL_TYPES } from "./relation-types.ts";

/** An item of a batch: the unit it is about, the unit it links that one to (if any), and its argument. */
export interface BatchItem {
  unit: string;
  other?: string | null;
  /** The relation type the item makes, where it is not implied (addRelations). */
  type?: string;
  argument: string;
}

/** The relation types a rule's violation can come from (the others cannot break it). */
const RULE_TYPES: Readonly<Record<string, readonly string[]>> = {
  ONE_DIRECT_SUPERIOR: ["SUBORDINATE_TO"],
  KIND_PAIRING: ["SUBORDINATE_TO"],
  ONE_WHOLE: ["PART_OF"],
  NO_CYCLE: STRUCTURAL_TYPES,
};

/**
 * The argument of the item a violation (`rule`, `units`) is about, or null: among the items whose
 * unit (and other end, if any) the violation names — and, for a relation, whose type can break
 * the rule — the last that is about its first unit — the
 * unit the rule speaks of (the one with two superiors, the child of a pairing, a relation's start)
 * — else the last of them; for a cycle, which may be read from any of its units, the last item
 * whose ends both lie on it (the move that closes it, in the order listed).
 */
export function itemArgument(
  violation: { rule: string; units: readonly string[] },
  items: readonly BatchItem[],
): string | null {
  const named = new Set(violation.units);
  const types = RULE_TYPES[violation.rule];
  const candidates = items.filter(
    (x) =>
      named.has(x.unit) && (!x.other || named.has(x.other)) && (!x.type || !types || types.includes(x.type)),
  );
  const first = candidates.filter((x) => x.unit === violation.units[0]);
  const pick = violation.rule !== "NO_CYCLE" && first.length > 0 ? first : candidates;
  return pick.at(-1)?.argument ?? null;
}

/**
 * The error `error` naming the batch's item it is about (`details.argument`), if it is a refusal
 * by a rule on units that names no argument yet and one item fits; else `error` itself.
 */
export function naming(error: unknown, items: readonly BatchItem[]): unknown {
  if (!(error instanceof DomainError) || error.details.argument || !error.details.rule) return error;
  const units = error.details.units;
  if (!Array.isArray(units)) return error;
  const argument = itemArgument({ rule: String(error.details.rule), units: units.map(String) }, items);
  if (!argument) return error;
  const named = new DomainError(error.code, error.message, { ...error.details, argument });
  named.stack = error.stack;
  return named;
}

/**
 * BAD_USER_INPUT naming the second occurrence of a value listed twice (`argumentOf(i)`, e.g.
 * `input.moves[2].unitId`), and the first, in the message.
 */
export function assertDistinctItems(values: readonly string[], argumentOf: (index: number) => string): void {
  const seen = new Map<string, number>();
  for (const [i, value] of values.entries()) {
    const first = seen.get(value);
    if (first !== undefined)
      throw new DomainError(
        "BAD_USER_INPUT",
        `Argument "${argumentOf(i)}": "${value}" is listed already (${argumentOf(first)}); list each once`,
        { argument: argumentOf(i) },
      );
    seen.set(value, i);
  }
}
