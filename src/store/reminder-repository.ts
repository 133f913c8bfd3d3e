/**
 * Reminder subscriptions and sent reminders in Neo4j.
 *
 * Subscriptions (`ReminderSubscription`, migration 010): what to remind whom of, written by the
 * GraphQL mutations; the webhook URL is stored here and never read back out by the API.
 *
 * Sent reminders (`SentReminder`, migration 009), so that each is sent once — after a restart,
 * and with two service instances: a reminder is claimed (MERGE on its key, under the
 * SentReminder uniqueness constraint, and the node's write lock) before it is sent, and marked
 * SENT after. A failed send, or a claim left by an instance that died (older than the lease),
 * may be claimed again.
 *
 * Every write that changes what a query answers (a subscription, its last delivery or error)
 * raises the graph's version in its transaction, as every write must: GET answers are cached
 * under it (src/http/etag.ts).
 */
import type { Principal } from "../auth/principal.ts";
import type { CalendarEntryType } from "../domain/calendar.ts";
import { DomainError } from "../domain/errors.ts";
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import type { ReminderFormat } from "../reminders/message.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter, TransactionRunner } from "./database.ts";
import { bumpGraphVersion } from "./graph-version.ts";
import { lockUnits } from "./write-locks.ts";

export interface SubscriptionRecord {
  id: string;
  unitId: string;
  includeSubtree: boolean;
  types: CalendarEntryType[];
  daysBefore: number[];
  format: ReminderFormat;
  webhookUrl: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  lastSentAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /**
   * The role and scopes of the token that created it (its creator's, re-stamped when they
   * update it): a round reads with them. Null on a subscription stored before they were kept.
   */
  readerRole: Principal["role"] | null;
  readerScopes: string[] | null;
}

export type SubscriptionFields = Pick<
  SubscriptionRecord,
  "unitId" | "includeSubtree" | "types" | "daysBefore" | "format" | "webhookUrl" | "active"
>;

const RETURNED = `s {
  .id, .unitId, .includeSubtree, .types, .daysBefore, .format, .webhookUrl, .active, .createdBy,
  .updatedBy, .lastError, .readerRole, .readerScopes,
  createdAt: toString(s.createdAt), updatedAt: toString(s.updatedAt),
  lastSentAt: toString(s.lastSentAt), lastErrorAt: toString(s.lastErrorAt)
} AS s`;

const asRecord = (row: Record<string, unknown>) => row.s as SubscriptionRecord;

/** How many stored subscriptions a unit and a creator may have (REMINDERS_MAX_SUBSCRIPTIONS_PER_*). */
export interface SubscriptionLimits {
  perUnit: number;
  perCreator: number;
}

/**
 * Refuses a subscription that would duplicate another (same unit, webhook, types and
 * includeSubtree: it would post the same reminders twice) or pass a cap: CONFLICT naming the
 * rule. Runs in the write's transaction after locking the unit, so that two creations on one
 * unit are counted one after the other (the creator's count is not locked: concurrent requests
 * of one creator on different units may pass it by as many as run at once).
 */
async function admit(
  tx: TransactionRunner,
  s: SubscriptionFields & { id: string },
  creator: string,
  limits: SubscriptionLimits,
): Promise<void> {
  await lockUnits(tx, [s.unitId]);
  const rows = await tx.run(
    `OPTIONAL MATCH (o:ReminderSubscription {unitId: $unitId}) WHERE o.id <> $id
     WITH collect(o) AS others
     RETURN size(others) AS onUnit,
            any(o IN others WHERE o.webhookUrl = $webhookUrl AND o.includeSubtree = $includeSubtree
                AND size(o.types) = size($types) AND all(t IN o.types WHERE t IN $types)) AS duplicate,
            COUNT { MATCH (c:ReminderSubscription {createdBy: $creator}) WHERE c.id <> $id } AS byCreator`,
    {
      id: s.id,
      unitId: s.unitId,
      webhookUrl: s.webhookUrl,
      includeSubtree: s.includeSubtree,
      types: [...new Set(s.types)],
      creator,
    },
  );
  const row = rows[0] as { onUnit: number; duplicate: boolean; byCreator: number };
  if (row.duplicate)
    throw new DomainError(
      "CONFLICT",
      `${s.unitId} already has a subscription with this webhook, these types and this includeSubtree: it would post every reminder twice`,
      { rule: "SUBSCRIPTION_DUPLICATE", argument: "input.webhookUrl" },
    );
  const full = (limit: string, max: number, value: number, whose: string) =>
    new DomainError(
      "CONFLICT",
      `${whose} already has ${value} reminder subscriptions, the most ${limit} allows`,
      {
        rule: "SUBSCRIPTION_LIMIT",
        limit,
        max,
        value,
      },
    );
  if (Number(row.onUnit) >= limits.perUnit)
    throw full("REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT", limits.perUnit, Number(row.onUnit), s.unitId);
  if (Number(row.byCreator) >= limits.perCreator)
    throw full(
      "REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR",
      limits.perCreator,
      Number(row.byCreator),
      "The creator",
    );
}

