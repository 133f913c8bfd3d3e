/** A unit's roles in tasks on a date: Unit.tasks and the tasks query. */
import { asOfArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { UnitTasksArgs } from "../generated/resolvers-types.ts";

export async function unitTasks(unitId: string, args: Partial<UnitTasksArgs>, ctx: Context) {
  const asOf = asOfArg(args.asOf, ctx);
  const { assignments, tasks } = await ctx.loaders.tasksOfUnit.load({
    id: unitId,
    role: args.role ?? null,
    asOf,
  });
  for (const t of tasks) ctx.loaders.task.prime(t.id, t);
  return assignments.map((a) => ({ ...a, asOf }));
}
