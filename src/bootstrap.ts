/**
 * Start-up shared by `npm start`, `npm run seed` and the tests: the embedded Neo4j when no
 * NEO4J_URI is given, the driver, and the migrations.
 */
import path from "node:path";
import type { Config } from "./config.ts";
import { neo4jPassword } from "./local-secrets.ts";
import type { Logger } from "./logger.ts";
import { type EmbeddedNeo4j, ensureNeo4jBuilt, startEmbeddedNeo4j } from "./neo4j/launcher.ts";
import { superviseNeo4j } from "./neo4j/supervisor.ts";
import { Database } from "./store/database.ts";
import { migrate } from "./store/migrate.ts";

export interface Backend {
  db: Database;
  /** The embedded Neo4j running now (the supervisor restarts it if it dies); undefined with NEO4J_URI. */
  readonly embedded: EmbeddedNeo4j | undefined;
  close(): Promise<void>;
}

export async function openBackend(config: Config, log: Logger): Promise<Backend> {
  let embedded: EmbeddedNeo4j | undefined;
  let uri = config.NEO4J_URI;
  const password = neo4jPassword(config);
  // The same data folder, port and password at start and at every restart.
  const startEmbedded = () =>
    startEmbeddedNeo4j({
      boltPort: config.NEO4J_BOLT_PORT,
      dataDir: path.resolve(config.NEO4J_DATA_DIR),
      heapMb: config.NEO4J_HEAP_MB,
      pageCacheMb: config.NEO4J_PAGECACHE_MB,
      password,
      startTimeoutMs: config.NEO4J_START_TIMEOUT_MS,
      log: (line) => log.debug({ neo4j: line }),
    });
  if (!uri) {
    await ensureNeo4jBuilt();
    const started = Date.now();
    embedded = await startEmbedded();
    log.info({ uri: embedded.uri, pid: embedded.pid, ms: Date.now() - started }, "embedded Neo4j started");
    uri = embedded.uri;
  }
  const db = new Database({
    uri,
    user: embedded ? embedded.user : config.NEO4J_USER,
    password,
    database: config.NEO4J_DATABASE,
    maxTransactionRetryMs: config.NEO4J_MAX_RETRY_MS,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
  });
  let supervisor: ReturnType<typeof superviseNeo4j> | undefined;
  const close = async () => {
    supervisor?.stop();
    await db.close().catch(() => {});
    await (supervisor?.embedded ?? embedded)?.stop();
  };
  try {
    await db.verify();
    const ran = await migrate(db);
    if (ran.length > 0) log.info({ migrations: ran }, "migrations applied");
  } catch (e) {
    await close();
    throw e;
  }
  // Only a start that succeeded is supervised: start-up failures stay failures.
  supervisor = superviseNeo4j({
    db,
    log,
    embedded: embedded && { current: embedded, restart: startEmbedded },
    checkIntervalMs: config.NEO4J_CHECK_INTERVAL_MS,
  });
  const running = supervisor;
  return {
    db,
    get embedded() {
      return running.embedded;
    },
    close,
  };
}
