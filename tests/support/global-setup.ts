/**
 * Starts a throwaway Neo4j (embedded launcher, free port, temporary data folder), applies
 * the migrations and loads the seed; removes it all afterwards. With NEO4J_TEST_URI set,
 * uses that server instead (it must be disposable: the tests write to it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createLogger } from "../../src/logger.ts";
import { ensureNeo4jBuilt, startEmbeddedNeo4j } from "../../src/neo4j/launcher.ts";
import { loadSeed } from "../../src/seed/load-seed.ts";
import { Database } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrate.ts";
import { randomSecret } from "./secrets.ts";

export interface TestNeo4j {
  uri: string;
  user: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    neo4j: TestNeo4j;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** NEO4J_TEST_PASSWORD, which a disposable server named by NEO4J_TEST_URI needs: there is no default. */
function requiredTestPassword(): string {
  const password = process.env.NEO4J_TEST_PASSWORD;
  if (!password)
    throw new Error("NEO4J_TEST_URI is set: set NEO4J_TEST_PASSWORD to that server's password too");
  return password;
}

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.LOG_LEVEL ?? "warn");
  let target: TestNeo4j;
  let teardown = async () => {};
  if (process.env.NEO4J_TEST_URI) {
    target = {
      uri: process.env.NEO4J_TEST_URI,
      user: process.env.NEO4J_TEST_USER ?? "neo4j",
      password: requiredTestPassword(),
    };
  } else {
    await ensureNeo4jBuilt();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "party-org-graph-test-"));
    // Random per run: the service refuses any password the repository holds (src/repository-secrets.ts).
    const password = randomSecret();
    const neo4j = await startEmbeddedNeo4j({
      boltPort: await freePort(),
      dataDir,
      password,
      heapMb: 1024,
      pageCacheMb: 256,
      // A loaded machine may need longer than the launcher's 120 s (its error names this variable).
      startTimeoutMs: Number(process.env.NEO4J_START_TIMEOUT_MS) || undefined,
      log: (line) => log.debug({ neo4j: line }),
    });
    target = { uri: neo4j.uri, user: neo4j.user, password };
    teardown = async () => {
      await neo4j.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const db = new Database(target);
  try {
    await db.verify();
    await migrate(db);
    await loadSeed(db);
  } finally {
    await db.close();
  }
  project.provide("neo4j", target);
  return teardown;
}
