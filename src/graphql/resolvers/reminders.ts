/**
 * Chat reminder subscriptions: thin — validate the arguments (src/reminders/subscription-input.ts),
 * check the role and the unit's scope, hand the write to the store; the preview runs the
 * scheduler's computation without sending. Only editors and admins see subscriptions; the
 * webhook URL is never returned (ReminderSubscription.target is masked).
 */
import { randomBytes } from "node:crypto";
import { scopeRefusal } from "../../auth/scope.ts";
import { DomainError, notFound } from "../../domain/errors.ts";
import { previewReminders } from "../../reminders/run.ts";
import { roundSubscription } from "../../reminders/scheduler.ts";
import {
  assertSubscriber,
  assertUnitInScope,
  assertUnitInScopeToday,
  createFields,
  MAX_PREVIEW_SUBSCRIPTIONS,
  previewWindow,
  subtreeSmallEnough,
  unitsInScope,
  updateFields,
} from "../../reminders/subscription-input.ts";
import { maskedTarget, targetFingerprint } from "../../reminders/target.ts";
import {
  createSubscription,
  deleteSubscription,
  findSubscription,
  listSubscriptions,
  type SubscriptionLimits,
  type SubscriptionRecord,
  sentKeys,
  updateSubscription,
} from "../../store/reminder-repository.ts";
import type { Context } from "../context.ts";
import type { MutationResolvers, QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import { visibleUnit } from "../services/lookups.ts";

const formatOut = (f: "synology" | "json"): "SYNOLOGY" | "JSON" => (f === "synology" ? "SYNOLOGY" : "JSON");

const ownLabel = (id: string) => `(the unit of subscription "${id}")`;

/**
 * The subscription, if its unit lies in the principal's scope today. An editor gets FORBIDDEN
 * naming the argument alike for a missing id and one whose unit is outside (nothing learnt about
 * what exists); an admin NOT_FOUND for a missing id.
 */
async function subscriptionInScope(
  ctx: Context,
  operation: string,
  id: string,
  argument: string,
): Promise<SubscriptionRecord> {
  const found = await findSubscription(ctx.db, id, ctx.roundTrips);
  if (!found) {
    const refusal = scopeRefusal(ctx.principal, operation, [{ argument, ids: [id], label: ownLabel(id) }], {
      within: new Set(),
      below: new Set(),
    });
    if (refusal) throw refusal;
    const err = notFound("reminder subscription", id);
    err.details.argument = argument;
    throw err;
  }
  await assertUnitInScope(ctx, operation, argument, found.unitId, ownLabel(id));
  return found;
}

/**
 * As subscriptionInScope, and only its creator (the token's subject) or an admin may change or
 * delete it: another could otherwise point it at their own webhook and receive what the creator
 * may read (a round reads with the creator's scopes).
 */
async function ownSubscription(
  ctx: Context,
  operation: string,
  id: string,
  argument: string,
): Promise<SubscriptionRecord> {
  const found = await subscriptionInScope(ctx, operation, id, argument);
  if (ctx.principal.role !== "admin" && found.createdBy !== ctx.principal.subject)
    throw new DomainError(
      "FORBIDDEN",
      `${operation}: subscription "${id}" was created by another user; only its creator or an admin may change or delete it`,
      { rule: "SUBSCRIPTION_OWNER", argument },
    );
  return found;
}

const limitsOf = (ctx: Context): SubscriptionLimits => ({
  perUnit: ctx.config.REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT,
  perCreator: ctx.config.REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR,
});

export const ReminderResolvers: Resolvers = {
  ReminderSubscription: {
    unit: (s, _, ctx) => visibleUnit(s.unitId, ctx),
    daysBefore: (s) => [...s.daysBefore].sort((a, b) => a - b),
    format: (s) => formatOut(s.format),
    target: (s) => maskedTarget(s.webhookUrl),
    targetFingerprint: (s) => targetFingerprint(s.webhookUrl),
  },
  ReminderPreviewItem: {
    dueOn: (r) => r.date,
    target: (r) => maskedTarget(r.webhookUrl),
    format: (r) => formatOut(r.format),
  },
};

export const ReminderMutations: MutationResolvers = {
  createReminderSubscription: async (_, { input }, ctx) => {
    const op = "createReminderSubscription";
    assertSubscriber(ctx, op);
    const fields = createFields(input, ctx);
    await assertUnitInScopeToday(ctx, op, "input.unitId", fields.unitId);
    await subtreeSmallEnough(ctx, fields, "input");
    const id = `rs_${randomBytes(6).toString("hex")}`;
    return createSubscription(ctx.db, id, fields, ctx.principal, limitsOf(ctx));
  },
  updateReminderSubscription: async (_, { input }, ctx) => {
    const op = "updateReminderSubscription";
    assertSubscriber(ctx, op);
    const fields = updateFields(input, ctx);
    const current = await ownSubscription(ctx, op, input.id, "input.id");
    // Pointed at a unit, widened or switched on: only on a unit of the editor's today (pausing one is always allowed).
    if (fields.unitId !== undefined || fields.includeSubtree || fields.active)
      await assertUnitInScopeToday(
        ctx,
        op,
        fields.unitId ? "input.unitId" : "input.id",
        fields.unitId ?? current.unitId,
      );
    await subtreeSmallEnough(ctx, { ...current, ...fields }, "input");
    const updated = await updateSubscription(ctx.db, current, fields, ctx.principal, limitsOf(ctx));
    // Deleted between the read and the write.
    if (!updated) throw notFound("reminder subscription", input.id);
    return updated;
  },
  deleteReminderSubscription: async (_, { id }, ctx) => {
    const op = "deleteReminderSubscription";
    assertSubscriber(ctx, op);
    await ownSubscription(ctx, op, id, "id");
    await deleteSubscription(ctx.db, id);
    return id;
  },
};

export const ReminderQueries: QueryResolvers = {
  reminderSubscriptions: async (_, { unitId }, ctx) => {
    assertSubscriber(ctx, "reminderSubscriptions");
    if (unitId) await assertUnitInScope(ctx, "reminderSubscriptions", "unitId", unitId);
    const all = await listSubscriptions(
      ctx.db,
      { unitIds: unitId ? [unitId] : null, activeOnly: false },
      ctx.roundTrips,
    );
    const mine = await unitsInScope(
      ctx,
      all.map((s) => s.unitId),
    );
    return all.filter((s) => mine.has(s.unitId));
  },
  reminderSubscription: async (_, { id }, ctx) => {
    assertSubscriber(ctx, "reminderSubscription");
    const found = await findSubscription(ctx.db, id, ctx.roundTrips);
    if (!found) return null;
    return (await unitsInScope(ctx, [found.unitId])).has(found.unitId) ? found : null;
  },
  reminderPreview: async (_, args, ctx) => {
    const op = "reminderPreview";
    assertSubscriber(ctx, op);
    const window = previewWindow(args.from, args.to);
    let subs: SubscriptionRecord[];
    if (args.subscriptionId) {
      const one = await subscriptionInScope(ctx, op, args.subscriptionId, "subscriptionId");
      if (args.unitId && one.unitId !== args.unitId) return [];
      subs = [one];
    } else {
      if (args.unitId) await assertUnitInScope(ctx, op, "unitId", args.unitId);
      const active = await listSubscriptions(
        ctx.db,
        { unitIds: args.unitId ? [args.unitId] : null, activeOnly: true },
        ctx.roundTrips,
      );
      const mine = await unitsInScope(
        ctx,
        active.map((s) => s.unitId),
      );
      subs = active.filter((s) => mine.has(s.unitId));
      // Each is a calendar per subscribed unit: the price (query-cost.ts) counts at most this many.
      if (subs.length > MAX_PREVIEW_SUBSCRIPTIONS)
        throw new DomainError(
          "BAD_USER_INPUT",
          `${op}: ${subs.length} subscriptions, more than the ${MAX_PREVIEW_SUBSCRIPTIONS} one preview computes; narrow it with unitId or subscriptionId`,
          { rule: "PREVIEW_LIMIT", argument: args.unitId ? "unitId" : "subscriptionId" },
        );
    }
    const byId = new Map(subs.map((s) => [s.id, s]));
    const planned = await previewReminders(
      ctx,
      subs.map(roundSubscription),
      window,
      ctx.config.REMINDERS_PUBLIC_URL,
    );
    const sent = await sentKeys(
      ctx.db,
      planned.map((r) => r.key),
      ctx.roundTrips,
    );
    return planned.map((r) => {
      const s = byId.get(r.subscriptionId) as SubscriptionRecord;
      return { ...r, webhookUrl: s.webhookUrl, format: s.format, alreadySent: sent.has(r.key) };
    });
  },
};
