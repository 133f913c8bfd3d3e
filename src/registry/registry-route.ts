/**
 * The registry over HTTP: GET /registry/{unitId|_all}.{csv|xlsx}?asOf= (the subtree or the whole
 * graph as of a date, default today in Vietnam; CSV with `part=units|relations`) and
 * POST /registry/import (src/registry/import-route.ts). Tokens, `?access_token=` and READ_ACCESS
 * apply as for /graphql and the exports: a scoped reader gets only its subtrees, and a unit
 * outside them is NOT_FOUND like one that does not exist. Errors before the first byte are one
 * line of JSON naming the parameter.
 */
import type { Express, Request, Response } from "express";
import { assertCanRead, readIsScoped } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { todayInVietnam } from "../domain/dates.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { WHOLE_GRAPH } from "../explorer/export-route.ts";
import { methodNotAllowed, requestIdOf, sendRouteFailure } from "../http/errors.ts";
import { dateParam, headerOrQueryToken } from "../http/request-context.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { EXPORT_PAGE, exportMembers } from "../store/export-repository.ts";
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

export interface RegistryDeps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
}

/** Mounts the registry's export and import routes (and their 405s). */
export function mountRegistry(app: Express, deps: RegistryDeps): void {
  mountRegistryImport(app, deps);
  app.all("/registry/import", methodNotAllowed(["POST"]));
  app.get("/registry/:file", (req, res) => exportRegistry(req, res, deps));
  app.all("/registry/:file", methodNotAllowed(["GET", "HEAD"]));
}

async function exportRegistry(req: Request, res: Response, deps: RegistryDeps): Promise<void> {
  try {
    const { unitId, format } = parseFile(String(req.params.file ?? ""));
    const asOf = dateParam(req, "asOf") ?? todayInVietnam();
    const part = partParam(req, format);
    const principal = await deps.verifyToken(headerOrQueryToken(req));
    assertCanRead(principal, deps.config.READ_ACCESS);
    const scopes = readIsScoped(principal, deps.config.READ_ACCESS) ? principal.scopes : null;
    if (unitId !== null) {
      const known = await unitsInSubtrees(deps.db, [unitId], scopes ?? [unitId]);
      if (!known.has(unitId))
        throw new DomainError("NOT_FOUND", `No unit with id ${unitId}`, { argument: "unitId" });
    }
    const members = await exportMembers(deps.db, { root: unitId, asOf, scopes });
    if (unitId !== null && members?.length === 0)
      throw new DomainError("NOT_FOUND", `Unit ${unitId} is not in force on ${asOf}`, { argument: "asOf" });
    const name = `so-dang-ky-${unitId ?? "toan-bo"}-${asOf}${part ? `-${part}` : ""}.${format}`;
    res
      .status(200)
      .type(REGISTRY_CONTENT_TYPES[format])
      .setHeader("content-disposition", `attachment; filename="${encodeURIComponent(name)}"`)
      .setHeader("cache-control", "private, no-store");
    if (req.method === "HEAD") return void res.end();
    const source = registrySource(deps.db, asOf, members);
    if (format === "csv") {
      await writeRegistryCsv(res, part ?? "units", source);
      res.end();
    } else await writeRegistryXlsx(res, source);
  } catch (e) {
    if (res.headersSent) {
      // Mid-stream: a cut connection rather than a file that looks complete.
      deps.log.error({ err: e, requestId: requestIdOf(res) }, "registry export failed while streaming");
      res.destroy(e instanceof Error ? e : undefined);
      return;
    }
    sendRouteFailure(req, res, e, deps.log, "registry export");
  }
}

function parseFile(file: string): { unitId: string | null; format: RegistryFormat } {
  const dot = file.lastIndexOf(".");
  const base = dot > 0 ? file.slice(0, dot) : file;
  const ext = dot > 0 ? file.slice(dot + 1).toLowerCase() : "";
  if (!REGISTRY_FORMATS.includes(ext as RegistryFormat))
    throw badInput("format", `unknown registry format "${ext}"; use .csv or .xlsx`);
  if (base !== WHOLE_GRAPH && !UNIT_ID.test(base))
    throw badInput(
      "unitId",
      `"${base}" is not a unit id; use /registry/{unitId}.${ext} or /registry/${WHOLE_GRAPH}.${ext}`,
    );
  return { unitId: base === WHOLE_GRAPH ? null : base, format: ext as RegistryFormat };
}

function partParam(req: Request, format: RegistryFormat): RegistryPart | null {
  if (format !== "csv") {
    if (req.query.part !== undefined)
      throw badInput("part", "part is for .csv only; an .xlsx holds the units and relations as two sheets");
    return null;
  }
  const value = req.query.part ?? "units";
  if (typeof value !== "string" || !REGISTRY_PARTS.includes(value as RegistryPart))
    throw badInput("part", `"${String(value)}" is not a registry part; use part=units or part=relations`);
  return value as RegistryPart;
}

/** Pages of the registry: the members in chunks, or the whole graph by id order. */
function registrySource(db: Database, asOf: string, members: string[] | null): RegistrySource {
  const inside = members === null ? null : new Set(members);
  async function* units() {
    if (members !== null) {
      for (let i = 0; i < members.length; i += EXPORT_PAGE)
        yield await registryUnitPage(db, asOf, { ids: members.slice(i, i + EXPORT_PAGE) });
      return;
    }
    let after = "";
    for (;;) {
      const page = await registryUnitPage(db, asOf, { after });
      if (page.length > 0) yield page;
      if (page.length < EXPORT_PAGE) return;
      after = (page[page.length - 1] as { id: string }).id;
    }
  }
  async function* relations() {
    for await (const page of units()) {
      const rels = await registryRelationsFrom(
        db,
        asOf,
        page.map((u) => u.id),
      );
      yield rels.filter((r) => inside === null || inside.has(r.to));
    }
  }
  return { units, relations };
}
