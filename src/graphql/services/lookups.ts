/** Reading records through the request's loaders, as the reader may see them: shared by the resolvers and the .ics feed. */
import { notFound } from "../../domain/errors.ts";
import { deriveObligations, type Obligation } from "../../domain/obligations.ts";
import type { CitationRecord, RuleRecord, UnitRecord } from "../../store/records.ts";
import type { UnitFacts } from "../../store/relation-repository.ts";
import type { Context } from "../context.ts";
import type { MaybePromise } from "../known-loader.ts";
import { isVisible, keepVisible, scoped } from "../visibility.ts";

/** The citations with these ids, at once when the request holds them all (known-loader.ts). */
export function loadCitations(
  ids: readonly string[] | null | undefined,
  ctx: Context,
): MaybePromise<CitationRecord[]> {
  if (!ids || ids.length === 0) return [];
  return then(ctx.loaders.citation.loadMany(ids.length === 1 ? ids : [...new Set(ids)]), present);
}

/** The units with these ids that the reader may see, at once when the request holds them all. */
export function loadUnits(
  ids: readonly string[] | null | undefined,
  ctx: Context,
): MaybePromise<UnitRecord[]> {
  if (!ids || ids.length === 0) return [];
  return then(ctx.loaders.unit.loadMany(ids), (found) => {
    const units = present(found);
    return scoped(ctx) ? keepVisible(ctx, units, (u) => [u.id]) : units;
  });
}

/** The rules with these ids, at once when the request holds them all. */
export function loadRules(ids: readonly string[], ctx: Context): MaybePromise<RuleRecord[]> {
  return ids.length === 0 ? [] : then(ctx.loaders.rule.loadMany(ids), present);
}

const derived = new WeakMap<UnitFacts, Obligation[]>();

/**
 * The obligations derived from a unit's facts (deriveObligations), once per facts record:
 * facts served from the result cache are the same record in every request, so a unit asked
 * for again costs no derivation. The list is shared: read it, never change it.
 */
export function obligationsOf(facts: UnitFacts): Obligation[] {
  let obligations = derived.get(facts);
  if (!obligations) {
    // Frozen: a change in place would reach every request that shares the list.
    obligations = Object.freeze(deriveObligations(facts).map((o) => Object.freeze(o))) as Obligation[];
    derived.set(facts, obligations);
  }
  return obligations;
}

/** The records found, without the ids that found none. */
export const present = <T>(found: (T | null)[]): T[] => found.filter((x): x is T => x !== null);

/**
 * The record a non-null field names (a relation's ends, an obligation's recipient…). The graph
 * always holds it; a missing one is a broken graph, an internal error to the client, as the
 * null it replaces would be.
 */
export function requireLoaded<T>(value: MaybePromise<T | null>, what = "record"): MaybePromise<T> {
  return then(value, (found) => {
    if (found === null) throw new Error(`A ${what} the graph names is missing`);
    return found;
  });
}

/** `f(value)`, synchronously when the value is already there. */
function then<T, R>(value: MaybePromise<T>, f: (v: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/**
 * The unit, if the reader may see it. Its record and the reader's reach are asked at once, also
 * for an id that names nothing: a hidden unit and a missing one cost the same reads, so that
 * neither the time nor the work of the answer tells whether a hidden id exists.
 */
async function loadVisible(id: string, ctx: Context): Promise<UnitRecord | null> {
  const [unit, seen] = await Promise.all([ctx.loaders.unit.load(id), isVisible(ctx, id)]);
  return unit && seen ? unit : null;
}

/** The unit with this id, or NOT_FOUND naming the id and the argument. */
export async function requireUnit(id: string, ctx: Context, argument = "id"): Promise<UnitRecord> {
  const unit = await loadVisible(id, ctx);
  // A unit outside a scoped reader's subtrees is as unknown as a missing one.
  if (!unit) {
    const err = notFound("unit", id);
    err.details.argument = argument;
    throw err;
  }
  return unit;
}

/** The unit, or null when it does not exist or the reader may not see it. */
export async function visibleUnit(id: string | null | undefined, ctx: Context): Promise<UnitRecord | null> {
  return id ? loadVisible(id, ctx) : null;
}
