/**
 * integrityReport: the store's structural findings, the obligation check, per-province shape,
 * each read when selected (src/graphql/services/integrity-report.ts).
 */
import type { IntegrityRule } from "../../domain/integrity.ts";
import { exportMembers } from "../../store/export-repository.ts";
import { asOfArg, firstArg, offsetArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import { selects } from "../selects.ts";
import { integrityReport } from "../services/integrity-report.ts";
import { loadUnits, requireLoaded, requireUnit } from "../services/lookups.ts";
import { scoped } from "../visibility.ts";

/**
 * The units the report checks, read once rather than a path check per unit in every query: the
 * subtree of `under`; for a scoped reader without it, its own part of the graph (every period,
 * like its visibility), so that it never sets off a run over the national graph whose findings
 * would all be filtered away; otherwise null, the whole graph.
 */
async function membersChecked(ctx: Context, under: string | null, asOf: string): Promise<string[] | null> {
  if (under !== null) return exportMembers(ctx.db, { root: under, asOf, scopes: null });
  if (scoped(ctx)) return exportMembers(ctx.db, { root: null, asOf: null, scopes: ctx.principal.scopes });
  return null;
}

/**
 * The units a scoped reader may see (its whole graph, every period, as on /graphql), reusing
 * the members when they are that already; null when reading is not scoped.
 */
async function visibleUnits(ctx: Context, under: string | null, members: string[] | null) {
  if (!scoped(ctx)) return null;
  if (under === null) return members;
  return exportMembers(ctx.db, { root: null, asOf: null, scopes: ctx.principal.scopes });
}

export const IntegrityQueries: QueryResolvers = {
  integrityReport: async (_, args, ctx, info) => {
    const asOf = asOfArg(args.asOf, ctx);
    const under = args.under ?? null;
    if (under !== null) await requireUnit(under, ctx, "under");
    const members = await membersChecked(ctx, under, asOf);
    const visible = await visibleUnits(ctx, under, members);
    return integrityReport(ctx, { asOf, under, members, visible }, selects(info, "findings"));
  },
};

export const IntegrityResolvers: Resolvers = {
  IntegrityReport: {
    counts: (r) => r.counts(),
    findings: (r, args, ctx) =>
      r.findings(
        (args.rule as IntegrityRule | null | undefined) ?? null,
        offsetArg(args.offset),
        firstArg(args.first, ctx, ctx.config.MAX_PAGE_SIZE),
      ),
    provinces: (r) => r.provinces(),
    under: (r, _, ctx) => (r.under ? ctx.loaders.unit.load(r.under) : null),
  },
  IntegrityFinding: {
    units: (f, _, ctx) => loadUnits(f.units, ctx),
  },
  ProvinceShape: {
    root: (s, _, ctx) => requireLoaded(ctx.loaders.unit.load(s.root), "unit"),
    largestSpanUnit: (s, _, ctx) => (s.largestSpanUnit ? ctx.loaders.unit.load(s.largestSpanUnit) : null),
  },
};
