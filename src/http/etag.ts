/**
 * HTTP caching of reads over GET (GraphQL-over-HTTP; README, "Frontends").
 *
 * The ETag is derived, before anything runs, from the graph's versions (readVersions: every
 * write raises the hierarchy's), today's date in Vietnam (traversals default to it), the reader (role, subject,
 * scopes) and the request as sent (query or persisted hash, variables, operation name, Accept). A
 * matching If-None-Match is answered 304 without running the query. It is a weak ETag: answers
 * with the same tag mean the same data, but carry their own request id.
 *
 * Cache-Control: an anonymous read may be kept by any cache but revalidated every time
 * (`public, max-age=0, must-revalidate`); a read with a token (scoped or not) only by the browser
 * (`private, no-cache`), never by a shared cache. Vary: Authorization, Origin, Accept. An answer
 * with errors, another status than 200, or a POST gets no ETag (and `no-store`). Express's own
 * ETag (a hash of a body already computed, which made a matching If-None-Match still cost a full
 * query) is switched off for /graphql. The versions read for the ETag are handed to the request's
 * result-cache reads (versionsReadForEtag), so a GET whose answers are held costs that one read,
 * as a POST costs its version check.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { Express, NextFunction, Request, Response } from "express";
import { assertCanRead } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { todayInVietnam } from "../domain/dates.ts";
import type { Database } from "../store/database.ts";
import { readVersions, type Versions } from "../store/graph-version.ts";

export const PUBLIC_READ = "public, max-age=0, must-revalidate";
export const PRIVATE_READ = "private, no-cache";
const NOT_CACHEABLE = "no-store";

/** The request parameters an answer depends on, as sent. */
const PARAMETERS = ["query", "variables", "operationName", "extensions", "documentId"];

interface CachingDeps {
  db: Database;
  config: Pick<Config, "READ_ACCESS" | "JWT_SECRET">;
  verifyToken: TokenVerifier;
}

/** Express's `etag fn` setting hidden for this response: its ETags are ours or none. */
function withoutExpressEtag(res: Response): void {
  const app = res.app as Express;
  const shadow = new Proxy(app, {
    get(target, prop, receiver) {
      if (prop === "get")
        return (name: string) =>
          name === "etag fn" ? undefined : (target.get as (n: string) => unknown)(name);
      return Reflect.get(target, prop, receiver);
    },
  });
  Object.defineProperty(res, "app", { value: shadow, configurable: true, writable: true });
}

/** Drops the ETag from an answer that is not a successful read, right before its head is written. */
function dropEtagUnlessCacheable(res: Response): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
    const status = typeof args[0] === "number" ? args[0] : res.statusCode;
    if (status !== 200 || res.getHeader("cache-control") === NOT_CACHEABLE) {
      res.removeHeader("etag");
      res.setHeader("cache-control", NOT_CACHEABLE);
    }
    return writeHead.apply(this, args);
  } as Response["writeHead"];
}

/** Where the versions the ETag was derived from wait for the request's context (res.locals). */
const VERSIONS = "graphVersions";

/** The versions a GET's ETag was derived from, read after the request arrived: its context may serve held answers under them. */
export function versionsReadForEtag(res: Response): Versions | undefined {
  return res.locals[VERSIONS] as Versions | undefined;
}

/** The ETag of a GET request for this reader at these versions, or null when it is not a GraphQL read. */
async function etagOf(req: Request, res: Response, deps: CachingDeps): Promise<string | null> {
  const params = new URL(req.originalUrl, "http://service.invalid").searchParams;
  const sent = PARAMETERS.map((name) => params.get(name));
  if (sent[0] === null && sent[3] === null && sent[4] === null) return null;
  const principal = await deps.verifyToken(req.headers.authorization);
  // A reader that may not read gets no ETag, so no 304 either (not even for `If-None-Match: *`):
  // Apollo answers its refusal.
  assertCanRead(principal, deps.config.READ_ACCESS);
  const versions = await readVersions(deps.db);
  res.locals[VERSIONS] = versions;
  const key = JSON.stringify([
    versions,
    todayInVietnam(),
    principal.role,
    principal.subject,
    [...principal.scopes].sort(),
    req.headers.accept ?? "",
    sent,
  ]);
  // Opaque: the versions are in a keyed hash, neither in clear nor guessable from the rest of the
  // key, which the caller knows (they would tell how many changes were made).
  return `W/"${createHmac("sha256", etagKey(deps.config)).update(key).digest("base64url").slice(0, 32)}"`;
}

const keys = new WeakMap<object, Buffer>();

/**
 * The ETags' key: derived from JWT_SECRET where there is one, so that instances sharing it give
 * the same tags; else random for this process (tags then differ between instances: a 200 where a
 * 304 could have been, never a wrong 304).
 */
function etagKey(config: Pick<Config, "JWT_SECRET">): Buffer {
  let key = keys.get(config);
  if (!key) {
    key = config.JWT_SECRET
      ? createHmac("sha256", config.JWT_SECRET).update("party-org-graph ETag").digest()
      : randomBytes(32);
    keys.set(config, key);
  }
  return key;
}

/** Whether If-None-Match names this ETag (weak comparison, RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

/** Middleware for /graphql, before Apollo's: ETag, Cache-Control and Vary on GET reads, 304 when fresh. */
export function graphqlHttpCaching(deps: CachingDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    withoutExpressEtag(res);
    if (req.method !== "GET") return next();
    let etag: string | null;
    try {
      etag = await etagOf(req, res, deps);
    } catch {
      // A refused token or reader, or an unavailable database: Apollo answers it, uncached.
      etag = null;
    }
    if (etag === null) {
      res.setHeader("cache-control", NOT_CACHEABLE);
      return next();
    }
    res.setHeader("etag", etag);
    res.setHeader("cache-control", req.headers.authorization ? PRIVATE_READ : PUBLIC_READ);
    res.vary("Authorization").vary("Origin").vary("Accept");
    if (matches(req.headers["if-none-match"], etag)) return void res.status(304).end();
    dropEtagUnlessCacheable(res);
    next();
  };
}

/** Marks answers that must not be cached: with errors, or of anything but a query. */
export function cacheabilityPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          const body = response.body;
          const failed = body.kind !== "single" || body.singleResult.errors !== undefined;
          if (failed || operation?.operation !== "query")
            response.http.headers.set("cache-control", NOT_CACHEABLE);
        },
      };
    },
  };
}
