/**
 * What Neo4j (this repository's embedded 5.26, community, its default store format) locks when a
 * transaction creates or ends a relationship at a node, and which of our lock idioms wait for it:
 * `npx tsx bench/lock-probe.ts [--bolt-port 7832]` (issue 16, item 5; src/store/write-locks.ts
 * keeps the table this prints).
 *
 * Starts a throwaway Neo4j (a temporary data folder, removed afterwards), makes a dense node (60
 * relationships, past Neo4j's threshold of 50), a sparse one (3) and a node made dense in the
 * transaction that created it, and for each pair of operations (A, B) on one of them: opens A's
 * transaction and runs A, then runs B in a second transaction while A is still open. B either
 * finishes while A is open ("runs") or only once A has committed ("waits") — an ordering, observed
 * by whether B had finished when A committed; A commits after B finishes or after `--wait-ms`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import neo4j, { type Driver, type Transaction } from "neo4j-driver";
import { ensureNeo4jBuilt, startEmbeddedNeo4j } from "../src/neo4j/launcher.ts";
import { randomBenchSecret } from "./secrets.ts";

const { values: args } = parseArgs({
  options: {
    "bolt-port": { type: "string", default: "7832" },
    "wait-ms": { type: "string", default: "4000" },
  },
});

/** One operation on the node `$id`; `$k` tells A's relationships from B's. */
const OPS: Record<string, string> = {
  "create a relationship to it": "MATCH (x:Probe {id: $id}) CREATE (:Leaf {k: $k})-[:L {k: $k}]->(x)",
  "SET + REMOVE a property (writeLock)":
    "MATCH (x:Probe {id: $id}) SET x.writeLock = true REMOVE x.writeLock",
  "SET + REMOVE a label": "MATCH (x:Probe {id: $id}) SET x:WriteLock REMOVE x:WriteLock",
  "SET a property of one of its relationships (end a link)":
    "MATCH (x:Probe {id: $id})<-[r:L {k: $old}]-() SET r.validTo = date()",
  "delete one of its relationships": "MATCH (x:Probe {id: $id})<-[r:L {k: $old}]-() DELETE r",
  "create and delete a relationship at it (nothing left)":
    "MATCH (x:Probe {id: $id}) CREATE (x)-[t:HOLD]->(x) DELETE t",
};

const NODES = {
  dense: "60 relationships",
  sparse: "3 relationships",
  grown: "made with 60 relationships in the transaction that created it",
};

async function setUp(driver: Driver): Promise<void> {
  const s = driver.session();
  try {
    await s.run("MATCH (n) DETACH DELETE n");
    for (const [id, n] of [
      ["dense", 60],
      ["sparse", 3],
    ] as const)
      await s.run(
        "CREATE (x:Probe {id: $id}) WITH x UNWIND range(1, $n) AS i CREATE (:Leaf {k: i})-[:L {k: i}]->(x)",
        {
          id,
          n: neo4j.int(n),
        },
      );
    await s.executeWrite((tx) =>
      tx.run(
        "CREATE (x:Probe {id: 'grown'}) WITH x UNWIND range(1, 60) AS i CREATE (:Leaf {k: i})-[:L {k: i}]->(x)",
      ),
    );
  } finally {
    await s.close();
  }
}

type Outcome =
  | "runs"
  | "runs; A's commit waits for B's"
  | "waits"
  | "error"
  | "deadlock: A's commit rolled back"
  | "deadlock: one rolled back";
let shownStatus = false;

const within = <T>(p: Promise<T>, ms: number): Promise<T | null> =>
  Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), ms))]);

async function probe(driver: Driver, id: string, a: string, b: string, waitMs: number): Promise<Outcome> {
  const sa = driver.session();
  const sb = driver.session();
  const ta: Transaction = sa.beginTransaction();
  const tb = sb.beginTransaction();
  let committingA = false;
  try {
    // A and B touch different relationships of the node (k 1 and 2), so that only the node is shared.
    await ta.run(OPS[a] as string, { id, k: "a", old: neo4j.int(1) });
    const bDone = tb
      .run(OPS[b] as string, { id, k: "b", old: neo4j.int(2) })
      .then(() => (committingA ? "waits" : "runs") as Outcome)
      .catch(() => "error" as Outcome);
    const first = await within(bDone, waitMs);
    if (!first && !shownStatus) {
      // What a waiting transaction looks like to SHOW TRANSACTIONS (the integration tests read it).
      const shown = await driver.executeQuery(
        "SHOW TRANSACTIONS YIELD status RETURN collect(status) AS statuses",
        {},
        {
          routing: neo4j.routing.READ,
        },
      );
      console.log(`SHOW TRANSACTIONS while B waits: ${JSON.stringify(shown.records[0]?.get("statuses"))}`);
      shownStatus = true;
    }
    committingA = true;
    let deadlock = false;
    const commitA = ta.commit().catch((e: { code?: string }) => {
      if (!String(e.code).includes("Deadlock")) throw e;
      deadlock = true;
    });
    if (first === "runs" && (await within(commitA, waitMs)) === null) {
      // B went on, but A cannot commit while B holds what A's commit needs.
      await tb.commit();
      await commitA;
      return deadlock ? "deadlock: A's commit rolled back" : "runs; A's commit waits for B's";
    }
    await commitA;
    if (deadlock) {
      await bDone;
      await tb.commit();
      return "deadlock: A's commit rolled back";
    }
    const outcome = first ?? (await bDone);
    if (outcome !== "error") await tb.commit();
    return outcome;
  } catch (e) {
    if (!String((e as { code?: string }).code).includes("Deadlock")) throw e;
    return "deadlock: one rolled back";
  } finally {
    await ta.rollback().catch(() => {});
    await tb.rollback().catch(() => {});
    await sa.close();
    await sb.close();
  }
}

async function main(): Promise<void> {
  await ensureNeo4jBuilt();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "lock-probe-"));
  const password = randomBenchSecret();
  const server = await startEmbeddedNeo4j({
    boltPort: Number(args["bolt-port"]),
    dataDir,
    password,
    heapMb: 512,
    pageCacheMb: 128,
    startTimeoutMs: Number(process.env.NEO4J_START_TIMEOUT_MS ?? 600_000),
  });
  const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.user, password));
  try {
    const version = await driver.executeQuery(
      "CALL dbms.components() YIELD name, versions, edition RETURN *",
    );
    console.log(JSON.stringify(version.records.map((r) => r.toObject())));
    const ops = Object.keys(OPS);
    console.log("| node | A (held open) | B | B |\n|---|---|---|---|");
    for (const [id, what] of Object.entries(NODES))
      for (const a of ops)
        for (const b of ops) {
          await setUp(driver);
          const outcome = await probe(driver, id, a, b, Number(args["wait-ms"]));
          console.log(`| ${id} (${what}) | ${a} | ${b} | ${outcome} |`);
        }
  } finally {
    await driver.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
