/**
 * POST /registry/import?dryRun=true|false&effectiveOn=yyyy-mm-dd: a multipart upload (field
 * `file`, read with busboy, at most REGISTRY_IMPORT_MAX_BYTES) of a registry CSV or .xlsx. A dry
 * run (the default) answers the diff and every problem with its line and column; dryRun=false
 * applies it as one change under the token's identity (editor or admin, in the Authorization
 * header: `?access_token=` is refused), or writes nothing and
 * answers 400 with the same report. Errors are one line of JSON.
 */
import busboy from "busboy";
import type { Express, Request, Response } from "express";
import { assertCanWrite } from "../auth/principal.ts";
import { effectiveDateRange, outOfRange, todayInVietnam } from "../domain/dates.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import { failure, sendFailure, sendRouteFailure } from "../http/errors.ts";
import { refuseBusy } from "../http/file-download.ts";
import { dateParam, headerOnlyToken, queryParam } from "../http/request-context.ts";
import { importRegistry } from "./import-service.ts";
import type { RegistryDeps } from "./registry-route.ts";

export function mountRegistryImport(app: Express, deps: RegistryDeps): void {
  app.post("/registry/import", async (req: Request, res: Response) => {
    let release: (() => void) | null = null;
    try {
      const dryRun = dryRunParam(req);
      const effectiveOn = dateParam(req, "effectiveOn") ?? todayInVietnam();
      // The range every mutation's date must lie in (src/graphql/arguments.ts effectiveDateArg).
      const dates = effectiveDateRange(
        deps.config.EFFECTIVE_DATE_MIN,
        deps.config.EFFECTIVE_DATE_MAX_YEARS_AHEAD,
      );
      const outside = outOfRange(effectiveOn, dates);
      if (outside) throw badInput("effectiveOn", outside);
      // The header only: a token that can write never travels in a URL (403, rule QUERY_TOKEN).
      const principal = await deps.verifyToken(headerOnlyToken(req));
      // Before a byte of the upload is read: who may not write is refused at once, and imports
      // have a cap like the downloads' (a pool of their own), so the server holds few 20 MB bodies.
      assertCanWrite(principal, "registry import");
      release = deps.imports.take(req);
      if (release === null) return void refuseBusy(req, res, deps.imports.limit);
      const file = await readUpload(
        req,
        deps.config.REGISTRY_IMPORT_MAX_BYTES,
        deps.config.EXPORT_TIMEOUT_MS,
      );
      if (file === "too-large") {
        sendFailure(
          req,
          res,
          failure(
            "PAYLOAD_TOO_LARGE",
            `The file is larger than ${deps.config.REGISTRY_IMPORT_MAX_BYTES} bytes`,
          ),
        );
        return;
      }
      const report = await importRegistry(deps.db, principal, file, {
        effectiveOn,
        dates,
        dryRun,
        maxRows: deps.config.REGISTRY_IMPORT_MAX_ROWS,
      });
      res.status(200).setHeader("cache-control", "no-store").json(report);
    } catch (e) {
      sendRouteFailure(req, res, e, deps.log, "registry import");
    } finally {
      release?.();
    }
  });
}

function dryRunParam(req: Request): boolean {
  const value = queryParam(req, "dryRun") ?? "true";
  if (value !== "true" && value !== "false")
    throw badInput(
      "dryRun",
      `"${String(value)}" is not true or false; dryRun=true (the default) only reports`,
    );
  return value === "true";
}

/**
 * The uploaded file's bytes (the first file field), or "too-large" once it passes `limit`. An
 * upload cut off before its end, or still coming after `timeoutMs`, fails (and the connection is
 * dropped): either way the caller's download slot is freed, never held by a stalled client.
 */
async function readUpload(req: Request, limit: number, timeoutMs: number): Promise<Uint8Array | "too-large"> {
  if (!req.is("multipart/form-data"))
    throw new DomainError(
      "BAD_USER_INPUT",
      'Send the file as multipart/form-data, in a field named "file" (curl -F file=@units.xlsx)',
      { argument: "file" },
    );
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1, fields: 20 } });
    } catch {
      reject(badInput("file", "the multipart body has no boundary"));
      return;
    }
    const timer = setTimeout(() => {
      reject(badInput("file", `the upload took longer than EXPORT_TIMEOUT_MS ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    const done = () => clearTimeout(timer);
    req.once("close", () => {
      done();
      if (!req.complete) reject(badInput("file", "the upload was cut off before its end"));
    });
    let result: Uint8Array | "too-large" | null = null;
    parser.on("file", (_name, stream) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => {
        result = "too-large";
        stream.resume();
      });
      stream.on("end", () => {
        if (result === null) result = new Uint8Array(Buffer.concat(chunks));
      });
      // A body that ends inside the file part (no closing boundary) fails the file stream itself:
      // unheard, that error would end the process.
      stream.on("error", () => {
        done();
        reject(badInput("file", "the multipart body is malformed: it ends inside the file"));
      });
    });
    parser.on("error", () => {
      done();
      reject(badInput("file", "the multipart body is malformed"));
    });
    parser.on("close", () => {
      done();
      if (result === null) reject(badInput("file", 'no file in the upload; send it in a field named "file"'));
      else resolve(result);
    });
    req.pipe(parser);
  });
}
