/**
 * Due dates as policy, not law. The Party's regulations fix the periods of reports
 * (138-QĐ/TW Điều 9 khoản 2: "hàng tháng, 6 tháng, cuối năm"; Quy chế Đảng ủy Khối Lâm Đồng
 * Điều 13 khoản 2: "hằng quý, 6 tháng và hằng năm") and how often bodies meet (Quy chế Điều
 * 10–12), but no regulation in our sources fixes the day a report is due or the day a body
 * meets. Those days are configuration (config/due-dates.yaml): defaults per frequency,
 * modelled on state administrative templates (DOMAIN.md, "Reporting due dates"), and
 * overrides per rule, unit or meeting rule where a unit's own regulations say more. Every
 * date this module computes says which policy entry produced it, so the calendar never
 * presents a default as a provision.
 *
 * Pure: parsing a policy object and computing dates; reading the file is src/config.ts.
 */
import { z } from "zod";
import { type IsoDate, isIsoDate } from "./dates.ts";
import { lastDayOfMonth } from "./deadlines.ts";
import { FREQUENCY_NAMES, type Frequency, frequencyLabel } from "./frequencies.ts";

const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** What to do when a computed day falls on a Saturday or Sunday (no public holidays are known). */
export type WeekendAdjustment = "NONE" | "PREVIOUS_WORKDAY" | "NEXT_WORKDAY";

/** The frequencies with a period of their own: those that a calendar can date. */
export const PERIOD_FREQUENCIES: readonly Frequency[] = [
  "WEEKLY",
  "MONTHLY",
  "QUARTERLY",
  "SEMI_ANNUAL",
  "NINE_MONTHS",
  "ANNUAL",
];

const monthDay = z.strictObject({
  /** Months after the last month of the period (0 = that month, -1 = the month before, 1 = the month after). */
  monthOffset: z.number().int().min(-11).max(12).default(0),
  /** Day of that month (1–31, clamped to the month's last day). */
  day: z.number().int().min(1).max(31),
  adjust: z.enum(["NONE", "PREVIOUS_WORKDAY", "NEXT_WORKDAY"]).default("NONE"),
  /** Where the convention comes from, in words (e.g. the administrative template it follows). */
  template: z.string().nullish(),
});
const weekday = z.strictObject({
  weekday: z.enum(WEEKDAYS),
  template: z.string().nullish(),
});
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().refine(isIsoDate, "must be a real date written yyyy-mm-dd"),
);
const fixedDates = z.strictObject({
  /** Explicit dates, for END_OF_TERM and AT_CONGRESS (e.g. the unit's congress), which have no period. */
  dates: z.array(isoDate).min(1),
  template: z.string().nullish(),
});
/**
 * For PERIODIC ("định kỳ" with no period in the text), in an override only: the periods this
 * unit's reports are taken to have — a convention of the policy, never read as the text's.
 * Each period is then dated by its own rule (override or default).
 */
const periodMapping = z.strictObject({
  periods: z
    .array(z.enum(PERIOD_FREQUENCIES as [Frequency, ...Frequency[]]))
    .min(1)
    .refine((ps) => !ps.includes("WEEKLY"), "periods: WEEKLY cannot be mapped"),
  template: z.string().nullish(),
});
const dateRule = z.union([monthDay, weekday, fixedDates, periodMapping]);
export type DateRule = z.infer<typeof dateRule>;

const frequency = z.enum(FREQUENCY_NAMES as [Frequency, ...Frequency[]]);
const rulesByFrequency = z
  .partialRecord(frequency, dateRule)
  .default({})
  .superRefine((rules, ctx) => {
    for (const [f, rule] of Object.entries(rules) as [Frequency, DateRule][]) {
      if (f === "AD_HOC")
        ctx.addIssue({ code: "custom", path: [f], message: "AD_HOC reports are never dated" });
      else if (f === "PERIODIC" && !("periods" in rule))
        ctx.addIssue({
          code: "custom",
          path: [f],
          message: "PERIODIC takes periods: [...] (the periods the policy gives it)",
        });
      else if (f !== "PERIODIC" && "periods" in rule)
        ctx.addIssue({ code: "custom", path: [f], message: "only PERIODIC takes periods" });
      else if (f === "PERIODIC") continue;
      else if (f === "WEEKLY" && !("weekday" in rule))
        ctx.addIssue({ code: "custom", path: [f], message: "WEEKLY needs a weekday" });
      else if (f !== "WEEKLY" && "weekday" in rule)
        ctx.addIssue({ code: "custom", path: [f], message: "only WEEKLY takes a weekday" });
      else if (PERIOD_FREQUENCIES.includes(f) && "dates" in rule)
        ctx.addIssue({ code: "custom", path: [f], message: `${f} is periodic: give monthOffset and day` });
      else if (!PERIOD_FREQUENCIES.includes(f) && !("dates" in rule))
        ctx.addIssue({ code: "custom", path: [f], message: `${f} has no period: give explicit dates` });
    }
  });

