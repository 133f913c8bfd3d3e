/**
 * Validates the whole seed before anything is written (seed/FORMAT.md): the shape of every
 * entry, unique ids, references that resolve, dates in order, and the hierarchy invariants —
 * no cycle in SUBORDINATE_TO and at most one active direct superior at any date.
 * Pure: takes parsed files, returns the graph or every problem found, each naming
 * the file, the entry and the field.
 */
import type { z } from "zod";
import {
  type Interval,
  intervalOrderText,
  intervalsOverlap,
  intervalWithin,
  isInOrder,
} from "../domain/dates.ts";
import { findSuperiorCycles, pairingAllows } from "../domain/hierarchy.ts";
import { relationId } from "../domain/ids.ts";
import { isPartyOrganisation, UNIT_KINDS, type UnitKind } from "../domain/unit-kinds.ts";
import {
  assigneeSelectorSchema,
  channelRuleSchema,
  documentSchema,
  kindPairingSchema,
  meetingRuleSchema,
  mergerSchema,
  planSchema,
  positionSchema,
  relationSchema,
  ruleSchema,
  type SeedAssigneeSelector,
  type SeedChannelRule,
  type SeedDocument,
  type SeedKindPairing,
  type SeedMeetingRule,
  type SeedMerger,
  type SeedPlan,
  type SeedPosition,
  type SeedProvision,
  type SeedRelation,
  type SeedRule,
  type SeedUnit,
  seedFileSchema,
  unitSchema,
} from "./seed-schema.ts";

export interface SeedFile {
  /** The file name, as the errors should name it. */
  file: string;
  content: unknown;
  /** Set when the file is not valid YAML. */
  parseError?: string;
}

export interface SeedIssue {
  file: string;
  /** The entry, e.g. `units[3] (tinh-uy-lam-dong)`. */
  entry: string;
  field: string;
  message: string;
}

export interface SeedGraph {
  documents: SeedDocument[];
  provisions: (SeedProvision & { document: string })[];
  units: SeedUnit[];
  relations: SeedRelation[];
  rules: SeedRule[];
  meetingRules: SeedMeetingRule[];
  positions: SeedPosition[];
  plans: SeedPlan[];
  kindPairings: SeedKindPairing[];
  channelRules: SeedChannelRule[];
  assigneeSelectors: SeedAssigneeSelector[];
  mergers: SeedMerger[];
}

export class SeedValidationError extends Error {
  constructor(readonly issues: SeedIssue[]) {
    super(
      `The seed has ${issues.length} problem(s):\n${issues
        .map((i) => `  ${i.file}: ${i.entry}: ${i.field}: ${i.message}`)
        .join("\n")}`,
    );
    this.name = "SeedValidationError";
  }
}

interface Located<T> {
  value: T;
  file: string;
  entry: string;
}

type Where = { file: string; entry: string };
type Report = (loc: Where, field: string, message: string) => void;

/** Every entry of the seed, parsed, with the file and entry it came from. */
interface Lists {
  documents: Located<SeedDocument>[];
  units: Located<SeedUnit>[];
  relations: Located<SeedRelation>[];
  rules: Located<SeedRule>[];
  meetingRules: Located<SeedMeetingRule>[];
  positions: Located<SeedPosition>[];
  plans: Located<SeedPlan>[];
  kindPairings: Located<SeedKindPairing>[];
  channelRules: Located<SeedChannelRule>[];
  assigneeSelectors: Located<SeedAssigneeSelector>[];
  mergers: Located<SeedMerger>[];
}

/** The ids the entries define, for the reference checks. */
interface Index {
  provisions: Map<string, SeedProvision & { document: string }>;
  units: Map<string, SeedUnit>;
  documents: Set<string>;
  selectors: Set<string>;
  planEvents: Set<string>;
}

