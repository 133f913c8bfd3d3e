/**
 * The reporting and meeting calendar of a unit: every report due in a window, every
 * meeting of its bodies with its papers deadline, and its tasks' deadlines.
 *
 * - Reports come from the unit's reporting obligations (138-QĐ/TW Điều 9 khoản 2: "định kỳ
 *   (hàng tháng, 6 tháng, cuối năm) hoặc đột xuất"; Quy chế Đảng ủy Khối Lâm Đồng Điều 13
 *   khoản 2: "hằng quý, 6 tháng và hằng năm"). The documents fix the period; the due day is
 *   policy (src/domain/due-dates.ts) and every entry says which policy entry set it. Ad-hoc
 *   obligations (đột xuất), and end-of-term and congress reports that the policy does not
 *   date, are listed apart, without dates.
 * - Meetings come from the bodies' meeting rules (Quy chế Điều 10 khoản 1: BCH "3 tháng một
 *   lần", papers 03 days before; Điều 11 khoản 1–2: BTV "mỗi tháng 01 lần", papers 02 days
 *   before, 05 for complex matters; Điều 12 khoản 1: Thường trực "mỗi tuần 1 lần"). The
 *   meeting day is policy too; the papers deadline is the meeting day minus the lead days
 *   the rule states.
 * - Tasks come from the plans (the Quảng Ngãi plan for Nghị quyết 21-NQ/TW): a quarter is due
 *   on its last day, a year on 31/12, "hằng năm" every 31/12, and a deadline relative to an
 *   event ("3 tháng sau khi Trung ương ban hành hướng dẫn") is pending, without a date, until
 *   the event is recorded.
 *
 * Pure: the caller gives the obligations, meeting rules, tasks, unit names and the policy.
 */
import { type Interval, type IsoDate, isActiveOn } from "./dates.ts";
import { type Deadline, dueDate, isPending } from "./deadlines.ts";
import {
  addDays,
  adjustForWeekend,
  type DateRule,
  type DueDatePolicy,
  type DueDateSource,
  dateInPeriod,
  daysBetween,
  describeDateRule,
  PERIOD_FREQUENCIES,
  type Period,
  periodsOf,
  type ResolvedDateRule,
  resolveDateRule,
  vietnameseDate,
} from "./due-dates.ts";
import { badInput } from "./errors.ts";
import { type Frequency, frequencyLabel } from "./frequencies.ts";
import { joinId } from "./ids.ts";
import type { Obligation } from "./obligations.ts";

/** The longest window a calendar may span: five years, leap days included (1,827 days). */
export const MAX_WINDOW_DAYS = 1827;

export type CalendarEntryType = "REPORT" | "MEETING" | "TASK";
export const CALENDAR_ENTRY_TYPES: readonly CalendarEntryType[] = ["REPORT", "MEETING", "TASK"];

export const ENTRY_TYPE_LABELS: Record<CalendarEntryType, string> = {
  REPORT: "Báo cáo",
  MEETING: "Hội nghị",
  TASK: "Nhiệm vụ",
};

export interface CalendarWindow {
  from: IsoDate;
  to: IsoDate;
}

/**
 * A window runs forwards and spans at most five years; the errors name the argument
 * (`from` / `to` in GraphQL, the query parameters of the .ics feed).
 */
export function validateWindow(window: CalendarWindow, names = { from: "from", to: "to" }): void {
  if (window.from > window.to)
    throw badInput(
      names.from,
      `${window.from} is after ${names.to} (${window.to}); the window must start on or before its end`,
    );
  const days = daysBetween(window.from, window.to) + 1;
  if (days > MAX_WINDOW_DAYS)
    throw badInput(
      names.to,
      `the window ${window.from} – ${window.to} spans ${days} days; it may span at most ${MAX_WINDOW_DAYS} days (5 years)`,
    );
}

/**
 * The date whose obligations (and recipients) the calendar uses when no asOf is given:
 * today when the window contains today, else the window's nearest end — so a calendar of
 * 2024 uses the obligations in force at the end of 2024, not today's.
 */
export function defaultCalendarAsOf(today: IsoDate, window: CalendarWindow): IsoDate {
  if (today < window.from) return window.from;
  if (today > window.to) return window.to;
  return today;
}

export interface CalendarUnit extends Interval {
  id: string;
  name: string;
}

