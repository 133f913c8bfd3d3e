/**
 * The cost of an operation before it runs: about how many values its answer can hold, so that
 * a request asking for millions of them is refused before any resolver runs (src/graphql/limits.ts).
 * graphql-query-complexity walks the document (fragments, @skip/@include, variables); the
 * estimator below prices every field at 1 plus its selection times how many items it can
 * return:
 * - a page (`first`, capped at MAX_PAGE_SIZE; the resolver's default page when absent),
 * - `_entities`: the number of representations; `nodes`: the number of ids,
 * - `neighbourhood`: as many units as its depth can reach, up to the resolver's cap,
 * - any other list of objects: an assumed size (below), generous for this graph.
 * Lists of scalars and enums cost 1, like a scalar. Fields whose database work does not
 * follow from what they return (a subtree traversal, a path search) add a fixed price, and so do
 * a scoped reader's `changes` and `searchUnits`, which read up to their scan bound to fill a page.
 */
import {
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNullableType,
  isListType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import { MAX_PREVIEW_SUBSCRIPTIONS } from "../reminders/subscription-input.ts";
import { CHANGES_PAGE_SIZE, DEFAULT_PAGE_SIZE } from "./arguments.ts";
import { MAX_NEIGHBOURHOOD_DEPTH, MAX_NEIGHBOURHOOD_UNITS } from "./resolvers/relation.ts";
import { SEARCH_SCAN, SEARCH_SCAN_WINDOW } from "./resolvers/unit.ts";

export interface CostSettings {
  /** The largest `first` (MAX_PAGE_SIZE). */
  maxPageSize: number;
  /** The deepest `descendants(maxDepth:)` and its default (MAX_DEPTH). */
  maxDepth: number;
  /**
   * Set for a scoped reader (READ_ACCESS=scoped, not an admin), whose `changes` and `searchUnits`
   * scan for what it may see: the most change records one `changes` page reads (CHANGES_SCAN_MAX).
   * Absent for every other reader, whose pages read what they return.
   */
  scopedReader?: { changesScanMax: number };
}

/** Assumed sizes of lists no argument bounds, by `Type.field`, then by field name. */
const ASSUMED_SIZE: Record<string, number> = {
  // Citations and channels: a fact rests on one to three provisions; a report goes through one or two.
  basis: 3,
  source: 3,
  via: 3,
  channel: 3,
  formerNames: 3,
  // Relations: most units have a few dozen, but a city committee has hundreds (450 for Ho Chi
  // Minh City at scale 0.05) and each call rebuilds them all; at 30, three nested levels on it
  // passed the estimate and took 3 GB. At 100 two levels pass and three are refused.
  "Unit.relations": 100,
  "Query.relations": 100,
  "ReportingCalendar.entries": 100,
  "ReportingCalendar.undated": 30,
  "Document.provisions": 50,
  "Query.documents": 50,
  "Query.rules": 50,
  "Plan.tasks": 100,
  "Query.history": 30,
  "Event.changes": 30,
  "Event.units": 30,
  // An integrity finding names one to three units (its findings are paged by `first`).
  "IntegrityFinding.units": 3,
  // graphDiff's summary: 7 change types, 8 causes, about 45 unit kinds, 97 provinces old and new.
  "DiffSummary.byType": 7,
  "DiffSummary.byCause": 8,
  "DiffGroupCount.byType": 7,
  "DiffSummary.byKind": 45,
  "DiffSummary.byProvince": 100,
  // A preview lists a few reminders per subscription and entry (editors and admins only).
  "Query.reminderPreview": 100,
  // Introspection: this schema's averages (78 types; per type 4.5 fields, 1.7 enum values, 0.6
  // input fields; 0.3 arguments per field), rounded up. GraphiQL's introspection costs about
  // 40,000; nested introspection (types → fields → type → fields → …) multiplies by 5 a level.
  "__Schema.types": 100,
  "__Schema.directives": 20,
  "__Type.fields": 5,
  "__Type.enumValues": 2,
  "__Type.inputFields": 1,
  "__Type.possibleTypes": 1,
  "__Type.interfaces": 1,
  "__Field.args": 1,
  "__Directive.args": 2,
};
const DEFAULT_ASSUMED_SIZE = 10;

/** Types whose lists were already counted by the field that returned them (its `first` or depth). */
const SIZED_BY_PARENT = new Set(["UnitConnection", "ChangeConnection", "Subgraph", "GraphDiff"]);

/** The fields of a diff that its `first` multiplies (its summary, predecessors… are counted once). */
const DIFF_PAGE_FIELDS = new Set(["GraphDiff.nodes", "GraphDiff.edges"]);

/** A subtree traversal costs this much per level it may descend, whatever page it returns. */
const TRAVERSAL_PER_LEVEL = 10;
/** Fields with database or domain work beyond what they return. */
const WORK: Record<string, (args: Record<string, unknown>, s: CostSettings) => number> = {
  "Unit.descendants": (args, s) => TRAVERSAL_PER_LEVEL * depthOf(args.maxDepth, s.maxDepth),
  "Query.units": (args, s) => (args.under ? TRAVERSAL_PER_LEVEL * s.maxDepth : 0),
  "Query.neighbourhood": (args) => TRAVERSAL_PER_LEVEL * depthOf(args.depth, MAX_NEIGHBOURHOOD_DEPTH),
  "Query.pathBetween": () => 100,
  "Query.reportingCalendar": () => 50,
  // Five checks, each a traversal of the subtree of `under`; without it, of the whole graph.
  "Query.integrityReport": (args, s) => perRoot(args.under, 5 * TRAVERSAL_PER_LEVEL * s.maxDepth),
  // graphDiff: a subtree traversal of each root on each date; without `under`, a scan of the whole graph.
  "Query.graphDiff": (args, s) => perRoot(args.under, 2 * TRAVERSAL_PER_LEVEL * s.maxDepth),
  // reminderPreview: a calendar per subscribed unit (a subtree subscription: up to 500 units), for
  // one subscription or at most MAX_PREVIEW_SUBSCRIPTIONS (more are refused).
  "Query.reminderPreview": (args) => 200 * (args.subscriptionId ? 1 : MAX_PREVIEW_SUBSCRIPTIONS),
  // A scoped reader's page is filled from a scan, each record read counted: up to CHANGES_SCAN_MAX
  // change records, up to SEARCH_SCAN hits (more when its first window is larger), so that aliases
  // cannot multiply the bound unpriced. Other readers read what the page returns.
  "Query.changes": (_args, s) => s.scopedReader?.changesScanMax ?? 0,
  "Query.searchUnits": (args, s) =>
    s.scopedReader
      ? Math.max(SEARCH_SCAN, SEARCH_SCAN_WINDOW * pageSize("Query.searchUnits", args.first, s))
      : 0,
};

/** What a read of the whole graph adds (a diff or an integrity report without `under`): it reads every unit. */
const WHOLE_GRAPH = 10_000;

/** `price` for each root in `under` (one id or a list), or the whole graph's price without one. */
function perRoot(under: unknown, price: number): number {
  const roots = Array.isArray(under) ? under.length : under ? 1 : 0;
  return roots === 0 ? WHOLE_GRAPH : roots * price;
}

/**
 * Root fields whose work is a whole subtree or more, whatever their `under` (the national root
 * is a root too, and its size is not known before the read): at most MAX_HEAVY_FIELDS of them
 * in one operation, so that aliases cannot start dozens of them at once on the connection pool.
 */
export const HEAVY_FIELDS: ReadonlySet<string> = new Set(["integrityReport", "graphDiff", "reminderPreview"]);
export const MAX_HEAVY_FIELDS = 2;

/** How many HEAVY_FIELDS the operation's root selection names, through fragments too (skipped ones count). */
export function heavyFieldCount(operation: OperationDefinitionNode, document: DocumentNode): number {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number =>
    set.selections.reduce((n, sel) => {
      if (sel.kind === Kind.FIELD) return n + (HEAVY_FIELDS.has(sel.name.value) ? 1 : 0);
      if (sel.kind === Kind.INLINE_FRAGMENT) return n + count(sel.selectionSet);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) return n;
      seen.add(sel.name.value);
      return n + count(fragment.selectionSet);
    }, 0);
  return count(operation.selectionSet);
}

