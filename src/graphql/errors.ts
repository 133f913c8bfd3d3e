/**
 * The one place where errors become GraphQL errors. Domain errors keep their code and
 * message; GraphQL's own validation errors pass through; anything else is masked, logged
 * with the request id (src/server.ts), and the client sees only that id. HTTP statuses come
 * from the one table in src/http/statuses.ts. Every error leaves with `extensions.messageVi`, the
 * Vietnamese message for end users (src/domain/error-messages-vi.ts).
 */

import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { messageVi } from "../domain/error-messages-vi.ts";
import { DomainError } from "../domain/errors.ts";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "../http/statuses.ts";
import { storeFailureOf } from "../http/store-failures.ts";
import { DatabaseBusyError, RequestTimeoutError } from "../store/database.ts";
import { limitErrorOf, QUERY_TOO_COMPLEX, RESPONSE_TOO_LARGE, TIMEOUT } from "./limit-error.ts";

const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
  // Raised before execution (token or read access refused) as GraphQL errors with our codes.
  "NOT_FOUND",
  "FORBIDDEN",
  "CONFLICT",
  // Limits (src/graphql/limit-error.ts): refused before execution, too large an answer, too long a request.
  QUERY_TOO_COMPLEX,
  RESPONSE_TOO_LARGE,
  TIMEOUT,
  // Refused subscriptions past LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION (src/live/ws-server.ts).
  "RATE_LIMITED",
]);

/** Codes of the errors formatError masks; the request id is added to them before they are sent. */
const MASKED = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"]);

/** An unexpected error already logged and masked where the request id was known (context creation). */
export class MaskedError extends GraphQLError {
  constructor(requestId: string) {
    super(`Internal server error (request id ${requestId})`, {
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        requestId,
        http: { status: HTTP_STATUS.INTERNAL_SERVER_ERROR },
      },
    });
  }
}

/**
 * graphql-js stops coercing variables after 50 errors with an error that has no code (Apollo
 * gives the 50 before it BAD_USER_INPUT): it is the client's input too.
 */
const isVariableErrorLimit = (e: unknown) =>
  e instanceof GraphQLError &&
  e.extensions?.code === undefined &&
  e.message.startsWith("Too many errors processing variables");

/**
 * Apollo refuses a query that does not match its persisted-query hash (`extensions.persistedQuery`)
 * with an error that has no code: the client's request, not a fault.
 */
const isHashMismatch = (e: unknown) =>
  e instanceof GraphQLError &&
  e.extensions?.code === undefined &&
  e.message === "provided sha does not match query";

/** Whether `error` is one we did not expect: masked for the client, logged in full. */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (
    original instanceof DomainError ||
    original instanceof MaskedError ||
    original instanceof RequestTimeoutError ||
    original instanceof DatabaseBusyError
  )
    return false;
  if (isVariableErrorLimit(original) || isHashMismatch(original)) return false;
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return !(typeof code === "string" && PASS_THROUGH.has(code));
}

/** The error with its Vietnamese message for end users, from its code and details. */
export function withMessageVi(error: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = error.extensions ?? {};
  return { ...error, extensions: { ...extensions, messageVi: messageVi(extensions.code, extensions) } };
}

/**
 * Apollo's formatError: what a client sees of an error, in English and Vietnamese. It runs without
 * the request's context, so masked errors get their request id later, from withRequestId.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return withMessageVi(inEnglish(formatted, error));
}

function inEnglish(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // A limit refusal keeps its own code, though Apollo files it as a parse or validation error.
  const limit = limitErrorOf(error);
  if (limit) {
    const { http: _status, ...extensions } = limit.extensions;
    return { message: limit.message, extensions };
  }
  const original = unwrapResolverError(error);
  const store = storeFailureOf(original);
  if (store) return { ...store, path: formatted.path };
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...original.details },
    };
  }
  if (isVariableErrorLimit(original)) {
    return { message: formatted.message, extensions: { code: "BAD_USER_INPUT", argument: "variables" } };
  }
  if (isHashMismatch(original)) {
    return { message: formatted.message, extensions: { code: "BAD_REQUEST", argument: "extensions" } };
  }
  if (original instanceof RequestTimeoutError) {
    return {
      message: original.message,
      path: formatted.path,
      extensions: { code: TIMEOUT, limit: "REQUEST_TIMEOUT_MS" },
    };
  }
  if (!isUnexpected(error)) {
    const { stacktrace: _drop, http: _status, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error",
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

/** The masked errors among `errors` with the request id the client can quote (and the logs carry). */
export function withRequestId(
  errors: readonly GraphQLFormattedError[],
  requestId: string,
): GraphQLFormattedError[] {
  return errors.map((e) =>
    MASKED.has(e.extensions?.code as string) && e.extensions?.requestId === undefined
      ? withMessageVi({
          ...e,
          message: `${e.message} (request id ${requestId})`,
          extensions: { ...e.extensions, requestId },
        })
      : e,
  );
}

/**
 * The HTTP status of a GraphQL response whose errors say the service cannot answer now:
 * 503 when any error is SERVICE_UNAVAILABLE (the database is down, a change ran out of time, or
 * its COMMIT is in doubt), so that clients and proxies see it without reading the body; with
 * Retry-After only when every such error is retryable (a change in doubt must be read back first).
 * (A resolver's error cannot set the status itself: it is not a GraphQLError.)
 */
export function serviceUnavailablePlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors ?? [];
          const unavailable = errors.filter((e) => e.extensions?.code === "SERVICE_UNAVAILABLE");
          if (unavailable.length === 0) return;
          response.http.status = HTTP_STATUS.SERVICE_UNAVAILABLE;
          if (unavailable.every((e) => e.extensions?.retryable !== false))
            response.http.headers.set("retry-after", RETRY_AFTER_SECONDS);
        },
      };
    },
  };
}
