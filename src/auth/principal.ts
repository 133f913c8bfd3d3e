/**
 * Who is asking, and what they may do. Roles: anonymous (read-only, and reading can be
 * switched off), viewer, editor (scoped to subtrees: may change only units inside them),
 * admin. A pure module: the token is verified elsewhere (src/auth/verify-token.ts).
 */
import { DomainError } from "../domain/errors.ts";

type Role = "anonymous" | "viewer" | "editor" | "admin";

export interface Principal {
  role: Role;
  /** The subject of the token, recorded as the actor of every change. */
  subject: string;
  /** For editors (and scoped readers): the ids of the units whose subtrees they hold. */
  scopes: string[];
  /** When the token ends, in milliseconds since the epoch (its `exp`); absent without a token. */
  expiresAt?: number;
}

/**
 * The subject of a token without a `sub` claim: every such token has it, so it names nobody and
 * owns nothing (reminder subscriptions refuse it).
 */
export const NO_SUBJECT = "unknown";

export const ANONYMOUS: Principal = { role: "anonymous", subject: "anonymous", scopes: [] };

export type ReadAccess = "public" | "authenticated" | "scoped";

/** Reading: public lets everyone read; authenticated needs a token; scoped also limits non-admins to their subtrees. */
export function assertCanRead(p: Principal, access: ReadAccess): void {
  if (access !== "public" && p.role === "anonymous")
    throw new DomainError("FORBIDDEN", "Reading requires a bearer token (READ_ACCESS is not public)", {
      rule: "READ_ACCESS",
    });
}

/** Whether reads are limited to the principal's subtrees. */
export function readIsScoped(p: Principal, access: ReadAccess): boolean {
  return access === "scoped" && p.role !== "admin";
}

/**
 * Who recorded a change, as this reader may see it: a token's subject (often a person's e-mail)
 * is not shown to a reader without a token (READ_ACCESS=public) — null instead.
 */
export function shownActor(p: Principal, actor: string | null | undefined): string | null {
  return p.role === "anonymous" ? null : (actor ?? null);
}

/** Writing needs an editor or admin token. */
export function assertCanWrite(p: Principal, operation: string): void {
  if (p.role !== "editor" && p.role !== "admin")
    throw new DomainError("FORBIDDEN", `${operation} needs the editor or admin role; you are ${p.role}`, {
      rule: "ROLE",
      operation,
    });
}
