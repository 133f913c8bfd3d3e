/**
 * Feed capabilities: a read-only link to ONE feed (a unit's calendar .ics), minted for its
 * reader instead of putting their bearer token in a URL (a calendar client cannot send headers;
 * a URL is kept by Google or Outlook, proxies and browser history). A capability is a JWT
 * (HS256, jose) with its own key and audience — never a bearer token, and no bearer token is a
 * capability — carrying its id (`jti`), the minter (`sub`), the feed (`feed`: kind and unit),
 * the minter's read scopes at minting (`reads`: "all", or the scope roots) and `exp`. Revocation
 * and listing live in Neo4j (src/store/feed-capability-repository.ts); this module signs, verifies
 * and turns a capability into the reader it reads as.
 *
 * The key: FEED_TOKEN_SECRET, else HMAC-SHA256(JWT_SECRET, a fixed label) — so every instance that
 * shares JWT_SECRET (or the generated .data/jwt-secret) shares it, and a capability can never
 * verify as a bearer token (another key). With JWKS-verified tokens and no FEED_TOKEN_SECRET there
 * is no key, and minting or reading by capability is refused (rule FEED_KEY).
 */
import { createHmac } from "node:crypto";
import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import type { Principal } from "./principal.ts";

/** The feeds a capability may be for. */
export const FEED_KINDS = ["calendar"] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/** The audience of every capability: a bearer token verifier never accepts it (it has its own key too). */
export const FEED_AUDIENCE = "party-org-graph:feed";

/** What a capability says. `scopes` null: it reads what an admin reads. */
export interface FeedClaims {
  id: string;
  kind: FeedKind;
  unitId: string;
  subject: string;
  scopes: string[] | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

type KeyConfig = Pick<Config, "FEED_TOKEN_SECRET" | "JWT_SECRET">;

/** The signing key, or null when the service holds none (JWKS tokens, no FEED_TOKEN_SECRET). */
export function feedKey(config: KeyConfig): Uint8Array | null {
  if (config.FEED_TOKEN_SECRET) return new TextEncoder().encode(config.FEED_TOKEN_SECRET);
  if (!config.JWT_SECRET) return null;
  return new Uint8Array(
    createHmac("sha256", config.JWT_SECRET).update("party-org-graph feed capability key v1").digest(),
  );
}

export function requireFeedKey(config: KeyConfig): Uint8Array {
  const key = feedKey(config);
  if (!key)
    throw new DomainError(
      "FORBIDDEN",
      "Feed links need a key: set FEED_TOKEN_SECRET (tokens are verified with JWT_JWKS_URL, so there is no JWT_SECRET to derive one from)",
      { rule: "FEED_KEY" },
    );
  return key;
}

/** The read scopes a capability minted by `p` carries: none for an admin (reads all), else the token's. */
export function readsOf(p: Principal): string[] | null {
  return p.role === "admin" ? null : [...p.scopes];
}

export async function signFeedCapability(claims: FeedClaims, key: Uint8Array): Promise<string> {
  return new SignJWT({
    feed: { kind: claims.kind, unit: claims.unitId },
    reads: claims.scopes ?? "all",
  })
    .setProtectedHeader({ alg: "HS256", typ: "feed+jwt" })
    .setJti(claims.id)
    .setSubject(claims.subject)
    .setAudience(FEED_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt / 1000))
    .sign(key);
}

/** The capability's claims; FORBIDDEN (rule FEED_TOKEN) when it does not verify or has expired. */
export async function verifyFeedCapability(capability: string, key: Uint8Array): Promise<FeedClaims> {
  let payload: JWTPayload;
  try {
    payload = (
      await jwtVerify(capability, key, {
        algorithms: ["HS256"],
        audience: FEED_AUDIENCE,
        typ: "feed+jwt",
        requiredClaims: ["exp", "jti", "sub"],
      })
    ).payload;
  } catch (e) {
    throw feedRefusal(`the feed link is not valid (${(e as Error).message})`);
  }
  const feed = payload.feed as { kind?: unknown; unit?: unknown } | undefined;
  const reads = payload.reads;
  const scopes =
    reads === "all"
      ? null
      : Array.isArray(reads) && reads.every((s) => typeof s === "string")
        ? (reads as string[])
        : undefined;
  if (!FEED_KINDS.includes(feed?.kind as FeedKind) || typeof feed?.unit !== "string" || scopes === undefined)
    throw feedRefusal("the feed link does not name a feed");
  return {
    id: payload.jti as string,
    kind: feed.kind as FeedKind,
    unitId: feed.unit,
    subject: payload.sub as string,
    scopes,
    expiresAt: (payload.exp as number) * 1000,
  };
}

/**
 * The reader a capability reads as: its minter's read scopes as they were at minting, never a
 * writer (an editor's capability reads as a viewer with the editor's scopes).
 */
export function feedPrincipal(claims: FeedClaims): Principal {
  return {
    role: claims.scopes === null ? "admin" : "viewer",
    subject: claims.subject,
    scopes: claims.scopes ?? [],
    expiresAt: claims.expiresAt,
  };
}

export function feedRefusal(message: string): DomainError {
  return new DomainError("FORBIDDEN", `Feed link refused: ${message}`, { rule: "FEED_TOKEN" });
}
