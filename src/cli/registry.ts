/**
 * `npm run registry -- import <file.csv|file.xlsx> [--dry-run] [--effective-on yyyy-mm-dd]
 * [--actor name]`: the registry import from the command line, with the same checks, diff and
 * change path as POST /registry/import. It talks to the database directly, so it acts as an
 * admin; the Event records `--actor` (default `registry-cli:<os user>`). Prints the report as
 * JSON; exits 1 on problems (nothing written), 0 otherwise.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import type { Principal } from "../auth/principal.ts";
import { openBackend } from "../bootstrap.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { effectiveDateRange, isIsoDate, todayInVietnam } from "../domain/dates.ts";
import { DomainError } from "../domain/errors.ts";
import { createLogger } from "../logger.ts";
import { importRegistry } from "../registry/import-service.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "dry-run": { type: "boolean", default: false },
    "effective-on": { type: "string" },
    actor: { type: "string", default: `registry-cli:${os.userInfo().username}` },
  },
});

async function run(): Promise<number> {
  const [command, file] = positionals;
  if (command !== "import" || !file) {
    console.error(
      "usage: npm run registry -- import <file.csv|file.xlsx> [--dry-run] [--effective-on yyyy-mm-dd] [--actor name]",
    );
    return 2;
  }
  const effectiveOn = values["effective-on"] ?? todayInVietnam();
  if (!isIsoDate(effectiveOn)) {
    console.error(`--effective-on: "${effectiveOn}" is not a date (yyyy-mm-dd)`);
    return 2;
  }
  const bytes = new Uint8Array(await readFile(file));
  const config = loadConfig();
  const backend = await openBackend(config, createLogger(config.LOG_LEVEL));
  const principal: Principal = { role: "admin", subject: values.actor ?? "registry-cli", scopes: [] };
  try {
    const report = await importRegistry(backend.db, principal, bytes, {
      effectiveOn,
      dates: effectiveDateRange(config.EFFECTIVE_DATE_MIN, config.EFFECTIVE_DATE_MAX_YEARS_AHEAD),
      dryRun: values["dry-run"] ?? false,
      maxRows: config.REGISTRY_IMPORT_MAX_ROWS,
    });
    console.log(JSON.stringify(report, null, 2));
    return report.problems.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof DomainError) {
      console.log(JSON.stringify({ error: e.message, ...e.details }, null, 2));
      return 1;
    }
    throw e;
  } finally {
    await backend.close();
  }
}

run()
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(
      e instanceof ConfigError ? e.message : `registry failed: ${e instanceof Error ? e.message : e}`,
    );
    process.exit(1);
  });
