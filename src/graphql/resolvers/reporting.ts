/** Reporting: obligations, the chain to the top, and the kind-level rules. */
import { type Obligation, type ReportingStep, reportingSteps } from "../../domain/obligations.ts";
import type { RuleRecord } from "../../store/records.ts";
import { reportingChain } from "../../store/relation-repository.ts";
import { asOfArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import { keepVisible, scoped } from "../visibility.ts";
import { frequencyLabels } from "./relation.ts";
import { loadCitations, loadRules, loadUnits, obligationsOf, requireUnit } from "./support.ts";

type Args = Record<string, unknown>;

export const ReportingResolvers = {
  ReportingObligation: {
    obligor: (o: Obligation, _: Args, ctx: Context) => ctx.loaders.unit.load(o.obligor),
    recipient: (o: Obligation, _: Args, ctx: Context) => ctx.loaders.unit.load(o.recipient),
    frequencyLabels,
    via: (o: Obligation, _: Args, ctx: Context) => loadUnits(o.via, ctx),
    basis: (o: Obligation, _: Args, ctx: Context) => loadCitations(o.basis, ctx),
    rule: (o: Obligation, _: Args, ctx: Context) => (o.ruleId ? ctx.loaders.rule.load(o.ruleId) : null),
  },
  ReportingStep: {
    from: (s: ReportingStep, _: Args, ctx: Context) => ctx.loaders.unit.load(s.from),
    to: (s: ReportingStep, _: Args, ctx: Context) => ctx.loaders.unit.load(s.to),
    frequencyLabels,
    via: (s: ReportingStep, _: Args, ctx: Context) => loadUnits(s.via, ctx),
    basis: (s: ReportingStep, _: Args, ctx: Context) => loadCitations(s.basis, ctx),
    rules: (s: ReportingStep, _: Args, ctx: Context) => loadRules(s.ruleIds, ctx),
  },
  Rule: {
    appliesToKinds: (r: RuleRecord) => r.kinds,
    appliesToSectors: (r: RuleRecord) => r.sectors ?? [],
    frequencyLabels,
    basis: (r: RuleRecord, _: Args, ctx: Context) => loadCitations(r.basis, ctx),
  },
};

export const ReportingQueries = {
  reportingObligations: async (_: unknown, args: Args, ctx: Context) => {
    const asOf = asOfArg(args.asOf, ctx);
    // The facts come with the unit itself, so the existence check after them costs no round trip.
    const facts = await ctx.loaders.facts.load({ id: args.unitId as string, asOf });
    await requireUnit(args.unitId as string, ctx, "unitId");
    const obligations = obligationsOf(facts);
    return keepVisible(ctx, obligations, (o) => [o.obligor, o.recipient]);
  },
  reportingChain: async (_: unknown, args: Args, ctx: Context) => {
    const asOf = asOfArg(args.asOf, ctx);
    // One round trip: the chain query also returns every unit and citation it mentions.
    const key = { id: args.unitId as string, asOf };
    const chain = await ctx.loaders.read("chain", key, () => reportingChain(ctx.db, key, ctx.roundTrips));
    if (!chain.found || scoped(ctx)) await requireUnit(args.unitId as string, ctx, "unitId");
    ctx.loaders.primeUnits(chain.units);
    ctx.loaders.primeCitations(chain.citations);
    for (const hop of chain.hops) for (const r of hop.rules) ctx.loaders.rule.prime(r.id, r);
    const steps = reportingSteps(chain.hops);
    // A scoped reader sees the chain up to the edge of their subtrees, not the hops beyond.
    const shown = await keepVisible(ctx, steps, (s) => [s.to]);
    return steps.slice(
      0,
      shown.length === steps.length ? undefined : steps.findIndex((s) => !shown.includes(s)),
    );
  },
  rules: async (_: unknown, __: Args, ctx: Context) => {
    const rules = await ctx.loaders.allRules();
    for (const r of rules) ctx.loaders.rule.prime(r.id, r);
    return rules;
  },
};
