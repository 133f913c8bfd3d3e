import { graphStats } from "../../store/stats-repository.ts";
import type { QueryResolvers } from "../generated/resolvers-types.ts";
import { scoped } from "../visibility.ts";

export const Query: QueryResolvers = {
  // A scoped reader's counts cover only their subtrees.
  stats: (_, __, ctx) => graphStats(ctx.db, ctx.roundTrips, scoped(ctx) ? ctx.principal.scopes : null),
};
