/**
 * The graph's versions: two counters on the WriteLock node, raised by the transaction that
 * changes what they cover.
 *
 * - `graphVersion` (the hierarchy): units and relations. Every change (change-session.ts), the
 *   seed, bulk imports and migrations raise it.
 * - `referenceVersion`: rules, provisions and documents. Only the seed, bulk imports and
 *   migrations write those (no mutation does), so only they raise it; an edit of one unit leaves
 *   the answers about reference data in the cache.
 *
 * Readers that keep answers between requests (src/graphql/result-cache.ts) key them by these.
 * A cached read learns them in the same statement as its data (withVersions below): one round
 * trip, and the versions are read before the data, so the data is never older than them.
 */
import { compactCypher } from "./compact-cypher.ts";
import type { Database, RoundTripCounter, Row, TransactionRunner } from "./database.ts";

export interface Versions {
  hierarchy: number;
  reference: number;
}

const LOCK = "MERGE (gv:WriteLock {id: 'hierarchy'})";

/**
 * Raises the hierarchy's version; runs inside the writing transaction (or right after a bulk
 * write). A change (change-session.ts) appends it to its last statement.
 */
export const BUMP_GRAPH_VERSION = `${LOCK}
  SET gv.graphVersion = coalesce(gv.graphVersion, 0) + 1`;

/** Raises both versions: for writes that may change rules, provisions or documents too. */
const BUMP_ALL_VERSIONS = `${LOCK}
  SET gv.graphVersion = coalesce(gv.graphVersion, 0) + 1,
      gv.referenceVersion = coalesce(gv.referenceVersion, 0) + 1`;

async function run(target: Database | TransactionRunner, cypher: string): Promise<void> {
  if ("writeTransaction" in target) await target.write(cypher);
  else await target.run(cypher);
}

/** After a change of units or relations only (every change through change-session.ts). */
export async function bumpGraphVersion(target: Database | TransactionRunner): Promise<void> {
  await run(target, BUMP_GRAPH_VERSION);
}

/** After a write that may also touch reference data: the seed, bulk imports, migrations. */
export async function bumpAllVersions(target: Database | TransactionRunner): Promise<void> {
  await run(target, BUMP_ALL_VERSIONS);
}

const H = "__hierarchyVersion";
const R = "__referenceVersion";

/** The versions as they are now (one small auto-commit query): the check before serving held answers. */
export async function readVersions(db: Database, counter?: RoundTripCounter): Promise<Versions> {
  const rows = await db.readAutoCommit(
    `OPTIONAL MATCH (gv:WriteLock {id: 'hierarchy'})
     RETURN coalesce(gv.graphVersion, 0) AS h, coalesce(gv.referenceVersion, 0) AS r`,
    {},
    counter,
  );
  return { hierarchy: (rows[0]?.h as number) ?? 0, reference: (rows[0]?.r as number) ?? 0 };
}

/**
 * A read statement that also returns the versions, read BEFORE anything else: the versions are
 * matched first and the read runs in a subquery that imports them, which Neo4j plans as an Apply
 * (its left side, the version row, is produced before the right side runs). Neo4j reads at
 * read-committed, so the data may include a write that commits after the versions were read —
 * newer than the versions say, never older. That is the safe direction: an answer kept under
 * version v reflects every write up to v; the reverse order could keep pre-write data under the
 * post-write version. The statement answers the inner read's rows (each with the versions
 * added); an inner read with no row answers no row and so no versions (then nothing is kept).
 * The inner read is sent compacted (compact-cypher.ts): these are the reads of every miss.
 */
export function withVersions(cypher: string): string {
  return `OPTIONAL MATCH (gv:WriteLock {id: 'hierarchy'})
WITH coalesce(gv.graphVersion, 0) AS ${H}, coalesce(gv.referenceVersion, 0) AS ${R}
CALL (${H}, ${R}) {
${compactCypher(cypher)}
}
RETURN *`;
}

/**
 * Wraps each read it is handed (src/store/database.ts calls it when a request's counter carries
 * one) and keeps the versions they were read at: the lowest, i.e. the first read's, when a load
 * makes several.
 */
export class VersionCapture {
  versions: Versions | null = null;

  wrap(cypher: string): string {
    return withVersions(cypher);
  }

  /** The rows without the version columns; notes the versions. */
  take(rows: Row[]): Row[] {
    return rows.map((row) => {
      const { [H]: h, [R]: r, ...rest } = row;
      this.note({ hierarchy: h as number, reference: r as number });
      return rest;
    });
  }

  private note(v: Versions): void {
    const held = this.versions;
    if (!held) this.versions = v;
    else
      this.versions = {
        hierarchy: Math.min(held.hierarchy, v.hierarchy),
        reference: Math.min(held.reference, v.reference),
      };
  }
}

/** The hierarchy's version alone (tests and bench/floor.ts compare it before and after a request). */
export async function readGraphVersion(db: Database, counter?: RoundTripCounter): Promise<number> {
  return (await readVersions(db, counter)).hierarchy;
}
