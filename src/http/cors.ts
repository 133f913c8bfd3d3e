/**
 * Cross-origin access for browser frontends (README, "Frontends"), with the `cors` package on
 * the API routes. Only the origins in CORS_ORIGINS are allowed (none by default: no CORS header
 * is sent and browsers keep other origins' pages out). The allowed request headers are the ones
 * Apollo Client, Relay and urql send (with Apollo's CSRF header and W3C trace context); the
 * exposed ones let a client read the ETag, the request id and the rate limit. Preflights are
 * answered here (204) and cached by the browser for CORS_MAX_AGE_S.
 *
 * CSRF: Apollo's csrfPrevention stays on, so a request a browser could send without a preflight
 * (a simple GET, a form POST) is refused unless it carries a non-simple header or content type.
 */
import cors from "cors";
import type { Express } from "express";
import type { Config } from "../config.ts";

/** The routes a frontend on another origin may call. */
const API_ROUTES = ["/graphql", "/calendar", "/export", "/registry"];

export const ALLOWED_HEADERS = [
  "accept",
  "authorization",
  "content-type",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "apollographql-client-name",
  "apollographql-client-version",
  "x-request-id",
  "if-none-match",
  "traceparent",
  "tracestate",
  "baggage",
];

export const EXPOSED_HEADERS = ["etag", "x-request-id", "retry-after", "ratelimit", "ratelimit-policy"];

/** Installs CORS on the API routes when CORS_ORIGINS names any origin. */
export function mountCors(app: Express, config: Config): void {
  const origins = config.CORS_ORIGINS;
  if (origins.length === 0) return;
  app.use(
    API_ROUTES,
    cors({
      // `*` sends `Access-Control-Allow-Origin: *` (never with credentials: config.ts refuses that).
      // Another origin gets no CORS header at all (false: the middleware steps aside).
      origin: origins.includes("*")
        ? "*"
        : (origin, allow) => allow(null, origin !== undefined && origins.includes(origin) ? origin : false),
      credentials: config.CORS_CREDENTIALS,
      methods: ["GET", "HEAD", "POST"],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: config.CORS_MAX_AGE_S,
      optionsSuccessStatus: 204,
    }),
  );
}