interface MeetingRuleFact {
  id: string;
  bodyId: string;
  cadence: string;
  papersLeadDays: number | null;
  papersLeadDaysComplex: number | null;
  basis: string[];
}

export interface TaskFact {
  id: string;
  code: string;
  title: string;
  basis: string[];
  deadline: Deadline;
  /** The deadline in the document's words, e.g. "Quý III/2022". */
  deadlineText: string | null;
  /** Further lines of the deadline when the text states more than one (mục 2.2.9.b: "Thường xuyên", "Hằng năm"). */
  moreDeadlines?: { deadline: Deadline; text: string | null }[];
  /** The unit's roles in the task (DIRECTS, LEADS_ADVICE, COORDINATES, CARRIES_OUT). */
  roles: string[];
}

export interface CalendarInput {
  /** The unit whose calendar this is (its bodies' entries name the body). */
  unitId: string;
  window: CalendarWindow;
  /** Which kinds of entry to include; all when null or empty. */
  types?: readonly CalendarEntryType[] | null;
  policy: DueDatePolicy;
  /** Names and validity of the unit, the obligors, recipients and meeting bodies. */
  units: ReadonlyMap<string, CalendarUnit>;
  obligations: readonly Obligation[];
  meetingRules: readonly MeetingRuleFact[];
  tasks: readonly TaskFact[];
}

/** How an entry's date was set. */
export interface DueDateInfo {
  source: DueDateSource;
  /** The policy entry (`defaults.reports.MONTHLY`, an override's id, `tasks.YEARLY`), or null for document and event dates. */
  policyId: string | null;
  /** The rule in Vietnamese, e.g. "Mặc định (không phải quy định): ngày 25 của tháng cuối kỳ". */
  text: string;
  /** Provisions the policy entry cites (only overrides that rest on a unit's regulation). */
  basis: string[];
}

export interface CalendarEntry {
  /** Stable across requests (the UID of the .ics event): the same report, meeting or task always has the same id. */
  id: string;
  type: CalendarEntryType;
  /** The due date, meeting day or deadline; null for the undated entries. */
  date: IsoDate | null;
  /** "2026-06", "Q2/2026", "H1/2026", "9 tháng/2026", "2026", "2026-W05"; null when there is no period. */
  period: string | null;
  periodLabel: string | null;
  /** Vietnamese title. */
  title: string;
  frequency: Frequency | null;
  dueDate: DueDateInfo | null;
  /** The provisions of the obligation, meeting rule or task. */
  basis: string[];
  obligor: string | null;
  relation: "REPORTS_TO" | "NOTIFIES" | null;
  recipient: string | null;
  via: string[];
  subject: string | null;
  ruleId: string | null;
  meetingRuleId: string | null;
  body: string | null;
  papersDeadline: IsoDate | null;
  papersLeadDays: number | null;
  papersDeadlineComplex: IsoDate | null;
  papersLeadDaysComplex: number | null;
  taskId: string | null;
  taskRoles: string[];
  deadlineText: string | null;
  /** A relative task deadline whose event is not recorded yet. */
  pending: boolean;
  /** Why an entry is undated when that is not obvious (e.g. no policy for its frequency). */
  note: string | null;
}

export interface Calendar {
  /** Dated entries in the window, by date. */
  entries: CalendarEntry[];
  /** Ad-hoc and other undated obligations, undated meetings, ongoing and pending tasks. */
  undated: CalendarEntry[];
}

/** An entry with nothing set but its identity: each kind of entry fills in what it has. */
export const BLANK_ENTRY: Omit<CalendarEntry, "id" | "type" | "title"> = {
  date: null,
  period: null,
  periodLabel: null,
  frequency: null,
  dueDate: null,
  basis: [],
  obligor: null,
  relation: null,
  recipient: null,
  via: [],
  subject: null,
  ruleId: null,
  meetingRuleId: null,
  body: null,
  papersDeadline: null,
  papersLeadDays: null,
  papersDeadlineComplex: null,
  papersLeadDaysComplex: null,
  taskId: null,
  taskRoles: [],
  deadlineText: null,
  pending: false,
  note: null,
};

/**
 * The calendar: reports by period (138-QĐ/TW Điều 9 khoản 2; Quy chế Đảng ủy Khối Lâm Đồng
 * Điều 13 khoản 2) dated by the policy, meetings by cadence with papers deadlines (Quy chế
 * Điều 10 khoản 1 và 3, Điều 11 khoản 1–2, Điều 12 khoản 1), and task deadlines as the plan
 * states them; undated entries apart.
 */
