/**
 * Exports: GET /export/{unitId}.{graphml|csv|json} (the unit's subtree) and
 * /export/_all.{graphml|csv|json} (the whole graph), with `asOf` (yyyy-mm-dd; absent: every
 * period, each unit and relation with its validity) and for CSV `part=nodes|edges` (nodes.csv,
 * edges.csv). Streamed page by page with backpressure, so the national graph goes out with
 * bounded memory. Tokens and READ_ACCESS apply as for /graphql (and ?access_token= as for the
 * calendar feed); a scoped reader gets only its subtrees, and a unit outside them is NOT_FOUND
 * like a unit that does not exist. Errors before the first byte are one line of JSON. At most
 * EXPORT_CONCURRENCY exports stream at once (others: 503 with Retry-After), each for at most
 * EXPORT_TIMEOUT_MS (src/explorer/export-slots.ts).
 */
import type { Express, Request, Response } from "express";
import { assertCanRead, readIsScoped } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { failure, requestIdOf, sendFailure, sendRouteFailure } from "../http/errors.ts";
import { dateParam, headerOrQueryToken } from "../http/request-context.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import {
  EXPORT_PAGE,
  type ExportRelation,
  type ExportScope,
  type ExportUnit,
  exportMembers,
  exportRelationsFrom,
  exportUnitPage,
} from "../store/export-repository.ts";
import { unitsInSubtrees } from "../store/unit-repository.ts";
import {
  BOM,
  CONTENT_TYPES,
  CSV_PARTS,
  type CsvPart,
  csvEdge,
  csvLine,
  csvNode,
  EDGE_COLUMNS,
  type ExportFormat,
  edgeRecord,
  FORMATS,
  GRAPHML_FOOTER,
  graphmlEdge,
  graphmlHeader,
  graphmlNode,
  NODE_COLUMNS,
  nodeRecord,
} from "./export-formats.ts";
import { EXPORT_RETRY_AFTER_SECONDS, ExportSlots } from "./export-slots.ts";

/** The file name that exports the whole graph (not a unit id: ids cannot start with "_"). */
export const WHOLE_GRAPH = "_all";

interface Deps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
}

export function mountExports(app: Express, deps: Deps): void {
  const slots = new ExportSlots(deps.config.EXPORT_CONCURRENCY);
  app.get("/export/:file", async (req: Request, res: Response) => {
    const requestId = requestIdOf(res);
    let release: (() => void) | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const { unitId, format } = parseFile(String(req.params.file ?? ""));
      const asOf = dateParam(req, "asOf");
      const part = partParam(req, format);
      const principal = await deps.verifyToken(headerOrQueryToken(req));
      assertCanRead(principal, deps.config.READ_ACCESS);
      const scopes = readIsScoped(principal, deps.config.READ_ACCESS) ? principal.scopes : null;
      // HEAD reads no more than a lookup: only a GET takes a slot.
      if (req.method !== "HEAD") {
        release = slots.take();
        if (release === null) return void refuseBusy(req, res, slots.limit);
        timer = setTimeout(() => cutOff(res, deps, requestId), deps.config.EXPORT_TIMEOUT_MS);
      }
      const scope: ExportScope = { root: unitId, asOf, scopes };
      if (unitId !== null) await requireVisibleUnit(deps.db, unitId, scopes);
      const members = await exportMembers(deps.db, scope);
      if (unitId !== null && members?.length === 0)
        throw new DomainError("NOT_FOUND", `Unit ${unitId} is not in force on ${asOf}`, { argument: "asOf" });
      // What a relation's `via` may name: the reader's whole part of the graph, which, like the
      // visibility of /graphql (unitsInSubtrees), does not depend on the date.
      const visible =
        scopes === null
          ? null
          : new Set((await exportMembers(deps.db, { root: null, asOf: null, scopes })) ?? []);
      const name = `${unitId ?? "party-org-graph"}${asOf ? `-${asOf}` : ""}${part ? `-${part}` : ""}.${format}`;
      res
        .status(200)
        .type(CONTENT_TYPES[format])
        .setHeader("content-disposition", `attachment; filename="${encodeURIComponent(name)}"`)
        .setHeader("cache-control", "private, no-store");
      // HEAD: the headers say what a GET would send; reading the graph for a dropped body would be waste.
      if (req.method === "HEAD") return void res.end();
      await stream(res, deps.db, { format, part, asOf, members, unitId, visible });
      res.end();
    } catch (e) {
      if (res.headersSent) {
        // Mid-stream: the client sees a cut connection rather than a file that looks complete.
        deps.log.error({ err: e, requestId }, "export failed while streaming");
        res.destroy(e instanceof Error ? e : undefined);
        return;
      }
      sendRouteFailure(req, res, e, deps.log, "export");
    } finally {
      clearTimeout(timer);
      release?.();
    }
  });
}

function refuseBusy(req: Request, res: Response, limit: number): void {
  res.setHeader("retry-after", EXPORT_RETRY_AFTER_SECONDS);
  sendFailure(
    req,
    res,
    failure(
      "SERVICE_UNAVAILABLE",
      `Too many exports at once: at most ${limit} run together (EXPORT_CONCURRENCY); retry after the Retry-After header's seconds`,
    ),
    { retryable: true, rule: "EXPORT_CONCURRENCY" },
  );
}

/**
 * Past EXPORT_TIMEOUT_MS the connection is cut (mid-stream no status can be sent any more): the
 * client sees an incomplete file, never one that looks whole; the pending write rejects and the
 * slot is released.
 */
function cutOff(res: Response, deps: Deps, requestId: string): void {
  deps.log.warn(
    { requestId, timeoutMs: deps.config.EXPORT_TIMEOUT_MS },
    "export cut off after EXPORT_TIMEOUT_MS",
  );
  res.destroy();
}

