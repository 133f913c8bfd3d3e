/**
 * One poller per service instance that turns the Event nodes committed to Neo4j into live
 * updates for this instance's subscribers. Driving them from the database, not from an
 * in-process emitter, means every instance on one database sees every change, whichever
 * instance made it, and only once it has committed.
 *
 * Each tick reads the graph's version (one small read); when it moved, the events recorded in
 * the last `lookbackMs` are read and those not yet delivered are fanned out. The window reaches
 * back past the longest write (WRITE_TIMEOUT_MS), because an event's recordedAt is taken when its
 * transaction starts and it becomes visible only when it commits: a slow write committed after a
 * later one is still caught. The ids delivered are remembered while they are in the window, so
 * nothing is sent twice. The first read only notes what is already there.
 */
import type { Logger } from "../logger.ts";
import type { EventRecord } from "../store/change-repository.ts";
import type { Database } from "../store/database.ts";
import { readGraphVersion } from "../store/graph-version.ts";
import { recentEvents } from "../store/live-event-repository.ts";

export type EventListener = (event: EventRecord) => void;

export class EventFeed {
  private readonly listeners = new Set<EventListener>();
  /** Delivered (or already there at start) event ids, with their recordedAt in ms. */
  private readonly seen = new Map<string, number>();
  private version: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly lookbackMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    await this.running;
  }

  /** Calls `listener` with every new event until the returned function is called. */
  listen(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One poll; a poll still running (a slow database) is not doubled. */
  tick(): Promise<void> {
    this.running ??= this.poll()
      .catch((err) => this.log.warn({ err }, "live updates: reading new events failed; retrying"))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async poll(): Promise<void> {
    const version = await readGraphVersion(this.db);
    if (version === this.version) return;
    const events = await recentEvents(this.db, this.lookbackMs);
    const first = this.version === null;
    this.version = version;
    for (const event of events) {
      if (this.seen.has(event.id)) continue;
      this.seen.set(event.id, Date.parse(event.recordedAt));
      if (!first) for (const listener of this.listeners) listener(event);
    }
    this.forgetOld(events);
  }

  /** Keeps only the ids still inside the window (by the newest event's clock, Neo4j's). */
  private forgetOld(events: EventRecord[]): void {
    const newest = Math.max(...events.map((e) => Date.parse(e.recordedAt)), 0);
    for (const [id, at] of this.seen) if (at < newest - 2 * this.lookbackMs) this.seen.delete(id);
  }
}
