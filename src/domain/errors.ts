/**
 * Domain errors as typed values. The GraphQL layer maps each code to an error code in one
 * place (src/graphql/errors.ts); anything else is masked as an internal error.
 */
export type DomainErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The argument or rule the error is about, for clients that want to point at it. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export function badInput(argument: string, message: string): DomainError {
  return new DomainError("BAD_USER_INPUT", `Argument "${argument}": ${message}`, { argument });
}

export function notFound(what: string, id: string): DomainError {
  return new DomainError("NOT_FOUND", `No ${what} with id "${id}"`, { id });
}

/** The most ids one message quotes: a refusal of a list of thousands names the first few and counts the rest. */
export const MAX_QUOTED_IDS = 10;

/**
 * Ids as every message quotes them — `"a", "b", "c"`, or past MAX_QUOTED_IDS `"a", … "j" and
 * 1,990 more` — so that an answer does not echo a whole request's list back; `quote` false
 * leaves them bare (a token's scopes).
 */
export function quotedIds(ids: readonly string[], quote = true): string {
  const shown = ids.slice(0, MAX_QUOTED_IDS).map((id) => (quote ? `"${id}"` : id));
  const rest = ids.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} and ${rest.toLocaleString("en-US")} more` : shown.join(", ");
}
