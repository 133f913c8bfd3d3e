/**
 * Diff exports: GET /export/diff/{unitId}.{csv|json} (the unit's subtree and its predecessors')
 * and /export/diff/_all.{csv|json} (the whole graph), with `from` and `to` (yyyy-mm-dd, required)
 * and optionally `under=id,id` (more roots, e.g. the old Tỉnh ủy of a merged province). The same
 * changes as graphDiff, in the same order, streamed a batch of units at a time with backpressure
 * (src/http/file-download.ts); the JSON ends with the summary. Tokens, READ_ACCESS, a viewer's
 * ?access_token= and the downloads' cap apply as for the other exports; a scoped reader gets only changes inside its
 * subtrees. Errors before the first byte are one line of JSON naming the parameter.
 */
import type { Express, Request, Response } from "express";
import { type Principal, shownActor } from "../auth/principal.ts";
import {
  causeKindLabel,
  changeTypeLabel,
  type DiffChange,
  DiffTally,
  relationTypeLabel,
} from "../domain/diff.ts";
import { badInput } from "../domain/errors.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { UNIT_KINDS, type UnitKind } from "../domain/unit-kinds.ts";
import { type DiffPlan, diffBatches, planDiff } from "../graphql/services/graph-diff.ts";
import { eventSeen } from "../graphql/visibility.ts";
import { methodNotAllowed } from "../http/errors.ts";
import {
  type FileRouteDeps,
  fileRoute,
  parseFileName,
  readerScopes,
  sendAttachment,
  write,
} from "../http/file-download.ts";
import { downloadReader, queryParam } from "../http/request-context.ts";
import { findEvents } from "../store/change-repository.ts";
import type { Database, RoundTripCounter } from "../store/database.ts";
import { BOM, CONTENT_TYPES, csvLine } from "./export-formats.ts";

const DIFF_FORMATS = ["csv", "json"] as const;
type DiffFormat = (typeof DIFF_FORMATS)[number];

/** The columns of a diff row, in order (CSV header and JSON keys alike). */
export const DIFF_COLUMNS = [
  "date",
  "type",
  "typeLabel",
  "unitId",
  "unitName",
  "kind",
  "kindLabel",
  "province",
  "attribute",
  "before",
  "after",
  "oldSuperior",
  "newSuperior",
  "relationId",
  "relationType",
  "relationTypeLabel",
  "relationFrom",
  "relationTo",
  "cause",
  "causeLabel",
  "eventId",
  "eventKind",
  "eventName",
  "eventDate",
  "basis",
  "actor",
  "direct",
] as const;

export function diffRecord(c: DiffChange, unitName: string | null): Record<string, string | boolean | null> {
  return {
    date: c.date,
    type: c.type,
    typeLabel: changeTypeLabel(c.type),
    unitId: c.unitId,
    unitName,
    kind: c.kind,
    kindLabel: UNIT_KINDS[c.kind as UnitKind]?.label ?? c.kind,
    province: c.province,
    attribute: c.attribute,
    before: c.before,
    after: c.after,
    oldSuperior: c.oldSuperior,
    newSuperior: c.newSuperior,
    relationId: c.relation?.id ?? null,
    relationType: c.relation?.type ?? null,
    relationTypeLabel: c.relation ? relationTypeLabel(c.relation.type) : null,
    relationFrom: c.relation?.from ?? null,
    relationTo: c.relation?.to ?? null,
    cause: c.cause.kind,
    causeLabel: causeKindLabel(c.cause.kind),
    eventId: c.cause.eventId,
    eventKind: c.cause.eventKind,
    eventName: c.cause.name,
    eventDate: c.cause.effectiveOn,
    basis: c.cause.basis.join("; "),
    actor: c.cause.actor,
    direct: c.cause.direct,
  };
}