/** The checks every kind of entry shares, each reporting what it finds. */
interface Checks {
  report: Report;
  basis(loc: Where, field: string, list: readonly string[]): void;
  unit(loc: Where, field: string, uid: string | null | undefined): void;
  document(loc: Where, field: string, did: string | null | undefined): void;
  interval(loc: Where, v: Interval): void;
  /** The day a basis was first stated: the earliest date among its documents; null when one is undated. */
  statedOn(basis: readonly string[]): string | null;
  /** The province of each document's issuer, null for central issuers. */
  issuerProvince: ReadonlyMap<string, string | null>;
  /** Each document's date (issuedOn, else notBefore). */
  documentDates: ReadonlyMap<string, string | null>;
}

export function validateSeed(files: SeedFile[]): SeedGraph {
  const issues: SeedIssue[] = [];
  const report: Report = (loc, field, message) =>
    issues.push({ file: loc.file, entry: loc.entry, field, message });
  const lists = parseFiles(files, report);
  const index = indexIds(lists, report);
  const check = sharedChecks(lists, index, report);
  checkDocumentsAndUnits(lists, check);
  checkRelations(lists, index, check);
  checkHierarchy(lists, index, check);
  checkRulesAndPositions(lists, check);
  for (const p of lists.plans) checkPlan(p, index, check);
  for (const a of lists.assigneeSelectors) {
    check.basis(a, "basis", a.value.basis);
    check.unit(a, "anchor", a.value.anchor);
    check.interval(a, a.value);
  }
  checkChannelRules(lists, check);
  checkMergers(lists, check);
  if (issues.length > 0) throw new SeedValidationError(issues);
  return graphOf(lists, index);
}

function parseList<T>(
  report: Report,
  file: string,
  key: string,
  items: unknown[],
  schema: z.ZodType<T>,
  into: Located<T>[],
): void {
  items.forEach((raw, i) => {
    const rawId = raw && typeof raw === "object" && "id" in raw ? ` (${String(raw.id)})` : "";
    const entry = `${key}[${i}]${rawId}`;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const e of parsed.error.issues) report({ file, entry }, e.path.join(".") || "(entry)", e.message);
      return;
    }
    into.push({ value: parsed.data, file, entry });
  });
}

function parseFiles(files: SeedFile[], report: Report): Lists {
  const lists: Lists = {
    documents: [],
    units: [],
    relations: [],
    rules: [],
    meetingRules: [],
    positions: [],
    plans: [],
    kindPairings: [],
    channelRules: [],
    assigneeSelectors: [],
    mergers: [],
  };
  for (const { file, content, parseError } of files) {
    if (parseError) {
      report({ file, entry: "(file)" }, "(yaml)", parseError);
      continue;
    }
    const top = seedFileSchema.safeParse(content ?? {});
    if (!top.success) {
      for (const e of top.error.issues)
        report({ file, entry: "(file)" }, e.path.join(".") || "(top level)", e.message);
      continue;
    }
    const f = top.data;
    const parse = <T>(key: keyof Lists, items: unknown[], schema: z.ZodType<T>) =>
      parseList(report, file, key, items, schema, lists[key] as unknown as Located<T>[]);
    parse("documents", f.documents, documentSchema);
    parse("units", f.units, unitSchema);
    parse("relations", f.relations, relationSchema as z.ZodType<SeedRelation>);
    parse("rules", f.rules, ruleSchema);
    parse("meetingRules", f.meetingRules, meetingRuleSchema);
    parse("positions", f.positions, positionSchema);
    parse("plans", f.plans, planSchema);
    parse("kindPairings", f.kindPairings, kindPairingSchema);
    parse("channelRules", f.channelRules, channelRuleSchema);
    parse("assigneeSelectors", f.assigneeSelectors, assigneeSelectorSchema);
    parse("mergers", f.mergers, mergerSchema);
  }
  return lists;
}

