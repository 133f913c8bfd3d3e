/**
 * The graph's versions, raised by the transaction that changes what they cover.
 *
 * - the hierarchy's (units and relations): the sum of `graphVersion` over the WriteLock nodes,
 *   VERSION_STRIPES counters. Every change (change-session.ts) raises one of them, picked at
 *   random; the seed, bulk imports, migrations and reminders raise the first ('hierarchy').
 *   One counter raised by every change made its node's lock the one all changes queued for, from
 *   their last statement to their commit (the commit's log write included): changes in different
 *   provinces, which share no other lock, were serialised there. With stripes, two changes wait
 *   for each other only when they pick the same one.
 * - `referenceVersion` (on 'hierarchy' alone): rules, provisions and documents. Only the seed,
 *   bulk imports and migrations write those (no mutation does), so only they raise it; an edit of
 *   one unit leaves the answers about reference data in the cache.
 *
 * Readers that keep answers between requests (src/graphql/result-cache.ts) key them by these.
 * A cached read learns them in the same statement as its data (withVersions below): one round
 * trip, and the versions are read before the data, so the data is never older than them.
 *
 * Why a sum serves as well as one counter: every stripe only grows, and a write raises one in its
 * own transaction. Take an answer whose data lacks a write W: W committed after that data was
 * read, so after each stripe was read for it. A statement issued after W committed reads every
 * stripe later than that, so none lower, and W's strictly higher: its sum is larger. So a reader
 * that starts after a write was acknowledged never learns the sum under which an answer without
 * that write is kept — the guarantee one counter gave (two readers running alongside a write may
 * see the same sum for different states; neither started after it).
 */
import { randomInt } from "node:crypto";
import { compactCypher } from "./compact-cypher.ts";
import type { Database, RoundTripCounter, Row, TransactionRunner } from "./database.ts";

export interface Versions {
  hierarchy: number;
  reference: number;
  /**
   * The feed links' (FeedCapability nodes): raised by mints and revocations, read only for the
   * ETag (readVersions), so that a minted link changes the minter's `feedCapabilities` answer's
   * ETag without emptying anyone's held answers about the hierarchy.
   */
  feeds?: number;
}

const MAIN = "hierarchy";
const LOCK = `MERGE (gv:WriteLock {id: '${MAIN}'})`;

/** How many counters the hierarchy's version is spread over (migration 012 creates them). */
export const VERSION_STRIPES = 16;

/** The id of one version counter, picked at random, for a change to raise (`$versionStripe`). */
export function versionStripe(): string {
  const i = randomInt(VERSION_STRIPES);
  return i === 0 ? MAIN : `${MAIN}-${i}`;
}

/**
 * Raises the hierarchy's version by raising the counter `$versionStripe` (versionStripe()); a
 * change (change-session.ts) appends it to its last statement, so that the node is held only
 * from there to the commit.
 */
export const BUMP_VERSION_STRIPE = `MERGE (gv:WriteLock {id: $versionStripe})
  SET gv.graphVersion = coalesce(gv.graphVersion, 0) + 1`;

/** Raises the hierarchy's version (its first counter); runs inside the writing transaction or right after a bulk write. */
const BUMP_GRAPH_VERSION = `${LOCK}
  SET gv.graphVersion = coalesce(gv.graphVersion, 0) + 1`;

/** Raises the feed links' version (on the first counter): mints and revocations. */
const BUMP_FEED_VERSION = `${LOCK}
  SET gv.feedVersion = coalesce(gv.feedVersion, 0) + 1`;

/** After a feed link is minted or revoked (src/store/feed-capability-repository.ts). */
export async function bumpFeedVersion(tx: TransactionRunner): Promise<void> {
  await tx.run(BUMP_FEED_VERSION);
}

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

/**
 * The versions from the counters (every WriteLock node is one: a label of a few nodes), as `h`
 * and `r`: the hierarchy's is their sum, the reference data's is on the first.
 */
const READ_VERSIONS = `OPTIONAL MATCH (gv:WriteLock)
WITH coalesce(sum(gv.graphVersion), 0) AS h, coalesce(max(gv.referenceVersion), 0) AS r`;

/** The versions as they are now (one small auto-commit query): the check before serving held answers. */
export async function readVersions(db: Database, counter?: RoundTripCounter): Promise<Versions> {
  // The feed links' version only here (the ETag's read), not in every cached read's (withVersions).
  const rows = await db.readAutoCommit(
    `${READ_VERSIONS}
     OPTIONAL MATCH (main:WriteLock {id: '${MAIN}'})
     RETURN h, r, coalesce(main.feedVersion, 0) AS f`,
    {},
    counter,
  );
  return {
    hierarchy: (rows[0]?.h as number) ?? 0,
    reference: (rows[0]?.r as number) ?? 0,
    feeds: (rows[0]?.f as number) ?? 0,
  };
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
  return `${READ_VERSIONS}
WITH h AS ${H}, r AS ${R}
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
