/**
 * One round of reminders: for each subscription and unit (and, for a subtree subscription, each
 * unit below it), the calendar from today to the widest lead ahead (the same calendar as
 * reportingCalendar and the .ics feed), each due entry claimed in Neo4j, posted to the webhook
 * with retries, and marked sent or failed; a stored subscription records its last delivery and
 * its last error. A dry run lists what would be sent, claiming nothing. Run by the scheduler
 * (src/reminders/scheduler.ts) or `npm run reminders -- --once`.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.ts";
import type { Config } from "../config.ts";
import { quotedIds } from "../domain/errors.ts";
import { type Context, createContext } from "../graphql/context.ts";
import { unitCalendar } from "../graphql/services/unit-calendar.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import {
  claimReminder,
  markReminder,
  recordSubscriptionOutcome,
  subtreeUnitIds,
} from "../store/reminder-repository.ts";
import { unitsInScopeOn } from "../store/scope-membership.ts";
import {
  dueReminders,
  plannedReminders,
  plusDays,
  type Reminder,
  type ReminderUnit,
  type Subscription,
} from "./message.ts";
import { type SendOptions, sendReminder } from "./send.ts";
import { maskedError } from "./target.ts";
import { allowedHostsOf } from "./webhook-address.ts";

const SCHEDULER: Principal = { role: "admin", subject: "reminders", scopes: [] };

export interface RoundOptions {
  today: string;
  dryRun: boolean;
  /** The service's public address, for the .ics link (e.g. https://graph.example.vn). */
  publicUrl: string;
  send: SendOptions;
  /** How long a claim holds before another sender may take it over (a sender that died). */
  leaseSeconds: number;
  /** Ends the round early (shutdown): the reminder being sent is marked failed, to be sent later. */
  signal?: AbortSignal;
}

export interface RoundResult {
  due: Reminder[];
  sent: string[];
  skipped: string[];
  failed: { key: string; subscriptionId: string; error: string }[];
  /** Subscriptions whose reminders could not be computed (their unit is gone…). */
  errors: { subscriptionId: string; error: string }[];
}

type Deps = { db: Database; config: Config; log: Logger };

/**
 * A subscription as the scheduler reads it; `stored` ones record their outcome on their node and
 * are computed as their creator (`reader`: src/reminders/scheduler.ts roundSubscription), so that
 * with READ_ACCESS=scoped a chat is told no more than its subscriber may read. Those of the
 * operator's REMINDERS_FILE have no reader: they are the operator's, read as admin.
 */
export type RoundSubscription = Subscription & { stored?: boolean; reader?: Principal };

export async function runReminderRound(
  deps: Deps,
  subscriptions: readonly RoundSubscription[],
  o: RoundOptions,
): Promise<RoundResult> {
  const result: RoundResult = { due: [], sent: [], skipped: [], failed: [], errors: [] };
  const token = randomUUID();
  for (const sub of subscriptions) {
    if (o.signal?.aborted) break;
    const before = { sent: result.sent.length, failed: result.failed.length };
    let problem: string | null = null;
    try {
      const reader = sub.reader ?? SCHEDULER;
      await assertStillInScope(deps.db, sub, reader, o.today);
      for (const unitId of await unitsOf(deps.db, sub, o.today, deps.config.REMINDERS_MAX_UNITS)) {
        const ctx = createContext(deps.db, deps.config, deps.log, `reminders-${token}`, reader);
        const window = { from: o.today, to: plusDays(o.today, Math.max(...sub.daysBefore)) };
        const c = await calendarOf(ctx, sub, unitId, window, o.today, o.publicUrl);
        const due = dueReminders(sub, c.unit, c.entries, o.today, c.names, c.url);
        result.due.push(...due);
        if (!o.dryRun) for (const r of due) await deliver(deps, sub, r, token, o, result);
      }
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
      deps.log.warn({ subscriptionId: sub.id, error: problem }, "reminders of a subscription not computed");
      result.errors.push({ subscriptionId: sub.id, error: problem });
    }
    if (sub.stored && !o.dryRun) {
      const failure = result.failed.slice(before.failed)[0];
      await recordSubscriptionOutcome(deps.db, sub.id, {
        sent: result.sent.length - before.sent,
        error: problem ?? (failure ? `${failure.error} (${failure.key})` : null),
      });
    }
  }
  return result;
}

/**
 * A subscription whose unit has left its creator's scope since (a move, or a token re-stamped
 * with other scopes) reminds of nothing: the round records why instead.
 */
