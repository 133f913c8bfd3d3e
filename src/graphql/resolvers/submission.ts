/** Prescribed channels: submissionRoute, checkSubmission and the channel rules (350-CV/TU). */
import { isActiveOn } from "../../domain/dates.ts";
import { badInput } from "../../domain/errors.ts";
import {
  type ChannelFacts,
  type ChannelRule,
  checkPath,
  describeSelector,
  type Route,
  submissionRoute,
} from "../../domain/submission-routes.ts";
import { channelFacts, findChannelRules } from "../../store/channel-repository.ts";
import type { UnitRecord } from "../../store/records.ts";
import { asOfArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import type { QueryResolvers, Resolvers } from "../generated/resolvers-types.ts";
import type { RouteView, SubmissionCheckView } from "../parents.ts";
import { loadCitations, loadUnits, present, requireLoaded, requireUnit } from "../services/lookups.ts";
import { scoped, visible } from "../visibility.ts";

const MAX_PATH = 20;

/** The rules, once per request. */
const rulesCache = new WeakMap<Context, Promise<ChannelRule[]>>();
function channelRules(ctx: Context): Promise<ChannelRule[]> {
  let rules = rulesCache.get(ctx);
  if (!rules) {
    rules = findChannelRules(ctx.db, ctx.roundTrips);
    rulesCache.set(ctx, rules);
  }
  return rules;
}

/** The units (each must exist, be visible and be in force on the date), the rules, and the graph facts. */
async function prepare(ctx: Context, ids: readonly string[], argument: (i: number) => string, asOf: string) {
  const units = await Promise.all(ids.map((id, i) => requireUnit(id, ctx, argument(i))));
  units.forEach((u: UnitRecord, i) => {
    if (!isActiveOn(u, asOf))
      throw badInput(
        argument(i),
        `unit "${u.id}" is not in force on ${asOf} (in force ${u.validFrom ?? "…"} – ${u.validTo ?? "…"})`,
      );
  });
  const rules = await channelRules(ctx);
  const facts = await channelFacts(
    ctx.db,
    {
      ids,
      anchorKinds: [...new Set(rules.flatMap((r) => r.within))],
      memberKinds: [
        ...new Set(
          rules.flatMap((r) => [...r.via, ...(r.instead ? [r.instead] : [])].flatMap((s) => s.kinds)),
        ),
      ],
      asOf,
    },
    ctx.roundTrips,
  );
  ctx.loaders.primeUnits(facts.records);
  return { rules, facts: scoped(ctx) ? await visibleFacts(ctx, facts) : facts };
}

/**
 * The facts a scoped reader may reason with: units, anchors and members outside their subtrees
 * are dropped, so a route or violation never names one (the route then reports what it could
 * not resolve, as it does for a gap in the graph).
 */
async function visibleFacts(ctx: Context, facts: ChannelFacts): Promise<ChannelFacts> {
  const ids = [
    ...facts.units.keys(),
    ...[...facts.anchors.values()].flatMap((list) => list.map((a) => a.id)),
    ...[...facts.members.values()].flatMap((list) => list.map((u) => u.id)),
  ];
  const ok = await visible(ctx, ids);
  return {
    units: new Map([...facts.units].filter(([id]) => ok.has(id))),
    anchors: new Map(
      [...facts.anchors]
        .filter(([id]) => ok.has(id))
        .map(([id, list]) => [id, list.filter((a) => ok.has(a.id))]),
    ),
    members: new Map(
      [...facts.members]
        .filter(([id]) => ok.has(id))
        .map(([id, list]) => [id, list.filter((u) => ok.has(u.id))]),
    ),
  };
}

function routeView(rules: ChannelRule[], route: Route, from: string, to: string, asOf: string): RouteView {
  return { ...route, from, to, asOf, rules: rules.filter((r) => route.ruleIds.includes(r.id)) };
}

export const SubmissionResolvers: Resolvers = {
  SubmissionRoute: {
    from: (r, _, ctx) => requireLoaded(ctx.loaders.unit.load(r.from), "unit"),
    to: (r, _, ctx) => requireLoaded(ctx.loaders.unit.load(r.to), "unit"),
    units: (r, _, ctx) => loadUnits(r.units, ctx),
    prescribed: (r) => r.ruleIds.length > 0,
    basis: (r, _, ctx) => loadCitations(r.basis, ctx),
  },
  ChannelViolation: {
    from: (v, _, ctx) => requireLoaded(ctx.loaders.unit.load(v.from), "unit"),
    to: (v, _, ctx) => requireLoaded(ctx.loaders.unit.load(v.to), "unit"),
    expected: (v, _, ctx) => loadUnits(v.expected, ctx),
    basis: (v, _, ctx) => loadCitations(v.basis, ctx),
  },
  ChannelRule: {
    basis: (r, _, ctx) => loadCitations(r.basis, ctx),
  },
  UnitSelector: {
    label: (s) => describeSelector(s),
  },
  SubmissionCheck: {
    path: async (c, _, ctx) => present(await ctx.loaders.unit.loadMany(c.path)),
  },
};

/** The path of checkSubmission: 2 to MAX_PATH units, none right after itself, no party twice in an agreement. */
function checkPathArg(path: readonly string[], kind: ChannelRule["kind"]): void {
  if (path.length < 2)
    throw badInput(
      "path",
      `needs at least 2 units (${kind === "SUBMISSION" ? "sender and recipient" : "the parties"}), got ${path.length}`,
    );
  if (path.length > MAX_PATH)
    throw badInput("path", `may hold at most ${MAX_PATH} units, got ${path.length}`);
  path.forEach((id, i) => {
    if (i > 0 && id === path[i - 1]) throw badInput("path", `path[${i}] repeats path[${i - 1}] ("${id}")`);
  });
  if (kind === "COORDINATION_AGREEMENT" && new Set(path).size !== path.length)
    throw badInput("path", "lists a party twice");
}

export const SubmissionQueries: QueryResolvers = {
  submissionRoute: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    const { fromId: from, toId: to } = args;
    if (from === to) throw badInput("toId", `is the same unit as fromId ("${from}")`);
    const { rules, facts } = await prepare(ctx, [from, to], (i) => (i === 0 ? "fromId" : "toId"), asOf);
    return routeView(rules, submissionRoute(rules, facts, from, to, asOf), from, to, asOf);
  },
  checkSubmission: async (_, args, ctx): Promise<SubmissionCheckView> => {
    const asOf = asOfArg(args.asOf, ctx);
    const { kind, path } = args;
    checkPathArg(path, kind);
    const { rules, facts } = await prepare(ctx, [...new Set(path)], () => "path", asOf);
    const result = checkPath(rules, facts, path, kind, asOf);
    const byId = new Map(rules.map((r) => [r.id, r]));
    // checkPath names only the rules it was given.
    const rule = (id: string): ChannelRule => {
      const found = byId.get(id);
      if (!found) throw new Error(`checkPath named an unknown channel rule "${id}"`);
      return found;
    };
    const first = path[0];
    const last = path.at(-1);
    return {
      valid: result.valid,
      kind,
      path,
      asOf,
      violations: result.violations.map((v) => ({ ...v, rule: rule(v.ruleId) })),
      rulesApplied: result.ruleIds.map(rule),
      route:
        kind === "SUBMISSION" && first !== undefined && last !== undefined && first !== last
          ? routeView(rules, submissionRoute(rules, facts, first, last, asOf), first, last, asOf)
          : null,
    };
  },
  channelRules: (_, __, ctx) => channelRules(ctx),
};
