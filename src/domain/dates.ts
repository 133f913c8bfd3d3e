/**
 * Calendar dates as ISO strings (yyyy-mm-dd). Validity intervals are inclusive on both ends:
 * validTo is the last day in force (see seed/FORMAT.md).
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written yyyy-mm-dd. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))(?:\[([A-Za-z][A-Za-z0-9_+/-]{0,63})\])?$/;

/**
 * True when `value` is an ISO 8601 date-time with an offset, e.g. 2025-07-01T08:30:00+07:00 or
 * 2025-07-01T01:30:00.123Z: a real date, a real time, and an offset of at most 14 hours —
 * optionally followed by a zone name, as Neo4j writes a date-time in a named zone
 * (2025-07-01T08:30+07:00[Asia/Ho_Chi_Minh]): a zone that exists, whose offset at that instant
 * is the one written (Neo4j refuses anything else, which would otherwise be a server error).
 */
export function isIsoDateTime(value: string): boolean {
  const m = ISO_DATE_TIME.exec(value);
  if (!m || !isIsoDate(m[1] as string)) return false;
  const [hour, minute, second, offHour, offMinute] = [m[2], m[3], m[4], m[6], m[7]].map((x) =>
    Number(x ?? 0),
  ) as [number, number, number, number, number];
  if (hour >= 24 || minute >= 60 || second >= 60 || offHour > 14 || offMinute >= 60) return false;
  const zone = m[8];
  if (!zone) return true;
  const offset = (m[5] === "-" ? -1 : 1) * (offHour * 60 + offMinute);
  const local = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? "00"}Z`);
  return zoneOffsetMinutes(zone, local - offset * 60_000) === offset;
}

/** The offset from UTC (minutes) of the IANA zone at the instant `utcMs`; null for a zone that does not exist. */
function zoneOffsetMinutes(zone: string, utcMs: number): number | null {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(new Date(utcMs))
      .find((p) => p.type === "timeZoneName")?.value;
  } catch {
    return null;
  }
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? "");
  if (!m) return null;
  return m[1] ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The same day `years` later (29 February becomes 28 February in a common year). */
export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The dates a change may take effect on (config: EFFECTIVE_DATE_MIN, EFFECTIVE_DATE_MAX_YEARS_AHEAD). */
export interface DateRange {
  min: IsoDate;
  max: IsoDate;
}

/** The range from EFFECTIVE_DATE_MIN to `yearsAhead` years after `today` (EFFECTIVE_DATE_MAX_YEARS_AHEAD). */
export function effectiveDateRange(
  min: IsoDate,
  yearsAhead: number,
  today: IsoDate = todayInVietnam(),
): DateRange {
  return { min, max: addYears(today, yearsAhead) };
}

/** What is wrong with a (valid) effective date, or null when it lies within the range. */
export function outOfRange(date: IsoDate, range: DateRange): string | null {
  if (date < range.min) return `${date} is before ${range.min}, the earliest date a change may take effect`;
  if (date > range.max) return `${date} is after ${range.max}, the latest date a change may take effect`;
  return null;
}

/** Today's date in Vietnam (UTC+7), where the documents take effect. */
export function todayInVietnam(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

export interface Interval {
  validFrom?: IsoDate | null;
  validTo?: IsoDate | null;
}

/**
 * The one home of the rule validFrom ≤ validTo (both inclusive days; an open end is always in
 * order): the seed's validation, the mutations' arguments and invariants, and the generator
 * all ask this.
 */
export function isInOrder(interval: Interval): boolean {
  return !interval.validFrom || !interval.validTo || interval.validFrom <= interval.validTo;
}

/** Why an interval is out of order, in the words every check uses. */
export function intervalOrderText(interval: Interval): string {
  return `validTo ${interval.validTo} is before validFrom ${interval.validFrom}`;
}

/** Whether a thing valid over `interval` is in force on `date`. */
export function isActiveOn(interval: Interval, date: IsoDate): boolean {
  return (
    (!interval.validFrom || interval.validFrom <= date) && (!interval.validTo || date <= interval.validTo)
  );
}

/** Whether `inner` lies wholly within `outer` (open ends count as unbounded). */
export function intervalWithin(inner: Interval, outer: Interval): boolean {
  const fromOk = !outer.validFrom || (!!inner.validFrom && inner.validFrom >= outer.validFrom);
  const toOk = !outer.validTo || (!!inner.validTo && inner.validTo <= outer.validTo);
  return fromOk && toOk;
}

/** Whether two intervals share at least one day. */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  const startA = a.validFrom ?? "0000-01-01";
  const startB = b.validFrom ?? "0000-01-01";
  const endA = a.validTo ?? "9999-12-31";
  const endB = b.validTo ?? "9999-12-31";
  return startA <= endB && startB <= endA;
}

/** The day before `date` (a unit that ends as another begins on `date` has this as its validTo). */
export function previousDay(date: IsoDate): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
