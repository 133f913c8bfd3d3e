/**
 * The one place where errors become GraphQL errors. Domain errors keep their code and
 * message; GraphQL's own validation errors pass through; anything else is masked, logged
 * with the request id, and the client sees only that id.
 */

import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { DomainError } from "../domain/errors.ts";
import { DatabaseConnectionError } from "../store/database.ts";

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

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  requestId: string | undefined,
  log: (err: unknown) => void,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...original.details },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === "string" && PASS_THROUGH.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  log(original);
  if (original instanceof DatabaseConnectionError) {
    return {
      message: `The database is unavailable (request id ${requestId ?? "unknown"})`,
      path: formatted.path,
      extensions: { code: "SERVICE_UNAVAILABLE", requestId },
    };
  }
  return {
    message: `Internal server error (request id ${requestId ?? "unknown"})`,
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  };
}
