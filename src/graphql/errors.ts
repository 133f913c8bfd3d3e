/**
 * The one place where errors become GraphQL errors. Domain errors keep their code and
 * message; GraphQL's own validation errors pass through; anything else is masked, logged
 * with the request id (src/server.ts), and the client sees only that id.
 */

import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { DomainError } from "../domain/errors.ts";
import { DatabaseBusyError, DatabaseConnectionError } from "../store/database.ts";

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
]);

/** Codes of the errors formatError masks; the request id is added to them before they are sent. */
const MASKED = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"]);

/** An unexpected error already logged and masked where the request id was known (context creation). */
export class MaskedError extends GraphQLError {
  constructor(requestId: string) {
    super(`Internal server error (request id ${requestId})`, {
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId, http: { status: 500 } },
    });
  }
}

/** Whether `error` is one we did not expect: masked for the client, logged in full. */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (
    original instanceof DomainError ||
    original instanceof MaskedError ||
    original instanceof DatabaseBusyError
  )
    return false;
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return !(typeof code === "string" && PASS_THROUGH.has(code));
}

/**
 * Apollo's formatError: what a client sees of an error. It runs without the request's
 * context, so masked errors get their request id later, from withRequestId.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DatabaseBusyError) {
    // Not a fault: the database is there but could not take this change now; nothing was written.
    return {
      message: original.message,
      path: formatted.path,
      extensions: { code: "SERVICE_UNAVAILABLE", rule: original.rule, retryable: true },
    };
  }
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...original.details },
    };
  }
  if (!isUnexpected(error)) {
    const { stacktrace: _drop, http: _status, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (original instanceof DatabaseConnectionError) {
    return {
      message: "The database is unavailable",
      path: formatted.path,
      extensions: { code: "SERVICE_UNAVAILABLE", retryable: true },
    };
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
      ? {
          ...e,
          message: `${e.message} (request id ${requestId})`,
          extensions: { ...e.extensions, requestId },
        }
      : e,
  );
}

/** How long a client should wait before retrying a SERVICE_UNAVAILABLE (the Retry-After header). */
const RETRY_AFTER_SECONDS = "2";

/**
 * The HTTP status of a GraphQL response whose errors say the service cannot answer now:
 * 503 with Retry-After when any error is SERVICE_UNAVAILABLE (the database is down, or a
 * change ran out of time), so that clients and proxies see it without reading the body.
 * (A resolver's error cannot set the status itself: it is not a GraphQLError.)
 */
export function serviceUnavailablePlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) return;
          response.http.status = 503;
          response.http.headers.set("retry-after", RETRY_AFTER_SECONDS);
        },
      };
    },
  };
}
