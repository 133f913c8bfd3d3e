/**
 * A time budget and a cap on the answer's size for each GraphQL request (README, "Limits"),
 * as Express middleware placed before Apollo's:
 * - REQUEST_TIMEOUT_MS: when a query is still running at its deadline, the client gets TIMEOUT
 *   (HTTP 503) at once and Apollo's late answer is dropped. The request's reads were given the
 *   rest of the budget as their transaction timeout, and later ones are not started
 *   (src/store/database.ts), so Neo4j stops working on it too. Mutations are exempt
 *   (src/graphql/limits.ts): a write is answered when its transaction ends, never reported as
 *   failed when it may have been committed.
 * - MAX_RESPONSE_BYTES: an answer larger than this is replaced by RESPONSE_TOO_LARGE (HTTP 400).
 *   The cost limit should keep answers well below it; this is the backstop.
 */
import type { NextFunction, Request, Response } from "express";
import type { GraphQLFormattedError } from "graphql";
import { formatCount, QueryLimitError } from "../graphql/limit-error.ts";
import type { Logger } from "../logger.ts";
import { RequestTimeoutError, type TimeBudget } from "../store/database.ts";

/** The time budget of the request `res` answers (for its context's round-trip counter). */
export function budgetOf(res: Response): TimeBudget | undefined {
  return res.locals.timeBudget as TimeBudget | undefined;
}

/** A GraphQL response body with one limit error (and the request id, as every answer has). */
function errorBody(error: QueryLimitError, requestId: unknown): string {
  const { http: _status, ...extensions } = error.extensions;
  const formatted: GraphQLFormattedError = { message: error.message, extensions };
  return JSON.stringify({
    errors: [formatted],
    ...(typeof requestId === "string" ? { extensions: { requestId } } : {}),
  });
}

export function guardResponse(
  limits: { REQUEST_TIMEOUT_MS: number; MAX_RESPONSE_BYTES: number },
  log: Logger,
): (req: Request, res: Response, next: NextFunction) => void {
  const { REQUEST_TIMEOUT_MS: timeoutMs, MAX_RESPONSE_BYTES: maxBytes } = limits;
  return (_req, res, next) => {
    const budget: TimeBudget = {
      ms: timeoutMs,
      deadline: Date.now() + timeoutMs,
      enforced: true,
      answered: false,
    };
    res.locals.timeBudget = budget;
    const send = res.send.bind(res);
    const reply = (error: QueryLimitError) => {
      res.status(error.status).type("application/json");
      send(errorBody(error, res.locals.requestId));
    };
    const timeOut = () => {
      log.warn({ requestId: res.locals.requestId, timeoutMs }, "request stopped: REQUEST_TIMEOUT_MS spent");
      reply(new QueryLimitError("REQUEST_TIMEOUT_MS", new RequestTimeoutError(timeoutMs).message, timeoutMs));
      budget.answered = true;
    };
    ignoreHeadersOnceAnswered(res, budget);
    res.send = (body?: unknown) => {
      if (budget.answered) return res;
      // Finished past its deadline before the timer could run: answered as the timer would have.
      if (budget.enforced && Date.now() >= budget.deadline) {
        timeOut();
        return res;
      }
      const bytes = oversizeBytes(body, maxBytes);
      if (bytes === null) return send(body);
      log.warn({ requestId: res.locals.requestId, bytes }, "answer refused: larger than MAX_RESPONSE_BYTES");
      reply(tooLarge(bytes, maxBytes));
      return res;
    };
    const timer = setTimeout(() => {
      if (budget.enforced && !res.headersSent) timeOut();
    }, timeoutMs);
    res.on("close", () => clearTimeout(timer));
    next();
  };
}

/** Once answered with TIMEOUT, Apollo's late answer goes nowhere: its headers are dropped too. */
function ignoreHeadersOnceAnswered(res: Response, budget: TimeBudget): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    budget.answered ? res : setHeader(name, value)) as Response["setHeader"];
}

/** The size in bytes of a body over the cap, or null when it fits. */
function oversizeBytes(body: unknown, maxBytes: number): number | null {
  // Characters ≤ UTF-8 bytes ≤ 3 × characters: measure only when the cheap bounds disagree.
  if (typeof body !== "string" || body.length * 3 <= maxBytes) return null;
  const bytes = Buffer.byteLength(body);
  return bytes > maxBytes ? bytes : null;
}

function tooLarge(bytes: number, maxBytes: number): QueryLimitError {
  return new QueryLimitError(
    "MAX_RESPONSE_BYTES",
    `answer of ${formatCount(bytes)} bytes exceeds MAX_RESPONSE_BYTES ${formatCount(maxBytes)}; ask for fewer fields or smaller pages`,
    maxBytes,
    bytes,
  );
}
