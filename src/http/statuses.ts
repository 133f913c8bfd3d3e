/**
 * The one table of HTTP statuses: every error code the service answers with, and its status.
 * /graphql (context refusals, limits, SERVICE_UNAVAILABLE), the .ics feed and the JSON error
 * handlers all look their status up here. (Errors raised inside resolvers travel in a 200 GraphQL
 * response, as GraphQL-over-HTTP has it, except SERVICE_UNAVAILABLE: src/graphql/errors.ts.)
 */
import type { DomainError } from "../domain/errors.ts";

export const HTTP_STATUS = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  /** Refused before execution: tokens, depth, aliases, directives or cost. */
  QUERY_TOO_COMPLEX: 400,
  /** The answer would exceed MAX_RESPONSE_BYTES. */
  RESPONSE_TOO_LARGE: 400,
  /** A token that cannot be verified (a FORBIDDEN domain error with rule TOKEN). */
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  /** Past REQUEST_TIMEOUT_MS: retrying later, or asking for less, may help. */
  TIMEOUT: 503,
} as const;

export type ErrorCode = keyof typeof HTTP_STATUS;

/** The status of a domain error that ends a request: a refused token is 401, the rest by code. */
export function statusOfDomainError(e: DomainError): number {
  return e.code === "FORBIDDEN" && e.details.rule === "TOKEN"
    ? HTTP_STATUS.UNAUTHENTICATED
    : HTTP_STATUS[e.code];
}

/** How long a client should wait before retrying a SERVICE_UNAVAILABLE (the Retry-After header). */
export const RETRY_AFTER_SECONDS = "2";
