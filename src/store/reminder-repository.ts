/**
 * Sent reminders, recorded in Neo4j so that each is sent once — after a restart, and with two
 * service instances: a reminder is claimed (MERGE on its key, under the SentReminder uniqueness
 * constraint, and the node's write lock) before it is sent, and marked SENT after. A failed
 * send, or a claim left by an instance that died (older than the stale time), may be claimed again.
 */
import type { Database } from "./database.ts";

const STALE_CLAIM = "PT10M";

/** Claims a reminder for this sender; false when it was sent, or another sender holds it. */
export async function claimReminder(db: Database, key: string, token: string): Promise<boolean> {
  const rows = await db.write(
    `MERGE (r:SentReminder {key: $key})
     ON CREATE SET r.status = 'NEW'
     SET r.touchedAt = datetime()
     WITH r, (r.status IN ['NEW', 'FAILED']
              OR (r.status = 'CLAIMED' AND r.claimedAt < datetime() - duration('${STALE_CLAIM}'))) AS mine
     FOREACH (_ IN CASE WHEN mine THEN [1] ELSE [] END |
       SET r.status = 'CLAIMED', r.claimedAt = datetime(), r.token = $token)
     RETURN mine`,
    { key, token },
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
