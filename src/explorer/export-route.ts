/**
 * Exports: GET /export/{unitId}.{graphml|csv|json} (the unit's subtree) and
 * /export/_all.{graphml|csv|json} (the whole graph), with `asOf` (yyyy-mm-dd; absent: every
 * period, each unit and relation with its validity) and for CSV `part=nodes|edges` (nodes.csv,
 * edges.csv). Streamed page by page with backpressure, so the national graph goes out with
 * bounded memory. Tokens and READ_ACCESS apply as for /graphql (and a viewer's ?access_token= as
 * for the calendar feed; src/http/request-context.ts); a scoped reader gets only its subtrees, and a unit outside them is NOT_FOUND
 * like a unit that does not exist. Errors before the first byte are one line of JSON. At most
 * EXPORT_CONCURRENCY downloads stream at once (others: 503 with Retry-After), each for at most
 * EXPORT_TIMEOUT_MS (src/http/file-download.ts).
 */
import type { Express, Request, Response } from "express";
import { badInput } from "../domain/errors.ts";
import {
  downloadMembers,
  type FileRouteDeps,
  fileRoute,
  parseFileName,
  sendAttachment,
  write,
} from "../http/file-download.ts";
import { dateParam, queryParam } from "../http/request-context.ts";
import type { Database, RoundTripCounter } from "../store/database.ts";
import {
  type ExportRelation,
  type ExportUnit,
  exportMembers,
  exportRelationsFrom,
  exportUnitPage,
  pagesById,
} from "../store/export-repository.ts";
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

export function mountExports(app: Express, deps: FileRouteDeps): void {
  app.get(
    "/export/:file",
    fileRoute(deps, "export", async (req: Request, res: Response, reads: RoundTripCounter) => {
      const { unitId, format } = parseFileName(String(req.params.file ?? ""), FORMATS, "/export");
      const asOf = dateParam(req, "asOf");
      const part = partParam(req, format);
      const { scopes, members } = await downloadMembers(req, deps, unitId, asOf, reads);
      // What a relation's `via` may name: the reader's whole part of the graph, which, like the
      // visibility of /graphql (unitsInSubtrees), does not depend on the date.
      const visible =
        scopes === null
          ? null
          : new Set((await exportMembers(deps.db, { root: null, asOf: null, scopes }, reads)) ?? []);
      const name = `${unitId ?? "party-org-graph"}${asOf ? `-${asOf}` : ""}${part ? `-${part}` : ""}.${format}`;
      sendAttachment(res, CONTENT_TYPES[format], name);
      // HEAD: the headers say what a GET would send; reading the graph for a dropped body would be waste.
      if (req.method === "HEAD") return void res.end();
      await stream(res, deps.db, reads, { format, part, asOf, members, unitId, visible });
      res.end();
    }),
  );
}

function partParam(req: Request, format: ExportFormat): CsvPart | null {
  if (format !== "csv") {
    if (queryParam(req, "part") !== undefined)
      throw badInput("part", `part is for .csv only; a .${format} export holds nodes and edges together`);
    return null;
  }
  const value = queryParam(req, "part") ?? "nodes";
  if (!CSV_PARTS.includes(value as CsvPart))
    throw badInput(
      "part",
      `"${String(value)}" is not a CSV part; use part=nodes (nodes.csv) or part=edges (edges.csv)`,
    );
  return value as CsvPart;
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
  reads: RoundTripCounter,
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
    for await (const page of pagesById(o.members, (page) => exportUnitPage(db, o.asOf, page, reads)))
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
    for await (const page of pagesById(o.members, (page) => exportUnitPage(db, o.asOf, page, reads))) {
      const rels = (
        await exportRelationsFrom(
          db,
          o.asOf,
          page.map((u) => u.id),
          reads,
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
