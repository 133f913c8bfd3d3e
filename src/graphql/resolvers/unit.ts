/** Unit: fields, hierarchy traversals, and the root unit queries. */
import {
  DATED_ATTRIBUTE_NAMES,
  type DatedAttribute,
  UNIT_VALUED_ATTRIBUTES,
  valueOn,
} from "../../domain/dated-attributes.ts";
import { isActiveOn } from "../../domain/dates.ts";
import { badInput } from "../../domain/errors.ts";
import { nameOn } from "../../domain/names.ts";
import { foldText } from "../../domain/text-folding.ts";
import { UNIT_KIND_NAMES, UNIT_KINDS, UNIT_LEVELS } from "../../domain/unit-kinds.ts";
import type { UnitRecord } from "../../store/records.ts";
import { reportingChain } from "../../store/relation-repository.ts";
import { descendantsPage, searchUnits, type UnitPage, unitsPage } from "../../store/unit-repository.ts";
import {
  asOfArg,
  dateArg,
  decodeCursor,
  depthArg,
  depthCursor,
  encodeCursor,
  firstArg,
  isIdCursor,
} from "../arguments.ts";
import type { Context } from "../context.ts";
import { type QueryResolvers, type Resolvers, Sector, UnitLevel } from "../generated/resolvers-types.ts";
import { childrenPageKey, prefetchTree } from "../loaders/tree-prefetch.ts";
import type { UnitEdgeView } from "../parents.ts";
import { loadCitations, obligationsOf, present, requireUnit, visibleUnit } from "../services/lookups.ts";
import { unitRelations } from "../services/unit-relations.ts";
import { unitTasks } from "../services/unit-tasks.ts";
import { asEnum, isKeyOf } from "../stored-values.ts";
import { keepVisible, pageBelow, scoped } from "../visibility.ts";

/** A dated attribute as of the `asOf` argument when given, else its latest value. */
function attributeAsOf(
  u: UnitRecord,
  attribute: DatedAttribute,
  asOf: string | null | undefined,
): string | null {
  const current = u[attribute];
  return asOf == null ? current : valueOn(current, u.former[attribute], dateArg(asOf, "asOf"));
}

