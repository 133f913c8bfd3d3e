/**
 * A unit's reporting calendar over a window: its obligations, meeting rules and tasks from the
 * loaders, the dates from the domain (src/domain/calendar.ts) under the due-date policy
 * (DUE_DATES_FILE). Both the reportingCalendar query and the .ics feed (src/http/ical.ts) call it.
 */
import { loadDueDatePolicy } from "../../config.ts";
import {
  buildCalendar,
  type CalendarEntry,
  type CalendarEntryType,
  type CalendarUnit,
  type CalendarWindow,
  defaultCalendarAsOf,
  type TaskFact,
  validateWindow,
} from "../../domain/calendar.ts";
import type { MeetingRuleRecord } from "../../store/meeting-repository.ts";
import type { TaskRecord } from "../../store/plan-repository.ts";
import type { UnitRecord } from "../../store/records.ts";
import type { Context } from "../context.ts";
import { keepVisible, withVisibleVia } from "../visibility.ts";
import { loadUnits, obligationsOf, requireUnit } from "./lookups.ts";
import { deadlineLine, taskDeadline } from "./task-deadline.ts";

/** An entry as the resolvers see it: the domain entry with its meeting rule record. */
export type CalendarEntryView = CalendarEntry & { meetingRuleRecord: MeetingRuleRecord | null };

export interface UnitCalendar {
  unit: UnitRecord;
  from: string;
  to: string;
  asOf: string;
  entries: CalendarEntryView[];
  undated: CalendarEntryView[];
  policy: string;
  feedPath: string;
}

export interface CalendarRequest {
  unitId: string;
  window: CalendarWindow;
  asOf: string | null;
  types: CalendarEntryType[] | null;
  /** The names the caller's arguments go by, for errors (GraphQL arguments or .ics query parameters). */
  names: { unitId: string; from: string; to: string };
}

/** The calendar of a unit; shared by the GraphQL resolver and the .ics feed. */
export async function unitCalendar(ctx: Context, req: CalendarRequest): Promise<UnitCalendar> {
  validateWindow(req.window, req.names);
  const unit = await requireUnit(req.unitId, ctx, req.names.unitId);
  const asOf = req.asOf ?? defaultCalendarAsOf(ctx.today, req.window);
  const policy = loadDueDatePolicy(ctx.config.DUE_DATES_FILE);
  const wants = (t: CalendarEntryType) => !req.types?.length || req.types.includes(t);

  const [facts, meetingRules, tasks] = await Promise.all([
    wants("REPORT") ? ctx.loaders.facts.load({ id: unit.id, asOf }) : null,
    wants("MEETING") ? ctx.loaders.meetingRules.load(unit.id) : [],
    wants("TASK") ? ctx.loaders.tasksOfUnit.load({ id: unit.id, role: null, asOf }) : null,
  ]);
  // A channel hop outside the reader's subtrees is left out, as Obligation.channel does.
  const obligations = facts
    ? await withVisibleVia(ctx, await keepVisible(ctx, obligationsOf(facts), (o) => [o.obligor, o.recipient]))
    : [];
  if (tasks) for (const t of tasks.tasks) ctx.loaders.task.prime(t.id, t);

  // Names and validity of every unit the entries mention (mostly primed by the facts query).
  const ids = new Set<string>([unit.id]);
  for (const o of obligations) ids.add(o.obligor).add(o.recipient);
  for (const m of meetingRules) ids.add(m.bodyId);
  const units = new Map<string, CalendarUnit>();
  for (const u of await loadUnits([...ids], ctx)) units.set(u.id, u);

  const calendar = buildCalendar({
    unitId: unit.id,
    window: req.window,
    types: req.types,
    policy,
    units,
    obligations,
    meetingRules: meetingRules.filter((m) => units.has(m.bodyId)),
    tasks: tasks ? taskFacts(tasks) : [],
  });
  const rules = new Map(meetingRules.map((m) => [m.id, m]));
  const view = (e: CalendarEntry): CalendarEntryView => ({
    ...e,
    meetingRuleRecord: e.meetingRuleId ? (rules.get(e.meetingRuleId) ?? null) : null,
  });
  const query = new URLSearchParams({ from: req.window.from, to: req.window.to });
  if (req.asOf) query.set("asOf", req.asOf);
  if (req.types?.length) query.set("types", req.types.join(","));
  return {
    unit,
    from: req.window.from,
    to: req.window.to,
    asOf,
    entries: calendar.entries.map(view),
    undated: calendar.undated.map(view),
    policy: `${policy.source}${policy.note ? ` — ${policy.note}` : ""}`,
    feedPath: `/calendar/${encodeURIComponent(unit.id)}.ics?${query}`,
  };
}

/** One fact per task, with every role the unit has in it. */
function taskFacts(found: {
  assignments: { role: string; taskId: string }[];
  tasks: TaskRecord[];
}): TaskFact[] {
  const roles = new Map<string, string[]>();
  for (const a of found.assignments) roles.set(a.taskId, [...(roles.get(a.taskId) ?? []), a.role]);
  const seen = new Set<string>();
  const out: TaskFact[] = [];
  for (const t of found.tasks) {
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push({
      id: t.id,
      code: t.code,
      title: t.title,
      basis: t.basis,
      deadlineText: t.deadlineText,
      roles: [...new Set(roles.get(t.id) ?? [])],
      deadline: taskDeadline(t),
      moreDeadlines: t.deadlines.slice(1).map((d) => ({ text: d.text, deadline: deadlineLine(d) })),
    });
  }
  return out;
}