export function buildCalendar(input: CalendarInput): Calendar {
  const wanted = new Set(input.types?.length ? input.types : CALENDAR_ENTRY_TYPES);
  const dated = new Map<string, CalendarEntry>();
  const undated = new Map<string, CalendarEntry>();
  const add = (e: CalendarEntry) => void (e.date ? dated : undated).set(e.id, e);
  if (wanted.has("REPORT")) for (const o of input.obligations) reportEntries(input, o).forEach(add);
  if (wanted.has("MEETING")) for (const m of input.meetingRules) meetingEntries(input, m).forEach(add);
  if (wanted.has("TASK"))
    for (const t of input.tasks) {
      taskEntries(input, t).forEach(add);
      // Each further line of the deadline gets its own entries, ids suffixed by the line.
      (t.moreDeadlines ?? []).forEach((line, i) => {
        const more = { ...t, deadline: line.deadline, deadlineText: line.text };
        taskEntries(input, more, `l${i + 2}`).forEach(add);
      });
    }
  const typeOrder = (e: CalendarEntry) => CALENDAR_ENTRY_TYPES.indexOf(e.type);
  return {
    entries: [...dated.values()].sort(
      (a, b) =>
        (a.date as string).localeCompare(b.date as string) ||
        typeOrder(a) - typeOrder(b) ||
        a.id.localeCompare(b.id),
    ),
    undated: [...undated.values()].sort(
      (a, b) =>
        typeOrder(a) - typeOrder(b) || a.title.localeCompare(b.title, "vi") || a.id.localeCompare(b.id),
    ),
  };
}

// ——— Reports ———

const REPORT_TITLES: Partial<Record<Frequency, string>> = {
  WEEKLY: "Báo cáo",
  MONTHLY: "Báo cáo",
  QUARTERLY: "Báo cáo",
  SEMI_ANNUAL: "Báo cáo sơ kết",
  NINE_MONTHS: "Báo cáo",
  ANNUAL: "Báo cáo tổng kết",
};

/** What every report entry of one obligation shares. */
interface ReportContext {
  input: CalendarInput;
  common: Omit<CalendarEntry, "id" | "title">;
  /** The parts its entries' ids start with (joinId). */
  key: readonly string[];
  /** "<obligor>: " when the obligor is not the unit the calendar is for. */
  who: string;
  verb: string;
  recipientName: string;
  subject: Parameters<typeof resolveDateRule>[3];
  inForce: (date: IsoDate) => boolean;
}

function reportEntries(input: CalendarInput, o: Obligation): CalendarEntry[] {
  const c = reportContext(input, o);
  return o.frequencies.flatMap((f) => frequencyReportEntries(c, o, f));
}

function reportContext(input: CalendarInput, o: Obligation): ReportContext {
  const name = (id: string) => input.units.get(id)?.name ?? id;
  const obligorUnit = input.units.get(o.obligor);
  return {
    input,
    common: {
      ...BLANK_ENTRY,
      type: "REPORT",
      basis: o.basis,
      obligor: o.obligor,
      relation: o.type,
      recipient: o.recipient,
      via: o.via,
      subject: o.subject,
      ruleId: o.ruleId,
    },
    key: ["report", o.obligor, o.recipient, o.ruleId ?? `rel-${hash(relationText(o))}`],
    who: o.obligor === input.unitId ? "" : `${name(o.obligor)}: `,
    verb: o.type === "NOTIFIES" ? "Thông báo" : "Báo cáo",
    recipientName: name(o.recipient),
    subject: { rule: o.ruleId, obligor: o.obligor, recipient: o.recipient, basis: o.basis },
    inForce: (date) => isActiveOn(o, date) && (!obligorUnit || isActiveOn(obligorUnit, date)),
  };
}

