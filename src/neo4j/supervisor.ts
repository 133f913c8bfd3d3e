/**
 * Keeps Neo4j running while the service runs. An embedded JVM that exits without being asked
 * to is started again on the same data folder, port and password, with backoff (1 s, 2 s,
 * 4 s … 30 s; from 1 s again once a start has lasted a minute). The driver reconnects to the
 * same address by itself, so the one Database object stays valid. A periodic probe covers
 * what an exit event cannot show: a hung JVM, or a server this process does not own
 * (NEO4J_URI), which the driver reconnects to when it returns. The state lives in
 * db.health (src/store/database-health.ts); each change of it is one log line.
 */
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import type { EmbeddedNeo4j } from "./launcher.ts";

const FIRST_BACKOFF_MS = 1000;
const STABLE_AFTER_MS = 60_000;

export interface SupervisorOptions {
  db: Database;
  log: Logger;
  /** The embedded Neo4j to watch, and how to start it again; absent for NEO4J_URI. */
  embedded?: { current: EmbeddedNeo4j; restart: () => Promise<EmbeddedNeo4j> };
  /** How often a database that is up is probed (NEO4J_CHECK_INTERVAL_MS); 0 turns it off. */
  checkIntervalMs: number;
  maxBackoffMs?: number;
}

export interface Neo4jSupervisor {
  /** The embedded Neo4j running now (a new one after each restart). */
  readonly embedded: EmbeddedNeo4j | undefined;
  /** Stops watching and restarting; the caller then stops `embedded`. */
  stop(): void;
}

/** One log line per change of the database's state; returns the unsubscribe. */
function logStateChanges(db: Database, log: Logger): () => void {
  return db.health.onChange((s, previous) => {
    if (s.state === "up") log.info({ database: s, was: previous }, "Neo4j is back");
    else if (s.state === "down") log.error({ database: s }, "Neo4j is down");
    else log.warn({ database: s }, "Neo4j is restarting");
  });
}

// Over 60 lines on purpose: one closure holds the supervisor's state (current process, attempts,
// timer); its steps (watch, restartNow, scheduleRestart) are named functions inside it.
export function superviseNeo4j(opts: SupervisorOptions): Neo4jSupervisor {
  const { db, log } = opts;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  let current = opts.embedded?.current;
  let stopped = false;
  let attempts = 0;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const unsubscribe = logStateChanges(db, log);

  const scheduleRestart = (restart: () => Promise<EmbeddedNeo4j>) => {
    if (Date.now() - startedAt > STABLE_AFTER_MS) attempts = 0;
    const delay = Math.min(FIRST_BACKOFF_MS * 2 ** attempts, maxBackoffMs);
    attempts++;
    log.warn({ inMs: delay, attempt: attempts }, "embedded Neo4j will be restarted");
    timer = setTimeout(() => void restartNow(restart), delay);
  };

  const restartNow = async (restart: () => Promise<EmbeddedNeo4j>) => {
    if (stopped) return;
    db.health.set("restarting");
    try {
      const neo = await restart();
      if (stopped) {
        await neo.stop();
        return;
      }
      current = neo;
      startedAt = Date.now();
      log.info({ pid: neo.pid, attempt: attempts }, "embedded Neo4j restarted");
      watch(neo, restart);
      await db.health.probe();
    } catch (err) {
      if (stopped) return;
      db.health.set("down", err);
      scheduleRestart(restart);
    }
  };

  const watch = (neo: EmbeddedNeo4j, restart: () => Promise<EmbeddedNeo4j>) => {
    void neo.exited.then(({ code, signal }) => {
      if (stopped || neo !== current) return;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      db.health.set("down", new Error(`the embedded Neo4j (pid ${neo.pid}) exited (${how})`));
      scheduleRestart(restart);
    });
  };

  if (opts.embedded && current) watch(current, opts.embedded.restart);
  db.health.monitor(opts.checkIntervalMs);

  return {
    get embedded() {
      return current;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      db.health.monitor(0);
      unsubscribe();
    },
  };
}