/** Indexes every id, reporting the ones defined twice (ids are unique across the whole seed). */
function indexIds(lists: Lists, report: Report): Index {
  const seen = new Map<string, string>();
  const claim = (loc: Where, field: string, id: string) => {
    const prior = seen.get(id);
    if (prior) report(loc, field, `duplicate id "${id}" (first defined at ${prior})`);
    else seen.set(id, `${loc.file}: ${loc.entry}`);
  };
  const index: Index = {
    provisions: new Map(),
    units: new Map(),
    documents: new Set(lists.documents.map((d) => d.value.id)),
    selectors: new Set(),
    planEvents: new Set(),
  };
  for (const d of lists.documents) {
    claim(d, "id", d.value.id);
    d.value.provisions.forEach((p, i) => {
      claim(d, `provisions[${i}].id`, p.id);
      index.provisions.set(p.id, { ...p, document: d.value.id });
    });
  }
  for (const u of lists.units) {
    claim(u, "id", u.value.id);
    index.units.set(u.value.id, u.value);
  }
  for (const x of [...lists.rules, ...lists.kindPairings, ...lists.channelRules, ...lists.mergers])
    claim(x, "id", x.value.id);
  for (const a of lists.assigneeSelectors) {
    claim(a, "id", a.value.id);
    index.selectors.add(a.value.id);
  }
  for (const x of [...lists.meetingRules, ...lists.positions]) claim(x, "id", x.value.id);
  for (const p of lists.plans) {
    claim(p, "id", p.value.id);
    p.value.events.forEach((e, i) => {
      claim(p, `events[${i}].id`, e.id);
      index.planEvents.add(e.id);
    });
    p.value.targets.forEach((t, i) => void claim(p, `targets[${i}].id`, t.id));
    p.value.tasks.forEach((t, i) => void claim(p, `tasks[${i}].id`, t.id));
  }
  return index;
}

function sharedChecks(lists: Lists, index: Index, report: Report): Checks {
  // The day a fact's basis was first stated: the earliest issue date (or notBefore) among the
  // documents its provisions belong to.
  const documentDates = new Map(
    lists.documents.map((d) => [d.value.id, d.value.issuedOn ?? d.value.notBefore ?? null]),
  );
  return {
    report,
    basis: (loc, field, list) =>
      list.forEach((pid, i) => {
        if (!index.provisions.has(pid)) report(loc, `${field}[${i}]`, `unknown provision "${pid}"`);
      }),
    unit: (loc, field, uid) => {
      if (uid && !index.units.has(uid)) report(loc, field, `unknown unit "${uid}"`);
    },
    document: (loc, field, did) => {
      if (did && !index.documents.has(did)) report(loc, field, `unknown document "${did}"`);
    },
    interval: (loc, v) => {
      if (!isInOrder(v)) report(loc, "validTo", intervalOrderText(v));
    },
    statedOn: (basis) => {
      const dates = basis.map((pid) => documentDates.get(index.provisions.get(pid)?.document ?? "") ?? null);
      if (dates.some((d) => d === null)) return null;
      return (dates as string[]).sort()[0] ?? null;
    },
    issuerProvince: new Map(
      lists.documents.map((d) => [d.value.id, index.units.get(d.value.issuer ?? "")?.province ?? null]),
    ),
    documentDates,
  };
}

function checkDocumentsAndUnits(lists: Lists, check: Checks): void {
  for (const d of lists.documents) {
    check.unit(d, "issuer", d.value.issuer);
    d.value.replaces.forEach((r, i) => void check.document(d, `replaces[${i}]`, r));
  }
  for (const u of lists.units) {
    if (u.value.source !== "synthetic") check.basis(u, "source", u.value.source);
    check.unit(u, "host", u.value.host);
    check.unit(u, "seat", u.value.seat);
    check.interval(u, u.value);
  }
}

/** Relations: references, dates, endpoints active over the whole interval, and unique ids. */
function checkRelations(lists: Lists, index: Index, check: Checks): void {
  for (const r of lists.relations) checkRelation(r, index, check);
  const relationIds = new Map<string, Located<SeedRelation>>();
  for (const r of lists.relations) {
    const prior = relationIds.get(r.value.id);
    if (prior)
      check.report(r, "id", `duplicate relation "${r.value.id}" (first at ${prior.file}: ${prior.entry})`);
    else relationIds.set(r.value.id, r);
  }
}

