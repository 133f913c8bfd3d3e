/**
 * Verifies bearer tokens with jose: HS256 with JWT_SECRET, or RS/ES keys from JWT_JWKS_URL.
 * Claims: `sub` (the actor), `role` (viewer | editor | admin), `scopes` (unit ids, for editors).
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { Config } from "../config.ts";
import { DEV_JWT_SECRET } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { ANONYMOUS, type Principal } from "./principal.ts";

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

export function createTokenVerifier(config: Config): TokenVerifier {
  const options = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const key = config.JWT_JWKS_URL
    ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL))
    : new TextEncoder().encode(config.JWT_SECRET ?? DEV_JWT_SECRET);
  return async (authorization) => {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) throw unauthorised("the Authorization header must be 'Bearer <token>'");
    let payload: JWTPayload;
    try {
      const verified =
        key instanceof Uint8Array
          ? await jwtVerify(match[1], key, { ...options, algorithms: ["HS256"] })
          : await jwtVerify(match[1], key, options);
      payload = verified.payload;
    } catch (e) {
      throw unauthorised(`the bearer token is not valid (${(e as Error).message})`);
    }
    return principalFromClaims(payload);
  };
}

export function principalFromClaims(payload: JWTPayload): Principal {
  const role = payload.role;
  if (role !== "viewer" && role !== "editor" && role !== "admin")
    throw unauthorised(`the token's role must be viewer, editor or admin (got ${JSON.stringify(role)})`);
  const scopes = Array.isArray(payload.scopes)
    ? payload.scopes.filter((s): s is string => typeof s === "string")
    : [];
  if (role === "editor" && scopes.length === 0)
    throw unauthorised("an editor token must list its scopes (unit ids)");
  return { role, subject: typeof payload.sub === "string" ? payload.sub : "unknown", scopes };
}

function unauthorised(message: string): DomainError {
  return new DomainError("FORBIDDEN", `Unauthenticated: ${message}`, { rule: "TOKEN" });
}
