/**
 * The recorded events that drive live updates (src/live/event-feed.ts): the ids of those
 * recorded in the last `lookbackMs` by Neo4j's clock, committed ones only. They are read from the
 * Event nodes through the range index on recordedAt (migration 016): one index entry per event,
 * whatever number of Change records it wrote — a restructuring writes thousands, and reading them
 * (through Change.at, until session 12) made the poll the reform replay's second-largest
 * statement time (bench/RESULTS.md). The feed reads the records of the new ones only
 * (findEvents, change-repository.ts).
 */
import type { Database } from "./database.ts";

export interface RecentEvent {
  id: string;
  /** When it was recorded (Neo4j's clock), ISO 8601. */
  recordedAt: string;
}

/** The events recorded in the window, oldest first (one small auto-commit read). */
export async function recentEventIds(db: Database, lookbackMs: number): Promise<RecentEvent[]> {
  const rows = await db.readAutoCommit(
    `MATCH (e:Event) WHERE e.recordedAt >= datetime() - duration({milliseconds: $lookbackMs})
     RETURN e.id AS id, toString(e.recordedAt) AS recordedAt
     ORDER BY e.recordedAt, e.id`,
    { lookbackMs },
  );
  return rows.map((r) => ({ id: r.id as string, recordedAt: r.recordedAt as string }));
}
