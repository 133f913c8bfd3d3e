/**
 * One poller per service instance that turns the Event nodes committed to Neo4j into live
 * updates for this instance's subscribers. Driving them from the database, not from an
 * in-process emitter, means every instance on one database sees every change, whichever
 * instance made it, and only once it has committed.
 *
 * Each tick reads the graph's version (one small read); when it moved, the events recorded in
 * the last `lookbackMs` are read (an index range on Event.recordedAt: as many rows as events,
 * however many changes they made), with the records of those not yet delivered only, which are
 * fanned out. The window reaches back past the longest write (WRITE_TIMEOUT_MS), because an
 * event's recordedAt is taken when its transaction starts and it becomes visible only when it
 * commits: a slow write committed after a later one is still caught. The ids delivered are
 * remembered while they are in the window, so nothing is sent twice.
 *
 * Only while this instance has a listener: without one a tick reads nothing and forgets what it
 * knew. The first listener's `listen` resolves once a first read has noted what is already there
 * (delivered to nobody); from then on every event that commits is delivered to it once. A
 * listener that leaves and another that comes within a tick keep the feed as it was.
 */
import type { Logger } from "../logger.ts";
import type { EventRecord } from "../store/change-repository.ts";
import type { Database } from "../store/database.ts";
import { readGraphVersion } from "../store/graph-version.ts";
import { type RecentEvent, recentEvents } from "../store/live-event-repository.ts";

export type EventListener = (event: EventRecord) => void;

export class EventFeed {
  private readonly listeners = new Set<EventListener>();
  /** Delivered (or already there when the feed began) event ids, with their recordedAt in ms. */
  private readonly seen = new Map<string, number>();
  /** The graph's version at the last poll; null: nothing read yet (idle, or never started). */
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
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    await this.running;
  }

  /**
   * Calls `listener` with every event that commits from now on, until the returned function is
   * called. Resolves once the feed knows what is already there (at once while it runs for
   * another listener; after one read when it was idle, or sooner if that read failed: the next
   * tick then takes it up).
   */
  async listen(listener: EventListener): Promise<() => void> {
    this.listeners.add(listener);
    const stop = () => void this.listeners.delete(listener);
    if (this.version !== null) return stop;
    // A poll begun before this listener came read nothing (the feed was idle): one more, now.
    await this.running;
    if (this.version === null) await this.tick();
    return stop;
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
    if (this.listeners.size === 0) return this.idle();
    const version = await readGraphVersion(this.db);
    if (version === this.version) return;
    // The first read only notes what is there; later ones read the records of the new events.
    const known = this.version === null ? null : [...this.seen.keys()];
    const recent = await recentEvents(this.db, this.lookbackMs, known);
    this.version = version;
    for (const e of recent) if (!this.seen.has(e.id)) this.seen.set(e.id, Date.parse(e.recordedAt));
    this.forgetOld(recent);
    for (const { event } of recent) if (event) for (const listener of this.listeners) listener(event);
  }

  /** No listener: nothing is read, and the next listener starts afresh. */
  private idle(): void {
    this.version = null;
    this.seen.clear();
  }

  /** Keeps only the ids still inside the window (by the newest event's clock, Neo4j's). */
  private forgetOld(recent: RecentEvent[]): void {
    const newest = recent.reduce((max, e) => Math.max(max, Date.parse(e.recordedAt)), 0);
    for (const [id, at] of this.seen) if (at < newest - 2 * this.lookbackMs) this.seen.delete(id);
  }
}
