/**
 * The reminder scheduler inside the service (REMINDERS_SCHEDULER=on): a round every
 * REMINDERS_INTERVAL_S seconds — the first at start — over the active stored subscriptions and
 * those of REMINDERS_FILE. Each reminder is claimed in Neo4j before it is posted, so any number
 * of instances can run it side by side and a restart sends nothing twice. `stop()` (the
 * server's shutdown path) ends the wait, aborts a post in flight (that reminder is marked
 * failed and sent by a later round) and resolves when the round has finished.
 */
import type { Config } from "../config.ts";
import { todayInVietnam } from "../domain/dates.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { listSubscriptions, type SubscriptionRecord } from "../store/reminder-repository.ts";
import { loadSubscriptions } from "./config.ts";
import type { Subscription } from "./message.ts";
import { type RoundResult, type RoundSubscription, runReminderRound } from "./run.ts";

export interface ReminderScheduler {
  stop(): Promise<void>;
}

type Deps = { db: Database; config: Config; log: Logger };

/** A stored subscription as a round takes it. */
export function roundSubscription(s: SubscriptionRecord): RoundSubscription {
  return {
    id: s.id,
    units: [s.unitId],
    includeSubtree: s.includeSubtree,
    types: s.types,
    daysBefore: s.daysBefore,
    format: s.format,
    webhookUrl: s.webhookUrl,
    stored: true,
    // One stored before its creator's scopes were kept: read as narrowly as still covers its unit.
    reader: {
      role: s.readerRole ?? "editor",
      subject: s.createdBy,
      scopes: s.readerScopes ?? [s.unitId],
    },
  };
}

/** The longest one reminder's posting can take: every attempt timing out, with the backoffs between. */
export function longestSendMs(c: Config): number {
  return (
    c.REMINDERS_ATTEMPTS * c.REMINDERS_TIMEOUT_MS +
    c.REMINDERS_BACKOFF_MS * (2 ** (c.REMINDERS_ATTEMPTS - 1) - 1)
  );
}

/**
 * One round over the active stored subscriptions and `fromFile`, with the posting settings of
 * the configuration: what the scheduler runs each interval and the CLI runs once.
 */
export async function configuredRound(
  deps: Deps,
  fromFile: readonly Subscription[],
  when: { today: string; dryRun: boolean; signal?: AbortSignal },
): Promise<RoundResult> {
  const { config } = deps;
  const stored = await listSubscriptions(deps.db, { unitIds: null, activeOnly: true });
  return runReminderRound(deps, [...stored.map(roundSubscription), ...fromFile], {
    ...when,
    publicUrl: config.REMINDERS_PUBLIC_URL,
    send: {
      attempts: config.REMINDERS_ATTEMPTS,
      backoffMs: config.REMINDERS_BACKOFF_MS,
      timeoutMs: config.REMINDERS_TIMEOUT_MS,
    },
    leaseSeconds: config.REMINDERS_LEASE_S,
  });
}

export function startReminderScheduler(deps: Deps): ReminderScheduler {
  const { config, log } = deps;
  if (config.REMINDERS_SCHEDULER !== "on") return { stop: async () => {} };
  // A bad file stops the start, as the CLI does.
  const fromFile: Subscription[] = config.REMINDERS_FILE ? loadSubscriptions(config.REMINDERS_FILE) : [];
  if (config.REMINDERS_LEASE_S * 1000 <= longestSendMs(config))
    log.warn(
      { leaseS: config.REMINDERS_LEASE_S, longestSendMs: longestSendMs(config) },
      "REMINDERS_LEASE_S is shorter than one reminder's longest posting: another instance may take over a claim still being sent",
    );
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const round = (): Promise<RoundResult> =>
    configuredRound(deps, fromFile, { today: todayInVietnam(), dryRun: false, signal: abort.signal });
  const loop = () => {
    running = round()
      .then((r) => {
        if (r.sent.length + r.failed.length + r.errors.length > 0)
          log.info(
            {
              sent: r.sent.length,
              failed: r.failed.length,
              skipped: r.skipped.length,
              errors: r.errors.length,
            },
            "reminder round",
          );
      })
      .catch((err: unknown) => log.warn({ err }, "reminder round failed; the next round tries again"))
      .finally(() => {
        running = null;
        if (abort.signal.aborted) return;
        timer = setTimeout(loop, config.REMINDERS_INTERVAL_S * 1000);
        timer.unref();
      });
  };
  timer = setTimeout(loop, 0);
  timer.unref();
  log.info({ intervalS: config.REMINDERS_INTERVAL_S, fromFile: fromFile.length }, "reminder scheduler on");
  return {
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
