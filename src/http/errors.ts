/**
 * Every failure outside a resolver as JSON: body-parser refusals (malformed JSON, a body that is
 * not an object, unsupported charsets and encodings, oversized bodies), unknown routes, wrong
 * methods and anything thrown by an Express handler. Under /graphql the body has the GraphQL
 * shape (`{ errors: [{ message, extensions: { code } }] }`, GraphQL-over-HTTP); elsewhere it is
 * `{ error: { code, message, requestId } }`, as the calendar feed answers.
 */
import { randomUUID } from "node:crypto";
import { type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { messageVi } from "../domain/error-messages-vi.ts";
import { DomainError } from "../domain/errors.ts";
import type { Logger } from "../logger.ts";
import { RequestTimeoutError } from "../store/database.ts";
import { type ErrorCode, HTTP_STATUS, RETRY_AFTER_SECONDS, statusOfDomainError } from "./statuses.ts";
import { storeFailureOf } from "./store-failures.ts";

export interface HttpFailure {
  status: number;
  code: string;
  message: string;
}

/** A failure whose status is its code's (src/http/statuses.ts). */
export function failure(code: ErrorCode, message: string): HttpFailure {
  return { status: HTTP_STATUS[code], code, message };
}

/** Sets `x-request-id` (the client's when well-formed, else a new one) and keeps it in res.locals. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const header = req.headers["x-request-id"];
  const requestId = typeof header === "string" && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
  res.setHeader("x-request-id", requestId);
  res.locals.requestId = requestId;
  next();
};

export function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === "string" ? res.locals.requestId : "unknown";
}

/**
 * What a route outside GraphQL (the .ics feed, the exports) answers when its handler throws: a
 * DomainError with its code, status and argument (as `parameter`); a spent time budget as TIMEOUT
 * naming its setting; a store failure as a 503 (src/http/store-failures.ts); anything else masked as a 500
 * and logged under the request id.
 */
export function sendRouteFailure(req: Request, res: Response, e: unknown, log: Logger, what: string): void {
  const requestId = requestIdOf(res);
  if (e instanceof DomainError) {
    const { argument, ...details } = e.details;
    sendFailure(
      req,
      res,
      { status: statusOfDomainError(e), code: e.code, message: e.message },
      {
        ...(argument ? { parameter: argument } : {}),
        ...details,
      },
    );
    return;
  }
  if (e instanceof RequestTimeoutError) {
    log.warn({ requestId, limit: e.setting, ms: e.ms }, `${what} stopped: ${e.setting} spent`);
    sendFailure(req, res, failure("TIMEOUT", e.message), { limit: e.setting, max: e.ms });
    return;
  }
  log.error({ err: e, requestId }, `${what} failed`);
  const store = storeFailureOf(e);
  if (store) {
    const { code, ...extra } = store.extensions;
    if (extra.retryable) res.setHeader("retry-after", RETRY_AFTER_SECONDS);
    sendFailure(req, res, failure(code, `${store.message} (request id ${requestId})`), extra);
    return;
  }
  sendFailure(req, res, failure("INTERNAL_SERVER_ERROR", `Internal server error (request id ${requestId})`));
}

/** Sends a failure as JSON in the shape that suits the path. */
export function sendFailure(req: Request, res: Response, failure: HttpFailure, extra: object = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const requestId = requestIdOf(res);
  res.status(failure.status);
  // The message for end users, in Vietnamese, beside the English one (src/domain/error-messages-vi.ts).
  const vi = messageVi(failure.code, { ...extra, requestId });
  if (isGraphqlPath(req)) {
    res.json({
      errors: [
        { message: failure.message, extensions: { code: failure.code, ...extra, requestId, messageVi: vi } },
      ],
    });
  } else {
    res.json({ error: { code: failure.code, message: failure.message, messageVi: vi, ...extra, requestId } });
  }
}

function isGraphqlPath(req: Request): boolean {
  return (
    req.originalUrl === "/graphql" ||
    req.originalUrl.startsWith("/graphql?") ||
    req.originalUrl.startsWith("/graphql/")
  );
}

/** body-parser's error types (its `type` property) and what the client is told. */
const BODY_ERRORS: Record<string, (limit: string) => HttpFailure> = {
  "entity.parse.failed": () =>
    failure(
      "BAD_REQUEST",
      'The request body is not a JSON object; send { "query": "…", "variables": { … } }',
    ),
  "entity.too.large": (limit) => failure("PAYLOAD_TOO_LARGE", `The request body is larger than ${limit}`),
  "charset.unsupported": () =>
    failure(
      "UNSUPPORTED_MEDIA_TYPE",
      "Unsupported charset: send the body as UTF-8 (content-type: application/json; charset=utf-8)",
    ),
  "encoding.unsupported": () =>
    failure(
      "UNSUPPORTED_MEDIA_TYPE",
      "Unsupported content-encoding: send the body uncompressed, gzip or deflate",
    ),
  "request.aborted": () => failure("BAD_REQUEST", "The request body was aborted"),
  "request.size.invalid": () =>
    failure("BAD_REQUEST", "The request body's length does not match its content-length"),
};

/**
 * The last error handler: known client errors keep their status with a clear message; anything
 * else is logged and answered 500 with the request id only (no stack, no internals).
 */
export function jsonErrorHandler(log: Logger, bodyLimit: string): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = (err ?? {}) as { type?: string; status?: number; statusCode?: number };
    const known = e.type ? BODY_ERRORS[e.type] : undefined;
    if (known) return sendFailure(req, res, known(bodyLimit));
    const status = e.status ?? e.statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      // An inflate error, a malformed URI and the like: the client's fault, said plainly.
      return sendFailure(req, res, {
        status,
        code: "BAD_REQUEST",
        message: `The request could not be read (${firstLine(err)})`,
      });
    }
    log.error({ err, requestId: requestIdOf(res), path: req.path }, "HTTP request failed");
    sendFailure(
      req,
      res,
      failure("INTERNAL_SERVER_ERROR", `Internal server error (request id ${requestIdOf(res)})`),
    );
  };
}

/** Answers 405 with `Allow` for a known path asked with a method it does not serve. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res) => {
    res.setHeader("allow", allowed.join(", "));
    sendFailure(
      req,
      res,
      failure(
        "METHOD_NOT_ALLOWED",
        `${req.method} is not allowed on ${req.path}; use ${allowed.join(" or ")}`,
      ),
    );
  };
}

/** Answers 404 for every path no route serves. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendFailure(
    req,
    res,
    failure("NOT_FOUND", `No resource at ${req.method} ${req.path}; GraphQL is served at /graphql`),
  );
};

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n")[0] ?? "").slice(0, 200);
}

/**
 * Requests Node refuses before Express sees them (headers over 16 KB, a malformed request line)
 * get a JSON answer too, instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    endSocket(
      socket,
      err.code === "HPE_HEADER_OVERFLOW"
        ? failure("HEADERS_TOO_LARGE", "The request's headers are larger than 16 KB")
        : failure("BAD_REQUEST", "The request could not be read as HTTP/1.1"),
    );
  });
}

/**
 * Ends a raw socket (a request Node refused, a refused WebSocket upgrade) with the JSON failure
 * the routes answer, since no Express response exists there.
 */
export function endSocket(socket: Duplex, f: HttpFailure, extra: Record<string, unknown> = {}): void {
  const body = JSON.stringify({
    error: { code: f.code, message: f.message, messageVi: messageVi(f.code, extra), ...extra },
  });
  socket.end(
    `HTTP/1.1 ${f.status} ${STATUS_CODES[f.status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
