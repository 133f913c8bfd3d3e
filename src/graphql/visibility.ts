/**
 * Scoped reading (READ_ACCESS=scoped): a non-admin sees only the units in the subtrees its
 * token's `scopes` name, and no relation, obligation, chain hop or list entry that would
 * reveal a unit outside them. Everything here is a filter over what the resolvers computed;
 * with public or authenticated reading it does nothing.
 */
import { type ReadAccess, readIsScoped } from "../auth/principal.ts";
import { unitIdsInState } from "../domain/dated-attributes.ts";
import type { EventRecord } from "../store/change-repository.ts";
import type { UnitPage } from "../store/unit-repository.ts";
import type { Context } from "./context.ts";
import { formatCount, QueryLimitError } from "./limit-error.ts";

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
  const reach = await ctx.loaders.visible.loadMany(present);
  return new Set(present.filter((_id, i) => typeof reach[i] === "string"));
}

export async function isVisible(ctx: Context, id: string): Promise<boolean> {
  return !scoped(ctx) || (await ctx.loaders.visible.load(id)) !== null;
}

/**
 * Whether the reader sees every unit below this one on `asOf`: a scope root, or a unit inside the
 * reader's subtrees on that very day (what hangs below it then is inside then too). A unit seen
 * only through its host (its own tree lies outside), or one that was inside only on other days
 * (what joined it after it left was never inside), opens no subtree: what lies below it is seen
 * unit by unit.
 */
export async function opensSubtree(ctx: Context, id: string, asOf: string): Promise<boolean> {
  if (!scoped(ctx) || ctx.principal.scopes.includes(id)) return true;
  if ((await ctx.loaders.visible.load(id)) !== "subtree") return false;
  return ctx.loaders.insideOn.load(`${asOf}|${id}`);
}

/**
 * A page of the units below `rootId` on `asOf` (children, descendants, `units(under)`) as the
 * reader may see it. Below a unit that opens no subtree, `whole` reads every unit below it
 * (unfiltered, in the page's order) and the page is cut from those the reader may see, so that
 * neither the count nor the cursors tell of a hidden one; `isAfter` says whether an item follows
 * the cursor.
 */
export async function pageBelow(
  ctx: Context,
  rootId: string,
  page: UnitPage,
  o: {
    asOf: string;
    first: number;
    isAfter: (item: UnitPage["items"][number]) => boolean;
    whole: () => Promise<UnitPage>;
  },
): Promise<UnitPage> {
  if (await opensSubtree(ctx, rootId, o.asOf)) return page;
  spendSubtreeScan(ctx, page.total);
  const shown = await keepVisible(ctx, (await o.whole()).items, (item) => [item.unit.id]);
  const rest = shown.filter(o.isAfter);
  return { total: shown.length, items: rest.slice(0, o.first), hasNextPage: rest.length > o.first };
}

/**
 * Counts `units` read below a unit that opens no subtree against the request's SCOPED_SUBTREE_SCAN_MAX:
 * such a page reads the whole subtree whatever its `first`, so aliases (or dates) would multiply
 * what one priced request reads; past the bound the field is refused (QUERY_TOO_COMPLEX).
 */
function spendSubtreeScan(ctx: Context, units: number): void {
  const max = ctx.config.SCOPED_SUBTREE_SCAN_MAX;
  ctx.scanned.belowHidden += units;
  if (ctx.scanned.belowHidden > max)
    throw new QueryLimitError(
      "SCOPED_SUBTREE_SCAN_MAX",
      `this request reads ${formatCount(ctx.scanned.belowHidden)} units below units whose subtree is not yours to see whole, more than SCOPED_SUBTREE_SCAN_MAX ${formatCount(max)}; ask for fewer subtrees (aliases, dates) at once`,
      max,
      ctx.scanned.belowHidden,
    );
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
 * states mention (a unit's host and seat with their former values, a relation's ends and
 * `via`). A scoped reader sees a change only when all of them are visible: records that would
 * name an outside unit are left out.
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
    for (const id of unitIdsInState(s)) named.add(id);
    for (const key of ["from", "to"]) if (typeof s[key] === "string") named.add(s[key] as string);
    if (Array.isArray(s.via)) for (const v of s.via) if (typeof v === "string") named.add(v);
  }
  return [...named];
}

/** The items, each with only the `via` units the reader may see (a channel hop outside is left out, not the item). */
export async function withVisibleVia<T extends { via: readonly string[] }>(
  ctx: Context,
  items: T[],
): Promise<T[]> {
  if (!scoped(ctx)) return items;
  const ok = await visible(
    ctx,
    items.flatMap((item) => item.via),
  );
  return items.map((item) => ({ ...item, via: item.via.filter((id) => ok.has(id)) }));
}

/**
 * The event, or null when the reader may not see it: an event that touched a unit outside a
 * scoped reader's subtrees is hidden whole (its note, actor and basis), wherever it is reached
 * from — `event(id)`, a node id, a change's event, a diff's cause.
 */
export async function visibleEvent(ctx: Context, id: string | null | undefined): Promise<EventRecord | null> {
  if (!id) return null;
  const event = await ctx.loaders.eventById.load(id);
  if (!event || !scoped(ctx)) return event;
  const ok = await visible(ctx, event.unitIds);
  return eventSeen(event, (unit) => ok.has(unit)) ? event : null;
}

/** The rule of visibleEvent, for a reader whose visible units are known (the diff export): every unit the event touched. */
export const eventSeen = (
  event: { unitIds: readonly string[] },
  seen: (unitId: string) => boolean,
): boolean => event.unitIds.every(seen);