function parseFile(file: string): { unitId: string | null; format: ExportFormat } {
  const dot = file.lastIndexOf(".");
  const base = dot > 0 ? file.slice(0, dot) : file;
  const ext = dot > 0 ? file.slice(dot + 1).toLowerCase() : "";
  if (!FORMATS.includes(ext as ExportFormat))
    throw badInput("format", `unknown export format "${ext}"; use .graphml, .csv or .json`);
  if (base !== WHOLE_GRAPH && !UNIT_ID.test(base))
    throw badInput(
      "unitId",
      `"${base}" is not a unit id; use /export/{unitId}.${ext} or /export/${WHOLE_GRAPH}.${ext}`,
    );
  return { unitId: base === WHOLE_GRAPH ? null : base, format: ext as ExportFormat };
}

function partParam(req: Request, format: ExportFormat): CsvPart | null {
  if (format !== "csv") {
    if (req.query.part !== undefined)
      throw badInput("part", `part is for .csv only; a .${format} export holds nodes and edges together`);
    return null;
  }
  const value = req.query.part ?? "nodes";
  if (typeof value !== "string" || !CSV_PARTS.includes(value as CsvPart))
    throw badInput(
      "part",
      `"${String(value)}" is not a CSV part; use part=nodes (nodes.csv) or part=edges (edges.csv)`,
    );
  return value as CsvPart;
}

async function requireVisibleUnit(db: Database, id: string, scopes: readonly string[] | null): Promise<void> {
  const known = await unitsInSubtrees(db, [id], scopes ?? [id]);
  if (!known.has(id)) throw new DomainError("NOT_FOUND", `No unit with id ${id}`, { argument: "unitId" });
}

/**
 * Writes a chunk, waiting for the socket to drain when its buffer is full. A client gone before
 * the write stops the export: its "close" has already fired and "drain" never will, so waiting
 * would hang the export (and keep its member ids) for ever.
 */
export async function write(
  res: Pick<Response, "write" | "once" | "off" | "destroyed">,
  chunk: string,
): Promise<void> {
  if (res.destroyed) throw new Error("client closed the connection");
  if (chunk === "") return;
  if (!res.write(chunk))
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        res.off("drain", done);
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

/** Pages of unit ids: the members in chunks, or the whole graph by id order. */
async function* unitPages(db: Database, asOf: string | null, members: string[] | null) {
  if (members !== null) {
    for (let i = 0; i < members.length; i += EXPORT_PAGE)
      yield await exportUnitPage(db, asOf, { ids: members.slice(i, i + EXPORT_PAGE) });
    return;
  }
  let after = "";
  for (;;) {
    const page = await exportUnitPage(db, asOf, { after });
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) return;
    after = (page[page.length - 1] as { id: string }).id;
  }
}

/** The unit without its host when the reader may not see it, as `Unit.host` on /graphql. */
function withVisibleHost(u: ExportUnit, visible: Set<string> | null): ExportUnit {
  return visible === null || u.host === null || visible.has(u.host) ? u : { ...u, host: null };
}

/** The relation with only the `via` units the reader may see, as `Relation.via` on /graphql. */
function withVisibleVia(r: ExportRelation, visible: Set<string> | null): ExportRelation {
  return visible === null ? r : { ...r, via: r.via.filter((id) => visible.has(id)) };
}

async function stream(
  res: Response,
  db: Database,
  o: {
    format: ExportFormat;
    part: CsvPart | null;
    asOf: string | null;
    members: string[] | null;
    unitId: string | null;
    /** A scoped reader's units; null when reading is not scoped. */
    visible: Set<string> | null;
  },
): Promise<void> {
  const inside = o.members === null ? null : new Set(o.members);
  const nodes = o.format !== "csv" || o.part === "nodes";
  const edges = o.format !== "csv" || o.part === "edges";
  const what = `${o.unitId ? `cây đơn vị ${o.unitId}` : "toàn bộ đồ thị"}, ${o.asOf ? `ngày ${o.asOf}` : "mọi thời kỳ"}`;
  if (o.format === "graphml") await write(res, graphmlHeader(`party-org-graph: ${what}`));
  if (o.format === "csv") await write(res, BOM + csvLine(nodes ? NODE_COLUMNS : EDGE_COLUMNS));
  if (o.format === "json")
    await write(res, `{"root":${JSON.stringify(o.unitId)},"asOf":${JSON.stringify(o.asOf)},"nodes":[`);
  let first = true;
  const item = (json: unknown) => {
    const s = `${first ? "" : ","}\n${JSON.stringify(json)}`;
    first = false;
    return s;
  };
  if (nodes)
    for await (const page of unitPages(db, o.asOf, o.members))
      await write(
        res,
        page
          .map((u) => withVisibleHost(u, o.visible))
          .map((u) =>
            o.format === "graphml" ? graphmlNode(u) : o.format === "csv" ? csvNode(u) : item(nodeRecord(u)),
          )
          .join(""),
      );
  if (o.format === "json") {
    await write(res, `],"edges":[`);
    first = true;
  }
  if (edges)
    for await (const page of unitPages(db, o.asOf, o.members)) {
      const rels = (
        await exportRelationsFrom(
          db,
          o.asOf,
          page.map((u) => u.id),
        )
      )
        .filter((r) => inside === null || inside.has(r.to))
        .map((r) => withVisibleVia(r, o.visible));
      await write(
        res,
        rels
          .map((r) =>
            o.format === "graphml" ? graphmlEdge(r) : o.format === "csv" ? csvEdge(r) : item(edgeRecord(r)),
          )
          .join(""),
      );
    }
  if (o.format === "graphml") await write(res, GRAPHML_FOOTER);
  if (o.format === "json") await write(res, "]}\n");
}