/** The entries of one of an obligation's frequencies: dated by the policy, or one undated entry. */
function frequencyReportEntries(c: ReportContext, o: Obligation, f: Frequency): CalendarEntry[] {
  const { input, common, key, who, verb, recipientName } = c;
  const fslug = f.toLowerCase().replace(/_/g, "-");
  const resolved = f === "AD_HOC" ? null : resolveDateRule(input.policy, "reports", f, c.subject);
  if (!resolved)
    return [
      {
        ...common,
        id: joinId([...key, fslug]),
        title: `${who}${verb} ${frequencyLabel(f)} gửi ${recipientName}${o.subject ? ` — ${o.subject}` : ""}`,
        frequency: f,
        note: undatedReportNote(input, f),
      },
    ];
  if ("periods" in resolved.rule) return mappedPeriodicEntries(c, resolved, resolved.rule.periods);
  return datesOf(resolved.rule, f, input.window)
    .filter(({ date }) => c.inForce(date))
    .map(({ date, period }) => ({
      ...common,
      id: joinId([...key, fslug, period?.slug ?? date]),
      date,
      period: period?.key ?? null,
      periodLabel: period?.label ?? null,
      title: period
        ? `${who}${(REPORT_TITLES[f] ?? verb).replace("Báo cáo", verb)} ${period.label} gửi ${recipientName}`
        : `${who}${verb} ${frequencyLabel(f)} (${vietnameseDate(date)}) gửi ${recipientName}`,
      frequency: f,
      dueDate: policyInfo(resolved, f),
    }));
}

/** Why a report has no date: none for ad hoc ones, which have none by nature. */
function undatedReportNote(input: CalendarInput, f: Frequency): string | null {
  if (f === "AD_HOC") return null;
  if (f === "PERIODIC")
    return `Văn bản chỉ nói "định kỳ", không nêu kỳ hạn; ${input.policy.source} không gán kỳ hạn nào cho nghĩa vụ này.`;
  return `Chưa có quy tắc ngày hạn cho định kỳ "${frequencyLabel(f)}" trong ${input.policy.source}.`;
}

/**
 * "Định kỳ" with no period, which the policy maps to periods for this obligation: one entry
 * per period, frequency PERIODIC, the due date marked as the override's (policy, never the
 * text's), the day set by that period's own rule.
 */
function mappedPeriodicEntries(
  c: ReportContext,
  mapping: ResolvedDateRule,
  periods: readonly Frequency[],
): CalendarEntry[] {
  const { input, common, key, who, verb, recipientName } = c;
  const out: CalendarEntry[] = [];
  for (const p of periods) {
    const dayRule = resolveDateRule(input.policy, "reports", p, c.subject);
    if (!dayRule) continue;
    const day = policyInfo(dayRule, p);
    for (const { date, period } of datesOf(dayRule.rule, p, input.window)) {
      if (!c.inForce(date) || !period) continue;
      out.push({
        ...common,
        id: joinId([...key, "periodic", period.slug]),
        date,
        period: period.key,
        periodLabel: period.label,
        title: `${who}${verb} định kỳ (${period.label}) gửi ${recipientName}`,
        frequency: "PERIODIC",
        dueDate: {
          source: "OVERRIDE",
          policyId: mapping.policyId,
          text: `Văn bản chỉ nói "định kỳ", không nêu kỳ hạn. Cấu hình riêng "${mapping.policyId}" (không phải quy định của văn bản): ${describeDateRule(mapping.rule)}${mapping.rule.template ? ` — ${mapping.rule.template}` : ""}${mapping.note ? ` — ${mapping.note}` : ""}; ngày hạn: ${day.text}`,
          basis: mapping.basis,
        },
      });
    }
  }
  return out;
}

/** The dates a rule gives in the window: one per period for periodic frequencies, the listed dates otherwise. */
function datesOf(
  rule: DateRule,
  frequency: Frequency,
  window: CalendarWindow,
): { date: IsoDate; period: Period | null }[] {
  const inWindow = (d: IsoDate | null): d is IsoDate => !!d && window.from <= d && d <= window.to;
  if ("dates" in rule) return rule.dates.filter(inWindow).map((date) => ({ date, period: null }));
  if (!PERIOD_FREQUENCIES.includes(frequency)) return [];
  // A due day can lie up to a year away from its period (monthOffset in −11…12), so look a year either side.
  const fromYear = Number(window.from.slice(0, 4)) - 1;
  const toYear = Number(window.to.slice(0, 4)) + 1;
  return periodsOf(frequency, fromYear, toYear)
    .map((period) => ({ date: dateInPeriod(rule, period), period }))
    .filter((x): x is { date: IsoDate; period: Period } => inWindow(x.date));
}