function connection(page: UnitPage, cursorOf: (item: UnitPage["items"][number]) => Record<string, unknown>) {
  const edges = page.items.map(
    (item): UnitEdgeView => ({
      cursor: encodeCursor(cursorOf(item)),
      node: item.unit,
      relation: item.relation,
      depth: item.depth,
    }),
  );
  return {
    totalCount: page.total,
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

type DescendantsKey = Parameters<typeof descendantsPage>[1];

/** A page of descendants as the reader may see it (visibility.ts pageBelow). */
async function descendantsBelow(ctx: Context, key: DescendantsKey): Promise<UnitPage> {
  const read = (k: DescendantsKey) =>
    ctx.loaders.read("descendants", k, (rt) => descendantsPage(ctx.db, k, rt));
  const page = await read(key);
  const after = key.after;
  return pageBelow(ctx, key.id, page, {
    asOf: key.asOf,
    first: key.first,
    isAfter: ({ unit, depth }) =>
      after === null || (depth ?? 0) > after.depth || ((depth ?? 0) === after.depth && unit.id > after.id),
    whole: () => read({ ...key, after: null, first: page.total }),
  });
}

/** The most search hits a scoped reader's search reads looking for `first` it may see (also its price, src/graphql/query-cost.ts). */
export const SEARCH_SCAN = 2000;
/** A scoped reader's first window of hits: this many per hit asked for (at least 50). */
export const SEARCH_SCAN_WINDOW = 4;

/**
 * The reader's top `first` hits among the units it may see. The index is read in windows of the
 * whole graph's ranking (cached as such, for every reader alike), and each request keeps those it
 * may see, reading further windows until it has `first` of them, the hits run out, or it has read
 * SEARCH_SCAN: hidden units that outrank a reader's best hit neither crowd it out nor show as a
 * short page.
 */
async function visibleHits(
  ctx: Context,
  o: { query: string; asOf: string; first: number },
): Promise<UnitRecord[]> {
  const found: UnitRecord[] = [];
  let skip = 0;
  let size = scoped(ctx) ? Math.max(SEARCH_SCAN_WINDOW * o.first, 50) : o.first;
  for (;;) {
    const key = { ...o, first: size, skip };
    const hits = await ctx.loaders.read("search", key, (rt) => searchUnits(ctx.db, key, rt));
    ctx.loaders.primeUnits(hits);
    found.push(...(await keepVisible(ctx, hits, (u) => [u.id])));
    skip += hits.length;
    if (found.length >= o.first || hits.length < size || skip >= SEARCH_SCAN) return found.slice(0, o.first);
    size = Math.min(2 * size, SEARCH_SCAN - skip);
  }
}

export const UnitResolvers: Resolvers = {
  Unit: {
    __resolveReference: (ref, ctx) => visibleUnit(ref.id, ctx),
    kindLabel: (u) => (isKeyOf(UNIT_KINDS, u.kind) ? UNIT_KINDS[u.kind].label : u.kind),
    nameOn: (u, args, ctx) => nameOn(u, asOfArg(args.date, ctx, "date")),
    formerNames: (u) =>
      u.formerNames.flatMap((name, i) => {
        const validTo = u.formerNamesUntil[i];
        return validTo ? [{ name, validTo }] : [];
      }),
    level: (u, args) => {
      const level = attributeAsOf(u, "level", args.asOf);
      return level === null ? null : asEnum(UnitLevel, level);
    },
    levelLabel: (u, args) => {
      const level = attributeAsOf(u, "level", args.asOf);
      return level && isKeyOf(UNIT_LEVELS, level) ? UNIT_LEVELS[level] : null;
    },
    sector: (u, args) => {
      const sector = attributeAsOf(u, "sector", args.asOf);
      return sector === null ? null : asEnum(Sector, sector);
    },
    host: (u, args, ctx) => visibleUnit(attributeAsOf(u, "host", args.asOf), ctx),
    seat: (u, args, ctx) => visibleUnit(attributeAsOf(u, "seat", args.asOf), ctx),
    // A former host or seat is a unit id: a scoped reader sees it only inside their subtrees.
    formerValues: (u, _, ctx) =>
      keepVisible(
        ctx,
        DATED_ATTRIBUTE_NAMES.flatMap((attribute) => u.former[attribute].map((f) => ({ attribute, ...f }))),
        (f) => (UNIT_VALUED_ATTRIBUTES.has(f.attribute) ? [String(f.value)] : []),
      ),
    source: (u, _, ctx) => loadCitations(u.source, ctx),
    activeOn: (u, args, ctx) => isActiveOn(u, asOfArg(args.date, ctx, "date")),
    superior: async (u, args, ctx) => {
      const facts = await ctx.loaders.facts.load({ id: u.id, asOf: asOfArg(args.asOf, ctx) });
      return visibleUnit(facts.superiorId, ctx);
    },
    children: async (u, args, ctx) => {
      const key = childrenPageKey(u.id, args, ctx);
      const asked = await ctx.loaders.children.load(key);
      const page = await pageBelow(ctx, u.id, asked, {
        asOf: key.asOf,
        first: key.first,
        isAfter: (item) => key.after === null || item.unit.id > key.after,
        whole: () => ctx.loaders.children.load({ ...key, after: null, first: asked.total }),
      });
      return connection(page, (item) => ({ id: item.unit.id }));
    },
    ancestors: async (u, args, ctx) => {
      const key = { id: u.id, asOf: asOfArg(args.asOf, ctx) };
      const chain = await ctx.loaders.read("chain", key, (rt) =>
        reportingChain(ctx.db, key, rt, !ctx.loaders.caching),
      );
      ctx.loaders.primeUnits(chain.units);
      ctx.loaders.primeCitations(chain.citations);
      const ancestors = await keepVisible(ctx, chain.hops, (h) => [h.to]);
      // Above a scoped reader's subtree the chain is hidden, not skipped.
      const shown = chain.hops.slice(
        0,
        ancestors.length === chain.hops.length
          ? undefined
          : chain.hops.findIndex((h) => !ancestors.includes(h)),
      );
      return present(await ctx.loaders.unit.loadMany(shown.map((h) => h.to)));
    },
    descendants: async (u, args, ctx) => {
      const maxDepth = depthArg(args.maxDepth, ctx.config.MAX_DEPTH, ctx.config.MAX_DEPTH, "maxDepth");
      const first = firstArg(args.first, ctx);
      const after = decodeCursor(args.after, depthCursor(maxDepth));
      const key = { id: u.id, asOf: asOfArg(args.asOf, ctx), maxDepth, first, after };
      const page = await descendantsBelow(ctx, key);
      ctx.loaders.primeUnits(page.items.map((i) => i.unit));
      return connection(page, (item) => ({ id: item.unit.id, depth: item.depth }));
    },
    relations: (u, args, ctx) => unitRelations(u.id, args, ctx),
    reportingObligations: async (u, args, ctx) => {
      const obligations = obligationsOf(
        await ctx.loaders.facts.load({ id: u.id, asOf: asOfArg(args.asOf, ctx) }),
      );
      return keepVisible(ctx, obligations, (o) => [o.obligor, o.recipient]);
    },
    meetingRules: (u, _, ctx) => ctx.loaders.meetingRules.load(u.id),
    positions: (u, _, ctx) => ctx.loaders.positions.load(u.id),
    tasks: (u, args, ctx) => unitTasks(u.id, args, ctx),
  },
};

/** Turns free text into a Lucene query over folded names: every word must match, as a word or a prefix. */
export function searchQuery(text: string): string | null {
  const words = foldText(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `(${w}^2 OR ${w}*)`).join(" AND ");
}

export const UnitQueries: QueryResolvers = {
  unit: async (_, args, ctx, info) => {
    // Its children and their facts, when asked, in the same read as the unit (tree-prefetch.ts).
    await prefetchTree(args.id, info, ctx);
    const unit = await requireUnit(args.id, ctx);
    if (args.asOf !== undefined && args.asOf !== null && !isActiveOn(unit, asOfArg(args.asOf, ctx)))
      return null;
    return unit;
  },
  units: async (_, args, ctx) => {
    const asOf = asOfArg(args.asOf, ctx);
    const first = firstArg(args.first, ctx);
    const kinds = args.kinds?.length ? args.kinds : null;
    if (args.under) {
      await requireUnit(args.under, ctx, "under");
      const after = decodeCursor(args.after, depthCursor(ctx.config.MAX_DEPTH));
      const key = { id: args.under, asOf, maxDepth: ctx.config.MAX_DEPTH, first, after, kinds };
      const page = await descendantsBelow(ctx, key);
      ctx.loaders.primeUnits(page.items.map((i) => i.unit));
      return connection(page, (item) => ({ id: item.unit.id, depth: item.depth }));
    }
    if (scoped(ctx))
      throw badInput(
        "under",
        "with scoped reading, name one of your scopes (or a unit inside them) as `under`",
      );
    const after = decodeCursor(args.after, isIdCursor);
    const key = { asOf, kinds, first, after: after?.id ?? null };
    const page = await ctx.loaders.read("units", key, (rt) => unitsPage(ctx.db, key, rt));
    ctx.loaders.primeUnits(page.items.map((i) => i.unit));
    return connection(page, (item) => ({ id: item.unit.id }));
  },
  searchUnits: async (_, args, ctx) => {
    const text = args.text;
    if (text.trim().length === 0) throw badInput("text", "must not be empty");
    if (text.length > 200) throw badInput("text", "must be at most 200 characters");
    const first = firstArg(args.first, ctx, 10);
    const query = searchQuery(text);
    if (!query || first === 0) return [];
    return visibleHits(ctx, { query, asOf: asOfArg(args.asOf, ctx), first });
  },
  unitKinds: () =>
    UNIT_KIND_NAMES.map((kind) => ({
      kind,
      label: UNIT_KINDS[kind].label,
      category: UNIT_KINDS[kind].category,
    })),
};
