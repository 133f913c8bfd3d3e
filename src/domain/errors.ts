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
