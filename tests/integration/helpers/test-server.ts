/** Starts the real HTTP server in-process against the test Neo4j, and a small GraphQL client. */
import { inject } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logger.ts";
import { type RunningServer, startServer } from "../../../src/server.ts";
import { Database } from "../../../src/store/database.ts";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { requestId?: string; cypherRoundTrips?: number };
}

export interface TestServer {
  url: string;
  base: string;
  db: Database;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const neo4j = inject("neo4j");
  const config = loadConfig({
    // A first query on a cold Neo4j can take seconds on a busy machine: the time budget is
    // tested on its own (limits.test.ts) and kept out of the way of the other tests.
    REQUEST_TIMEOUT_MS: "120000",
    // The same for the write budget (tested in recovery.test.ts): a lone change can take seconds.
    WRITE_TIMEOUT_MS: "60000",
    // Dozens of servers start on one busy Neo4j: no warm-up (warm-up.test.ts turns it on).
    WARMUP: "off",
    ...env,
    NEO4J_URI: neo4j.uri,
    NEO4J_PASSWORD: neo4j.password,
    LOG_LEVEL: "silent",
  });
  const db = new Database({ ...neo4j, writeTimeoutMs: config.WRITE_TIMEOUT_MS });
  const server: RunningServer = await startServer({
    db,
    config,
    log: createLogger("silent"),
    port: 0,
    host: "127.0.0.1",
  });
  const base = server.url.replace(/\/graphql$/, "");
  return {
    url: server.url,
    base,
    db,
    async gql(query, variables) {
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse<never>;
    },
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
