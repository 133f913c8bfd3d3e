/** graphDiff: what changed between two dates (src/domain/diff.ts), read by src/graphql/services/graph-diff.ts. */
import { shownActor } from "../../auth/principal.ts";
import { isActiveOn } from "../../domain/dates.ts";
import {
  causeKindLabel,
  changeTypeLabel,
  type DiffPosition,
  hasObligations,
  obligationChanges,
  positionOf,
  relationTypeLabel,
} from "../../domain/diff.ts";
import { UNIT_ID } from "../../domain/ids.ts";
import type { Obligation } from "../../domain/obligations.ts";
import { UNIT_KINDS, type UnitKind } from "../../domain/unit-kinds.ts";
import { decodeCursor, encodeCursor, firstArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { QueryResolvers, Resolvers, UnitKind as UnitKindValue } from "../generated/resolvers-types.ts";
import type { DiffCauseFact, GraphChangeView } from "../parents.ts";
import { selects } from "../selects.ts";
import { DiffRun, planDiff } from "../services/graph-diff.ts";
import { loadCitations, loadUnits, obligationsOf, requireLoaded, visibleUnit } from "../services/lookups.ts";
import { keepVisible, scoped, visibleEvent } from "../visibility.ts";

/** A cursor into a diff: the unit a change is filed under and its place among that unit's changes. */
const isDiffCursor = (x: unknown): x is DiffPosition => {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  return (
    Object.keys(o).length === 2 &&
    typeof o.u === "string" &&
    UNIT_ID.test(o.u) &&
    Number.isInteger(o.i) &&
    (o.i as number) >= 0 &&
    (o.i as number) < 1_000_000
  );
};

const CHANGES_WITH_OBLIGATIONS = new Set(["UNIT_OPENED", "UNIT_CLOSED", "UNIT_MOVED"]);

/** The unit's obligations on a date, none when it is not in force then. */
async function obligationsOn(c: GraphChangeView, date: string, ctx: Context): Promise<readonly Obligation[]> {
  const unit = await ctx.loaders.unit.load(c.unitId);
  if (!unit || !isActiveOn(unit, date)) return [];
  return obligationsOf(await ctx.loaders.facts.load({ id: c.unitId, asOf: date }));
}

export const DiffQueries: QueryResolvers = {
  graphDiff: async (_, args, ctx, info) => {
    const first = firstArg(args.first, ctx);
    const after = decodeCursor(args.after, isDiffCursor);
    const plan = await planDiff(
      ctx.db,
      {
        from: args.from,
        to: args.to,
        under: args.under ?? null,
        types: args.types ?? null,
        maxSpanDays: ctx.config.DIFF_MAX_SPAN_DAYS,
        scopes: scoped(ctx) ? ctx.principal.scopes : null,
      },
      ctx.roundTrips,
      ctx.loaders.read,
    );
    return {
      from: plan.window.from,
      to: plan.window.to,
      under: plan.roots,
      predecessors: plan.predecessors,
      // With the summary asked (and not kept from an earlier request), the page is cut from its reading.
      run: new DiffRun(
        ctx.db,
        plan,
        { first, after, withSummary: selects(info, "summary") },
        ctx.roundTrips,
        ctx.loaders.read,
      ),
    };
  },
};

/** Whether the reader may see the event behind a cause (visibility.ts visibleEvent); the generator's are public. */
async function causeShown(c: DiffCauseFact, ctx: Context): Promise<boolean> {
  if (!scoped(ctx) || c.source !== "EVENT" || c.eventId === null) return true;
  return (await visibleEvent(ctx, c.eventId)) !== null;
}

export const DiffResolvers: Resolvers = {
  GraphDiff: {
    under: (d, _, ctx) => loadUnits(d.under, ctx),
    predecessors: (d, _, ctx) => loadUnits(d.predecessors, ctx),
    nodes: async (d) => (await d.run.page()).changes.map((c) => ({ ...c, window: d.run.plan.window })),
    edges: async (d) =>
      (await d.run.page()).changes.map((c) => ({
        cursor: encodeCursor({ ...positionOf(c) }),
        node: { ...c, window: d.run.plan.window },
      })),
    pageInfo: async (d) => {
      const page = await d.run.page();
      const last = page.changes.at(-1);
      return {
        hasNextPage: page.hasNextPage,
        endCursor: last ? encodeCursor({ ...positionOf(last) }) : null,
      };
    },
    summary: (d) => d.run.summary(),
  },
  GraphChange: {
    typeLabel: (c) => changeTypeLabel(c.type),
    unit: (c, _, ctx) => requireLoaded(ctx.loaders.unit.load(c.unitId), "unit"),
    kind: (c) => c.kind as UnitKindValue,
    kindLabel: (c) => UNIT_KINDS[c.kind as UnitKind]?.label ?? c.kind,
    oldSuperior: (c, _, ctx) => visibleUnit(c.oldSuperior, ctx),
    newSuperior: (c, _, ctx) => visibleUnit(c.newSuperior, ctx),
    relationId: (c) => c.relation?.id ?? null,
    relationType: (c) => (c.relation?.type as never) ?? null,
    relationTypeLabel: (c) => (c.relation ? relationTypeLabel(c.relation.type) : null),
    relationFrom: (c, _, ctx) => visibleUnit(c.relation?.from, ctx),
    relationTo: (c, _, ctx) => visibleUnit(c.relation?.to, ctx),
    relationValidFrom: (c) => c.relation?.validFrom ?? null,
    relationValidTo: (c) => c.relation?.validTo ?? null,
    obligations: async (c, _, ctx) => {
      if (!hasObligations(c.kind) || !CHANGES_WITH_OBLIGATIONS.has(c.type)) return null;
      const [before, after] = await Promise.all([
        obligationsOn(c, c.window.from, ctx),
        obligationsOn(c, c.window.to, ctx),
      ]);
      const { gained, lost } = obligationChanges(before, after);
      const named = (o: Obligation) => [o.obligor, o.recipient, ...o.via];
      return { gained: await keepVisible(ctx, gained, named), lost: await keepVisible(ctx, lost, named) };
    },
  },
  // A recorded event that `event(id)` hides is hidden here too: the cause keeps its kind and date only.
  DiffCause: {
    kindLabel: (c) => causeKindLabel(c.kind),
    eventId: async (c, _, ctx) => ((await causeShown(c, ctx)) ? c.eventId : null),
    name: async (c, _, ctx) => ((await causeShown(c, ctx)) ? c.name : null),
    actor: async (c, _, ctx) => ((await causeShown(c, ctx)) ? shownActor(ctx.principal, c.actor) : null),
    basis: async (c, _, ctx) => ((await causeShown(c, ctx)) ? loadCitations(c.basis, ctx) : []),
    event: (c, _, ctx) => (c.source === "EVENT" ? visibleEvent(ctx, c.eventId) : null),
  },
};
