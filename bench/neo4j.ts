/**
 * The benchmarks' own Neo4j: the embedded launcher on a bench port and data folder (never the
 * default 7687 or .data/neo4j), migrated and seeded.
 */
import path from "node:path";
import { type EmbeddedNeo4j, ensureNeo4jBuilt, startEmbeddedNeo4j } from "../src/neo4j/launcher.ts";
import { loadSeed } from "../src/seed/load-seed.ts";
import { Database } from "../src/store/database.ts";
import { migrate } from "../src/store/migrate.ts";
import { isDatabaseEmpty } from "../src/store/seed-repository.ts";
import { benchPassword } from "./secrets.ts";

/** The bench Neo4j's password: generated once on this machine (bench/secrets.ts), never the repository's. */
export const BENCH_PASSWORD = benchPassword();

/** The command-line options (node:util parseArgs) of a benchmark that starts the bench Neo4j. */
export function neo4jOptions(defaults: { boltPort: string; memoryMb: string }) {
  return {
    "bolt-port": { type: "string", default: defaults.boltPort },
    heap: { type: "string", default: defaults.memoryMb },
    pagecache: { type: "string", default: defaults.memoryMb },
  } as const;
}

export interface BenchNeo4j {
  neo4j: EmbeddedNeo4j;
  db: Database;
  uri: string;
  stop(): Promise<void>;
}

export async function startBenchNeo4j(opts: {
  boltPort: number;
  dataDir: string;
  heapMb: number;
  pageCacheMb: number;
  log?: (line: string) => void;
}): Promise<BenchNeo4j> {
  await ensureNeo4jBuilt();
  const neo4j = await startEmbeddedNeo4j({
    boltPort: opts.boltPort,
    dataDir: path.resolve(opts.dataDir),
    heapMb: opts.heapMb,
    pageCacheMb: opts.pageCacheMb,
    password: BENCH_PASSWORD,
    startTimeoutMs: Number(process.env.NEO4J_START_TIMEOUT_MS ?? 300_000),
    log: opts.log,
  });
  const db = new Database({ uri: neo4j.uri, user: neo4j.user, password: BENCH_PASSWORD });
  try {
    // On a machine loaded far past its cores the first connection can take longer than the driver's 10 s.
    for (let attempt = 1; ; attempt++)
      try {
        await db.verify();
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 5_000));
      }
    await migrate(db);
    if (await isDatabaseEmpty(db)) await loadSeed(db);
  } catch (e) {
    await db.close().catch(() => {});
    await neo4j.stop();
    throw e;
  }
  return {
    neo4j,
    db,
    uri: neo4j.uri,
    async stop() {
      await db.close().catch(() => {});
      await neo4j.stop();
    },
  };
}