/** Stores a subscription with its creator: the subject, and the role and scopes its rounds read with. */
export async function createSubscription(
  db: Database,
  id: string,
  fields: SubscriptionFields,
  actor: Principal,
  limits: SubscriptionLimits,
): Promise<SubscriptionRecord> {
  return versioned(db, async (tx) => {
    await admit(tx, { ...fields, id }, actor.subject, limits);
    const rows = await tx.run(
      `CREATE (s:ReminderSubscription {id: $id})
       SET s += $fields, s.createdBy = $actor, s.updatedBy = $actor,
           s.readerRole = $role, s.readerScopes = $scopes,
           s.createdAt = datetime(), s.updatedAt = datetime()
       RETURN ${RETURNED}`,
      { id, fields, actor: actor.subject, role: actor.role, scopes: [...actor.scopes] },
    );
    return asRecord(rows[0] as Record<string, unknown>);
  });
}

/**
 * Changes the given fields; null when there is no such subscription. Its creator's update
 * re-stamps the role and scopes it reads with (from their current token); another's (an admin
 * pausing it) leaves them as they were, so that it never reads more than its creator may.
 */
export async function updateSubscription(
  db: Database,
  current: SubscriptionRecord,
  fields: Partial<SubscriptionFields>,
  actor: Principal,
  limits: SubscriptionLimits,
): Promise<SubscriptionRecord | null> {
  const id = current.id;
  return versioned(db, async (tx) => {
    // Pointed at another unit or webhook, or other types: it must not duplicate another, nor fill a unit.
    const keyed = ["unitId", "webhookUrl", "types", "includeSubtree"] as const;
    if (keyed.some((k) => fields[k] !== undefined))
      await admit(tx, { ...current, ...fields }, current.createdBy, {
        perUnit: fields.unitId !== undefined && fields.unitId !== current.unitId ? limits.perUnit : Infinity,
        // Its creator's count does not change.
        perCreator: Infinity,
      });
    const rows = await tx.run(
      `MATCH (s:ReminderSubscription {id: $id})
       WITH s, s.createdBy = $actor AS own
       SET s += $fields, s.updatedBy = $actor, s.updatedAt = datetime(),
           s.readerRole = CASE WHEN own THEN $role ELSE s.readerRole END,
           s.readerScopes = CASE WHEN own THEN $scopes ELSE s.readerScopes END
       RETURN ${RETURNED}`,
      { id, fields, actor: actor.subject, role: actor.role, scopes: [...actor.scopes] },
    );
    return rows[0] ? asRecord(rows[0]) : null;
  });
}

/** Deletes a subscription (its sent reminders stay, so that it cannot send them again); whether it existed. */
export async function deleteSubscription(db: Database, id: string): Promise<boolean> {
  const rows = await db.write("MATCH (s:ReminderSubscription {id: $id}) DELETE s RETURN count(*) AS n", {
    id,
  });
  return Number(rows[0]?.n ?? 0) > 0;
}

export async function findSubscription(
  db: Database,
  id: string,
  counter?: RoundTripCounter,
): Promise<SubscriptionRecord | null> {
  const rows = await db.read(`MATCH (s:ReminderSubscription {id: $id}) RETURN ${RETURNED}`, { id }, counter);
  return rows[0] ? asRecord(rows[0]) : null;
}

/** Subscriptions, by id: all, or those of the given units; only the active ones when asked. */
export async function listSubscriptions(
  db: Database,
  o: { unitIds: readonly string[] | null; activeOnly: boolean },
  counter?: RoundTripCounter,
): Promise<SubscriptionRecord[]> {
  const rows = await db.read(
    `MATCH (s:ReminderSubscription)
     WHERE ($unitIds IS NULL OR s.unitId IN $unitIds) AND (NOT $activeOnly OR s.active)
     RETURN ${RETURNED} ORDER BY s.id`,
    { unitIds: o.unitIds ? [...o.unitIds] : null, activeOnly: o.activeOnly },
    counter,
  );
  return rows.map(asRecord);
}

