/** Feed links signed and verified (src/auth/feed-capability.ts): their own key and audience, their claims, the reader they read as. */
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  type FeedClaims,
  feedKey,
  feedPrincipal,
  readsOf,
  signFeedCapability,
  verifyFeedCapability,
} from "../../src/auth/feed-capability.ts";
import { createTokenVerifier } from "../../src/auth/verify-token.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { randomSecret } from "../support/secrets.ts";

const JWT_SECRET = randomSecret();
const key = feedKey({ JWT_SECRET, FEED_TOKEN_SECRET: undefined }) as Uint8Array;

const claims: FeedClaims = {
  id: "fc_0123456789abcdef",
  kind: "calendar",
  unitId: "tinh-uy-lang-son",
  subject: "reader-1",
  scopes: ["tinh-uy-lang-son"],
  expiresAt: Math.floor(Date.now() / 1000 + 3600) * 1000,
};

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe("feed links", () => {
  it("carry their id, minter, feed, scopes and expiry", async () => {
    expect(await verifyFeedCapability(await signFeedCapability(claims, key), key)).toEqual(claims);
    const admin = { ...claims, scopes: null };
    expect(await verifyFeedCapability(await signFeedCapability(admin, key), key)).toEqual(admin);
  });

  it("have a key of their own: FEED_TOKEN_SECRET, else one derived from JWT_SECRET (never JWT_SECRET itself)", () => {
    expect(Buffer.from(key).toString()).not.toBe(JWT_SECRET);
    expect(feedKey({ JWT_SECRET: randomSecret(), FEED_TOKEN_SECRET: undefined })).not.toEqual(key);
    const own = randomSecret();
    expect(Buffer.from(feedKey({ JWT_SECRET, FEED_TOKEN_SECRET: own }) as Uint8Array).toString()).toBe(own);
    expect(feedKey({ JWT_SECRET: undefined, FEED_TOKEN_SECRET: undefined })).toBeNull();
  });

  it("are no bearer tokens, and bearer tokens are no feed links", async () => {
    const verifier = createTokenVerifier({ JWT_SECRET, JWT_MAX_LIFETIME_S: 31_536_000 });
    const link = await signFeedCapability(claims, key);
    expect((await refusal(verifier(`Bearer ${link}`))).details.rule).toBe("TOKEN");
    const bearer = await new SignJWT({
      role: "admin",
      scopes: [],
      feed: { kind: "calendar", unit: claims.unitId },
      reads: "all",
    })
      .setProtectedHeader({ alg: "HS256", typ: "feed+jwt" })
      .setJti("fc_x")
      .setSubject("admin")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect((await refusal(verifyFeedCapability(bearer, key))).details.rule).toBe("FEED_TOKEN");
  });

  it("refuse a link signed with another key, tampered with or expired", async () => {
    const other = feedKey({
      JWT_SECRET: randomSecret(),
      FEED_TOKEN_SECRET: undefined,
    });
    const link = await signFeedCapability(claims, other as Uint8Array);
    expect((await refusal(verifyFeedCapability(link, key))).details.rule).toBe("FEED_TOKEN");
    const [head, , sig] = (await signFeedCapability(claims, key)).split(".");
    const wider = Buffer.from(
      JSON.stringify({
        feed: { kind: "calendar", unit: claims.unitId },
        reads: "all",
        jti: claims.id,
        sub: "x",
        aud: "party-org-graph:feed",
        exp: claims.expiresAt / 1000,
      }),
    ).toString("base64url");
    expect((await refusal(verifyFeedCapability(`${head}.${wider}.${sig}`, key))).details.rule).toBe(
      "FEED_TOKEN",
    );
    const expired = await signFeedCapability({ ...claims, expiresAt: Date.now() - 60_000 }, key);
    expect((await refusal(verifyFeedCapability(expired, key))).message).toContain("exp");
  });

  it("read as a viewer with the minter's scopes, or all for an admin's; never as a writer", () => {
    expect(readsOf({ role: "editor", subject: "e", scopes: ["a", "b"] })).toEqual(["a", "b"]);
    expect(readsOf({ role: "admin", subject: "a", scopes: [] })).toBeNull();
    expect(feedPrincipal(claims)).toMatchObject({
      role: "viewer",
      scopes: ["tinh-uy-lang-son"],
      subject: "reader-1",
    });
    expect(feedPrincipal({ ...claims, scopes: null }).role).toBe("admin");
  });
});