/** How many units `neighbourhood` may return at a depth: a fan-out of 25 per level, up to the cap. */
const NEIGHBOURHOOD_FANOUT = 25;

function depthOf(value: unknown, max: number): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(Math.max(value, 1), max) : max;
}

/** A page's size when `first` is absent, where the resolver's default is not DEFAULT_PAGE_SIZE. */
const PAGE_DEFAULTS: Record<string, (s: CostSettings) => number> = {
  "Query.changes": () => CHANGES_PAGE_SIZE,
  "IntegrityReport.findings": (s) => s.maxPageSize,
};

function pageSize(coordinate: string, first: unknown, s: CostSettings): number {
  const fallback = PAGE_DEFAULTS[coordinate]?.(s) ?? DEFAULT_PAGE_SIZE;
  const n = typeof first === "number" && Number.isFinite(first) ? first : fallback;
  return Math.min(Math.max(n, 0), s.maxPageSize);
}

/**
 * The only arguments whose values the estimator reads (multiplier, WORK, pageSize below): a
 * variable used nowhere else (nor in a @skip / @include) does not change an operation's cost,
 * so limits.ts keys the costs it keeps by these variables alone. Keep in step with the code below.
 */
export const COST_ARGUMENTS: ReadonlySet<string> = new Set([
  "first",
  "representations",
  "ids",
  "depth",
  "maxDepth",
  "under",
  "subscriptionId",
]);

