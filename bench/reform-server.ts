/**
 * Our service for bench/reform.ts, as bench/our-server.ts starts it (NEO4J_URI, NEO4J_PASSWORD,
 * PORT; prints `READY <url>`), but with the configured write time budget (WRITE_TIMEOUT_MS): an
 * abolishLevel or a province's merger moves a whole old province in one transaction.
 */
import "../src/runtime.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { Database } from "../src/store/database.ts";

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    GRAPHIQL: "false",
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const db = new Database({
    uri: config.NEO4J_URI ?? "bolt://127.0.0.1:7821",
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD ?? "",
    database: config.NEO4J_DATABASE,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
  });
  await db.verify();
  const server = await startServer({
    db,
    config,
    log: createLogger(config.LOG_LEVEL),
    port: config.PORT,
    host: "127.0.0.1",
  });
  console.log(`READY ${server.url}`);
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error("our server failed:", e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
