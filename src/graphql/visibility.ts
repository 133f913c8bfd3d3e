/**
 * Scoped reading (READ_ACCESS=scoped): a non-admin sees only the units in the subtrees its
 * token's `scopes` name, and no relation, obligation, chain hop or list entry that would
 * reveal a unit outside them. Everything here is a filter over what the resolvers computed;
 * with public or authenticated reading it does nothing.
 */
import { type ReadAccess, readIsScoped } from "../auth/principal.ts";
import type { Context } from "./context.ts";

export function scoped(ctx: Context): boolean {
  return readIsScoped(ctx.principal, ctx.config.READ_ACCESS as ReadAccess);
}

/** The ids among `ids` the reader may see (all of them when reading is not scoped). */
export async function visible(
  ctx: Context,
  ids: readonly (string | null | undefined)[],
): Promise<Set<string>> {
  const present = ids.filter((x): x is string => typeof x === "string");
  if (!scoped(ctx)) return new Set(present);
  const flags = await ctx.loaders.visible.loadMany(present);
  return new Set(present.filter((_id, i) => flags[i] === true));
}

export async function isVisible(ctx: Context, id: string): Promise<boolean> {
  return !scoped(ctx) || (await ctx.loaders.visible.load(id)) === true;
}

/** Keeps the items all of whose units the reader may see. */
export async function keepVisible<T>(
  ctx: Context,
  items: T[],
  unitsOf: (item: T) => (string | null | undefined)[],
): Promise<T[]> {
  if (!scoped(ctx)) return items;
  const ok = await visible(ctx, items.flatMap(unitsOf));
  return items.filter((item) => unitsOf(item).every((id) => !id || ok.has(id)));
}

/**
 * Every unit a change record names: the units it is linked to, and those its before / after
 * states mention (a unit's host, a relation's ends and `via`). A scoped reader sees a change
 * only when all of them are visible: records that would name an outside unit are left out.
 */
export function unitsNamedBy(c: {
  unitIds: readonly string[];
  before: string | null;
  after: string | null;
}): string[] {
  const named = new Set(c.unitIds);
  for (const state of [c.before, c.after]) {
    if (!state) continue;
    const s = JSON.parse(state) as Record<string, unknown>;
    for (const key of ["host", "from", "to"]) if (typeof s[key] === "string") named.add(s[key] as string);
    if (Array.isArray(s.via)) for (const v of s.via) if (typeof v === "string") named.add(v);
  }
  return [...named];
}
