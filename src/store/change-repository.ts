/** Cypher for reading the audit: events, a unit's history, and the change feed. */
import { cutPage } from "../domain/change-feed.ts";
import type { Database, RoundTripCounter, TransactionRunner } from "./database.ts";

export interface ChangeRecord {
  id: string;
  eventId: string;
  at: string;
  actor: string;
  entity: string;
  entityId: string;
  operation: string;
  before: string | null;
  after: string | null;
  unitIds: string[];
}

export interface EventRecord {
  id: string;
  kind: string;
  effectiveOn: string;
  basis: string[];
  actor: string;
  recordedAt: string;
  note: string | null;
  unitIds: string[];
}

const CHANGE = `c {.id, .eventId, at: toString(c.at), .actor, .entity, .entityId, .operation, .before, .after, .unitIds}`;

/** The events of $ids as EventRecords (`e`). */
const FIND_EVENTS = `UNWIND $ids AS id MATCH (e:Event {id: id})
     OPTIONAL MATCH (e)-[:AFFECTED]->(u:Unit)
     WITH e, u ORDER BY u.id
     WITH e, collect(u.id) AS unitIds
     RETURN e {.id, .kind, effectiveOn: toString(e.effectiveOn), .basis, .actor, recordedAt: toString(e.recordedAt), .note,
               unitIds: unitIds} AS e`;

export async function findEvents(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<EventRecord[]> {
  const rows = await db.read(FIND_EVENTS, { ids: [...ids] }, counter);
  return rows.map((r) => r.e as EventRecord);
}

/** The event `id` as recorded, read in a transaction of the caller's; null if there is none. */
async function eventIn(tx: TransactionRunner, id: string): Promise<EventRecord | null> {
  const [row] = await tx.run(FIND_EVENTS, { ids: [id] });
  return (row?.e as EventRecord | undefined) ?? null;
}

/**
 * The event `id` as recorded once the transaction that records it has ended: the read-back after a
 * COMMIT lost with its connection (src/store/database.ts), which may still be committing on the
 * server — read at once, its event would be missing and the change sent again (review s14 E).
 * MERGE on the event's unique id waits for the index entry the change's CREATE holds until it
 * commits or rolls back; the placeholder it makes when the change rolled back goes in the same
 * statement. Null if the change did not commit.
 */
export async function eventOnceEnded(tx: TransactionRunner, id: string): Promise<EventRecord | null> {
  await tx.run(
    `MERGE (e:Event {id: $id}) ON CREATE SET e.readBackPlaceholder = true
     WITH e WHERE e.readBackPlaceholder DELETE e`,
    { id },
  );
  return eventIn(tx, id);
}

export async function changesOfEvents(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<ChangeRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (c:Change {eventId: id})
     WITH id, c ORDER BY c.entity DESC, c.entityId
     RETURN id, collect(CASE WHEN c IS NULL THEN null ELSE ${CHANGE} END) AS cs`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, r.cs as ChangeRecord[]]));
  return ids.map((id) => byId.get(id) ?? []);
}

export async function historyOf(
  db: Database,
  unitId: string,
  counter?: RoundTripCounter,
): Promise<ChangeRecord[]> {
  const rows = await db.read(
    `MATCH (c:Change)-[:CHANGED]->(:Unit {id: $id})
     WITH c ORDER BY c.at DESC, c.id DESC
     RETURN ${CHANGE} AS c`,
    { id: unitId },
    counter,
  );
  return rows.map((r) => r.c as ChangeRecord);
}

/**
 * Changes after a point, oldest first: keyset on (at, id); `hasNextPage` only through records
 * stamped before `horizonMs` (cutPage, src/domain/change-feed.ts). Ordered by the stored datetime, not the
 * projected string: toString drops trailing zeros of the fraction (".12Z" sorts after ".123Z"), so
 * ordering by the string disagreed with the keyset's datetime comparison and a page could skip a record.
 */
export async function changesSince(
  db: Database,
  args: { since: string | null; after: { at: string; id: string } | null; first: number; horizonMs: number },
  counter?: RoundTripCounter,
): Promise<{ items: ChangeRecord[]; hasNextPage: boolean }> {
  const rows = await db.read(
    `MATCH (c:Change)
     WHERE ($since IS NULL OR c.at >= datetime($since))
       AND ($after IS NULL OR c.at > datetime($after.at) OR (c.at = datetime($after.at) AND c.id > $after.id))
     WITH c ORDER BY c.at, c.id LIMIT $limit
     RETURN ${CHANGE} AS c`,
    { since: args.since, after: args.after, limit: args.first + 1 },
    counter,
  );
  return cutPage(
    rows.map((r) => r.c as ChangeRecord),
    args.first,
    args.horizonMs,
  );
}