const slug = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be a lower-case slug");

const overrideSchema = z.strictObject({
  id: slug,
  /** Every field given must match; an override with no match field is refused. */
  match: z
    .strictObject({
      rule: slug.nullish(),
      obligor: slug.nullish(),
      recipient: slug.nullish(),
      basis: slug.nullish(),
      meetingRule: slug.nullish(),
      body: slug.nullish(),
    })
    .refine(
      (m) => Object.values(m).some((v) => v),
      "give at least one of rule, obligor, recipient, basis, meetingRule, body",
    ),
  reports: rulesByFrequency,
  meetings: rulesByFrequency,
  /** Provision ids, when a unit's regulation states the day; absent when it is a local convention. */
  basis: z.array(slug).default([]),
  note: z.string().nullish(),
});

const dueDatePolicySchema = z.strictObject({
  note: z.string().nullish(),
  defaults: z
    .strictObject({ reports: rulesByFrequency, meetings: rulesByFrequency })
    .default({ reports: {}, meetings: {} })
    .superRefine((d, ctx) => {
      for (const what of ["reports", "meetings"] as const)
        if (d[what].PERIODIC)
          ctx.addIssue({
            code: "custom",
            path: [what, "PERIODIC"],
            message:
              "the texts name no period for PERIODIC: map it per unit or rule in an override, not in the defaults",
          });
    }),
  overrides: z.array(overrideSchema).default([]),
});

type PolicyOverride = z.infer<typeof overrideSchema>;

export interface DueDatePolicy {
  /** Where the policy was read from, for messages (a file name). */
  source: string;
  note: string | null;
  reports: Partial<Record<Frequency, DateRule>>;
  meetings: Partial<Record<Frequency, DateRule>>;
  overrides: PolicyOverride[];
}

export class DueDatePolicyError extends Error {
  override name = "DueDatePolicyError";
}

/** Validates a parsed policy document; the error lists every problem on one line. */
export function parseDueDatePolicy(raw: unknown, source: string): DueDatePolicy {
  const parsed = dueDatePolicySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new DueDatePolicyError(`${source}: ${problems.join("; ")}`);
  }
  const ids = new Set<string>();
  for (const o of parsed.data.overrides) {
    if (ids.has(o.id)) throw new DueDatePolicyError(`${source}: overrides: duplicate id "${o.id}"`);
    ids.add(o.id);
  }
  return {
    source,
    note: parsed.data.note ?? null,
    reports: parsed.data.defaults.reports,
    meetings: parsed.data.defaults.meetings,
    overrides: parsed.data.overrides,
  };
}

/** Where a date comes from (nguồn của ngày hạn). */
export type DueDateSource = "DEFAULT" | "OVERRIDE" | "DOCUMENT" | "EVENT";

export interface ResolvedDateRule {
  rule: DateRule;
  source: "DEFAULT" | "OVERRIDE";
  /** `defaults.reports.MONTHLY`, or the override's id. */
  policyId: string;
  basis: string[];
  note: string | null;
}

/** What an override can match a report obligation or a meeting on. */
export interface PolicySubject {
  rule?: string | null;
  obligor?: string | null;
  recipient?: string | null;
  basis?: readonly string[];
  meetingRule?: string | null;
  body?: string | null;
}

function matches(o: PolicyOverride, s: PolicySubject): boolean {
  const m = o.match;
  return (
    (!m.rule || m.rule === s.rule) &&
    (!m.obligor || m.obligor === s.obligor) &&
    (!m.recipient || m.recipient === s.recipient) &&
    (!m.basis || (s.basis ?? []).includes(m.basis)) &&
    (!m.meetingRule || m.meetingRule === s.meetingRule) &&
    (!m.body || m.body === s.body)
  );
}

