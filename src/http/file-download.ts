/**
 * What the file routes share (/export, /export/diff, /registry): the `{unitId|_all}.{ext}` file
 * name, the reader and its scopes (the Authorization header, a viewer's `?access_token=`,
 * READ_ACCESS as for /graphql; src/http/request-context.ts), the
 * attachment headers, one cap on concurrent downloads (EXPORT_CONCURRENCY, EXPORT_TIMEOUT_MS —
 * src/explorer/export-slots.ts), and the failure rule: an error before the first byte is one
 * line of JSON naming the parameter; an error mid-stream cuts the connection, so the client
 * never holds a file that looks complete. Every read of a download runs within what is left of
 * EXPORT_TIMEOUT_MS (its transaction timeout), so Neo4j stops working on a download that was cut
 * off and the slot comes free. The routes themselves only read and format.
 */
import type { Request, RequestHandler, Response } from "express";
import { assertCanRead, readIsScoped } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { EXPORT_RETRY_AFTER_SECONDS, type ExportSlots } from "../explorer/export-slots.ts";
import type { Logger } from "../logger.ts";
import {
  budgetedReads,
  type Database,
  RequestTimeoutError,
  type RoundTripCounter,
} from "../store/database.ts";
import { exportMembers } from "../store/export-repository.ts";
import { unitsInSubtrees } from "../store/unit-repository.ts";
import { failure, requestIdOf, sendFailure, sendRouteFailure } from "./errors.ts";
import { downloadReader } from "./request-context.ts";

/** The file name that names the whole graph (not a unit id: ids cannot start with "_"). */
export const WHOLE_GRAPH = "_all";

export interface FileRouteDeps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
  /** The downloads' shared cap; every file route takes its slot from the same one. */
  slots: ExportSlots;
}

/** `{unitId}.{ext}` or `_all.{ext}`, with the extension one of `formats`. */
export function parseFileName<F extends string>(
  file: string,
  formats: readonly F[],
  route: string,
): { unitId: string | null; format: F } {
  const dot = file.lastIndexOf(".");
  const base = dot > 0 ? file.slice(0, dot) : file;
  const ext = dot > 0 ? file.slice(dot + 1).toLowerCase() : "";
  if (!formats.includes(ext as F))
    throw badInput(
      "format",
      `unknown format "${ext}" for ${route}; use ${formats.map((f) => `.${f}`).join(", ")}`,
    );
  if (base !== WHOLE_GRAPH && !UNIT_ID.test(base))
    throw badInput(
      "unitId",
      `"${base}" is not a unit id; use ${route}/{unitId}.${ext} or ${route}/${WHOLE_GRAPH}.${ext}`,
    );
  return { unitId: base === WHOLE_GRAPH ? null : base, format: ext as F };
}

/** The reader's scopes: null when it reads the whole graph. Refuses a reader that may not read. */
export async function readerScopes(req: Request, deps: FileRouteDeps): Promise<readonly string[] | null> {
  const principal = await downloadReader(req, deps.verifyToken);
  assertCanRead(principal, deps.config.READ_ACCESS);
  return readIsScoped(principal, deps.config.READ_ACCESS) ? principal.scopes : null;
}

/** A unit outside the reader's subtrees is NOT_FOUND like one that does not exist. */
async function requireVisibleUnit(
  db: Database,
  id: string,
  scopes: readonly string[] | null,
  reads?: RoundTripCounter,
): Promise<void> {
  const known = await unitsInSubtrees(db, [id], scopes ?? [id], reads);
  if (!known.has(id)) throw new DomainError("NOT_FOUND", `No unit with id ${id}`, { argument: "unitId" });
}

/**
 * What a download of `unitId`'s subtree (null: the whole graph) on `asOf` (null: every period) holds
 * for this reader: its scopes, and the ids of the units (null: the whole graph, unscoped). A unit the
 * reader may not see, or one not in force on `asOf`, is NOT_FOUND.
 */
export async function downloadMembers(
  req: Request,
  deps: FileRouteDeps,
  unitId: string | null,
  asOf: string | null,
  reads: RoundTripCounter,
): Promise<{ scopes: readonly string[] | null; members: string[] | null }> {
  const scopes = await readerScopes(req, deps);
  if (unitId !== null) await requireVisibleUnit(deps.db, unitId, scopes, reads);
  const members = await exportMembers(deps.db, { root: unitId, asOf, scopes }, reads);
  if (unitId !== null && members?.length === 0)
    throw new DomainError("NOT_FOUND", `Unit ${unitId} is not in force on ${asOf}`, { argument: "asOf" });
  return { scopes, members };
}

/** The headers of a download (never kept by a shared cache: the content depends on the reader). */
export function sendAttachment(res: Response, contentType: string, name: string): void {
  res
    .status(200)
    .type(contentType)
    .setHeader("content-disposition", `attachment; filename="${encodeURIComponent(name)}"`)
    .setHeader("cache-control", "private, no-store");
}

/**
 * A file route: every request takes a download slot and is cut off after EXPORT_TIMEOUT_MS —
 * HEAD too, since its headers (and its NOT_FOUND) come from the same traversal as a GET's; the
 * handler sets the headers and streams, passing `reads` (the budget of EXPORT_TIMEOUT_MS) to
 * every read. The slot is released when the handler has ended, its reads stopped included.
 */
