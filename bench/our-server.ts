/**
 * Our service, as `npm start` runs it but on the bench database and port, for bench/run.ts to
 * start as a child process (so that its RSS can be read from /proc). NEO4J_URI,
 * NEO4J_PASSWORD, PORT, and any other setting of src/config.ts (WRITE_TIMEOUT_MS, JWT_SECRET…);
 * prints `READY <url>`. With STATS_PORT, also answers
 * `GET http://127.0.0.1:<STATS_PORT>/` with the result cache's counters (hits, misses, joined,
 * version checks), from which the benchmark reports a hit rate.
 */
import "../src/runtime.ts";
import { createServer } from "node:http";
import { loadConfig } from "../src/config.ts";
import { resultCacheTotals } from "../src/graphql/result-cache.ts";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { Database } from "../src/store/database.ts";

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    GRAPHIQL: "false",
    // The benchmark's clients all come from 127.0.0.1 at hundreds of requests a second.
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const log = createLogger(config.LOG_LEVEL);
  const db = new Database({
    uri: config.NEO4J_URI ?? "bolt://127.0.0.1:7801",
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD ?? "",
    database: config.NEO4J_DATABASE,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
  });
  await db.verify();
  const server = await startServer({ db, config, log, port: config.PORT, host: "127.0.0.1" });
  if (process.env.STATS_PORT)
    createServer((_, res) => res.end(JSON.stringify(resultCacheTotals))).listen(
      Number(process.env.STATS_PORT),
      "127.0.0.1",
    );
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