function policyInfo(r: ResolvedDateRule, frequency: Frequency): DueDateInfo {
  const rule = describeDateRule(r.rule, frequency);
  const template = r.rule.template ? `; theo mẫu: ${r.rule.template}` : "";
  return {
    source: r.source,
    policyId: r.policyId,
    text:
      r.source === "DEFAULT"
        ? `Mặc định (không phải quy định của văn bản): ${rule}${template}`
        : `Cấu hình riêng "${r.policyId}": ${rule}${template}${r.note ? ` — ${r.note}` : ""}`,
    basis: r.basis,
  };
}

// ——— Meetings ———

function meetingEntries(input: CalendarInput, m: MeetingRuleFact): CalendarEntry[] {
  const body = input.units.get(m.bodyId);
  const bodyName = body?.name ?? m.bodyId;
  const cadence = m.cadence as Frequency;
  const common = {
    ...BLANK_ENTRY,
    type: "MEETING" as const,
    frequency: cadence,
    basis: m.basis,
    meetingRuleId: m.id,
    body: m.bodyId,
    papersLeadDays: m.papersLeadDays,
    papersLeadDaysComplex: m.papersLeadDaysComplex,
  };
  const resolved = resolveDateRule(input.policy, "meetings", cadence, { meetingRule: m.id, body: m.bodyId });
  if (!resolved)
    return [
      {
        ...common,
        id: joinId(["meeting", m.id]),
        title: `Hội nghị ${bodyName} (${frequencyLabel(cadence)})`,
        note: PERIOD_FREQUENCIES.includes(cadence)
          ? `Chưa có quy tắc ngày họp cho định kỳ "${frequencyLabel(cadence)}" trong ${input.policy.source}.`
          : null,
      },
    ];
  return datesOf(resolved.rule, cadence, input.window)
    .filter(({ date }) => !body || isActiveOn(body, date))
    .map(({ date, period }) => ({
      ...common,
      id: joinId(["meeting", m.id, period?.slug ?? date]),
      date,
      period: period?.key ?? null,
      periodLabel: period?.label ?? null,
      title: `Hội nghị ${bodyName} (định kỳ ${period?.label ?? vietnameseDate(date)})`,
      dueDate: policyInfo(resolved, cadence),
      papersDeadline: papersDeadline(date, m.papersLeadDays),
      papersDeadlineComplex: papersDeadline(date, m.papersLeadDaysComplex),
    }));
}

/**
 * Papers go out "ít nhất trước N ngày" (Quy chế Điều 10 khoản 3, Điều 11 khoản 2): the
 * meeting day minus N days, moved back to the Friday when that is a weekend — earlier still
 * keeps "at least N days".
 */
export function papersDeadline(meeting: IsoDate, leadDays: number | null): IsoDate | null {
  return leadDays == null ? null : adjustForWeekend(addDays(meeting, -leadDays), "PREVIOUS_WORKDAY");
}

// ——— Tasks ———

const TITLE_MAX = 120;

/** What every entry of one task shares: the fields it copies and the title it starts from. */
interface TaskContext {
  t: TaskFact;
  /** The id of an entry of this task (deadline line), with `more` parts after it (joinId). */
  id: (...more: string[]) => string;
  common: Omit<CalendarEntry, "id" | "title">;
  title: string;
  inWindow: (date: IsoDate) => boolean;
}

/** A task's entries; those of its further deadline lines have the line (`l2`, …) in their ids. */
function taskEntries(input: CalendarInput, t: TaskFact, line?: string): CalendarEntry[] {
  const short = t.title.length > TITLE_MAX ? `${t.title.slice(0, TITLE_MAX - 1).trimEnd()}…` : t.title;
  const c: TaskContext = {
    t,
    id: (...more) => joinId(["task", t.id, ...(line ? [line] : []), ...more]),
    common: {
      ...BLANK_ENTRY,
      type: "TASK",
      basis: t.basis,
      taskId: t.id,
      taskRoles: t.roles,
      deadlineText: t.deadlineText,
    },
    title: `Hạn nhiệm vụ ${t.code}: ${short}`,
    inWindow: (date) => input.window.from <= date && date <= input.window.to,
  };
  const d = t.deadline;
  switch (d.type) {
    case "DATE":
    case "QUARTER":
    case "YEAR":
      return fixedDeadlineEntries(c, d);
    case "RELATIVE":
      return relativeDeadlineEntries(c, d);
    case "YEARLY":
      return yearlyTaskEntries(c, input.window);
    default:
      // ONGOING (thường xuyên) and PER_TERM (theo nhiệm kỳ): no date to show; nothing before
      // the year an ONGOING deadline starts from ("Từ năm 2022").
      if (d.startYear && Number(input.window.to.slice(0, 4)) < d.startYear) return [];
      return [{ ...c.common, id: c.id(), title: c.title }];
  }
}

