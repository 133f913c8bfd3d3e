/**
 * Task deadlines as the Quảng Ngãi plan for Nghị quyết 21-NQ/TW states them: a quarter
 * ("Quý III/2022"), a year, a date, "thường xuyên", "hằng năm", per term, or relative to
 * another event ("3 tháng sau khi Trung ương ban hành hướng dẫn").
 */
import type { IsoDate } from "./dates.ts";

export type DeadlineType = "DATE" | "QUARTER" | "YEAR" | "ONGOING" | "YEARLY" | "PER_TERM" | "RELATIVE";

export interface Deadline {
  type: DeadlineType;
  date?: IsoDate | null;
  year?: number | null;
  quarter?: number | null;
  months?: number | null;
  days?: number | null;
  /** For RELATIVE: the date the event happened, when recorded. */
  eventOccurredOn?: IsoDate | null;
  /** For ONGOING and YEARLY: "Từ năm 2022", the first year; absent when the text gives none. */
  startYear?: number | null;
}

export function isRecurring(d: Deadline): boolean {
  return d.type === "ONGOING" || d.type === "YEARLY" || d.type === "PER_TERM";
}

/** A relative deadline waits for its event to be recorded. */
export function isPending(d: Deadline): boolean {
  return d.type === "RELATIVE" && !d.eventOccurredOn;
}

/** The last day the task is due, or null for recurring and pending deadlines. */
export function dueDate(d: Deadline): IsoDate | null {
  switch (d.type) {
    case "DATE":
      return d.date ?? null;
    case "QUARTER":
      return d.year && d.quarter ? lastDayOfMonth(d.year, d.quarter * 3) : null;
    case "YEAR":
      return d.year ? `${d.year}-12-31` : null;
    case "RELATIVE":
      return d.eventOccurredOn ? addToDate(d.eventOccurredOn, d.months ?? 0, d.days ?? 0) : null;
    default:
      return null;
  }
}

/** Whether the deadline has passed on `asOf` (the due day itself is still in time). */
export function isOverdue(d: Deadline, asOf: IsoDate): boolean {
  const due = dueDate(d);
  return due !== null && asOf > due;
}

export function lastDayOfMonth(year: number, month: number): IsoDate {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Adds months (clamping to the month's last day, as "3 tháng sau" is read) and then days. */
export function addToDate(date: IsoDate, months: number, days: number): IsoDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = Number(lastDayOfMonth(year, month).slice(8));
  const base = new Date(Date.UTC(year, month - 1, Math.min(d, lastDay)));
  base.setUTCDate(base.getUTCDate() + days);
  return base.toISOString().slice(0, 10);
}