export function fileRoute(
  deps: FileRouteDeps,
  what: string,
  handler: (req: Request, res: Response, reads: RoundTripCounter) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    const requestId = requestIdOf(res);
    let release: (() => void) | null = null;
    let timer: NodeJS.Timeout | undefined;
    let stopPacing = () => {};
    let cut = false;
    try {
      release = deps.slots.take(req);
      if (release === null) return void refuseBusy(req, res, deps.slots.limit);
      const reads = budgetedReads(deps.config.EXPORT_TIMEOUT_MS, "EXPORT_TIMEOUT_MS");
      timer = setTimeout(() => {
        cut = true;
        cutOff(req, res, deps, requestId, what);
      }, deps.config.EXPORT_TIMEOUT_MS);
      stopPacing = paceClient(req, res, deps.config, () => {
        cut = true;
        deps.log.warn(
          { requestId },
          `${what} cut off: the client read slower than EXPORT_MIN_BYTES_PER_SECOND`,
        );
      });
      await handler(req, res, reads);
    } catch (e) {
      // Already answered (TIMEOUT) or cut off at the deadline: what failed after it is its echo.
      if (cut) return;
      if (res.headersSent) {
        // Neo4j may stop a read at the deadline just before the timer fires: that is the cut-off, not a fault.
        if (e instanceof RequestTimeoutError) deps.log.warn({ requestId }, `${what} cut off: ${e.message}`);
        else deps.log.error({ err: e, requestId }, `${what} failed while streaming`);
        res.destroy(e instanceof Error ? e : undefined);
        return;
      }
      sendRouteFailure(req, res, e, deps.log, what);
    } finally {
      clearTimeout(timer);
      stopPacing();
      release?.();
    }
  };
}

/** 503 with Retry-After: every slot of the downloads' (and imports') cap is taken. */
export function refuseBusy(req: Request, res: Response, limit: number): void {
  res.setHeader("retry-after", EXPORT_RETRY_AFTER_SECONDS);
  sendFailure(
    req,
    res,
    failure(
      "SERVICE_UNAVAILABLE",
      `Too many downloads or imports at once: at most ${limit} of each run together (EXPORT_CONCURRENCY), one per client; retry after the Retry-After header's seconds`,
    ),
    { retryable: true, rule: "EXPORT_CONCURRENCY" },
  );
}

/**
 * Past EXPORT_TIMEOUT_MS: before the first byte, the client is answered TIMEOUT (one line of
 * JSON); mid-stream no status can be sent any more, so the connection is cut — the client sees an
 * incomplete file, never one that looks whole. The pending write or read then fails (Neo4j stops
 * the read at the same deadline), the handler ends and the slot is released.
 */
function cutOff(req: Request, res: Response, deps: FileRouteDeps, requestId: string, what: string): void {
  const ms = deps.config.EXPORT_TIMEOUT_MS;
  deps.log.warn({ requestId, timeoutMs: ms }, `${what} cut off after EXPORT_TIMEOUT_MS`);
  if (res.headersSent) return void res.destroy();
  const e = new RequestTimeoutError(ms, "EXPORT_TIMEOUT_MS");
  sendFailure(req, res, failure("TIMEOUT", e.message), { limit: e.setting, max: ms });
}

/**
 * The minimum-throughput cut (review s10 #13): every EXPORT_MIN_RATE_WINDOW_MS, a download whose
 * response is waiting on its client (the buffers full) and whose socket took fewer than
 * EXPORT_MIN_BYTES_PER_SECOND × the window's bytes in that window has its connection cut, so that
 * a client that reads a trickle cannot hold a slot for EXPORT_TIMEOUT_MS. A download waiting on
 * Neo4j (nothing to send, buffers empty) is not the client's doing and is left to the timeout.
 * Returns the function that stops the watch.
 */
function paceClient(
  req: Request,
  res: Response,
  config: Pick<Config, "EXPORT_MIN_BYTES_PER_SECOND" | "EXPORT_MIN_RATE_WINDOW_MS">,
  onCut: () => void,
): () => void {
  const window = config.EXPORT_MIN_RATE_WINDOW_MS;
  const least = (config.EXPORT_MIN_BYTES_PER_SECOND * window) / 1000;
  if (least <= 0) return () => {};
  const socket = req.socket;
  let last = socket.bytesWritten;
  const watch = setInterval(() => {
    const sent = socket.bytesWritten - last;
    last = socket.bytesWritten;
    if (sent >= least || !res.headersSent || !res.writableNeedDrain) return;
    onCut();
    res.destroy();
  }, window);
  watch.unref();
  return () => clearInterval(watch);
}

type Writable = Pick<Response, "write" | "once" | "off" | "destroyed" | "writableNeedDrain">;

/** Writes a chunk, then waits while the socket's buffer is full. */
export async function write(res: Writable, chunk: string): Promise<void> {
  if (res.destroyed) throw new Error("client closed the connection");
  if (chunk === "") return;
  res.write(chunk);
  await drained(res);
}

/**
 * Waits while the response's buffer is full (also for writers that write into it without
 * waiting, like exceljs's zip stream). A client gone stops the download: its "close" has already
 * fired and "drain" never will, so waiting would hang the download (and its slot) for ever.
 */
export async function drained(res: Writable): Promise<void> {
  if (res.destroyed) throw new Error("client closed the connection");
  if (!res.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off("close", closed);
      resolve();
    };
    const closed = () => {
      res.off("drain", done);
      reject(new Error("client closed the connection"));
    };
    res.once("drain", done);
    res.once("close", closed);
  });
}
