/**
 * A change whose "lock, read again" rounds do not settle within MAX_LOCK_ROUNDS (review s14 F):
 * it must not go on without the locks it still misses. lockRound refuses the next round with
 * LocksUnsettledError, and Database, against the real Neo4j, rolls the attempt back and retries it
 * as a deadlock — what the attempt wrote is gone, the retry's answer is the client's — and once
 * NEO4J_MAX_RETRY_MS is spent answers DEADLOCK (SERVICE_UNAVAILABLE, retryable), nothing written.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { storeFailureOf } from "../../src/http/store-failures.ts";
import { Database, DatabaseBusyError, type TransactionRunner } from "../../src/store/database.ts";
import { lockRound, MAX_LOCK_ROUNDS } from "../../src/store/write-locks.ts";

const neo4j = inject("neo4j");
const db = new Database({ ...neo4j, maxTransactionRetryMs: 400 });
afterAll(async () => {
  await db.write("MATCH (p:LockRoundsProbe) DELETE p");
  await db.close();
});

/** Writes a probe node, then takes lock rounds as a change whose locks keep moving would: `rounds` of them. */
async function change(tx: TransactionRunner, marker: string, rounds: number): Promise<string> {
  await tx.run("CREATE (:LockRoundsProbe {marker: $marker})", { marker });
  for (let round = 0; round < rounds; round++) lockRound(round);
  return marker;
}

async function probes(marker: string): Promise<number> {
  const [row] = await db.read("MATCH (p:LockRoundsProbe {marker: $marker}) RETURN count(p) AS n", { marker });
  return Number(row?.n);
}

describe("lock rounds that do not settle (review s14 F)", () => {
  it("takes MAX_LOCK_ROUNDS rounds and refuses the next", () => {
    expect(() => {
      for (let round = 0; round < MAX_LOCK_ROUNDS; round++) lockRound(round);
    }).not.toThrow();
    expect(() => lockRound(MAX_LOCK_ROUNDS)).toThrow(/still moved after 10 rounds/);
  });

  it("rolls the attempt back and retries it: the retry that settles is written once", async () => {
    const marker = randomUUID();
    let attempts = 0;
    const answer = await db.boundedWriteTransaction((tx) =>
      change(tx, marker, ++attempts === 1 ? MAX_LOCK_ROUNDS + 1 : 2),
    );
    expect(answer).toBe(marker);
    expect(attempts).toBe(2);
    expect(await probes(marker)).toBe(1);
  });

  it("answers DEADLOCK, retryable, once the retries' time is spent, and nothing is written", async () => {
    const marker = randomUUID();
    let attempts = 0;
    const failure = await db
      .boundedWriteTransaction((tx) => {
        attempts++;
        return change(tx, marker, MAX_LOCK_ROUNDS + 1);
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseBusyError);
    expect(storeFailureOf(failure)).toEqual({
      message: expect.stringMatching(/kept changing.*nothing was written, retry it/),
      extensions: { code: "SERVICE_UNAVAILABLE", rule: "DEADLOCK", retryable: true },
    });
    expect(attempts).toBeGreaterThan(1);
    expect(await probes(marker)).toBe(0);
  });
});
