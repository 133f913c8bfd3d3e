/**
 * The arguments of the reminder subscription mutations and queries, checked before anything is
 * written (BAD_USER_INPUT naming the argument), and the role and scope rules: only editors and
 * admins handle subscriptions; an editor only those of units inside their subtrees (a unit
 * outside, or one that does not exist, is FORBIDDEN alike, so nothing leaks about what exists).
 */
import { assertCanWrite, NO_SUBJECT } from "../auth/principal.ts";
import { scopeRefusal } from "../auth/scope.ts";
import { CALENDAR_ENTRY_TYPES, type CalendarEntryType } from "../domain/calendar.ts";
import { badInput, DomainError, notFound } from "../domain/errors.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { dateArg } from "../graphql/arguments.ts";
import type { Context } from "../graphql/context.ts";
import type {
  CreateReminderSubscriptionInput,
  UpdateReminderSubscriptionInput,
} from "../graphql/generated/resolvers-types.ts";
import type { SubscriptionFields } from "../store/reminder-repository.ts";
import { subtreeUnitIds } from "../store/reminder-repository.ts";
import { unitsInScopeOn } from "../store/scope-membership.ts";
import { MAX_DAYS_BEFORE, MAX_LEADS, plusDays } from "./message.ts";
import { webhookUrlProblem } from "./target.ts";
import { allowedHostsOf } from "./webhook-address.ts";

/** The longest window a preview may span. */
export const MAX_PREVIEW_DAYS = 366;

/**
 * Editors and admins, with a token naming its user (`sub`): a subscription is owned by its
 * creator's subject, which every token without one would share (and own each other's).
 */
export function assertSubscriber(ctx: Context, operation: string): void {
  assertCanWrite(ctx.principal, operation);
  if (ctx.principal.subject === NO_SUBJECT)
    throw new DomainError(
      "FORBIDDEN",
      `${operation}: the token has no "sub" claim naming its user; a reminder subscription belongs to the user who creates it, so mint a token with one (npm run token -- --sub <name>)`,
      { rule: "SUBSCRIPTION_SUBJECT" },
    );
}

/** The most subscriptions one reminderPreview computes (its price in src/graphql/query-cost.ts counts this many). */
export const MAX_PREVIEW_SUBSCRIPTIONS = 20;

/**
 * Which of the units the principal handles subscriptions of: all for an admin, those in an
 * editor's subtrees today (as creation checks: a unit that left the scope is no longer theirs).
 */
export async function unitsInScope(ctx: Context, ids: readonly string[]): Promise<Set<string>> {
  if (ctx.principal.role === "admin") return new Set(ids);
  if (ids.length === 0) return new Set();
  return unitsInScopeOn(ctx.db, ids, ctx.principal.scopes, ctx.today, ctx.roundTrips);
}

/** The unit exists and (for an editor) lies in their scope today; else NOT_FOUND (admin) or FORBIDDEN naming the argument. */
export async function assertUnitInScope(
  ctx: Context,
  operation: string,
  argument: string,
  unitId: string,
  label?: string,
): Promise<void> {
  if (ctx.principal.role === "admin") {
    if (!label && !(await ctx.loaders.unit.load(unitId))) {
      const err = notFound("unit", unitId);
      err.details.argument = argument;
      throw err;
    }
    return;
  }
  const within = await unitsInScope(ctx, [unitId]);
  const refusal = scopeRefusal(ctx.principal, operation, [{ argument, ids: [unitId], label }], {
    within,
    below: within,
  });
  if (refusal) throw refusal;
}

/**
 * As assertUnitInScope, but an editor's unit must lie in their subtrees today (by its structural
 * links in force now, src/store/scope-membership.ts): a unit that was theirs once, or is seen
 * only through its host, is not theirs to be reminded of.
 */
export async function assertUnitInScopeToday(
  ctx: Context,
  operation: string,
  argument: string,
  unitId: string,
): Promise<void> {
  if (ctx.principal.role === "admin") return assertUnitInScope(ctx, operation, argument, unitId);
  const within = await unitsInScopeOn(ctx.db, [unitId], ctx.principal.scopes, ctx.today, ctx.roundTrips);
  const refusal = scopeRefusal(ctx.principal, operation, [{ argument, ids: [unitId] }], {
    within,
    below: within,
  });
  if (refusal) throw refusal;
}

