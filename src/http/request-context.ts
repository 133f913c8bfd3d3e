/**
 * The context of a request that reads the graph (/graphql, the .ics feed and the downloads): the
 * reader named by its bearer token or feed link, refused when they may not read. A refusal is a
 * DomainError FORBIDDEN, with rule TOKEN for a token that does not verify (401); READ_ACCESS,
 * QUERY_TOKEN (a writer's token in a URL) and FEED_TOKEN (a feed link refused) are 403:
 * src/http/statuses.ts maps them.
 */
import type { Request } from "express";
import {
  type FeedKind,
  feedPrincipal,
  feedRefusal,
  requireFeedKey,
  verifyFeedCapability,
} from "../auth/feed-capability.ts";
import { assertCanRead, type Principal } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import { dateArg } from "../graphql/arguments.ts";
import { type Context, createContext } from "../graphql/context.ts";
import type { ResultCache } from "../graphql/result-cache.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { findFeedCapability } from "../store/feed-capability-repository.ts";

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
  return principalContext(deps, requestId, await deps.verifyToken(authorization));
}

/** The request's context for a reader already known; refused when they may not read. */
export function principalContext(deps: ReaderDeps, requestId: string, principal: Principal): Context {
  assertCanRead(principal, deps.config.READ_ACCESS);
  return createContext(deps.db, deps.config, deps.log, requestId, principal, deps.cache ?? null);
}

/** `?access_token=…`, the bearer token in the URL, if there is one. */
function queryToken(req: Request): string | undefined {
  return queryParam(req, "access_token");
}

function queryTokenRefusal(message: string): DomainError {
  return new DomainError("FORBIDDEN", message, { rule: "QUERY_TOKEN", argument: "access_token" });
}

/**
 * The reader of a GET download or of the .ics feed: the Authorization header's; or, kept for the
 * links and scripts made before feed links existed, a viewer token in `?access_token=`. A URL is
 * logged by proxies, kept in browser history and stored by the calendar services it is pasted
 * into, so a token that can write (editor, admin) is refused there (403, rule QUERY_TOKEN) even
 * when a header names the reader too: it has leaked, and its holder should learn so.
 */
export async function downloadReader(req: Request, verifyToken: TokenVerifier): Promise<Principal> {
  const inUrl = await urlReader(req, verifyToken);
  if (inUrl && !req.headers.authorization) return inUrl;
  return verifyToken(req.headers.authorization);
}

/**
 * The viewer a `?access_token=` names, if any; a token that can write there is refused (403, rule
 * QUERY_TOKEN) whatever else the request carries — a header, or a feed link (`?feed=`).
 */
export async function urlReader(req: Request, verifyToken: TokenVerifier): Promise<Principal | null> {
  const inUrl = queryToken(req);
  if (inUrl === undefined) return null;
  const p = await verifyToken(`Bearer ${inUrl}`);
  if (p.role !== "viewer")
    throw queryTokenRefusal(
      `A ${p.role} token is not accepted in the URL (?access_token=): send it in the Authorization header, or mint a read-only feed link (mintFeedCapability)`,
    );
  return p;
}

/** The Authorization header of a route that writes: `?access_token=` is refused (403, rule QUERY_TOKEN). */
export function headerOnlyToken(req: Request): string | undefined {
  if (queryToken(req) !== undefined)
    throw queryTokenRefusal(
      "This route takes its token in the Authorization header only, never in the URL (?access_token=)",
    );
  return req.headers.authorization;
}

/**
 * The context of a request that reads by feed link (`?feed=`, src/auth/feed-capability.ts): the
 * link must verify, be for `kind` and `unitId`, still be stored and not revoked; it then reads
 * with the scopes it carries. Its refusals are FORBIDDEN rule FEED_TOKEN (403).
 */
export async function feedContext(
  deps: ReaderDeps,
  requestId: string,
  capability: string,
  feed: { kind: FeedKind; unitId: string },
): Promise<Context> {
  const claims = await verifyFeedCapability(capability, requireFeedKey(deps.config));
  if (claims.kind !== feed.kind || claims.unitId !== feed.unitId)
    throw feedRefusal(`the feed link is for the ${claims.kind} of unit "${claims.unitId}", not this feed`);
  const stored = await findFeedCapability(deps.db, claims.id);
  if (!stored) throw feedRefusal("the feed link is not known to this service");
  if (stored.revokedAt) throw feedRefusal("the feed link was revoked");
  if (Date.parse(stored.expiresAt) <= Date.now()) throw feedRefusal("the feed link has expired");
  return principalContext(deps, requestId, feedPrincipal(claims));
}

/** Whether the query has `name[]=…` or `name[key]=…`, which Express 5 keeps under that key, not under `name`. */
const bracketed = (req: Request, name: string) =>
  Object.keys(req.query).some((k) => k.startsWith(`${name}[`));

/**
 * A query parameter of the .ics, export and registry routes, given once, as text; undefined when
 * absent. Repeated (`?asOf=1&asOf=2`, an array) or written as a list (`?asOf[]=1`, which Express
 * keeps under the key `asOf[]`) it is refused, 400 naming it, rather than read as absent.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (bracketed(req, name) || (value !== undefined && typeof value !== "string"))
    throw badInput(name, `give ${name} once, as ${name}=…; it is not a list`);
  return value;
}

/** A query parameter that may be repeated (`?types=A&types=B`): its values, undefined when absent; `name[]` is refused. */
export function queryList(req: Request, name: string): string[] | undefined {
  const value = req.query[name];
  if (bracketed(req, name) || (value !== undefined && typeof value !== "string" && !isTextList(value)))
    throw badInput(name, `give ${name} as ${name}=a,b or repeat ${name}=…, not as ${name}[]=…`);
  return value === undefined ? undefined : [value].flat();
}

const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** A yyyy-mm-dd query parameter of the .ics and export routes: null when absent or empty. */
export function dateParam(req: Request, name: string): string | null {
  const value = queryParam(req, name);
  if (value === undefined || value === "") return null;
  return dateArg(value, name);
}
