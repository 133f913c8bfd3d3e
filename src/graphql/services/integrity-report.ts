/**
 * integrityReport's parts, each read only when the request selects it. The whole graph has tens
 * of thousands of findings (every party organisation without an obligation among them): a report
 * read whole, each finding an object with its Vietnamese message, held a few hundred MB in the
 * service for a request that wanted its counts. Now a request that asks only the counts (and
 * sees everything) has them counted in Neo4j; one that asks findings reads their keys once (the
 * units, relation and documents Neo4j returns, in a fixed order: by rule, then the first unit's
 * id, a relation's by the relation's id) and builds only the page it returns. Reading the keys
 * once, rather than each page again in Neo4j, keeps a counts-and-first-page request (the
 * explorer's) to one run of each statement.
 */
import {
  finding,
  INTEGRITY_RULES,
  type IntegrityFinding,
  type IntegrityRule,
  KINDS_NEEDING_SUPERIOR,
  PARTY_ORGANISATION_KINDS,
} from "../../domain/integrity.ts";
import {
  countWithoutObligation,
  organisationsWithoutObligation,
  provinceShapes,
  rulesCitingReplaced,
  STRUCTURAL_RULES,
  structuralCounts,
  structuralFindings,
} from "../../store/integrity-repository.ts";
import type { Context } from "../context.ts";
import type { IntegrityReportView } from "../parents.ts";
import { keepVisible, scoped } from "../visibility.ts";

/** One run of findings of a rule, in order: how many, and how to read a slice of them. */
interface Source {
  rule: IntegrityRule;
  count: number;
  read(skip: number, limit: number): Promise<IntegrityFinding[]>;
}

const ORDER = Object.keys(INTEGRITY_RULES) as IntegrityRule[];

/** The report's findings from `offset`, at most `first`, of `rule` when given, across the sources in order. */
export async function pageOf(
  sources: readonly Source[],
  rule: IntegrityRule | null,
  offset: number,
  first: number,
): Promise<IntegrityFinding[]> {
  const out: IntegrityFinding[] = [];
  let skip = offset;
  for (const s of sources) {
    if (out.length >= first) break;
    if (rule !== null && s.rule !== rule) continue;
    if (skip >= s.count) {
      skip -= s.count;
      continue;
    }
    out.push(...(await s.read(skip, Math.min(first - out.length, s.count - skip))));
    skip = 0;
  }
  return out;
}

/** Findings per rule, every rule listed (zero included). */
export function countsOf(sources: readonly Source[]) {
  return ORDER.map((rule) => ({
    rule,
    ruleLabel: INTEGRITY_RULES[rule],
    count: sources.filter((s) => s.rule === rule).reduce((n, s) => n + s.count, 0),
  }));
}

/** Found rows as a source: each becomes a finding (its message built) only when its page is read. */
const rows = <T>(rule: IntegrityRule, all: T[], toFinding: (row: T) => IntegrityFinding): Source => ({
  rule,
  count: all.length,
  read: async (skip, limit) => all.slice(skip, skip + limit).map(toFinding),
});

/** Findings already built, as a source. */
const held = (rule: IntegrityRule, all: IntegrityFinding[]): Source => rows(rule, all, (f) => f);

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

interface Scope {
  asOf: string;
  members: string[] | null;
}

/** Rules in force citing a replaced document: a handful, read whole, after the relations' findings. */
async function ruleCitations(ctx: Context, asOf: string): Promise<IntegrityFinding[]> {
  const rules = await rulesCitingReplaced(ctx.db, asOf, ctx.roundTrips);
  return rules
    .map((r) => ({ ...r, key: `${r.rule}|${r.old}|${r.new}` }))
    .sort(byKey)
    .map((r) =>
      finding("CITES_REPLACED_DOCUMENT", asOf, {
        units: [],
        documents: [r.old, r.new],
        subject: `Quy định ${r.rule} (${r.title})`,
      }),
    );
}

/** A reader who sees everything and asks only the counts: counted in Neo4j, no finding read. */
async function countedSources(ctx: Context, scope: Scope): Promise<Source[]> {
  const [counts, rules, silent] = await Promise.all([
    structuralCounts(ctx.db, { ...scope, needSuperior: KINDS_NEEDING_SUPERIOR }, ctx.roundTrips),
    ruleCitations(ctx, scope.asOf),
    countWithoutObligation(
      ctx.db,
      { ...scope, kinds: PARTY_ORGANISATION_KINDS, visible: null },
      ctx.roundTrips,
    ),
  ]);
  // Never read: the request did not select the findings.
  const counted = (rule: IntegrityRule, count: number): Source => ({ rule, count, read: async () => [] });
  return [
    ...STRUCTURAL_RULES.map((rule) => counted(rule, counts[rule])),
    held("CITES_REPLACED_DOCUMENT", rules),
    counted("NO_REPORTING_OBLIGATION", silent),
  ];
}

/**
 * Every finding's keys (units, relation, documents: what Neo4j returns), read once in the order
 * of the report; those a scoped reader (`visible` its units) may not see left out. Only a page's
 * findings are built.
 */
async function listedSources(ctx: Context, scope: Scope, visible: string[] | null): Promise<Source[]> {
  const [raw, rules, silent] = await Promise.all([
    structuralFindings(ctx.db, { ...scope, needSuperior: KINDS_NEEDING_SUPERIOR }, ctx.roundTrips),
    ruleCitations(ctx, scope.asOf),
    organisationsWithoutObligation(
      ctx.db,
      { ...scope, kinds: PARTY_ORGANISATION_KINDS, visible },
      ctx.roundTrips,
    ),
  ]);
  const seen = await keepVisible(ctx, raw, (f) => f.units);
  const silentSeen = await keepVisible(ctx, silent, (id) => [id]);
  return [
    ...STRUCTURAL_RULES.map((rule) =>
      rows(
        rule,
        seen.filter((r) => r.rule === rule),
        (r) => finding(rule, scope.asOf, r),
      ),
    ),
    held("CITES_REPLACED_DOCUMENT", rules),
    rows("NO_REPORTING_OBLIGATION", silentSeen, (id) =>
      finding("NO_REPORTING_OBLIGATION", scope.asOf, { units: [id] }),
    ),
  ];
}

/** Runs `f` once, when first asked. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= f();
    return p;
  };
}

/**
 * The report on `asOf` over `members` (null: the whole graph); `visible` the scoped reader's
 * units (null: reading is not scoped); `wantsFindings` whether the request selects them. Nothing
 * is read until a field asks.
 */
export function integrityReport(
  ctx: Context,
  args: { asOf: string; under: string | null; members: string[] | null; visible: string[] | null },
  wantsFindings: boolean,
): IntegrityReportView {
  const scope = { asOf: args.asOf, members: args.members };
  // A scoped reader's counts are of what it may see: they need its findings' units.
  const sources = once(() =>
    wantsFindings || scoped(ctx) ? listedSources(ctx, scope, args.visible) : countedSources(ctx, scope),
  );
  return {
    asOf: args.asOf,
    under: args.under,
    counts: async () => countsOf(await sources()),
    findings: async (rule, offset, first) => pageOf(await sources(), rule, offset, first),
    provinces: once(async () => {
      const shapes = await provinceShapes(ctx.db, { ...scope, under: args.under }, ctx.roundTrips);
      return keepVisible(ctx, shapes, (s) => [s.root, s.largestSpanUnit]);
    }),
  };
}