function unitIdArg(value: string, argument: string): string {
  if (!UNIT_ID.test(value)) throw badInput(argument, `"${value}" is not a unit id (a lower-case slug)`);
  return value;
}

function typesArg(value: readonly CalendarEntryType[], argument: string): CalendarEntryType[] {
  if (value.length === 0) throw badInput(argument, `list at least one of ${CALENDAR_ENTRY_TYPES.join(", ")}`);
  return [...new Set(value)];
}

function daysBeforeArg(value: readonly number[], argument: string): number[] {
  if (value.length === 0 || value.length > MAX_LEADS)
    throw badInput(argument, `give 1 to ${MAX_LEADS} lead days, got ${value.length}`);
  const bad = value.find((d) => !Number.isInteger(d) || d < 0 || d > MAX_DAYS_BEFORE);
  if (bad !== undefined)
    throw badInput(argument, `${bad} is not a whole number of days from 0 to ${MAX_DAYS_BEFORE}`);
  if (new Set(value).size !== value.length) throw badInput(argument, "lists a lead day more than once");
  return [...value].sort((a, b) => b - a);
}

function webhookArg(value: string, ctx: Context, argument: string): string {
  const url = value.trim();
  const problem = webhookUrlProblem(url, allowedHostsOf(ctx.config.REMINDERS_WEBHOOK_HOSTS));
  // The URL is a secret: the message does not repeat it.
  if (problem) throw badInput(argument, `the webhook URL ${problem}`);
  return url;
}

const formatArg = (f: "SYNOLOGY" | "JSON"): "synology" | "json" => (f === "SYNOLOGY" ? "synology" : "json");

export function createFields(input: CreateReminderSubscriptionInput, ctx: Context): SubscriptionFields {
  return {
    unitId: unitIdArg(input.unitId, "input.unitId"),
    includeSubtree: input.includeSubtree ?? false,
    types: input.types ? typesArg(input.types, "input.types") : [...CALENDAR_ENTRY_TYPES],
    daysBefore: daysBeforeArg(input.daysBefore, "input.daysBefore"),
    format: formatArg(input.format),
    webhookUrl: webhookArg(input.webhookUrl, ctx, "input.webhookUrl"),
    active: input.active ?? true,
  };
}

/** The fields an update changes: those given and not null. */
export function updateFields(
  input: UpdateReminderSubscriptionInput,
  ctx: Context,
): Partial<SubscriptionFields> {
  const out: Partial<SubscriptionFields> = {};
  if (input.unitId != null) out.unitId = unitIdArg(input.unitId, "input.unitId");
  if (input.includeSubtree != null) out.includeSubtree = input.includeSubtree;
  if (input.types != null) out.types = typesArg(input.types, "input.types");
  if (input.daysBefore != null) out.daysBefore = daysBeforeArg(input.daysBefore, "input.daysBefore");
  if (input.format != null) out.format = formatArg(input.format);
  if (input.webhookUrl != null) out.webhookUrl = webhookArg(input.webhookUrl, ctx, "input.webhookUrl");
  if (input.active != null) out.active = input.active;
  return out;
}

/** A subtree subscription's subtree is small enough to remind of (checked on today's hierarchy). */
export async function subtreeSmallEnough(
  ctx: Context,
  s: Pick<SubscriptionFields, "unitId" | "includeSubtree">,
  prefix: string,
): Promise<void> {
  if (!s.includeSubtree) return;
  const max = ctx.config.REMINDERS_MAX_UNITS;
  const tree = await subtreeUnitIds(ctx.db, s.unitId, ctx.today, max);
  if (tree.truncated)
    throw badInput(
      `${prefix}.includeSubtree`,
      `the subtree of ${s.unitId} holds more than ${max} units (REMINDERS_MAX_UNITS); subscribe to smaller subtrees`,
    );
}

/** The preview's window: real dates, from ≤ to, at most MAX_PREVIEW_DAYS days. */
export function previewWindow(fromValue: unknown, toValue: unknown): { from: string; to: string } {
  const from = dateArg(fromValue, "from");
  const to = dateArg(toValue, "to");
  if (from > to) throw badInput("from", `${from} is after to (${to})`);
  if (plusDays(from, MAX_PREVIEW_DAYS - 1) < to)
    throw badInput("to", `the window ${from} – ${to} spans more than ${MAX_PREVIEW_DAYS} days`);
  return { from, to };
}
