import { graphStats } from "../../store/stats-repository.ts";
import type { Context } from "../context.ts";
import { scoped } from "../visibility.ts";

export const Query = {
  // A scoped reader's counts cover only their subtrees.
  stats: (_: unknown, __: unknown, ctx: Context) =>
    graphStats(ctx.db, ctx.roundTrips, scoped(ctx) ? ctx.principal.scopes : null),
};
