/** Relation, Subgraph, and the root relation queries. */

import { type Frequency, frequencyLabel } from "../../domain/frequencies.ts";
import type { DerivedRelation } from "../../domain/obligations.ts";
import { RELATION_TYPES, type RelationType } from "../../domain/relation-types.ts";
import { neighbourhood, pathBetween } from "../../store/relation-repository.ts";
import { asOfArg, depthArg, typesArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import { keepVisible } from "../visibility.ts";
import { loadCitations, loadUnits, requireUnit } from "./support.ts";
import { unitRelations } from "./unit.ts";

type Args = Record<string, unknown>;

/** The deepest neighbourhood a client may ask for, and the most units it returns. */
export const MAX_NEIGHBOURHOOD_DEPTH = 3;
export const MAX_NEIGHBOURHOOD_UNITS = 500;
const MAX_PATH_LENGTH = 12;

export const frequencyLabels = (p: { frequencies: string[] }) =>
  p.frequencies.map((f) => frequencyLabel(f as Frequency));

export const RelationResolvers = {
  Relation: {
    typeLabel: (r: DerivedRelation) => RELATION_TYPES[r.type as RelationType]?.label ?? r.type,
    from: (r: DerivedRelation, _: Args, ctx: Context) => ctx.loaders.unit.load(r.from),
    to: (r: DerivedRelation, _: Args, ctx: Context) => ctx.loaders.unit.load(r.to),
    frequencyLabels,
    via: (r: DerivedRelation, _: Args, ctx: Context) => loadUnits(r.via, ctx),
    basis: (r: DerivedRelation, _: Args, ctx: Context) => loadCitations(r.basis, ctx),
    synthetic: (r: DerivedRelation) => r.synthetic === true,
    rule: (r: DerivedRelation, _: Args, ctx: Context) => (r.ruleId ? ctx.loaders.rule.load(r.ruleId) : null),
  },
};

export const RelationQueries = {
  relations: async (_: unknown, args: Args, ctx: Context) => {
    await requireUnit(args.unitId as string, ctx, "unitId");
    return unitRelations(args.unitId as string, args, ctx);
  },
  pathBetween: async (_: unknown, args: Args, ctx: Context) => {
    const asOf = asOfArg(args.asOf, ctx);
    await Promise.all([
      requireUnit(args.fromId as string, ctx, "fromId"),
      requireUnit(args.toId as string, ctx, "toId"),
    ]);
    if (args.fromId === args.toId) return [];
    const slice = await pathBetween(
      ctx.db,
      {
        fromId: args.fromId as string,
        toId: args.toId as string,
        types: typesArg(args.types),
        asOf,
        maxDepth: MAX_PATH_LENGTH,
      },
      ctx.roundTrips,
    );
    if (!slice) return null;
    if ((await keepVisible(ctx, slice.units, (u) => [u.id])).length < slice.units.length) return null;
    ctx.loaders.primeUnits(slice.units);
    ctx.loaders.primeCitations(slice.citations);
    return slice.relations.map((r) => ({ ...r, ruleId: null }));
  },
  neighbourhood: async (_: unknown, args: Args, ctx: Context) => {
    const asOf = asOfArg(args.asOf, ctx);
    const depth = depthArg(args.depth, MAX_NEIGHBOURHOOD_DEPTH, 1, "depth");
    await requireUnit(args.unitId as string, ctx, "unitId");
    const slice = await neighbourhood(
      ctx.db,
      { id: args.unitId as string, depth, types: typesArg(args.types), asOf, limit: MAX_NEIGHBOURHOOD_UNITS },
      ctx.roundTrips,
    );
    ctx.loaders.primeUnits(slice.units);
    ctx.loaders.primeCitations(slice.citations);
    return {
      nodes: await keepVisible(ctx, slice.units, (u) => [u.id]),
      edges: await keepVisible(
        ctx,
        slice.relations.map((r) => ({ ...r, ruleId: null })),
        (r) => [r.from, r.to],
      ),
    };
  },
};
