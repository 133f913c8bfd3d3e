/**
 * The database's state as this service sees it: up, down or restarting, since when, and the
 * last error. The supervisor (src/neo4j/supervisor.ts) sets it when the embedded JVM
 * exits or comes back; failed queries (src/store/database.ts) ask for a probe. While it is not
 * up, requests fail at once instead of waiting out the driver's retries, and a probe runs every
 * second until the database answers again. /health and /ready report it (src/http/health.ts).
 */

export type DatabaseState = "up" | "down" | "restarting";

export interface HealthSnapshot {
  state: DatabaseState;
  /** ISO time of the last change of state. */
  since: string;
  lastError?: string;
}

/** A probe: resolves when the database answered, rejects (with the reason) otherwise. */
export type Ping = (timeoutMs: number) => Promise<void>;

export class PingTimeout extends Error {
  override name = "PingTimeout";
}

export interface HealthOptions {
  /** How long a probe may take. */
  probeTimeoutMs?: number;
  /** How often a database that is down is probed. */
  recoveryIntervalMs?: number;
  /**
   * How long probes may keep timing out (the server accepts connections but does not answer)
   * before it counts as down: a busy server is slow, not down.
   */
  hungAfterMs?: number;
}

export class DatabaseHealth {
  private state: DatabaseState = "up";
  private since = new Date();
  private lastError: string | undefined;
  private probing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checkIntervalMs = 0;
  /** When the probes began to time out, while up; undefined after an answer. */
  private timingOutSince: number | undefined;
  private closed = false;
  private readonly listeners = new Set<(s: HealthSnapshot, previous: DatabaseState) => void>();
  private readonly probeTimeoutMs: number;
  private readonly recoveryIntervalMs: number;
  private readonly hungAfterMs: number;

  constructor(
    private readonly ping: Ping,
    opts: HealthOptions = {},
  ) {
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 1000;
    this.recoveryIntervalMs = opts.recoveryIntervalMs ?? 1000;
    this.hungAfterMs = opts.hungAfterMs ?? 15_000;
  }

  get isUp(): boolean {
    return this.state === "up";
  }

  snapshot(): HealthSnapshot {
    return {
      state: this.state,
      since: this.since.toISOString(),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Called with the new snapshot and the previous state on every change of state. */
  onChange(listener: (s: HealthSnapshot, previous: DatabaseState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(state: DatabaseState, error?: unknown): void {
    if (error !== undefined) this.lastError = firstLine(error);
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.since = new Date();
    this.timingOutSince = undefined;
    for (const listener of this.listeners) listener(this.snapshot(), previous);
    this.schedule();
  }

  /**
   * A periodic liveness probe while the database is up (for a server this process does not
   * own, whose death it cannot otherwise see); 0 turns it off. Probes while down run anyway.
   */
  monitor(checkIntervalMs: number): void {
    this.checkIntervalMs = checkIntervalMs;
    this.schedule();
  }

  /**
   * Probes now (concurrent callers share one probe) and updates the state: true when the
   * database answered. A refused or broken connection means down at once; probes that only
   * time out (a busy server, an exhausted pool) mean down once they have done so for hungAfterMs.
   */
  probe(): Promise<boolean> {
    this.probing ??= this.ping(this.probeTimeoutMs)
      .then(
        () => {
          this.timingOutSince = undefined;
          this.set("up");
          return true;
        },
        (err: unknown) => {
          if (this.closed) return false;
          if (err instanceof PingTimeout && this.state === "up") {
            this.timingOutSince ??= Date.now();
            if (Date.now() - this.timingOutSince < this.hungAfterMs) return false;
          }
          this.set(this.state === "restarting" ? "restarting" : "down", err);
          return false;
        },
      )
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    const delay = this.isUp ? this.checkIntervalMs : this.recoveryIntervalMs;
    if (delay <= 0) return;
    this.timer = setTimeout(() => {
      void this.probe().finally(() => this.schedule());
    }, delay);
    // Probing never keeps the process alive by itself.
    this.timer.unref();
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() ?? message;
}