export function mountDiffExports(app: Express, deps: FileRouteDeps): void {
  app.get(
    "/export/diff/:file",
    fileRoute(deps, "diff export", async (req: Request, res: Response, reads: RoundTripCounter) => {
      const { unitId, format } = parseFileName(String(req.params.file ?? ""), DIFF_FORMATS, "/export/diff");
      const scopes = await readerScopes(req, deps);
      // Who asks, for the actor column (hidden from a reader without a token); readerScopes has checked it.
      const reader = await downloadReader(req, deps.verifyToken);
      const more = underParam(req);
      const under = unitId === null ? more : [unitId, ...more];
      const plan = await planDiff(
        deps.db,
        {
          from: queryParam(req, "from"),
          to: queryParam(req, "to"),
          under,
          maxSpanDays: deps.config.DIFF_MAX_SPAN_DAYS,
          scopes,
          rootArgument: unitId === null ? "under" : "unitId",
        },
        reads,
      );
      sendAttachment(
        res,
        CONTENT_TYPES[format],
        `diff-${unitId ?? "party-org-graph"}-${plan.window.from}-${plan.window.to}.${format}`,
      );
      if (req.method === "HEAD") return void res.end();
      await stream(res, deps.db, reads, plan, format, reader);
      res.end();
    }),
  );
  app.all("/export/diff/:file", methodNotAllowed(["GET", "HEAD"]));
}

function underParam(req: Request): string[] {
  const value = queryParam(req, "under");
  if (value === undefined || value === "") return [];
  const ids = value.split(",").map((s) => s.trim());
  const bad = ids.find((id) => !UNIT_ID.test(id));
  if (bad !== undefined) throw badInput("under", `"${bad.slice(0, 64)}" is not a unit id`);
  return ids;
}

/**
 * Units read a batch, and changes written at once, for an export: smaller than graphDiff's
 * batches, so that a whole-nation export holds less at a time (its peak is the service's).
 */
const EXPORT_BATCH = 2000;
const WRITE_CHANGES = 500;

async function stream(
  res: Response,
  db: Database,
  reads: RoundTripCounter,
  plan: DiffPlan,
  format: DiffFormat,
  reader: Principal,
): Promise<void> {
  const tally = new DiffTally();
  if (format === "csv") await write(res, BOM + csvLine([...DIFF_COLUMNS]));
  else
    await write(
      res,
      `{"from":${JSON.stringify(plan.window.from)},"to":${JSON.stringify(plan.window.to)},"under":${JSON.stringify(plan.roots)},"predecessors":${JSON.stringify(plan.predecessors)},"changes":[`,
    );
  let first = true;
  for await (const batch of diffBatches(db, plan, null, reads, { size: EXPORT_BATCH })) {
    const hidden = await hiddenEvents(db, batch.changes, plan.visible, reads);
    for (let i = 0; i < batch.changes.length; i += WRITE_CHANGES) {
      const chunk = batch.changes.slice(i, i + WRITE_CHANGES).map((c) => {
        const name = batch.names.get(c.unitId) ?? null;
        tally.add(c, name ?? undefined);
        const rec = diffRecord(hidden.has(c.cause.eventId ?? "") ? withoutEvent(c) : c, name);
        rec.actor = shownActor(reader, rec.actor as string | null);
        if (format === "csv") return csvLine(DIFF_COLUMNS.map((k) => rec[k] ?? null));
        const s = `${first ? "" : ","}\n${JSON.stringify(rec)}`;
        first = false;
        return s;
      });
      await write(res, chunk.join(""));
    }
  }
  if (format === "json") await write(res, `],"summary":${JSON.stringify(tally.summary())}}\n`);
}

/** The recorded events behind these changes that a scoped reader (`visible` its units) may not see (visibility.ts eventSeen). */
async function hiddenEvents(
  db: Database,
  changes: readonly DiffChange[],
  visible: ReadonlySet<string> | null,
  reads: RoundTripCounter,
): Promise<Set<string>> {
  if (visible === null) return new Set();
  const ids = [
    ...new Set(
      changes.flatMap((c) => (c.cause.source === "EVENT" && c.cause.eventId ? [c.cause.eventId] : [])),
    ),
  ];
  const events = ids.length === 0 ? [] : await findEvents(db, ids, reads);
  return new Set(events.filter((e) => !eventSeen(e, (id) => visible.has(id))).map((e) => e.id));
}

/** The change with a cause that keeps its kind and date only, as DiffCause on /graphql for a hidden event. */
function withoutEvent(c: DiffChange): DiffChange {
  return { ...c, cause: { ...c.cause, eventId: null, name: null, actor: null, basis: [] } };
}
