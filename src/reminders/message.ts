/**
 * Reminders from calendar entries (pure, no I/O): which entries of a unit's calendar are due
 * within a subscription's lead days, the key that makes each reminder sent once, the Vietnamese
 * text naming the report, period, due date, recipient, channel and basis with a link to the
 * unit's .ics, and the HTTP body for each target format (Synology Chat's incoming webhook
 * `payload={"text": …}`, or a generic JSON webhook).
 *
 * Lead days: `daysBefore: [7, 1]` sends one reminder when an entry is 7 to 2 days away and one
 * more when it is 1 to 0 days away — each lead opens a window down to the next smaller lead, so
 * a round that runs late (the service was down on the day) still sends it, once.
 */
import type { CalendarEntry, CalendarEntryType } from "../domain/calendar.ts";

export const REMINDER_FORMATS = ["synology", "json"] as const;
export type ReminderFormat = (typeof REMINDER_FORMATS)[number];

/** Lead days a subscription may ask for. */
export const MAX_DAYS_BEFORE = 60;
/** How many lead days one subscription may list. */
export const MAX_LEADS = 5;

export interface Subscription {
  id: string;
  units: string[];
  /** Also every unit below them (in force on the day the reminders are computed). */
  includeSubtree: boolean;
  types: CalendarEntryType[];
  /** Lead days, distinct, each 0…MAX_DAYS_BEFORE. */
  daysBefore: number[];
  format: ReminderFormat;
  webhookUrl: string;
}

export interface Reminder {
  /** Unique per subscription, unit, entry, date and lead window: a reminder is sent once. */
  key: string;
  subscriptionId: string;
  unitId: string;
  entryId: string;
  entryType: CalendarEntryType;
  /** The entry's date (due date, meeting day, deadline). */
  date: string;
  /** The lead (days before) whose window this reminder belongs to. */
  daysBefore: number;
  /** The first day it is sent on: `date` − `daysBefore`. */
  sendOn: string;
  text: string;
}

export interface ReminderUnit {
  id: string;
  name: string;
}

const dayMs = 86_400_000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / dayMs);
export const plusDays = (iso: string, n: number) =>
  new Date(Date.parse(iso) + n * dayMs).toISOString().slice(0, 10);
const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The leads from smallest to largest, each once. */
const ascending = (leads: readonly number[]) => [...new Set(leads)].sort((a, b) => a - b);

/** The lead whose window holds an entry `left` days away, or null when none does. */
export function leadWindow(leads: readonly number[], left: number): number | null {
  if (left < 0) return null;
  return ascending(leads).find((d) => d >= left) ?? null;
}

/**
 * The key of a reminder. The widest lead's key has the form of earlier versions (one lead per
 * subscription), so reminders recorded before lead lists existed are not sent again.
 */
export function reminderKey(sub: Subscription, unitId: string, e: CalendarEntry, lead: number): string {
  const base = `${sub.id}|${unitId}|${e.id}|${e.date}`;
  return lead === Math.max(...sub.daysBefore) ? base : `${base}|${lead}`;
}

const wanted = (sub: Subscription, e: CalendarEntry) => e.date !== null && sub.types.includes(e.type);

function reminder(
  sub: Subscription,
  unit: ReminderUnit,
  e: CalendarEntry,
  lead: number,
  text: string,
): Reminder {
  const date = e.date as string;
  return {
    key: reminderKey(sub, unit.id, e, lead),
    subscriptionId: sub.id,
    unitId: unit.id,
    entryId: e.id,
    entryType: e.type,
    date,
    daysBefore: lead,
    sendOn: plusDays(date, -lead),
    text,
  };
}

/** The reminders due today: each entry whose date lies in one of the lead windows. */
export function dueReminders(
  sub: Subscription,
  unit: ReminderUnit,
  entries: readonly CalendarEntry[],
  today: string,
  names: ReadonlyMap<string, string>,
  calendarUrl: string,
): Reminder[] {
  return entries
    .filter((e) => wanted(sub, e))
    .flatMap((e) => {
      const lead = leadWindow(sub.daysBefore, daysBetween(today, e.date as string));
      if (lead === null) return [];
      return [reminder(sub, unit, e, lead, reminderText(e, unit, today, names, calendarUrl))];
    });
}

/**
 * What a subscription would send from `from` to `to`, each reminder on the first day of its
 * window (the text as it would read that day): the dry run of the scheduler.
 */
export function plannedReminders(
  sub: Subscription,
  unit: ReminderUnit,
  entries: readonly CalendarEntry[],
  window: { from: string; to: string },
  names: ReadonlyMap<string, string>,
  calendarUrl: string,
): Reminder[] {
  return entries
    .filter((e) => wanted(sub, e))
    .flatMap((e) =>
      ascending(sub.daysBefore).flatMap((lead) => {
        const sendOn = plusDays(e.date as string, -lead);
        if (sendOn < window.from || sendOn > window.to) return [];
        return [reminder(sub, unit, e, lead, reminderText(e, unit, sendOn, names, calendarUrl))];
      }),
    );
}

export function reminderText(
  e: CalendarEntry,
  unit: ReminderUnit,
  today: string,
  names: ReadonlyMap<string, string>,
  calendarUrl: string,
): string {
  const date = e.date as string;
  const left = daysBetween(today, date);
  const name = (id: string) => names.get(id) ?? id;
  return [
    `🔔 Nhắc việc — ${unit.name}`,
    `${e.title}${e.periodLabel ? ` (kỳ ${e.periodLabel})` : ""}`,
    `Hạn: ${vnDate(date)} (${left === 0 ? "hôm nay" : `còn ${left} ngày`})`,
    ...(e.recipient ? [`Gửi: ${name(e.recipient)}`] : []),
    ...(e.via.length > 0 ? [`Qua: ${e.via.map(name).join(" → ")}`] : []),
    ...(e.papersDeadline ? [`Hạn gửi tài liệu: ${vnDate(e.papersDeadline)}`] : []),
    ...(e.basis.length > 0 ? [`Căn cứ: ${e.basis.join(", ")}`] : []),
    `Lịch: ${calendarUrl}`,
  ].join("\n");
}

/**
 * The text with Synology Chat's link markup (`<https://…|text>`) made inert: names, subjects and
 * notes are editors' text, and must not become a link that reads as the reminder's own.
 */
function withoutLinkMarkup(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === "<" ? "‹" : "›"));
}

/** The request a target format takes: Synology Chat wants a form field `payload` holding JSON. */
export function webhookRequest(format: ReminderFormat, r: Reminder): { contentType: string; body: string } {
  if (format === "synology")
    return {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams({ payload: JSON.stringify({ text: withoutLinkMarkup(r.text) }) }).toString(),
    };
  return {
    contentType: "application/json",
    body: JSON.stringify({ text: r.text, unitId: r.unitId, entryId: r.entryId, date: r.date, key: r.key }),
  };
}
