/** integrityReport: the store's structural findings, the obligation check, per-province shape. */
import {
  finding,
  INTEGRITY_RULES,
  type IntegrityFinding,
  type IntegrityRule,
  KINDS_NEEDING_SUPERIOR,
  PARTY_ORGANISATION_KINDS,
} from "../../domain/integrity.ts";
import { exportMembers } from "../../store/export-repository.ts";
import {
  organisationsWithoutObligation,
  provinceShapes,
  rulesCitingReplaced,
  structuralFindings,
} from "../../store/integrity-repository.ts";
import { asOfArg, firstArg, offsetArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import { loadUnits, requireLoaded, requireUnit } from "../services/lookups.ts";
import { keepVisible, scoped } from "../visibility.ts";

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
  integrityReport: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    const under = args.under ?? null;
    if (under !== null) await requireUnit(under, ctx, "under");
    const members = await membersChecked(ctx, under, asOf);
    const visible = await visibleUnits(ctx, under, members);
    const scope = { asOf, members };
    const [raw, rules, silent, shapes] = await Promise.all([
      structuralFindings(ctx.db, { ...scope, needSuperior: KINDS_NEEDING_SUPERIOR }, ctx.roundTrips),
      rulesCitingReplaced(ctx.db, asOf, ctx.roundTrips),
      organisationsWithoutObligation(
        ctx.db,
        { ...scope, kinds: PARTY_ORGANISATION_KINDS, visible },
        ctx.roundTrips,
      ),
      provinceShapes(ctx.db, { ...scope, under }, ctx.roundTrips),
    ]);
    const all: IntegrityFinding[] = [
      ...raw.map((r) => finding(r.rule as IntegrityRule, asOf, r)),
      ...rules.map((r) =>
        finding("CITES_REPLACED_DOCUMENT", asOf, {
          units: [],
          documents: [r.old, r.new],
          subject: `Quy định ${r.rule} (${r.title})`,
        }),
      ),
      ...silent.map((id) => finding("NO_REPORTING_OBLIGATION", asOf, { units: [id] })),
    ];
    const order = Object.keys(INTEGRITY_RULES);
    all.sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule) || a.message.localeCompare(b.message));
    const findings = await keepVisible(ctx, all, (f) => f.units);
    const provinces = await keepVisible(ctx, shapes, (s) => [s.root, s.largestSpanUnit]);
    return {
      asOf,
      under,
      counts: (order as IntegrityRule[]).map((rule) => ({
        rule,
        ruleLabel: INTEGRITY_RULES[rule],
        count: findings.filter((f) => f.rule === rule).length,
      })),
      findings,
      provinces,
    };
  },
};

export const IntegrityResolvers: Resolvers = {
  IntegrityReport: {
    findings: (r, args, ctx) => {
      const first = firstArg(args.first, ctx, ctx.config.MAX_PAGE_SIZE);
      const offset = offsetArg(args.offset);
      const ofRule = args.rule ? r.findings.filter((f) => f.rule === args.rule) : r.findings;
      return ofRule.slice(offset, offset + first);
    },
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