/** A date, the last day of a quarter, or 31/12 of a year, as the text states it. */
function fixedDeadlineEntries({ t, id, common, title, inWindow }: TaskContext, d: Deadline): CalendarEntry[] {
  const date = dueDate(d);
  if (!date || !inWindow(date)) return [];
  const period = deadlinePeriod(d);
  const lastDay = d.type === "DATE" ? "" : ` (ngày cuối cùng: ${vietnameseDate(date)})`;
  return [
    {
      ...common,
      id: id(),
      date,
      period: period?.key ?? null,
      periodLabel: period?.label ?? null,
      title,
      dueDate: {
        source: "DOCUMENT",
        policyId: null,
        text: `Thời hạn theo văn bản: ${t.deadlineText ?? period?.label ?? vietnameseDate(date)}${lastDay}`,
        basis: [],
      },
    },
  ];
}

function deadlinePeriod(d: Deadline): { key: string; label: string } | null {
  if (d.type === "QUARTER")
    return {
      key: `Q${d.quarter}/${d.year}`,
      label: `quý ${["I", "II", "III", "IV"][(d.quarter ?? 1) - 1]}/${d.year}`,
    };
  if (d.type === "YEAR") return { key: `${d.year}`, label: `năm ${d.year}` };
  return null;
}

/** Due some time after an event: pending, without a date, until the event is recorded. */
function relativeDeadlineEntries(c: TaskContext, d: Deadline): CalendarEntry[] {
  const { t, common, title, inWindow } = c;
  const id = c.id();
  if (isPending(d))
    return [
      {
        ...common,
        id,
        title,
        pending: true,
        note: "Chờ sự kiện: thời hạn tính từ một sự kiện chưa được ghi nhận.",
      },
    ];
  const date = dueDate(d);
  if (!date || !inWindow(date)) return [];
  return [
    {
      ...common,
      id,
      date,
      title,
      dueDate: {
        source: "EVENT",
        policyId: null,
        text: `${t.deadlineText ?? "Thời hạn tính từ sự kiện"} — sự kiện ghi nhận ngày ${vietnameseDate(d.eventOccurredOn as string)}`,
        basis: [],
      },
    },
  ];
}

/** "Hằng năm": one entry on 31/12 of every year in the window. */
function yearlyTaskEntries(
  { t, id, common, title, inWindow }: TaskContext,
  window: CalendarWindow,
): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  // "Từ năm 2022": no entry before the year the text starts from.
  const first = Math.max(Number(window.from.slice(0, 4)), t.deadline.startYear ?? 0);
  for (let y = first; y <= Number(window.to.slice(0, 4)); y++) {
    const date = `${y}-12-31`;
    if (!inWindow(date)) continue;
    out.push({
      ...common,
      id: id(String(y)),
      date,
      period: `${y}`,
      periodLabel: `năm ${y}`,
      title: `${title} (năm ${y})`,
      frequency: "ANNUAL",
      dueDate: {
        source: "DEFAULT",
        policyId: "tasks.YEARLY",
        text: `${t.deadlineText ?? "Hằng năm"}: mặc định tính đến ngày 31/12 của mỗi năm (không phải quy định của văn bản)`,
        basis: [],
      },
    });
  }
  return out;
}

/** FNV-1a, base 36: a short stable tag for explicit obligations, which have no id of their own. */
/**
 * What tells apart the relations without a rule between one obligor and recipient. Joined with
 * "|" as before (keeping their ids) unless the free-text subject holds one, which would make two
 * different (subject, basis) pairs one text: then as JSON, which starts with "[" where a type cannot.
 */
function relationText(o: Obligation): string {
  const parts = [o.type, o.subject ?? "", ...o.basis];
  return o.subject?.includes("|") ? JSON.stringify(parts) : parts.join("|");
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
