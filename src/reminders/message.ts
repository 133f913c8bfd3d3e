/**
 * Reminders from calendar entries (pure, no I/O): which entries of a unit's calendar are due
 * within a subscription's lead days, the key that makes each reminder sent once, the Vietnamese
 * text naming the report, period, due date, recipient, channel and basis with a link to the
 * unit's .ics, and the HTTP body for each target format (Synology Chat's incoming webhook
 * `payload={"text": …}`, or a generic JSON webhook).
 */
import type { CalendarEntry, CalendarEntryType } from "../domain/calendar.ts";

export const REMINDER_FORMATS = ["synology", "json"] as const;
export type ReminderFormat = (typeof REMINDER_FORMATS)[number];

export interface Subscription {
  id: string;
  units: string[];
  types: CalendarEntryType[];
  daysBefore: number;
  format: ReminderFormat;
  webhookUrl: string;
}

export interface Reminder {
  /** Unique per subscription, entry and date: a reminder is sent once. */
  key: string;
  subscriptionId: string;
  unitId: string;
  entryId: string;
  date: string;
  text: string;
}

const dayMs = 86_400_000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / dayMs);
const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The entries due from today to `daysBefore` days ahead, each as a reminder. */
export function dueReminders(
  sub: Subscription,
  unit: { id: string; name: string },
  entries: readonly CalendarEntry[],
  today: string,
  names: ReadonlyMap<string, string>,
  calendarUrl: string,
): Reminder[] {
  return entries
    .filter((e) => e.date !== null && sub.types.includes(e.type))
    .filter((e) => {
      const left = daysBetween(today, e.date as string);
      return left >= 0 && left <= sub.daysBefore;
    })
    .map((e) => ({
      key: `${sub.id}|${unit.id}|${e.id}|${e.date}`,
      subscriptionId: sub.id,
      unitId: unit.id,
      entryId: e.id,
      date: e.date as string,
      text: reminderText(e, unit, today, names, calendarUrl),
    }));
}

export function reminderText(
  e: CalendarEntry,
  unit: { id: string; name: string },
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

/** The request a target format takes: Synology Chat wants a form field `payload` holding JSON. */
export function webhookRequest(format: ReminderFormat, r: Reminder): { contentType: string; body: string } {
  if (format === "synology")
    return {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams({ payload: JSON.stringify({ text: r.text }) }).toString(),
    };
  return {
    contentType: "application/json",
    body: JSON.stringify({ text: r.text, unitId: r.unitId, entryId: r.entryId, date: r.date, key: r.key }),
  };
}
