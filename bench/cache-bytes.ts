/**
 * `node --expose-gc --import tsx bench/cache-bytes.ts --uri bolt://127.0.0.1:7811 [--requests 1500]`
 *
 * What the result cache really holds in V8's heap against what it counts (RESULT_CACHE_MB bounds
 * its own estimate): our server in this process, with a cache large enough to evict nothing, asked
 * `--requests` distinct inputs (bench/distinct.ts) of one question after another; after each, the
 * heap used after a full collection with the cache full and again once it is cleared — the
 * difference is what its entries take — beside the cache's estimate and its entries by area.
 */
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { loadConfig } from "../src/config.ts";
import { ResultCache } from "../src/graphql/result-cache.ts";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { Database } from "../src/store/database.ts";
import { distinctQuestions, pickDistinct } from "./distinct.ts";
import { BENCH_PASSWORD } from "./neo4j.ts";

const { values: args } = parseArgs({
  options: {
    uri: { type: "string", default: "bolt://127.0.0.1:7811" },
    port: { type: "string", default: "4219" },
    requests: { type: "string", default: "1500" },
    clients: { type: "string", default: "8" },
  },
});

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const MB = 1024 * 1024;

/** The heap used after full collections, MB. */
function liveMb(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed / MB;
}

// The server's cache is made inside startServer: note it when it is first used.
let cache: ResultCache | null = null;
const batch = ResultCache.prototype.batch;
ResultCache.prototype.batch = function (this: ResultCache, ...a: Parameters<typeof batch>) {
  cache = this;
  return batch.apply(this, a);
} as typeof batch;

/** Entries and estimated MB by area (the key's second part). */
function byArea(c: ResultCache): Record<string, { entries: number; estimatedMb: number }> {
  const lru = (c as unknown as { lru: Map<string, unknown> & { getRemainingTTL: unknown } })
    .lru as unknown as {
    entries(): IterableIterator<[string, unknown]>;
    info(key: string): { size?: number } | undefined;
  };
  const out: Record<string, { entries: number; estimatedMb: number }> = {};
  for (const [key] of lru.entries()) {
    const area = key.split("|")[1] ?? "?";
    const a = out[area] ?? { entries: 0, estimatedMb: 0 };
    a.entries++;
    a.estimatedMb += (lru.info(key)?.size ?? 0) / MB;
    out[area] = a;
  }
  for (const a of Object.values(out)) a.estimatedMb = Math.round(a.estimatedMb * 10) / 10;
  return out;
}

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    NEO4J_URI: args.uri,
    NEO4J_PASSWORD: BENCH_PASSWORD,
    LOG_LEVEL: "error",
    GRAPHIQL: "false",
    RATE_LIMIT_PER_MINUTE: "0",
    RESULT_CACHE_MB: "1024",
  });
  const db = new Database({
    uri: args.uri as string,
    user: "neo4j",
    password: BENCH_PASSWORD,
    writeTimeoutMs: config.WRITE_TIMEOUT_MS,
  });
  const server = await startServer({
    db,
    config,
    log: createLogger("error"),
    port: Number(args.port),
    host: "127.0.0.1",
  });
  const driver = neo4j.driver(args.uri as string, neo4j.auth.basic("neo4j", BENCH_PASSWORD));
  const n = Number(args.requests);
  const rows: Record<string, unknown>[] = [];
  try {
    const inputs = await pickDistinct(driver, n);
    let before = liveMb();
    for (const q of distinctQuestions(inputs)) {
      // `clients` requests at a time, each input once.
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < Math.min(n, q.samples); i = next++) {
          const res = await fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(q.ours(i)),
          });
          await res.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: Number(args.clients) }, worker));
      const c = cache as ResultCache | null;
      if (!c) throw new Error("the server made no result cache");
      const full = liveMb();
      const estimated = c.bytes / MB;
      const areas = byArea(c);
      const entries = c.size;
      c.clear();
      const cleared = liveMb();
      const row = {
        question: q.key,
        requests: Math.min(n, q.samples),
        entries,
        estimatedMb: Math.round(estimated * 10) / 10,
        realMb: Math.round((full - cleared) * 10) / 10,
        realPerEstimated: Math.round(((full - cleared) / estimated) * 100) / 100,
        heapBeforeMb: Math.round(before),
        heapFullMb: Math.round(full),
        areas,
      };
      console.log(JSON.stringify(row));
      rows.push(row);
      before = cleared;
    }
  } finally {
    await driver.close();
    await server.stop();
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