async function assertStillInScope(
  db: Database,
  sub: RoundSubscription,
  reader: Principal,
  today: string,
): Promise<void> {
  if (reader.role === "admin") return;
  const within = await unitsInScopeOn(db, sub.units, reader.scopes, today);
  const outside = sub.units.filter((id) => !within.has(id));
  if (outside.length > 0)
    throw new Error(
      `${quotedIds(outside, false)} no longer lies in the scope of the subscription's creator (${quotedIds(reader.scopes, false) || "none"}); nothing is sent`,
    );
}

/**
 * What subscriptions would send from `window.from` to `window.to`, each reminder on the first
 * day of its lead window, read with the caller's context (their scope applies).
 */
export async function previewReminders(
  ctx: Context,
  subscriptions: readonly RoundSubscription[],
  window: { from: string; to: string },
  publicUrl: string,
): Promise<Reminder[]> {
  const out: Reminder[] = [];
  for (const sub of subscriptions) {
    // An admin sees what is sent (read as the subscriber); an editor never more than they may read.
    const reading =
      ctx.principal.role === "admin" && sub.reader
        ? createContext(ctx.db, ctx.config, ctx.log, ctx.requestId, sub.reader)
        : ctx;
    for (const unitId of await unitsOf(ctx.db, sub, window.from, ctx.config.REMINDERS_MAX_UNITS)) {
      const span = { from: window.from, to: plusDays(window.to, Math.max(...sub.daysBefore)) };
      const c = await calendarOf(reading, sub, unitId, span, null, publicUrl);
      out.push(...plannedReminders(sub, c.unit, c.entries, window, c.names, c.url));
    }
  }
  return out.sort((a, b) => a.sendOn.localeCompare(b.sendOn) || a.key.localeCompare(b.key));
}

/**
 * The units a subscription reminds of on a day: its units, and with includeSubtree those below
 * (at most `max`, REMINDERS_MAX_UNITS: a larger subtree is refused, not cut silently).
 */
async function unitsOf(db: Database, sub: Subscription, on: string, max: number): Promise<string[]> {
  if (!sub.includeSubtree) return sub.units;
  const ids: string[] = [];
  for (const root of sub.units) {
    const tree = await subtreeUnitIds(db, root, on, max);
    if (tree.truncated)
      throw new Error(
        `the subtree of ${root} holds more than ${max} units (REMINDERS_MAX_UNITS); subscribe to smaller subtrees`,
      );
    ids.push(...tree.ids);
  }
  return [...new Set(ids)];
}

async function calendarOf(
  ctx: Context,
  sub: Subscription,
  unitId: string,
  window: { from: string; to: string },
  asOf: string | null,
  publicUrl: string,
): Promise<{
  unit: ReminderUnit;
  entries: Parameters<typeof dueReminders>[2];
  names: Map<string, string>;
  url: string;
}> {
  const calendar = await unitCalendar(ctx, {
    unitId,
    window,
    asOf,
    types: sub.types,
    names: { unitId: `subscriptions.${sub.id}.unitId`, from: "from", to: "to" },
  });
  const ids = [
    ...new Set(calendar.entries.flatMap((e) => [e.recipient, ...e.via].filter((x): x is string => !!x))),
  ];
  const units = await ctx.loaders.unit.loadMany(ids);
  const names = new Map(units.flatMap((u) => (u && !(u instanceof Error) ? [[u.id, u.name] as const] : [])));
  const url = `${publicUrl.replace(/\/$/, "")}/calendar/${encodeURIComponent(unitId)}.ics`;
  return { unit: calendar.unit, entries: calendar.entries, names, url };
}

async function deliver(
  deps: Deps,
  sub: Subscription,
  r: Reminder,
  token: string,
  o: RoundOptions,
  result: RoundResult,
): Promise<void> {
  if (o.signal?.aborted) return;
  if (!(await claimReminder(deps.db, r.key, token, o.leaseSeconds))) {
    result.skipped.push(r.key);
    return;
  }
  const outcome = await sendReminder(sub.webhookUrl, sub.format, r, {
    ...o.send,
    signal: o.signal,
    allowedHosts: allowedHostsOf(deps.config.REMINDERS_WEBHOOK_HOSTS),
  });
  const error = outcome.ok ? null : maskedError(outcome.error, sub.webhookUrl);
  await markReminder(deps.db, r.key, token, {
    sent: outcome.ok,
    attempts: outcome.attempts,
    error,
    subscriptionId: sub.id,
    unitId: r.unitId,
    date: r.date,
  });
  if (outcome.ok) result.sent.push(r.key);
  else {
    deps.log.warn({ key: r.key, error, attempts: outcome.attempts }, "reminder not delivered");
    result.failed.push({ key: r.key, subscriptionId: sub.id, error: error ?? "" });
  }
}
