/**
 * HTTP hardening with well-kept middleware: security headers (helmet) on every answer, with a
 * Content-Security-Policy that lets the pages load only their own assets, and a per-client
 * request rate limit (express-rate-limit) on the API routes.
 */
import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { failure, sendFailure } from "./errors.ts";

/**
 * helmet's defaults (nosniff, frame-ancestors 'none', no referrer, HSTS…) with a CSP for our
 * pages: scripts and styles from this origin only; GraphiQL sets inline styles on its elements,
 * and its fonts and icons are data: URLs. No `upgrade-insecure-requests`: the service is often
 * reached over plain http on localhost or behind a TLS-terminating proxy.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": null,
      },
    },
    // Calendar clients and other origins' pages may fetch the feed and the API (CORS decides).
    crossOriginResourcePolicy: { policy: "cross-origin" },
  });
}

/**
 * At most `perMinute` requests a minute from one client (its IP address, or its /64 for IPv6;
 * behind a proxy set TRUST_PROXY so the address is the client's, not the proxy's). Over the
 * limit: 429 with Retry-After and a JSON error. 0 turns it off.
 */
export function rateLimiter(perMinute: number): RequestHandler | null {
  if (perMinute <= 0) return null;
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (req, res) => {
      sendFailure(
        req,
        res,
        failure(
          "RATE_LIMITED",
          `Too many requests: at most ${perMinute} a minute from one client (RATE_LIMIT_PER_MINUTE); retry after the Retry-After header's seconds`,
        ),
      );
    },
  });
}
