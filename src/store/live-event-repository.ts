/**
 * The recorded events that drive live updates (src/live/event-feed.ts): the ids of those
 * recorded in the last `lookbackMs` by Neo4j's clock, committed ones only. They are read from the
 * Event nodes through the range index on recordedAt (migration 016): one index entry per event,
 * whatever number of Change records it wrote — a restructuring writes thousands, and reading them
 * (through Change.at, until session 12) made the poll the reform replay's second-largest
 * statement time (bench/RESULTS.md). Only the new events' records (their units) are read.
 */
import type { EventRecord } from "./change-repository.ts";
import type { Database } from "./database.ts";

export interface RecentEvent {
  id: string;
  /** When it was recorded (Neo4j's clock), ISO 8601. */
  recordedAt: string;
  /** The event's record (as findEvents reads it) when its id was not `known`; else null. */
  event: EventRecord | null;
}

/**
 * The events recorded in the window, oldest first, in one round trip: each with its record unless
 * its id is in `known` (null: none wanted, the feed's first read). Only the new ones' units are
 * read (the filter stands before the expansion).
 */
export async function recentEvents(
  db: Database,
  lookbackMs: number,
  known: readonly string[] | null,
): Promise<RecentEvent[]> {
  const rows = await db.readAutoCommit(
    `MATCH (e:Event) WHERE e.recordedAt >= datetime() - duration({milliseconds: $lookbackMs})
     WITH e, ($noteOnly OR e.id IN $known) AS known
     CALL (e, known) {
       OPTIONAL MATCH (e)-[:AFFECTED]->(u:Unit) WHERE NOT known
       WITH u ORDER BY u.id
       RETURN collect(u.id) AS unitIds
     }
     RETURN e.id AS id, toString(e.recordedAt) AS recordedAt,
            CASE WHEN known THEN null
                 ELSE e {.id, .kind, effectiveOn: toString(e.effectiveOn), .basis, .actor,
                         recordedAt: toString(e.recordedAt), .note, unitIds: unitIds} END AS event
     ORDER BY e.recordedAt, e.id`,
    { lookbackMs, noteOnly: known === null, known: known ?? [] },
  );
  return rows.map((r) => ({
    id: r.id as string,
    recordedAt: r.recordedAt as string,
    event: (r.event as EventRecord | null) ?? null,
  }));
}
