/**
 * Start-up shared by `npm start`, `npm run seed` and the tests: the embedded Neo4j when no
 * NEO4J_URI is given, the driver, and the migrations.
 */
import path from "node:path";
import type { Config } from "./config.ts";
import { neo4jPassword } from "./local-secrets.ts";
import type { Logger } from "./logger.ts";
import { Database } from "./store/database.ts";
import { migrate } from "./store/migrate.ts";
import { type EmbeddedNeo4j, ensureNeo4jBuilt, startEmbeddedNeo4j } from "./store/neo4j-launcher.ts";

export interface Backend {
  db: Database;
  embedded: EmbeddedNeo4j | undefined;
  close(): Promise<void>;
}

export async function openBackend(config: Config, log: Logger): Promise<Backend> {
  let embedded: EmbeddedNeo4j | undefined;
  let uri = config.NEO4J_URI;
  const password = neo4jPassword(config);
  if (!uri) {
    await ensureNeo4jBuilt();
    const started = Date.now();
    embedded = await startEmbeddedNeo4j({
      boltPort: config.NEO4J_BOLT_PORT,
      dataDir: path.resolve(config.NEO4J_DATA_DIR),
      heapMb: config.NEO4J_HEAP_MB,
      pageCacheMb: config.NEO4J_PAGECACHE_MB,
      password,
      startTimeoutMs: config.NEO4J_START_TIMEOUT_MS,
      log: (line) => log.debug({ neo4j: line }),
    });
    log.info({ uri: embedded.uri, ms: Date.now() - started }, "embedded Neo4j started");
    uri = embedded.uri;
  }
  const db = new Database({
    uri,
    user: embedded ? embedded.user : config.NEO4J_USER,
    password,
    database: config.NEO4J_DATABASE,
    maxTransactionRetryMs: config.NEO4J_MAX_RETRY_MS,
  });
  const close = async () => {
    await db.close().catch(() => {});
    await embedded?.stop();
  };
  try {
    await db.verify();
    const ran = await migrate(db);
    if (ran.length > 0) log.info({ migrations: ran }, "migrations applied");
  } catch (e) {
    await close();
    throw e;
  }
  return { db, embedded, close };
}
