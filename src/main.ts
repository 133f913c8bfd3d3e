/**
 * The service (`node dist/main.js` once built, which `npm start` does; `npm run dev` from source):
 * Neo4j (embedded unless NEO4J_URI is set), migrations, the seed when the database is empty,
 * then GraphQL on http://localhost:4000/graphql. Known start-up failures
 * print one line saying what is wrong and how to fix it, and exit non-zero.
 */
import "./runtime.ts";
import { type Backend, openBackend } from "./bootstrap.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { jwtSecretNoticeText, withLocalJwtSecret } from "./local-secrets.ts";
import { createLogger } from "./logger.ts";
import { Neo4jLaunchError } from "./neo4j/launcher.ts";
import { loadSeed } from "./seed/load-seed.ts";
import { SeedValidationError } from "./seed/validate-seed.ts";
import { PortInUseError, type RunningServer, startServer } from "./server.ts";
import { DatabaseConnectionError } from "./store/database.ts";
import { isDatabaseEmpty } from "./store/seed-repository.ts";

const KNOWN = [ConfigError, Neo4jLaunchError, DatabaseConnectionError, PortInUseError, SeedValidationError];

async function main(): Promise<void> {
  const loaded = loadConfig();
  const log = createLogger(loaded.LOG_LEVEL);
  const { config, notice } = withLocalJwtSecret(loaded);
  if (notice) log.info({ file: notice.file }, jwtSecretNoticeText(notice));
  let backend: Backend | undefined;
  let server: RunningServer | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, answer every request already received (SHUTDOWN_DRAIN_MS at most), then stop Neo4j.
    log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, "shutting down: draining requests in flight");
    await server?.stop().catch((err) => log.error({ err }, "HTTP stop failed"));
    log.info("requests drained; stopping Neo4j");
    await backend?.close().catch((err) => log.error({ err }, "Neo4j stop failed"));
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    backend = await openBackend(config, log);
    const empty = await isDatabaseEmpty(backend.db);
    if (config.SEED_ON_START === "always" || (config.SEED_ON_START === "auto" && empty)) {
      const started = Date.now();
      const seed = await loadSeed(backend.db);
      log.info(
        { units: seed.units.length, relations: seed.relations.length, ms: Date.now() - started },
        "seed loaded",
      );
    }
    server = await startServer({ db: backend.db, config, log });
    log.info({ url: server.url }, `GraphQL ready at ${server.url}`);
  } catch (e) {
    await backend?.close().catch(() => {});
    throw e;
  }
}

main().catch((e: unknown) => {
  if (KNOWN.some((k) => e instanceof k)) {
    console.error(`party-org-graph: ${(e as Error).message}`);
  } else {
    console.error("party-org-graph: unexpected start-up failure:", e);
  }
  process.exit(1);
});
