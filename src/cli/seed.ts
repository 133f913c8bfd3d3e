/** `npm run seed`: validate the seed files and load them (one transaction, idempotent). `--check` only validates. */
import { openBackend } from "../bootstrap.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { loadSeed, readAndValidateSeed } from "../seed/load-seed.ts";
import { SeedValidationError } from "../seed/validate-seed.ts";

async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  if (process.argv.includes("--check")) {
    const seed = await readAndValidateSeed();
    console.log(
      `seed is valid: ${seed.units.length} units, ${seed.relations.length} relations, ${seed.provisions.length} provisions`,
    );
    return;
  }
  const backend = await openBackend(config, log);
  try {
    const seed = await loadSeed(backend.db);
    console.log(
      `seed loaded: ${seed.units.length} units, ${seed.relations.length} relations, ${seed.provisions.length} provisions`,
    );
  } finally {
    await backend.close();
  }
}

run().catch((e: unknown) => {
  if (e instanceof SeedValidationError || e instanceof ConfigError) console.error(e.message);
  else console.error("seed failed:", e instanceof Error ? e.message : e);
  process.exit(1);
});
