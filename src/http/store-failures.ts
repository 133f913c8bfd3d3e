/**
 * What a client is told when the database could not do its request: the one mapping that /graphql
 * (src/graphql/errors.ts) and the other routes (src/http/errors.ts) both answer with. Each is
 * SERVICE_UNAVAILABLE (503); `retryable` says whether sending the request again is safe, and only
 * then is Retry-After sent. Not for a change whose COMMIT may have landed (rule COMMIT_IN_DOUBT):
 * the client must read it back first, or it may apply it twice.
 */
import { CommitOutcomeUnknownError, DatabaseBusyError, DatabaseConnectionError } from "../store/database.ts";

export interface StoreFailure {
  message: string;
  extensions: { code: "SERVICE_UNAVAILABLE"; rule?: string; retryable: boolean };
}

/** The answer for a store error, or undefined when `e` is not one. */
export function storeFailureOf(e: unknown): StoreFailure | undefined {
  const code = "SERVICE_UNAVAILABLE";
  if (e instanceof CommitOutcomeUnknownError)
    return { message: e.message, extensions: { code, rule: e.rule, retryable: false } };
  // Not a fault: the database is there but could not take this change now; nothing was written.
  if (e instanceof DatabaseBusyError)
    return { message: e.message, extensions: { code, rule: e.rule, retryable: true } };
  if (e instanceof DatabaseConnectionError)
    return { message: "The database is unavailable", extensions: { code, retryable: true } };
  return undefined;
}
