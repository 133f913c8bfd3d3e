/**
 * Feed capabilities in Neo4j (migration 013): every minted link, so that its minter can list
 * and revoke it and a revoked one stops reading at once. The link itself (the signed JWT) is
 * never stored; the node holds what it says and when it was revoked. Mints and revocations raise
 * the feed links' version (the ETag's, src/http/etag.ts), not the hierarchy's: a viewer minting
 * links must not empty every reader's held answers. A minter keeps at most `maxLive` dead (revoked
 * or expired) links beside the live ones: older ones are deleted at the next mint — a deleted
 * link is refused as unknown, as a revoked one is.
 */
import type { FeedClaims, FeedKind } from "../auth/feed-capability.ts";
import { DomainError } from "../domain/errors.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { bumpFeedVersion } from "./graph-version.ts";

export interface FeedCapabilityRecord {
  id: string;
  kind: FeedKind;
  unitId: string;
  createdBy: string;
  /** Null: it reads what an admin reads. */
  scopes: string[] | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

const RETURNED = `f {
  .id, .kind, .unitId, .createdBy, .revokedBy,
  scopes: CASE WHEN f.readsAll THEN null ELSE f.scopes END,
  createdAt: toString(f.createdAt), expiresAt: toString(f.expiresAt), revokedAt: toString(f.revokedAt)
} AS f`;

const asRecord = (row: Record<string, unknown>) => row.f as FeedCapabilityRecord;

/**
 * Stores a minted link; CONFLICT (rule FEED_LIMIT) when its minter already holds `maxLive` live
 * ones (concurrent mints of one minter may pass the cap by as many as run at once).
 */
export async function createFeedCapability(
  db: Database,
  c: FeedClaims,
  maxLive: number,
): Promise<FeedCapabilityRecord> {
  return db.writeTransaction(async (tx) => {
    await tx.run(
      `MATCH (f:FeedCapability {createdBy: $subject})
       WHERE f.revokedAt IS NOT NULL OR f.expiresAt <= datetime()
       WITH f ORDER BY coalesce(f.revokedAt, f.expiresAt) DESC, f.id SKIP $keep
       DETACH DELETE f`,
      { subject: c.subject, keep: maxLive },
    );
    const held = await tx.run(
      `RETURN COUNT { MATCH (f:FeedCapability {createdBy: $subject})
                      WHERE f.revokedAt IS NULL AND f.expiresAt > datetime() } AS live`,
      { subject: c.subject },
    );
    const live = Number(held[0]?.live ?? 0);
    if (live >= maxLive)
      throw new DomainError(
        "CONFLICT",
        `You already hold ${live} live feed links, the most FEED_TOKEN_MAX_PER_MINTER allows; revoke one you no longer use (revokeFeedCapability)`,
        { rule: "FEED_LIMIT", limit: "FEED_TOKEN_MAX_PER_MINTER", max: maxLive, value: live },
      );
    const rows = await tx.run(
      `CREATE (f:FeedCapability {id: $id})
       SET f.kind = $kind, f.unitId = $unitId, f.createdBy = $subject,
           f.readsAll = $scopes IS NULL, f.scopes = coalesce($scopes, []),
           f.createdAt = datetime(), f.expiresAt = datetime({epochMillis: $expiresAt})
       RETURN ${RETURNED}`,
      {
        id: c.id,
        kind: c.kind,
        unitId: c.unitId,
        subject: c.subject,
        scopes: c.scopes,
        expiresAt: c.expiresAt,
      },
    );
    await bumpFeedVersion(tx);
    return asRecord(rows[0] as Record<string, unknown>);
  });
}

export async function findFeedCapability(
  db: Database,
  id: string,
  counter?: RoundTripCounter,
): Promise<FeedCapabilityRecord | null> {
  const rows = await db.read(`MATCH (f:FeedCapability {id: $id}) RETURN ${RETURNED}`, { id }, counter);
  return rows[0] ? asRecord(rows[0]) : null;
}

/** A minter's capabilities, newest first; the revoked ones only when asked. */
export async function listFeedCapabilities(
  db: Database,
  o: { createdBy: string; includeRevoked: boolean },
  counter?: RoundTripCounter,
): Promise<FeedCapabilityRecord[]> {
  const rows = await db.read(
    `MATCH (f:FeedCapability {createdBy: $createdBy})
     WHERE $includeRevoked OR f.revokedAt IS NULL
     WITH f ORDER BY f.createdAt DESC, f.id
     RETURN ${RETURNED}`,
    { createdBy: o.createdBy, includeRevoked: o.includeRevoked },
    counter,
  );
  return rows.map(asRecord);
}

/** Marks it revoked (once: a second revocation keeps the first's time and actor); null when there is none. */
export async function revokeFeedCapability(
  db: Database,
  id: string,
  actor: string,
): Promise<FeedCapabilityRecord | null> {
  return db.writeTransaction(async (tx) => {
    const rows = await tx.run(
      `MATCH (f:FeedCapability {id: $id})
       SET f.revokedBy = coalesce(f.revokedBy, $actor), f.revokedAt = coalesce(f.revokedAt, datetime())
       RETURN ${RETURNED}`,
      { id, actor },
    );
    if (rows[0]) await bumpFeedVersion(tx);
    return rows[0] ? asRecord(rows[0]) : null;
  });
}
