/**
 * The registry over HTTP: GET /registry/{unitId|_all}.{csv|xlsx}?asOf= (the subtree or the whole
 * graph as of a date, default today in Vietnam; CSV with `part=units|relations`) and
 * POST /registry/import (src/registry/import-route.ts). Tokens, a viewer's `?access_token=` and
 * READ_ACCESS apply as for /graphql and the exports: a scoped reader gets only its subtrees, and a unit
 * outside them is NOT_FOUND like one that does not exist. Errors before the first byte are one
 * line of JSON naming the parameter.
 */
import type { Express, Request, Response } from "express";
import { todayInVietnam } from "../domain/dates.ts";
import { badInput } from "../domain/errors.ts";
import type { ExportSlots } from "../explorer/export-slots.ts";
import { methodNotAllowed } from "../http/errors.ts";
import {
  downloadMembers,
  type FileRouteDeps,
  fileRoute,
  parseFileName,
  sendAttachment,
} from "../http/file-download.ts";
import { dateParam, queryParam } from "../http/request-context.ts";
import type { Database, RoundTripCounter } from "../store/database.ts";
import { pagesById } from "../store/export-repository.ts";
import { registryRelationsFrom, registryUnitPage } from "../store/registry-repository.ts";
import { unitsInSubtrees } from "../store/unit-repository.ts";
import {
  REGISTRY_CONTENT_TYPES,
  REGISTRY_FORMATS,
  REGISTRY_PARTS,
  type RegistryFormat,
  type RegistryPart,
  type RegistrySource,
  writeRegistryCsv,
  writeRegistryXlsx,
} from "./export-stream.ts";
import { mountRegistryImport } from "./import-route.ts";
import type { RegistryUnit } from "./layout.ts";

export type RegistryDeps = FileRouteDeps & {
  /** The imports' cap, apart from the downloads'. */
  imports: ExportSlots;
};

/** Mounts the registry's export and import routes (and their 405s). */
export function mountRegistry(app: Express, deps: RegistryDeps): void {
  mountRegistryImport(app, deps);
  app.all("/registry/import", methodNotAllowed(["POST"]));
  app.get(
    "/registry/:file",
    fileRoute(deps, "registry export", (req, res, reads) => exportRegistry(req, res, deps, reads)),
  );
  app.all("/registry/:file", methodNotAllowed(["GET", "HEAD"]));
}

async function exportRegistry(
  req: Request,
  res: Response,
  deps: RegistryDeps,
  reads: RoundTripCounter,
): Promise<void> {
  const { unitId, format } = parseFileName(String(req.params.file ?? ""), REGISTRY_FORMATS, "/registry");
  const asOf = dateParam(req, "asOf") ?? todayInVietnam();
  const part = partParam(req, format);
  const { scopes, members } = await downloadMembers(req, deps, unitId, asOf, reads);
  const name = `so-dang-ky-${unitId ?? "toan-bo"}-${asOf}${part ? `-${part}` : ""}.${format}`;
  sendAttachment(res, REGISTRY_CONTENT_TYPES[format], name);
  if (req.method === "HEAD") return void res.end();
  const source = registrySource(deps.db, reads, asOf, members, scopes);
  if (format === "csv") {
    await writeRegistryCsv(res, part ?? "units", source);
    res.end();
  } else await writeRegistryXlsx(res, source);
}

function partParam(req: Request, format: RegistryFormat): RegistryPart | null {
  if (format !== "csv") {
    if (queryParam(req, "part") !== undefined)
      throw badInput("part", "part is for .csv only; an .xlsx holds the units and relations as two sheets");
    return null;
  }
  const value = queryParam(req, "part") ?? "units";
  if (!REGISTRY_PARTS.includes(value as RegistryPart))
    throw badInput("part", `"${String(value)}" is not a registry part; use part=units or part=relations`);
  return value as RegistryPart;
}

/**
 * Pages of the registry: the members in chunks, or the whole graph by id order. A scoped reader's
 * rows name no superior it may not see (as `Unit.superior` on /graphql).
 */
function registrySource(
  db: Database,
  reads: RoundTripCounter,
  asOf: string,
  members: string[] | null,
  scopes: readonly string[] | null,
): RegistrySource {
  const inside = members === null ? null : new Set(members);
  const pages = () => pagesById(members, (page) => registryUnitPage(db, asOf, page, reads));
  async function* units() {
    for await (const page of pages())
      yield scopes === null ? page : await withVisibleSuperiors(db, page, scopes, reads);
  }
  async function* relations() {
    for await (const page of pages()) {
      const rels = await registryRelationsFrom(
        db,
        asOf,
        page.map((u) => u.id),
        reads,
      );
      yield rels.filter((r) => inside === null || inside.has(r.to));
    }
  }
  return { units, relations };
}

async function withVisibleSuperiors(
  db: Database,
  page: RegistryUnit[],
  scopes: readonly string[],
  reads: RoundTripCounter,
): Promise<RegistryUnit[]> {
  const seen = await unitsInSubtrees(
    db,
    page.flatMap((u) => (u.superiorId ? [u.superiorId] : [])),
    scopes,
    reads,
  );
  return page.map((u) =>
    u.superiorId === null || seen.has(u.superiorId) ? u : { ...u, superiorId: null, superiorName: null },
  );
}
