/**
 * One round of reminders: for each subscription and unit, the calendar from today to the lead
 * days ahead (the same calendar as reportingCalendar and the .ics feed), each due entry claimed
 * in Neo4j, posted to the webhook with retries, and marked sent or failed. A dry run lists what
 * would be sent, claiming nothing. Run by `npm run reminders -- --once` or on an interval.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.ts";
import type { Config } from "../config.ts";
import { createContext } from "../graphql/context.ts";
import { unitCalendar } from "../graphql/services/unit-calendar.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { claimReminder, markReminder } from "../store/reminder-repository.ts";
import { dueReminders, type Reminder, type Subscription } from "./message.ts";
import { type SendOptions, sendReminder } from "./send.ts";

const SCHEDULER: Principal = { role: "admin", subject: "reminders", scopes: [] };

export interface RoundOptions {
  today: string;
  dryRun: boolean;
  /** The service's public address, for the .ics link (e.g. https://graph.example.vn). */
  publicUrl: string;
  send: SendOptions;
}

export interface RoundResult {
  due: Reminder[];
  sent: string[];
  skipped: string[];
  failed: { key: string; error: string }[];
}

const plusDays = (iso: string, n: number) =>
  new Date(Date.parse(iso) + n * 86_400_000).toISOString().slice(0, 10);

export async function runReminderRound(
  deps: { db: Database; config: Config; log: Logger },
  subscriptions: readonly Subscription[],
  o: RoundOptions,
): Promise<RoundResult> {
  const result: RoundResult = { due: [], sent: [], skipped: [], failed: [] };
  const token = randomUUID();
  for (const sub of subscriptions)
    for (const unitId of sub.units) {
      const ctx = createContext(deps.db, deps.config, deps.log, `reminders-${token}`, SCHEDULER);
      const calendar = await unitCalendar(ctx, {
        unitId,
        window: { from: o.today, to: plusDays(o.today, sub.daysBefore) },
        asOf: o.today,
        types: sub.types,
        names: { unitId: `subscriptions.${sub.id}.units`, from: "today", to: "daysBefore" },
      });
      const ids = [
        ...new Set(calendar.entries.flatMap((e) => [e.recipient, ...e.via].filter((x): x is string => !!x))),
      ];
      const units = await ctx.loaders.unit.loadMany(ids);
      const names = new Map(
        units.flatMap((u) => (u && !(u instanceof Error) ? [[u.id, u.name] as const] : [])),
      );
      const url = `${o.publicUrl.replace(/\/$/, "")}/calendar/${encodeURIComponent(unitId)}.ics`;
      const due = dueReminders(sub, calendar.unit, calendar.entries, o.today, names, url);
      result.due.push(...due);
      if (!o.dryRun) for (const r of due) await deliver(deps, sub, r, token, o.send, result);
    }
  return result;
}

async function deliver(
  deps: { db: Database; log: Logger },
  sub: Subscription,
  r: Reminder,
  token: string,
  send: SendOptions,
  result: RoundResult,
): Promise<void> {
  if (!(await claimReminder(deps.db, r.key, token))) {
    result.skipped.push(r.key);
    return;
  }
  const outcome = await sendReminder(sub.webhookUrl, sub.format, r, send);
  await markReminder(deps.db, r.key, token, {
    sent: outcome.ok,
    attempts: outcome.attempts,
    error: outcome.ok ? null : outcome.error,
    subscriptionId: sub.id,
    unitId: r.unitId,
    date: r.date,
  });
  if (outcome.ok) result.sent.push(r.key);
  else {
    deps.log.warn({ key: r.key, error: outcome.error, attempts: outcome.attempts }, "reminder not delivered");
    result.failed.push({ key: r.key, error: outcome.error });
  }
}
