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

/** Today's date in Vietnam (UTC+7), where the documents take effect. */
export function todayInVietnam(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

export interface Interval {
  validFrom?: IsoDate | null;
  validTo?: IsoDate | null;
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
