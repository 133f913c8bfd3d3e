/**
 * The context of a request that reads the graph (/graphql and the .ics feed): the reader named
 * by its bearer token, refused when they may not read. A refusal is a DomainError FORBIDDEN,
 * with rule TOKEN for a token that does not verify (401) and READ_ACCESS otherwise (403):
 * src/http/statuses.ts maps it.
 */
import type { Request } from "express";
import { assertCanRead } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { dateArg } from "../graphql/arguments.ts";
import { type Context, createContext } from "../graphql/context.ts";
import type { ResultCache } from "../graphql/result-cache.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";

export interface ReaderDeps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
  cache?: ResultCache | null;
}

/** The request's context, for the reader its Authorization value names. */
export async function readerContext(
  deps: ReaderDeps,
  requestId: string,
  authorization: string | undefined,
): Promise<Context> {
  const principal = await deps.verifyToken(authorization);
  assertCanRead(principal, deps.config.READ_ACCESS);
  return createContext(deps.db, deps.config, deps.log, requestId, principal, deps.cache ?? null);
}

/**
 * The Authorization header, or `?access_token=…` as a bearer token: calendar clients (Outlook,
 * Google, Thunderbird) cannot send headers, so a subscription URL may carry the token instead.
 */
export function headerOrQueryToken(req: Request): string | undefined {
  const fromQuery =
    typeof req.query.access_token === "string" ? `Bearer ${req.query.access_token}` : undefined;
  return req.headers.authorization ?? fromQuery;
}

/** A yyyy-mm-dd query parameter of the .ics and export routes: null when absent or empty. */
export function dateParam(req: Request, name: string): string | null {
  const value = req.query[name];
  if (value === undefined || value === "") return null;
  return dateArg(value, name);
}