/**
 * The date rule for a report or a meeting of this frequency: the first override (in file
 * order) that matches and names the frequency, else the default, else null (undated).
 */
export function resolveDateRule(
  policy: DueDatePolicy,
  what: "reports" | "meetings",
  frequency: Frequency,
  subject: PolicySubject,
): ResolvedDateRule | null {
  for (const o of policy.overrides) {
    const rule = o[what][frequency];
    if (rule && matches(o, subject))
      return { rule, source: "OVERRIDE", policyId: o.id, basis: o.basis, note: o.note ?? null };
  }
  const rule = policy[what][frequency];
  return rule
    ? { rule, source: "DEFAULT", policyId: `defaults.${what}.${frequency}`, basis: [], note: policy.note }
    : null;
}

// ——— Periods ———

/** A reporting or meeting period: "2026-06" (tháng 6/2026), "Q2/2026", "H1/2026", "9 tháng/2026", "2026", "2026-W05". */
export interface Period {
  frequency: Frequency;
  /** The period as the calendar shows it, e.g. "Q2/2026". */
  key: string;
  /** A slug-safe form of the key, for stable ids, e.g. "2026-q2". */
  slug: string;
  /** Vietnamese, e.g. "quý II/2026", "6 tháng đầu năm 2026". */
  label: string;
  start: IsoDate;
  end: IsoDate;
}

const ROMAN = ["I", "II", "III", "IV"];

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** The periods of a frequency in the given calendar years (WEEKLY: ISO weeks starting in them). */
export function periodsOf(frequency: Frequency, fromYear: number, toYear: number): Period[] {
  const inYear = PERIODS_IN_YEAR[frequency];
  const out: Period[] = [];
  if (inYear)
    for (let y = fromYear; y <= toYear; y++) for (const p of inYear(y)) out.push({ frequency, ...p });
  return out;
}

type PeriodInYear = Omit<Period, "frequency">;

/** For each periodic frequency, its periods in one calendar year. */
const PERIODS_IN_YEAR: Partial<Record<Frequency, (y: number) => PeriodInYear[]>> = {
  MONTHLY: (y) =>
    Array.from({ length: 12 }, (_, i) => ({
      key: `${y}-${pad(i + 1)}`,
      slug: `${y}-${pad(i + 1)}`,
      label: `tháng ${i + 1}/${y}`,
      start: iso(y, i + 1, 1),
      end: lastDayOfMonth(y, i + 1),
    })),
  QUARTERLY: (y) =>
    [1, 2, 3, 4].map((q) => ({
      key: `Q${q}/${y}`,
      slug: `${y}-q${q}`,
      label: `quý ${ROMAN[q - 1]}/${y}`,
      start: iso(y, q * 3 - 2, 1),
      end: lastDayOfMonth(y, q * 3),
    })),
  SEMI_ANNUAL: (y) => [
    {
      key: `H1/${y}`,
      slug: `${y}-h1`,
      label: `6 tháng đầu năm ${y}`,
      start: iso(y, 1, 1),
      end: iso(y, 6, 30),
    },
  ],
  NINE_MONTHS: (y) => [
    {
      key: `9 tháng/${y}`,
      slug: `${y}-9m`,
      label: `9 tháng năm ${y}`,
      start: iso(y, 1, 1),
      end: iso(y, 9, 30),
    },
  ],
  ANNUAL: (y) => [{ key: `${y}`, slug: `${y}`, label: `năm ${y}`, start: iso(y, 1, 1), end: iso(y, 12, 31) }],
  WEEKLY: isoWeeksOf,
};

/** ISO weeks: Monday to Sunday, week 1 holds the year's first Thursday. */
function isoWeeksOf(y: number): PeriodInYear[] {
  const out: PeriodInYear[] = [];
  let monday = isoWeekMonday(y, 1);
  for (let w = 1; isoWeekYear(monday) === y; w++) {
    out.push({
      key: `${y}-W${pad(w)}`,
      slug: `${y}-w${pad(w)}`,
      label: `tuần ${w}/${y}`,
      start: monday,
      end: addDays(monday, 6),
    });
    monday = addDays(monday, 7);
  }
  return out;
}