/** One relation. An omitted validFrom / validTo defaults to the endpoints' common interval (set here). */
function checkRelation(r: Located<SeedRelation>, index: Index, check: Checks): void {
  const rel = r.value;
  check.basis(r, "basis", rel.basis);
  if (rel.basis.length === 0 && !rel.synthetic)
    check.report(
      r,
      "basis",
      "must cite at least one provision, or be synthetic: true when no document states it",
    );
  check.unit(r, "from", rel.from);
  check.unit(r, "to", rel.to);
  rel.via.forEach((v, i) => void check.unit(r, `via[${i}]`, v));
  const from = index.units.get(rel.from);
  const to = index.units.get(rel.to);
  if (from && to) checkRelationEnds(r, from, to, check);
  check.interval(r, rel);
  const stated = check.statedOn(rel.basis);
  if (stated && (!rel.validFrom || rel.validFrom < stated))
    check.report(
      r,
      "validFrom",
      `the relation starts ${rel.validFrom ?? "with no date"}, before the earliest document it cites (${stated}); a fact starts no earlier than the document that states it`,
    );
  rel.id ??= relationId(rel);
  for (const problem of foreignCitations(rel, index.units, index.provisions, check.issuerProvince))
    check.report(r, "basis", problem);
  for (const problem of addresseesBeforeFounding(rel, index.units, index.provisions, check.documentDates))
    check.report(r, "basis", problem);
}

function checkRelationEnds(r: Located<SeedRelation>, from: SeedUnit, to: SeedUnit, check: Checks): void {
  const rel = r.value;
  if (rel.validFrom === undefined || rel.validFrom === null)
    rel.validFrom = maxDate(from.validFrom, to.validFrom);
  if (rel.validTo === undefined || rel.validTo === null) rel.validTo = minDate(from.validTo, to.validTo);
  for (const [end, unit] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (!intervalWithin(rel, unit))
      check.report(
        r,
        "validFrom",
        `the relation (${rel.validFrom ?? "…"} – ${rel.validTo ?? "…"}) is not within the validity of its ${end} unit "${unit.id}" (${unit.validFrom ?? "…"} – ${unit.validTo ?? "…"})`,
      );
  }
  if (rel.type === "SUBORDINATE_TO") {
    const cat = UNIT_KINDS[from.kind as UnitKind].category;
    if (cat !== "PARTY_ORGANISATION" && cat !== "PARTY_DELEGATION")
      check.report(r, "from", `SUBORDINATE_TO is for party organisations; "${from.id}" is a ${from.kind}`);
  }
}

/** The hierarchy invariants over SUBORDINATE_TO: one superior at a time, no cycle, allowed pairings. */
function checkHierarchy(lists: Lists, index: Index, check: Checks): void {
  const superiorEdges = lists.relations.filter((r) => r.value.type === "SUBORDINATE_TO");
  const byChild = new Map<string, Located<SeedRelation>[]>();
  for (const e of superiorEdges) byChild.set(e.value.from, [...(byChild.get(e.value.from) ?? []), e]);
  for (const [child, edges] of byChild) checkOneSuperiorAtATime(child, edges, check);
  for (const cycle of findSuperiorCycles(superiorEdges.map((e) => e.value))) {
    const first = superiorEdges.find((e) => e.value.from === cycle.units[0]);
    check.report(
      first ?? { file: "(seed)", entry: "relations" },
      "to",
      `SUBORDINATE_TO has a cycle on ${cycle.date}: ${[...cycle.units, cycle.units[0]].join(" → ")}`,
    );
  }
  checkKindPairings(lists, superiorEdges, index, check);
  for (const u of lists.units) {
    if (isPartyOrganisation(u.value.kind as UnitKind) && u.value.kind !== "CENTRAL_COMMITTEE") {
      const hasAny = (byChild.get(u.value.id) ?? []).length > 0;
      if (!hasAny) check.report(u, "id", `party organisation "${u.value.id}" has no SUBORDINATE_TO relation`);
    }
  }
}

/** At most one active direct superior at any date. */
function checkOneSuperiorAtATime(child: string, edges: Located<SeedRelation>[], check: Checks): void {
  for (let i = 0; i < edges.length; i++)
    for (let j = i + 1; j < edges.length; j++) {
      const a = edges[i] as Located<SeedRelation>;
      const b = edges[j] as Located<SeedRelation>;
      if (intervalsOverlap(a.value, b.value))
        check.report(
          b,
          "validFrom",
          `"${child}" would have two direct superiors at once: "${a.value.to}" (${a.file}: ${a.entry}) and "${b.value.to}"`,
        );
    }
}

