/** Plan, Task, Deadline, TaskAssignment, Target. */
import {
  type Deadline,
  type DeadlineType,
  dueDate,
  isOverdue,
  isPending,
  isRecurring,
} from "../../domain/deadlines.ts";
import { badInput } from "../../domain/errors.ts";
import { TASK_ROLES, type TaskRole } from "../../domain/relation-types.ts";
import type {
  AssigneeSelectorRecord,
  AssignmentRecord,
  DeadlineLineRecord,
  PlanRecord,
  TargetRecord,
  TaskRecord,
} from "../../store/plan-repository.ts";
import { findPlans, findTaskByCode } from "../../store/plan-repository.ts";
import { asOfArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import { keepVisible } from "../visibility.ts";
import { loadCitations, requireUnit, visibleUnit } from "./support.ts";
import { unitTasks } from "./unit.ts";

type Args = Record<string, unknown>;

type DeadlineView = Deadline & { text: string | null; after: string | null };

/** One line of a task's deadline as the Deadline type reads it. */
function deadlineView(d: DeadlineLineRecord): DeadlineView {
  return { ...d, type: d.type as DeadlineType };
}

/** The first line: what `Task.deadline` and `Task.overdue` read. */
function deadlineOf(t: TaskRecord): DeadlineView {
  return deadlineView(t.deadlines[0] as DeadlineLineRecord);
}

export const PlanResolvers = {
  Plan: {
    __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.plan.load(ref.id),
    document: (p: PlanRecord, _: Args, ctx: Context) =>
      p.documentId ? ctx.loaders.document.load(p.documentId) : null,
    implements: (p: PlanRecord, _: Args, ctx: Context) =>
      p.implementsId ? ctx.loaders.document.load(p.implementsId) : null,
    owner: (p: PlanRecord, _: Args, ctx: Context) => visibleUnit(p.ownerId, ctx),
    tasks: async (p: PlanRecord, _: Args, ctx: Context) => {
      const tasks = await ctx.loaders.tasksOfPlan.load(p.id);
      for (const t of tasks) ctx.loaders.task.prime(t.id, t);
      return tasks;
    },
    targets: (p: PlanRecord, _: Args, ctx: Context) => ctx.loaders.targetsOfPlan.load(p.id),
    events: (p: PlanRecord, _: Args, ctx: Context) => ctx.loaders.eventsOfPlan.load(p.id),
  },
  Task: {
    __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.task.load(ref.id),
    deadline: (t: TaskRecord) => deadlineOf(t),
    deadlines: (t: TaskRecord) => t.deadlines.map(deadlineView),
    assignments: async (t: TaskRecord, args: Args, ctx: Context) => {
      const asOf = asOfArg(args.asOf, ctx);
      const { assignments: list, selectors } = await ctx.loaders.assignmentsOfTask.load({ id: t.id, asOf });
      for (const sel of selectors) ctx.loaders.assigneeSelector.prime(sel.id, sel);
      return keepVisible(
        ctx,
        list.map((a) => ({ ...a, asOf })),
        (a) => [a.unitId],
      );
    },
    overdue: (t: TaskRecord, args: Args, ctx: Context) => isOverdue(deadlineOf(t), asOfArg(args.asOf, ctx)),
    plan: (t: TaskRecord, _: Args, ctx: Context) => ctx.loaders.plan.load(t.planId),
    basis: (t: TaskRecord, _: Args, ctx: Context) => loadCitations(t.basis, ctx),
  },
  Deadline: {
    after: (d: DeadlineView, _: Args, ctx: Context) => (d.after ? ctx.loaders.planEvent.load(d.after) : null),
    dueDate: (d: Deadline) => dueDate(d),
    recurring: (d: Deadline) => isRecurring(d),
    pending: (d: Deadline) => isPending(d),
  },
  TaskAssignment: {
    roleLabel: (a: { role: string }) => TASK_ROLES[a.role as TaskRole]?.label ?? a.role,
    unit: (a: { unitId: string }, _: Args, ctx: Context) => ctx.loaders.unit.load(a.unitId),
    selector: (a: AssignmentRecord, _: Args, ctx: Context) =>
      a.selectorId ? ctx.loaders.assigneeSelector.load(a.selectorId) : null,
    member: (a: AssignmentRecord, _: Args, ctx: Context) => visibleUnit(a.memberId, ctx),
    task: (a: { taskId: string }, _: Args, ctx: Context) => ctx.loaders.task.load(a.taskId),
  },
  AssigneeSelector: {
    anchor: (s: AssigneeSelectorRecord, _: Args, ctx: Context) => visibleUnit(s.anchor, ctx),
    depth: (s: AssigneeSelectorRecord) => s.depth,
    bodyKinds: (s: AssigneeSelectorRecord) => s.bodyKinds ?? [],
    basis: (s: AssigneeSelectorRecord, _: Args, ctx: Context) => loadCitations(s.basis, ctx),
  },
  Target: {
    basis: (t: TargetRecord, _: Args, ctx: Context) => loadCitations(t.basis, ctx),
  },
};

export const PlanQueries = {
  tasks: async (_: unknown, args: Args, ctx: Context) => {
    asOfArg(args.asOf, ctx);
    await requireUnit(args.unitId as string, ctx, "unitId");
    return unitTasks(args.unitId as string, args, ctx);
  },
  task: async (_: unknown, args: Args, ctx: Context) => {
    const code = String(args.code ?? "").trim();
    if (!code) throw badInput("code", "must not be empty");
    const task = await findTaskByCode(
      ctx.db,
      { code, planId: (args.planId as string) ?? null },
      ctx.roundTrips,
    );
    if (task) ctx.loaders.task.prime(task.id, task);
    return task;
  },
  plan: (_: unknown, args: Args, ctx: Context) => ctx.loaders.plan.load(args.id as string),
  plans: (_: unknown, __: Args, ctx: Context) => findPlans(ctx.db, null, ctx.roundTrips),
};