/** The day a date rule puts in a period. */
export function dateInPeriod(rule: DateRule, period: Period): IsoDate | null {
  if ("weekday" in rule) return addDays(period.start, WEEKDAYS.indexOf(rule.weekday));
  if ("dates" in rule || "periods" in rule) return null;
  const [y, m] = period.end.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + rule.monthOffset;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = Number(lastDayOfMonth(year, month).slice(8));
  return adjustForWeekend(iso(year, month, Math.min(rule.day, last)), rule.adjust);
}

/** Moves a Saturday or Sunday to the Friday before or the Monday after. */
export function adjustForWeekend(date: IsoDate, adjust: WeekendAdjustment): IsoDate {
  const dow = dayOfWeek(date);
  if (adjust === "NONE" || dow < 5) return date;
  if (adjust === "PREVIOUS_WORKDAY") return addDays(date, dow === 5 ? -1 : -2);
  return addDays(date, dow === 5 ? 2 : 1);
}

/** The last month of each period of the yearly frequencies (their due month is then fixed). */
const YEARLY_END_MONTH: Partial<Record<Frequency, number>> = { SEMI_ANNUAL: 6, NINE_MONTHS: 9, ANNUAL: 12 };

/**
 * A date rule in Vietnamese words: "ngày 25 hằng tháng", "ngày 25 của tháng cuối quý",
 * "ngày 5/6", "ngày 15/1 năm sau", "thứ Hai hằng tuần".
 */
export function describeDateRule(rule: DateRule, frequency?: Frequency): string {
  if ("weekday" in rule) return `${WEEKDAY_LABELS[rule.weekday]} hằng tuần`;
  if ("dates" in rule) return `ngày ${rule.dates.map(vietnameseDate).join(", ")}`;
  if ("periods" in rule) return `theo kỳ ${rule.periods.map(frequencyLabel).join(", ")}`;
  const endMonth = frequency ? YEARLY_END_MONTH[frequency] : undefined;
  const offset = rule.monthOffset;
  const after = (n: number, unit: string) => (n === 1 ? `${unit} sau` : `${n} ${unit} sau`);
  let month: string;
  if (endMonth !== undefined) {
    const m = endMonth + offset;
    month = m >= 1 && m <= 12 ? `/${m}` : m > 12 ? `/${m - 12} năm sau` : `/${m + 12} năm trước`;
  } else if (frequency === "MONTHLY")
    month =
      offset === 0
        ? " hằng tháng"
        : offset > 0
          ? ` của ${after(offset, "tháng")}`
          : ` của ${-offset} tháng trước`;
  else {
    const last = frequency === "QUARTERLY" ? "tháng cuối quý" : "tháng cuối kỳ";
    month =
      offset === 0
        ? ` của ${last}`
        : offset < 0
          ? ` của ${-offset} tháng trước ${last}`
          : ` của ${offset} tháng sau ${last}`;
  }
  const adjust =
    rule.adjust === "PREVIOUS_WORKDAY"
      ? " (trùng thứ Bảy, Chủ nhật thì lùi về ngày làm việc trước đó)"
      : rule.adjust === "NEXT_WORKDAY"
        ? " (trùng thứ Bảy, Chủ nhật thì chuyển sang ngày làm việc kế tiếp)"
        : "";
  return `ngày ${rule.day}${month}${adjust}`;
}

const WEEKDAY_LABELS: Record<Weekday, string> = {
  MONDAY: "thứ Hai",
  TUESDAY: "thứ Ba",
  WEDNESDAY: "thứ Tư",
  THURSDAY: "thứ Năm",
  FRIDAY: "thứ Sáu",
  SATURDAY: "thứ Bảy",
  SUNDAY: "Chủ nhật",
};

/** 2026-06-05 → 05/6/2026, the way Vietnamese documents write dates. */
export function vietnameseDate(date: IsoDate): string {
  const [y, m, d] = date.split("-");
  return `${d}/${Number(m)}/${y}`;
}

// ——— Day arithmetic (UTC, whole days) ———

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6. */
function dayOfWeek(date: IsoDate): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function isoWeekMonday(year: number, week: number): IsoDate {
  const jan4 = iso(year, 1, 4);
  return addDays(jan4, -dayOfWeek(jan4) + (week - 1) * 7);
}

function isoWeekYear(monday: IsoDate): number {
  return Number(addDays(monday, 3).slice(0, 4));
}
