/**
 * Verifies bearer tokens with jose: HS256 with JWT_SECRET, or RS/ES keys from JWT_JWKS_URL.
 * Claims: `sub` (the actor), `role` (viewer | editor | admin), `scopes` (unit ids, for editors),
 * and `exp`, required, no further away than JWT_MAX_LIFETIME_S. With neither a secret nor a JWKS
 * every token is refused: `npm start` always has one (src/local-secrets.ts).
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { Config } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { ANONYMOUS, NO_SUBJECT, type Principal } from "./principal.ts";

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** The asymmetric algorithms a JWKS key may sign with (never HS*: a public key is no secret). */
const JWKS_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

type VerifyConfig = Pick<
  Config,
  "JWT_SECRET" | "JWT_JWKS_URL" | "JWT_ISSUER" | "JWT_AUDIENCE" | "JWT_MAX_LIFETIME_S"
>;

export function createTokenVerifier(config: VerifyConfig): TokenVerifier {
  const options = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, requiredClaims: ["exp"] };
  const verify = config.JWT_JWKS_URL
    ? (
        (jwks) => (jwt: string) =>
          jwtVerify(jwt, jwks, { ...options, algorithms: JWKS_ALGORITHMS })
      )(createRemoteJWKSet(new URL(config.JWT_JWKS_URL)))
    : config.JWT_SECRET
      ? (
          (key) => (jwt: string) =>
            jwtVerify(jwt, key, { ...options, algorithms: ["HS256"] })
        )(new TextEncoder().encode(config.JWT_SECRET))
      : null;
  return async (authorization) => {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw unauthorised("the Authorization header must be 'Bearer <token>'");
    if (!verify)
      throw unauthorised("no key to verify tokens with is configured (JWT_SECRET or JWT_JWKS_URL)");
    let payload: JWTPayload;
    try {
      payload = (await verify(match[1])).payload;
    } catch (e) {
      throw unauthorised(`the bearer token is not valid (${(e as Error).message})`);
    }
    assertLifetime(payload, config.JWT_MAX_LIFETIME_S, Math.floor(Date.now() / 1000));
    return principalFromClaims(payload);
  };
}

/** A token lives at most `maxSeconds`: from its `iat`, or from now when it has none. */
function assertLifetime(payload: JWTPayload, maxSeconds: number, now: number): void {
  if (typeof payload.exp !== "number") throw unauthorised('the token must carry an "exp" claim');
  const start = typeof payload.iat === "number" ? Math.min(payload.iat, now) : now;
  const lifetime = payload.exp - start;
  if (lifetime > maxSeconds)
    throw unauthorised(
      `the token lives ${lifetime} s, longer than JWT_MAX_LIFETIME_S (${maxSeconds} s); mint a shorter-lived one`,
    );
}

function principalFromClaims(payload: JWTPayload): Principal {
  const role = payload.role;
  if (role !== "viewer" && role !== "editor" && role !== "admin")
    throw unauthorised(`the token's role must be viewer, editor or admin (got ${JSON.stringify(role)})`);
  const scopes = Array.isArray(payload.scopes)
    ? payload.scopes.filter((s): s is string => typeof s === "string")
    : [];
  if (role === "editor" && scopes.length === 0)
    throw unauthorised("an editor token must list its scopes (unit ids)");
  return {
    role,
    subject: typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : NO_SUBJECT,
    scopes,
    // assertLifetime has made sure it is there.
    expiresAt: (payload.exp as number) * 1000,
  };
}

function unauthorised(message: string): DomainError {
  return new DomainError("FORBIDDEN", `Unauthenticated: ${message}`, { rule: "TOKEN" });
}