/** Every SUBORDINATE_TO pairs kinds that a pairing allows over its whole interval (when pairings are given). */
function checkKindPairings(
  lists: Lists,
  superiorEdges: Located<SeedRelation>[],
  index: Index,
  check: Checks,
): void {
  for (const k of lists.kindPairings) {
    check.basis(k, "basis", k.value.basis);
    check.interval(k, k.value);
  }
  if (lists.kindPairings.length === 0) return;
  const pairings = lists.kindPairings.map((k) => k.value);
  for (const e of superiorEdges) {
    const child = index.units.get(e.value.from);
    const superior = index.units.get(e.value.to);
    if (!child || !superior) continue;
    if (!pairingAllows(pairings, child.kind, superior.kind, e.value))
      check.report(
        e,
        "to",
        `no kind pairing lets a ${child.kind} ("${child.id}") be SUBORDINATE_TO a ${superior.kind} ("${superior.id}") over ${e.value.validFrom ?? "…"} – ${e.value.validTo ?? "…"}`,
      );
  }
}

function checkRulesAndPositions(lists: Lists, check: Checks): void {
  for (const r of lists.rules) {
    check.basis(r, "basis", r.value.basis);
    r.value.via.forEach((v, i) => void check.unit(r, `via[${i}]`, v));
    check.interval(r, r.value);
  }
  for (const m of lists.meetingRules) {
    check.basis(m, "basis", m.value.basis);
    check.unit(m, "body", m.value.body);
    const consent = m.value.writtenConsent;
    if (consent) {
      check.basis(m, "writtenConsent.basis", consent.basis);
      check.unit(m, "writtenConsent.requestedBy", consent.requestedBy);
    }
  }
  for (const p of lists.positions) {
    check.basis(p, "basis", p.value.basis);
    check.unit(p, "committee", p.value.committee);
    p.value.sitsIn.forEach((b, i) => void check.unit(p, `sitsIn[${i}]`, b));
  }
}

function checkPlan(p: Located<SeedPlan>, index: Index, check: Checks): void {
  const plan = p.value;
  check.document(p, "document", plan.document);
  check.document(p, "implements", plan.implements);
  check.unit(p, "owner", plan.owner);
  plan.targets.forEach((t, i) => void check.basis(p, `targets[${i}].basis`, t.basis));
  plan.tasks.forEach((t, i) => {
    check.basis(p, `tasks[${i}].basis`, t.basis);
    t.roles.forEach((role, j) => {
      if (role.unit) check.unit(p, `tasks[${i}].roles[${j}].unit`, role.unit);
      if (role.selector && !index.selectors.has(role.selector))
        check.report(p, `tasks[${i}].roles[${j}].selector`, `unknown assignee selector "${role.selector}"`);
    });
    if (t.deadline.type === "RELATIVE" && !index.planEvents.has(t.deadline.after))
      check.report(p, `tasks[${i}].deadline.after`, `unknown plan event "${t.deadline.after}"`);
  });
}

/** Channel rules: provisions exist, dates in order, provinces that some unit has. */
function checkChannelRules(lists: Lists, check: Checks): void {
  const provinces = new Set(lists.units.map((u) => u.value.province).filter(Boolean));
  for (const c of lists.channelRules) {
    check.basis(c, "basis", c.value.basis);
    check.interval(c, c.value);
    c.value.provinces.forEach((p, i) => {
      if (!provinces.has(p)) check.report(c, `provinces[${i}]`, `no unit has province "${p}"`);
    });
  }
}

/**
 * Mergers: known units and provisions, and dates that agree with the units — each unit it ended
 * has its last day on the eve of the merger, each unit it founded its first day on it.
 */
