/**
 * The recorded events that drive live updates (src/live/event-feed.ts): those whose audit
 * records were written in the last `lookbackMs` by Neo4j's clock (through the index on
 * Change.at, the event's recordedAt), committed ones only.
 */
import type { EventRecord } from "./change-repository.ts";
import type { Database } from "./database.ts";

export async function recentEvents(db: Database, lookbackMs: number): Promise<EventRecord[]> {
  const rows = await db.read(
    `MATCH (ch:Change) WHERE ch.at >= datetime() - duration({milliseconds: $lookbackMs})
     WITH DISTINCT ch.eventId AS id
     MATCH (e:Event {id: id})
     OPTIONAL MATCH (e)-[:AFFECTED]->(u:Unit)
     WITH e, u ORDER BY u.id
     WITH e, collect(u.id) AS unitIds
     ORDER BY e.recordedAt, e.id
     RETURN e {.id, .kind, effectiveOn: toString(e.effectiveOn), .basis, .actor, recordedAt: toString(e.recordedAt), .note,
               unitIds: unitIds} AS e`,
    { lookbackMs },
  );
  return rows.map((r) => r.e as EventRecord);
}
