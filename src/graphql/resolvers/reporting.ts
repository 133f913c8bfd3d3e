/** Reporting: obligations, the chain to the top, and the kind-level rules. */
import { reportingSteps } from "../../domain/obligations.ts";
import { reportingChain } from "../../store/relation-repository.ts";
import { asOfArg } from "../arguments.ts";
import { type QueryResolvers, type Resolvers, Sector, UnitKind } from "../generated/resolvers-types.ts";
import {
  loadCitations,
  loadRules,
  loadUnits,
  obligationsOf,
  requireLoaded,
  requireUnit,
} from "../services/lookups.ts";
import { asEnums } from "../stored-values.ts";
import { keepVisible, scoped } from "../visibility.ts";
import { frequencyLabels } from "./relation.ts";

export const ReportingResolvers: Resolvers = {
  ReportingObligation: {
    obligor: (o, _, ctx) => requireLoaded(ctx.loaders.unit.load(o.obligor), "unit"),
    recipient: (o, _, ctx) => requireLoaded(ctx.loaders.unit.load(o.recipient), "unit"),
    frequencyLabels,
    via: (o, _, ctx) => loadUnits(o.via, ctx),
    basis: (o, _, ctx) => loadCitations(o.basis, ctx),
    rule: (o, _, ctx) => (o.ruleId ? ctx.loaders.rule.load(o.ruleId) : null),
  },
  ReportingStep: {
    from: (s, _, ctx) => requireLoaded(ctx.loaders.unit.load(s.from), "unit"),
    to: (s, _, ctx) => requireLoaded(ctx.loaders.unit.load(s.to), "unit"),
    frequencyLabels,
    via: (s, _, ctx) => loadUnits(s.via, ctx),
    basis: (s, _, ctx) => loadCitations(s.basis, ctx),
    rules: (s, _, ctx) => loadRules(s.ruleIds, ctx),
  },
  Rule: {
    __resolveReference: (ref, ctx) => ctx.loaders.rule.load(ref.id),
    appliesToKinds: (r) => asEnums(UnitKind, r.kinds),
    appliesToSectors: (r) => asEnums(Sector, r.sectors ?? []),
    frequencyLabels,
    basis: (r, _, ctx) => loadCitations(r.basis, ctx),
  },
};

export const ReportingQueries: QueryResolvers = {
  reportingObligations: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    // The facts come with the unit itself, so the existence check after them costs no round trip.
    const facts = await ctx.loaders.facts.load({ id: args.unitId, asOf });
    await requireUnit(args.unitId, ctx, "unitId");
    const obligations = obligationsOf(facts);
    return keepVisible(ctx, obligations, (o) => [o.obligor, o.recipient]);
  },
  reportingChain: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    // One round trip: the chain query also returns every unit and citation it mentions.
    const key = { id: args.unitId, asOf };
    const chain = await ctx.loaders.read("chain", key, (rt) =>
      reportingChain(ctx.db, key, rt, !ctx.loaders.caching),
    );
    if (!chain.found || scoped(ctx)) await requireUnit(args.unitId, ctx, "unitId");
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
  rules: async (_, __, ctx) => {
    const rules = await ctx.loaders.allRules();
    for (const r of rules) ctx.loaders.rule.prime(r.id, r);
    return rules;
  },
};