/** How many times the field's selection can appear in the answer. */
function multiplier(
  type: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  s: CostSettings,
): number {
  const coordinate = `${type.name}.${field.name}`;
  if (field.name === "_entities")
    return Array.isArray(args.representations) ? args.representations.length : 1;
  // Global object identification (src/graphql/node.ts): one object per id asked for.
  if (coordinate === "Query.nodes") return Array.isArray(args.ids) ? args.ids.length : 1;
  if (coordinate === "Query.neighbourhood")
    return Math.min(
      NEIGHBOURHOOD_FANOUT ** depthOf(args.depth, MAX_NEIGHBOURHOOD_DEPTH),
      MAX_NEIGHBOURHOOD_UNITS,
    );
  if (field.args.some((a) => a.name === "first")) return pageSize(coordinate, args.first, s);
  if (!isListType(getNullableType(field.type)) || SIZED_BY_PARENT.has(type.name)) return 1;
  return ASSUMED_SIZE[coordinate] ?? ASSUMED_SIZE[field.name] ?? DEFAULT_ASSUMED_SIZE;
}

/** The estimator for graphql-query-complexity: 1 + work + multiplier × the selection's cost. */
function listAwareEstimator(s: CostSettings): ComplexityEstimator {
  // graphDiff takes `first` itself but only its page fields repeat: the walk prices children
  // before their parent, so their cost is kept here and multiplied when graphDiff is priced.
  let diffPage = 0;
  return ({ type, field, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`;
    const own = 1 + (WORK[coordinate]?.(args, s) ?? 0);
    if (DIFF_PAGE_FIELDS.has(coordinate)) diffPage += own + childComplexity;
    if (coordinate === "Query.graphDiff") {
      const page = diffPage;
      diffPage = 0;
      return own + childComplexity + Math.max(pageSize(coordinate, args.first, s) - 1, 0) * page;
    }
    return own + multiplier(type, field, args, s) * childComplexity;
  };
}

/**
 * The cost of the operation `operationName` (or the only one) of `document` with `variables`.
 * Throws a GraphQLError when the variables do not fit the operation or the document has more
 * than `maxNodes` selections once fragments are expanded.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  settings: CostSettings,
  maxNodes = 10_000,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    ...(operationName ? { operationName } : {}),
    estimators: [listAwareEstimator(settings)],
    maxQueryNodes: maxNodes,
  });
}