/** What the last round made of a subscription: when it last delivered, and its last error (cleared by a delivery). */
export async function recordSubscriptionOutcome(
  db: Database,
  id: string,
  outcome: { sent: number; error: string | null },
): Promise<void> {
  await versioned(db, (tx) =>
    tx.run(
      `MATCH (s:ReminderSubscription {id: $id})
     WITH s, $sent > 0 OR ($error IS NOT NULL AND $error <> coalesce(s.lastError, '')) AS changed
     WHERE changed
     SET s.lastSentAt = CASE WHEN $sent > 0 THEN datetime() ELSE s.lastSentAt END,
         s.lastError = CASE WHEN $error IS NOT NULL THEN $error WHEN $sent > 0 THEN null ELSE s.lastError END,
         s.lastErrorAt = CASE WHEN $error IS NOT NULL THEN datetime() WHEN $sent > 0 THEN null ELSE s.lastErrorAt END
     RETURN changed`,
      { id, sent: outcome.sent, error: outcome.error },
    ),
  );
}

/**
 * Runs a write and, when it changed something (returned a non-empty, non-false answer), raises
 * the graph's version in the same transaction.
 */
async function versioned<T>(db: Database, work: (tx: TransactionRunner) => Promise<T>): Promise<T> {
  return db.writeTransaction(async (tx) => {
    const result = await work(tx);
    const changed = Array.isArray(result) ? result.length > 0 : result !== null && result !== false;
    if (changed) await bumpGraphVersion(tx);
    return result;
  });
}

/**
 * The units in force on `on` in the subtree of `root` (the root first), at most `limit` of
 * them, and whether there were more.
 */
export async function subtreeUnitIds(
  db: Database,
  root: string,
  on: string,
  limit: number,
): Promise<{ ids: string[]; truncated: boolean }> {
  const rows = await db.read(
    `MATCH (r:Unit {id: $root})
     RETURN [r.id] + COLLECT {
       MATCH (u:Unit)-[rels:${STRUCTURE}]->{1,${MAX_STRUCTURE_DEPTH}}(r)
       WHERE ${active("u", "date($on)")} AND all(x IN rels WHERE ${active("x", "date($on)")})
       WITH DISTINCT u.id AS id ORDER BY id LIMIT $limit
       RETURN id
     } AS ids`,
    { root, on, limit },
  );
  // The root and up to `limit` below it: more than `limit` in all is too many.
  const ids = (rows[0]?.ids as string[] | undefined) ?? [];
  return { ids: ids.slice(0, limit), truncated: ids.length > limit };
}

/** The keys among `keys` that were sent. */
export async function sentKeys(
  db: Database,
  keys: readonly string[],
  counter?: RoundTripCounter,
): Promise<Set<string>> {
  const rows = await db.read(
    "UNWIND $keys AS k MATCH (r:SentReminder {key: k}) WHERE r.status = 'SENT' RETURN r.key AS key",
    { keys: [...keys] },
    counter,
  );
  return new Set(rows.map((r) => r.key as string));
}

/**
 * Claims a reminder for this sender; false when it was sent, or another sender holds it and its
 * lease (seconds) has not run out.
 */
export async function claimReminder(
  db: Database,
  key: string,
  token: string,
  leaseSeconds: number,
): Promise<boolean> {
  const rows = await db.write(
    `MERGE (r:SentReminder {key: $key})
     ON CREATE SET r.status = 'NEW'
     SET r.touchedAt = datetime()
     WITH r, (r.status IN ['NEW', 'FAILED']
              OR (r.status = 'CLAIMED' AND r.claimedAt < datetime() - duration({seconds: $lease}))) AS mine
     FOREACH (_ IN CASE WHEN mine THEN [1] ELSE [] END |
       SET r.status = 'CLAIMED', r.claimedAt = datetime(), r.token = $token)
     RETURN mine`,
    { key, token, lease: leaseSeconds },
  );
  return rows[0]?.mine === true;
}

export async function markReminder(
  db: Database,
  key: string,
  token: string,
  outcome: {
    sent: boolean;
    attempts: number;
    error: string | null;
    subscriptionId: string;
    unitId: string;
    date: string;
  },
): Promise<void> {
  await db.write(
    `MATCH (r:SentReminder {key: $key, token: $token})
     SET r.status = $status, r.attempts = coalesce(r.attempts, 0) + $attempts, r.lastError = $error,
         r.subscriptionId = $subscriptionId, r.unitId = $unitId, r.dueOn = date($date),
         r.sentAt = CASE WHEN $sent THEN datetime() ELSE r.sentAt END`,
    { key, token, status: outcome.sent ? "SENT" : "FAILED", ...outcome },
  );
}
