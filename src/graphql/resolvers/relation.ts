/** Relation, Subgraph, and the root relation queries. */

import { frequencyLabel } from "../../domain/frequencies.ts";
import { RELATION_TYPES } from "../../domain/relation-types.ts";
import { neighbourhood, pathBetween } from "../../store/relation-repository.ts";
import { asOfArg, depthArg, typesArg } from "../arguments.ts";
import { Frequency, type QueryResolvers, type Resolvers } from "../generated/resolvers-types.ts";
import { loadCitations, loadUnits, requireLoaded, requireUnit } from "../services/lookups.ts";
import { unitRelations } from "../services/unit-relations.ts";
import { asEnums, isKeyOf } from "../stored-values.ts";
import { keepVisible, scoped, visible } from "../visibility.ts";

/** The deepest neighbourhood a client may ask for, and the most units it returns. */
export const MAX_NEIGHBOURHOOD_DEPTH = 3;
export const MAX_NEIGHBOURHOOD_UNITS = 500;
const MAX_PATH_LENGTH = 12;

/** The Vietnamese labels of a record's frequencies. */
export const frequencyLabels = (p: { frequencies: readonly string[] }) =>
  asEnums(Frequency, p.frequencies).map(frequencyLabel);

export const RelationResolvers: Resolvers = {
  Relation: {
    typeLabel: (r) => (isKeyOf(RELATION_TYPES, r.type) ? RELATION_TYPES[r.type].label : r.type),
    from: (r, _, ctx) => requireLoaded(ctx.loaders.unit.load(r.from), "unit"),
    to: (r, _, ctx) => requireLoaded(ctx.loaders.unit.load(r.to), "unit"),
    frequencyLabels,
    via: (r, _, ctx) => loadUnits(r.via, ctx),
    basis: (r, _, ctx) => loadCitations(r.basis, ctx),
    synthetic: (r) => r.synthetic === true,
    rule: (r, _, ctx) => (r.ruleId ? ctx.loaders.rule.load(r.ruleId) : null),
  },
};

export const RelationQueries: QueryResolvers = {
  relations: async (_, args, ctx) => {
    await requireUnit(args.unitId, ctx, "unitId");
    return unitRelations(args.unitId, args, ctx);
  },
  pathBetween: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    await Promise.all([requireUnit(args.fromId, ctx, "fromId"), requireUnit(args.toId, ctx, "toId")]);
    if (args.fromId === args.toId) return [];
    const slice = await pathBetween(
      ctx.db,
      { fromId: args.fromId, toId: args.toId, types: typesArg(args.types), asOf, maxDepth: MAX_PATH_LENGTH },
      ctx.roundTrips,
    );
    if (!slice) return null;
    if ((await keepVisible(ctx, slice.units, (u) => [u.id])).length < slice.units.length) return null;
    ctx.loaders.primeUnits(slice.units);
    ctx.loaders.primeCitations(slice.citations);
    return slice.relations.map((r) => ({ ...r, ruleId: null }));
  },
  neighbourhood: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    const depth = depthArg(args.depth, MAX_NEIGHBOURHOOD_DEPTH, 1, "depth");
    await requireUnit(args.unitId, ctx, "unitId");
    // A scoped reader's walk enters only units it may see, hop by hop: filtering afterwards would
    // still show two visible units as neighbours through a hidden one between them.
    const keep = scoped(ctx)
      ? async (ids: string[]) => {
          const ok = await visible(ctx, ids);
          return ids.filter((id) => ok.has(id));
        }
      : undefined;
    const slice = await neighbourhood(
      ctx.db,
      { id: args.unitId, depth, types: typesArg(args.types), asOf, limit: MAX_NEIGHBOURHOOD_UNITS },
      ctx.roundTrips,
      keep,
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
