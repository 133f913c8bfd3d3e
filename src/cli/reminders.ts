/**
 * `npm run reminders -- --once [--dry-run] [--today yyyy-mm-dd]`: one round of chat reminders
 * (src/reminders) for the active subscriptions stored in Neo4j (the GraphQL mutations) and those
 * of REMINDERS_FILE when set: what is due from today within each subscription's lead days, sent
 * once each (recorded in Neo4j), with retries. For a deployment without the in-service scheduler
 * (REMINDERS_SCHEDULER=off), run it from cron (e.g. every hour); a second run sends only what is
 * new, also beside running schedulers. `--dry-run` lists, sends nothing.
 */
import { parseArgs } from "node:util";
import { openBackend } from "../bootstrap.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { isIsoDate, todayInVietnam } from "../domain/dates.ts";
import { createLogger } from "../logger.ts";
import { loadSubscriptions, RemindersConfigError } from "../reminders/config.ts";
import { configuredRound } from "../reminders/scheduler.ts";

const { values } = parseArgs({
  options: {
    once: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    today: { type: "string" },
  },
});

async function run(): Promise<number> {
  const config = loadConfig();
  if (!values.once) {
    console.error("usage: npm run reminders -- --once [--dry-run] [--today yyyy-mm-dd]");
    return 2;
  }
  const today = values.today ?? todayInVietnam();
  if (!isIsoDate(today)) {
    console.error(`--today: "${today}" is not a date (yyyy-mm-dd)`);
    return 2;
  }
  const fromFile = config.REMINDERS_FILE ? loadSubscriptions(config.REMINDERS_FILE) : [];
  const log = createLogger(config.LOG_LEVEL);
  const backend = await openBackend(config, log);
  try {
    const result = await configuredRound({ db: backend.db, config, log }, fromFile, {
      today,
      dryRun: values["dry-run"] ?? false,
    });
    console.log(JSON.stringify(result, null, 2));
    return result.failed.length + result.errors.length > 0 ? 1 : 0;
  } finally {
    await backend.close();
  }
}

run()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    const known = e instanceof ConfigError || e instanceof RemindersConfigError;
    console.error(known ? (e as Error).message : `reminders failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
