import { graphStats } from "../../store/stats-repository.ts";
import type { Context } from "../context.ts";

export const Query = {
  stats: (_: unknown, __: unknown, ctx: Context) => graphStats(ctx.db, ctx.roundTrips),
};
