/** Plan, Task, Deadline, TaskAssignment, Target. */
import { dueDate, isOverdue, isPending, isRecurring } from "../../domain/deadlines.ts";
import { badInput } from "../../domain/errors.ts";
import { TASK_ROLES } from "../../domain/relation-types.ts";
import { findPlans, findTaskByCode } from "../../store/plan-repository.ts";
import { asOfArg } from "../arguments.ts";
import { type QueryResolvers, type Resolvers, UnitKind } from "../generated/resolvers-types.ts";
import { loadCitations, requireLoaded, requireUnit, visibleUnit } from "../services/lookups.ts";
import { deadlineLine, taskDeadline } from "../services/task-deadline.ts";
import { unitTasks } from "../services/unit-tasks.ts";
import { asEnums, isKeyOf } from "../stored-values.ts";
import { keepVisible } from "../visibility.ts";

export const PlanResolvers: Resolvers = {
  Plan: {
    __resolveReference: (ref, ctx) => ctx.loaders.plan.load(ref.id),
    document: (p, _, ctx) => (p.documentId ? ctx.loaders.document.load(p.documentId) : null),
    implements: (p, _, ctx) => (p.implementsId ? ctx.loaders.document.load(p.implementsId) : null),
    owner: (p, _, ctx) => visibleUnit(p.ownerId, ctx),
    tasks: async (p, _, ctx) => {
      const tasks = await ctx.loaders.tasksOfPlan.load(p.id);
      for (const t of tasks) ctx.loaders.task.prime(t.id, t);
      return tasks;
    },
    targets: (p, _, ctx) => ctx.loaders.targetsOfPlan.load(p.id),
    events: (p, _, ctx) => ctx.loaders.eventsOfPlan.load(p.id),
  },
  Task: {
    __resolveReference: (ref, ctx) => ctx.loaders.task.load(ref.id),
    deadline: (t) => taskDeadline(t),
    deadlines: (t) => t.deadlines.map(deadlineLine),
    assignments: async (t, args, ctx) => {
      const asOf = asOfArg(args.asOf, ctx);
      const { assignments: list, selectors } = await ctx.loaders.assignmentsOfTask.load({ id: t.id, asOf });
      for (const sel of selectors) ctx.loaders.assigneeSelector.prime(sel.id, sel);
      return keepVisible(
        ctx,
        list.map((a) => ({ ...a, asOf })),
        (a) => [a.unitId],
      );
    },
    overdue: (t, args, ctx) => isOverdue(taskDeadline(t), asOfArg(args.asOf, ctx)),
    plan: (t, _, ctx) => requireLoaded(ctx.loaders.plan.load(t.planId), "plan"),
    basis: (t, _, ctx) => loadCitations(t.basis, ctx),
  },
  Deadline: {
    after: (d, _, ctx) => (d.after ? ctx.loaders.planEvent.load(d.after) : null),
    dueDate: (d) => dueDate(d),
    recurring: (d) => isRecurring(d),
    pending: (d) => isPending(d),
  },
  TaskAssignment: {
    roleLabel: (a) => (isKeyOf(TASK_ROLES, a.role) ? TASK_ROLES[a.role].label : a.role),
    unit: (a, _, ctx) => requireLoaded(ctx.loaders.unit.load(a.unitId), "unit"),
    selector: (a, _, ctx) => (a.selectorId ? ctx.loaders.assigneeSelector.load(a.selectorId) : null),
    member: (a, _, ctx) => visibleUnit(a.memberId, ctx),
    task: (a, _, ctx) => requireLoaded(ctx.loaders.task.load(a.taskId), "task"),
  },
  AssigneeSelector: {
    anchor: (s, _, ctx) => visibleUnit(s.anchor, ctx),
    depth: (s) => s.depth,
    bodyKinds: (s) => asEnums(UnitKind, s.bodyKinds ?? []),
    basis: (s, _, ctx) => loadCitations(s.basis, ctx),
  },
  Target: {
    basis: (t, _, ctx) => loadCitations(t.basis, ctx),
  },
};

export const PlanQueries: QueryResolvers = {
  tasks: async (_, args, ctx) => {
    asOfArg(args.asOf, ctx);
    await requireUnit(args.unitId, ctx, "unitId");
    return unitTasks(args.unitId, args, ctx);
  },
  task: async (_, args, ctx) => {
    const code = args.code.trim();
    if (!code) throw badInput("code", "must not be empty");
    const task = await findTaskByCode(ctx.db, { code, planId: args.planId ?? null }, ctx.roundTrips);
    if (task) ctx.loaders.task.prime(task.id, task);
    return task;
  },
  plan: (_, args, ctx) => ctx.loaders.plan.load(args.id),
  plans: (_, __, ctx) => findPlans(ctx.db, null, ctx.roundTrips),
};
