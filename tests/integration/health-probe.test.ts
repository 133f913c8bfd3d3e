/**
 * The health probe has a connection of its own (review s10 #3), against the real Neo4j: with every
 * connection of the service's pool held by open transactions — as 30 aliased heavy reads held
 * them — the probe still answers, the database stays "up" and /ready stays 200. A busy pool is
 * not a dead database. (A dead one is still seen at once: recovery.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchTransaction, MAX_CONNECTION_POOL_SIZE } from "../../src/store/database.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
const held: BatchTransaction[] = [];

beforeAll(async () => {
  server = await startTestServer({ NEO4J_CHECK_INTERVAL_MS: "200" });
});

afterAll(async () => {
  await Promise.all(held.map((tx) => tx.rollback().then(() => tx.close())));
  await server.close();
});

describe("the health probe with the pool exhausted", () => {
  it("keeps answering: the database stays up and /ready 200", async () => {
    // Every pooled connection is taken by a transaction that has run a read and stays open.
    for (let i = 0; i < MAX_CONNECTION_POOL_SIZE; i++) {
      const tx = server.db.openBatchTransaction();
      held.push(tx);
      await tx.run([{ cypher: "MATCH (u:Unit) RETURN count(u) AS n" }]);
    }
    expect(server.db.sessionsInUse).toBeGreaterThanOrEqual(MAX_CONNECTION_POOL_SIZE);

    expect(await server.db.health.probe()).toBe(true);
    const answers: { status: number; state: string }[] = [];
    // Over a few seconds, so that the periodic probe (every 200 ms) runs many times meanwhile.
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${server.base}/ready`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { database: { state: string } };
      answers.push({ status: res.status, state: body.database.state });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ status: 200, state: "up" })));
    expect(server.db.health.snapshot().state).toBe("up");
  });
});
