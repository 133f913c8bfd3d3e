/**
 * The error every limit refusal becomes (src/graphql/limits.ts, src/http/response-guard.ts):
 * a code, HTTP status, and a message naming the limit and the value, e.g.
 * "query cost 1,250,000 exceeds MAX_QUERY_COST 100,000". Mapped for clients in src/graphql/errors.ts.
 */
import { GraphQLError } from "graphql";
import { messageVi } from "../domain/error-messages-vi.ts";
import { HTTP_STATUS } from "../http/statuses.ts";

/** Refused before execution: tokens, depth, aliases, directives or cost. */
export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX" as const;
/** The answer would exceed MAX_RESPONSE_BYTES. */
export const RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE" as const;
/** The request ran past REQUEST_TIMEOUT_MS. (Each code's HTTP status: src/http/statuses.ts.) */
export const TIMEOUT = "TIMEOUT" as const;

export type LimitName =
  | "MAX_TOKENS"
  | "MAX_QUERY_DEPTH"
  | "MAX_ALIASES"
  | "MAX_DIRECTIVES"
  | "MAX_QUERY_COST"
  | "MAX_RESPONSE_BYTES"
  | "SCOPED_SUBTREE_SCAN_MAX"
  | "REQUEST_TIMEOUT_MS";

/** 1250000 → "1,250,000", as limits are written in messages. */
export const formatCount = (n: number) => n.toLocaleString("en-US");

export class QueryLimitError extends GraphQLError {
  /** The HTTP status a refusal is sent with, when it ends the request. */
  readonly status: number;

  constructor(limit: LimitName, message: string, max: number, value?: number) {
    const code =
      limit === "REQUEST_TIMEOUT_MS"
        ? TIMEOUT
        : limit === "MAX_RESPONSE_BYTES"
          ? RESPONSE_TOO_LARGE
          : QUERY_TOO_COMPLEX;
    const details = { limit, max, ...(value === undefined ? {} : { value }) };
    // With its Vietnamese message already: src/http/response-guard.ts sends it as it is.
    super(message, {
      extensions: {
        code,
        ...details,
        messageVi: messageVi(code, details),
        http: { status: HTTP_STATUS[code] },
      },
    });
    this.status = HTTP_STATUS[code];
  }
}

/**
 * The limit error behind `error`, if any: ours (Apollo wraps validation errors and keeps ours as
 * the original), or graphql-js's refusal of a document with too many tokens (parseOptions), named.
 */
export function limitErrorOf(error: unknown): QueryLimitError | null {
  for (let e = error, i = 0; e instanceof GraphQLError && i < 4; e = e.originalError, i++) {
    if (e instanceof QueryLimitError) return e;
    const tokens = /Document contains more tha[nt] (\d+) tokens/.exec(e.message);
    if (tokens) {
      const max = Number(tokens[1]);
      return new QueryLimitError("MAX_TOKENS", `token count exceeds MAX_TOKENS ${formatCount(max)}`, max);
    }
  }
  return null;
}
