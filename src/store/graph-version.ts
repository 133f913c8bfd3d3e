/**
 * The graph's version: a counter on the WriteLock node that every write path raises in the
 * transaction that changes the graph (changes, the seed, bulk imports, migrations). Readers
 * that keep answers between requests (src/graphql/result-cache.ts) key them by it, so an
 * answer is never served after a write that could change it.
 */
import type { Database, RoundTripCounter, TransactionRunner } from "./database.ts";

/** Raises the version; runs inside the writing transaction (or right after a bulk write). */
const BUMP_GRAPH_VERSION = `MERGE (gv:WriteLock {id: 'hierarchy'})
  SET gv.graphVersion = coalesce(gv.graphVersion, 0) + 1`;

export async function bumpGraphVersion(target: Database | TransactionRunner): Promise<void> {
  if ("writeTransaction" in target) await target.write(BUMP_GRAPH_VERSION);
  else await target.run(BUMP_GRAPH_VERSION);
}

export async function readGraphVersion(db: Database, counter?: RoundTripCounter): Promise<number> {
  const rows = await db.readAutoCommit(
    "OPTIONAL MATCH (gv:WriteLock {id: 'hierarchy'}) RETURN coalesce(gv.graphVersion, 0) AS v",
    {},
    counter,
  );
  return (rows[0]?.v as number) ?? 0;
}
