/** The reporting calendar: the query hands the work to the unit-calendar service (shared with the .ics feed). */
import { ENTRY_TYPE_LABELS } from "../../domain/calendar.ts";
import { frequencyLabel } from "../../domain/frequencies.ts";
import { asOfArg, dateArg } from "../arguments.ts";
import type { QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import { loadCitations, loadUnits } from "../services/lookups.ts";
import { unitCalendar } from "../services/unit-calendar.ts";

export const CalendarResolvers: Resolvers = {
  CalendarEntry: {
    typeLabel: (e) => ENTRY_TYPE_LABELS[e.type],
    frequencyLabel: (e) => (e.frequency ? frequencyLabel(e.frequency) : null),
    dueDateRule: (e) => e.dueDate,
    basis: (e, _, ctx) => loadCitations(e.basis, ctx),
    obligor: (e, _, ctx) => (e.obligor ? ctx.loaders.unit.load(e.obligor) : null),
    recipient: (e, _, ctx) => (e.recipient ? ctx.loaders.unit.load(e.recipient) : null),
    channel: (e, _, ctx) => loadUnits(e.via, ctx),
    rule: (e, _, ctx) => (e.ruleId ? ctx.loaders.rule.load(e.ruleId) : null),
    body: (e, _, ctx) => (e.body ? ctx.loaders.unit.load(e.body) : null),
    meetingRule: (e) => e.meetingRuleRecord,
    task: (e, _, ctx) => (e.taskId ? ctx.loaders.task.load(e.taskId) : null),
  },
  DueDateRule: {
    basis: (d, _, ctx) => loadCitations(d.basis, ctx),
  },
};

export const CalendarQueries: QueryResolvers = {
  reportingCalendar: (_, args, ctx) =>
    unitCalendar(ctx, {
      unitId: args.unitId,
      window: { from: dateArg(args.from, "from"), to: dateArg(args.to, "to") },
      asOf: args.asOf === undefined || args.asOf === null ? null : asOfArg(args.asOf, ctx),
      types: args.types ?? null,
      names: { unitId: "unitId", from: "from", to: "to" },
    }),
};
