/** A unit's relations on a date, explicit and derived from kind-level rules: Unit.relations and the relations query. */
import { type DerivedRelation, deriveRuleRelations } from "../../domain/obligations.ts";
import { RELATION_TYPES, type RelationType } from "../../domain/relation-types.ts";
import { asOfArg, typesArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { Direction, UnitRelationsArgs } from "../generated/resolvers-types.ts";
import { isKeyOf } from "../stored-values.ts";
import { keepVisible } from "../visibility.ts";

/**
 * Each request's relation lists by unit, date, types and direction: nested selections ask for the
 * same unit's relations once per path that reaches it (a city committee's 450, once per relation
 * ending at it), and deriving them is the costly part; the list is built once per request.
 */
const relationLists = new WeakMap<Context["loaders"], Map<string, Promise<DerivedRelation[]>>>();

/** Relations of a unit on a date, explicit and derived from rules, filtered by type and direction. */
export function unitRelations(
  unitId: string,
  args: Partial<UnitRelationsArgs>,
  ctx: Context,
): Promise<DerivedRelation[]> {
  const asOf = asOfArg(args.asOf, ctx);
  const types = typesArg(args.types);
  const direction = args.direction ?? "BOTH";
  const key = JSON.stringify([unitId, asOf, types, direction]);
  const lists = relationLists.get(ctx.loaders) ?? new Map<string, Promise<DerivedRelation[]>>();
  relationLists.set(ctx.loaders, lists);
  const held = lists.get(key);
  if (held) return held;
  const list = buildRelations(unitId, asOf, types, direction, ctx);
  lists.set(key, list);
  return list;
}

async function buildRelations(
  unitId: string,
  asOf: string,
  types: RelationType[] | null,
  direction: Direction,
  ctx: Context,
): Promise<DerivedRelation[]> {
  const wantOut = direction !== "IN";
  const wantIn = direction !== "OUT";
  const [facts, incoming] = await Promise.all([
    ctx.loaders.facts.load({ id: unitId, asOf }),
    ctx.loaders.incoming.load({ id: unitId, asOf, types }),
  ]);
  const explicit: DerivedRelation[] = [...facts.outgoing, ...incoming.relations].map((r) => ({
    ...r,
    ruleId: null,
  }));
  const all = [...explicit, ...deriveRuleRelations(facts)];
  const seen = new Set<string>();
  const wanted = all.filter((r) => {
    if (types && !types.some((t) => t === r.type)) return false;
    const symmetric = isKeyOf(RELATION_TYPES, r.type) && RELATION_TYPES[r.type].symmetric;
    const out = r.from === unitId || (symmetric && r.to === unitId);
    const inc = r.to === unitId || (symmetric && r.from === unitId);
    if (!((wantOut && out) || (wantIn && inc))) return false;
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
  return keepVisible(ctx, wanted, (r) => [r.from, r.to]);
}
