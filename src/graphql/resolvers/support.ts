/** Small helpers the resolvers share. */
import { notFound } from "../../domain/errors.ts";
import type { CitationRecord, UnitRecord } from "../../store/records.ts";
import type { Context } from "../context.ts";
import { isVisible, keepVisible } from "../visibility.ts";

export async function loadCitations(
  ids: readonly string[] | null | undefined,
  ctx: Context,
): Promise<CitationRecord[]> {
  if (!ids || ids.length === 0) return [];
  const found = await ctx.loaders.citation.loadMany([...new Set(ids)]);
  return found.filter((c): c is CitationRecord => c !== null && !(c instanceof Error));
}

export async function loadUnits(
  ids: readonly string[] | null | undefined,
  ctx: Context,
): Promise<UnitRecord[]> {
  if (!ids || ids.length === 0) return [];
  const found = await ctx.loaders.unit.loadMany([...ids]);
  const units = found.filter((u): u is UnitRecord => u !== null && !(u instanceof Error));
  return keepVisible(ctx, units, (u) => [u.id]);
}

/** The unit with this id, or NOT_FOUND naming the id and the argument. */
export async function requireUnit(id: string, ctx: Context, argument = "id"): Promise<UnitRecord> {
  const unit = await ctx.loaders.unit.load(id);
  // A unit outside a scoped reader's subtrees is as unknown as a missing one.
  if (!unit || !(await isVisible(ctx, id))) {
    const err = notFound("unit", id);
    err.details.argument = argument;
    throw err;
  }
  return unit;
}

/** The unit, or null when it does not exist or the reader may not see it. */
export async function visibleUnit(id: string | null | undefined, ctx: Context): Promise<UnitRecord | null> {
  if (!id) return null;
  const unit = await ctx.loaders.unit.load(id);
  return unit && (await isVisible(ctx, id)) ? unit : null;
}