function checkMergers(lists: Lists, check: Checks): void {
  const units = new Map(lists.units.map((u) => [u.value.id, u.value]));
  for (const m of lists.mergers) {
    check.basis(m, "basis", m.value.basis);
    const eve = new Date(Date.parse(`${m.value.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    m.value.ended.forEach((uid, i) => {
      check.unit(m, `ended[${i}]`, uid);
      const u = units.get(uid);
      if (u && u.validTo !== eve)
        check.report(m, `ended[${i}]`, `"${uid}" ends ${u.validTo ?? "never"}, not on ${eve}`);
    });
    m.value.founded.forEach((uid, i) => {
      check.unit(m, `founded[${i}]`, uid);
      const u = units.get(uid);
      if (u && u.validFrom !== m.value.date)
        check.report(
          m,
          `founded[${i}]`,
          `"${uid}" begins ${u.validFrom ?? "with no date"}, not on ${m.value.date}`,
        );
    });
  }
}

function graphOf(lists: Lists, index: Index): SeedGraph {
  const values = <T>(xs: Located<T>[]) => xs.map((x) => x.value);
  return {
    documents: values(lists.documents),
    provisions: [...index.provisions.values()],
    units: values(lists.units),
    relations: values(lists.relations),
    rules: values(lists.rules),
    meetingRules: values(lists.meetingRules),
    positions: values(lists.positions),
    plans: values(lists.plans),
    kindPairings: values(lists.kindPairings),
    channelRules: values(lists.channelRules),
    assigneeSelectors: values(lists.assigneeSelectors),
    mergers: values(lists.mergers),
  };
}

/**
 * A provincial document speaks of its own province: a relation whose endpoints both lie in
 * other provinces cannot rest on it (Quảng Ngãi's addressee list does not say what Bình
 * Thuận's organs are). Documents of central issuers, or of issuers with no province, are
 * not checked.
 */
function foreignCitations(
  rel: Pick<SeedRelation, "from" | "to" | "basis">,
  units: ReadonlyMap<string, Pick<SeedUnit, "province">>,
  provisions: ReadonlyMap<string, { document: string }>,
  issuerProvince: ReadonlyMap<string, string | null>,
): string[] {
  const ends = new Set([units.get(rel.from)?.province, units.get(rel.to)?.province]);
  return rel.basis.flatMap((pid) => {
    const doc = provisions.get(pid)?.document;
    const province = doc ? issuerProvince.get(doc) : null;
    if (!province || ends.has(province)) return [];
    return [
      `provision "${pid}" is of a document of province "${province}", which names neither "${rel.from}" nor "${rel.to}"; cite a provision that states the fact, or mark it synthetic: true`,
    ];
  });
}

/**
 * A document's addressees (kính gửi) and distribution list (nơi nhận) name the bodies that
 * existed when it was sent: they cannot back a relation of a unit founded after the document's
 * date (e.g. the organs of a Tỉnh ủy founded in 2025 resting on a 2023 letter to its
 * predecessor). Such a relation is carried over, not stated: mark it synthetic, say so in its note.
 */
export function addresseesBeforeFounding(
  rel: Pick<SeedRelation, "from" | "to" | "basis">,
  units: ReadonlyMap<string, Pick<SeedUnit, "id" | "validFrom">>,
  provisions: ReadonlyMap<string, { document: string; kind?: string }>,
  documentDates: ReadonlyMap<string, string | null>,
): string[] {
  return rel.basis.flatMap((pid) => {
    const p = provisions.get(pid);
    const sent = p ? documentDates.get(p.document) : null;
    if (!p || !sent || (p.kind !== "ADDRESSEES" && p.kind !== "DISTRIBUTION_LIST")) return [];
    return [units.get(rel.from), units.get(rel.to)].flatMap((u) =>
      u?.validFrom && u.validFrom > sent
        ? [
            `provision "${pid}" lists whom a document of ${sent} was sent to; it cannot name "${u.id}", founded ${u.validFrom}: a relation carried over to a later unit is synthetic: true, with a note saying so`,
          ]
        : [],
    );
  });
}

function maxDate(a?: string | null, b?: string | null): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

function minDate(a?: string | null, b?: string | null): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a < b ? a : b;
}
