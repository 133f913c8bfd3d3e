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
  isActiveOn,
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
  planSchema,
  positionSchema,
  relationSchema,
  ruleSchema,
  type SeedAssigneeSelector,
  type SeedChannelRule,
  type SeedDocument,
  type SeedKindPairing,
  type SeedMeetingRule,
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

export { relationId };

export function validateSeed(files: SeedFile[]): SeedGraph {
  const issues: SeedIssue[] = [];
  const issue = (loc: { file: string; entry: string }, field: string, message: string) =>
    issues.push({ file: loc.file, entry: loc.entry, field, message });

  const lists = {
    documents: [] as Located<SeedDocument>[],
    units: [] as Located<SeedUnit>[],
    relations: [] as Located<SeedRelation>[],
    rules: [] as Located<SeedRule>[],
    meetingRules: [] as Located<SeedMeetingRule>[],
    positions: [] as Located<SeedPosition>[],
    plans: [] as Located<SeedPlan>[],
    kindPairings: [] as Located<SeedKindPairing>[],
    channelRules: [] as Located<SeedChannelRule>[],
    assigneeSelectors: [] as Located<SeedAssigneeSelector>[],
  };

  const parseList = <T>(
    file: string,
    key: string,
    items: unknown[],
    schema: z.ZodType<T>,
    into: Located<T>[],
  ): void => {
    items.forEach((raw, i) => {
      const rawId = raw && typeof raw === "object" && "id" in raw ? ` (${String(raw.id)})` : "";
      const entry = `${key}[${i}]${rawId}`;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const e of parsed.error.issues) issue({ file, entry }, e.path.join(".") || "(entry)", e.message);
        return;
      }
      into.push({ value: parsed.data, file, entry });
    });
  };

  for (const { file, content, parseError } of files) {
    if (parseError) {
      issue({ file, entry: "(file)" }, "(yaml)", parseError);
      continue;
    }
    const top = seedFileSchema.safeParse(content ?? {});
    if (!top.success) {
      for (const e of top.error.issues)
        issue({ file, entry: "(file)" }, e.path.join(".") || "(top level)", e.message);
      continue;
    }
    const f = top.data;
    parseList(file, "documents", f.documents, documentSchema, lists.documents);
    parseList(file, "units", f.units, unitSchema, lists.units);
    parseList(file, "relations", f.relations, relationSchema as z.ZodType<SeedRelation>, lists.relations);
    parseList(file, "rules", f.rules, ruleSchema, lists.rules);
    parseList(file, "meetingRules", f.meetingRules, meetingRuleSchema, lists.meetingRules);
    parseList(file, "positions", f.positions, positionSchema, lists.positions);
    parseList(file, "plans", f.plans, planSchema, lists.plans);
    parseList(file, "kindPairings", f.kindPairings, kindPairingSchema, lists.kindPairings);
    parseList(file, "channelRules", f.channelRules, channelRuleSchema, lists.channelRules);
    parseList(
      file,
      "assigneeSelectors",
      f.assigneeSelectors,
      assigneeSelectorSchema,
      lists.assigneeSelectors,
    );
  }

  // Ids are unique across the whole seed.
  const seen = new Map<string, string>();
  const claim = (loc: { file: string; entry: string }, field: string, id: string) => {
    const prior = seen.get(id);
    if (prior) issue(loc, field, `duplicate id "${id}" (first defined at ${prior})`);
    else seen.set(id, `${loc.file}: ${loc.entry}`);
  };
  const provisions = new Map<string, SeedProvision & { document: string }>();
  for (const d of lists.documents) {
    claim(d, "id", d.value.id);
    d.value.provisions.forEach((p, i) => {
      claim(d, `provisions[${i}].id`, p.id);
      provisions.set(p.id, { ...p, document: d.value.id });
    });
  }
  const units = new Map<string, SeedUnit>();
  for (const u of lists.units) {
    claim(u, "id", u.value.id);
    units.set(u.value.id, u.value);
  }
  for (const r of lists.rules) claim(r, "id", r.value.id);
  for (const k of lists.kindPairings) claim(k, "id", k.value.id);
  for (const c of lists.channelRules) claim(c, "id", c.value.id);
  const selectors = new Set<string>();
  for (const a of lists.assigneeSelectors) {
    claim(a, "id", a.value.id);
    selectors.add(a.value.id);
  }
  for (const m of lists.meetingRules) claim(m, "id", m.value.id);
  for (const p of lists.positions) claim(p, "id", p.value.id);
  const planEvents = new Set<string>();
  for (const p of lists.plans) {
    claim(p, "id", p.value.id);
    p.value.events.forEach((e, i) => {
      claim(p, `events[${i}].id`, e.id);
      planEvents.add(e.id);
    });
    p.value.targets.forEach((t, i) => void claim(p, `targets[${i}].id`, t.id));
    p.value.tasks.forEach((t, i) => void claim(p, `tasks[${i}].id`, t.id));
  }
  const documents = new Set(lists.documents.map((d) => d.value.id));

  const checkBasis = (loc: Located<unknown>, field: string, list: readonly string[]) =>
    list.forEach((pid, i) => {
      if (!provisions.has(pid)) issue(loc, `${field}[${i}]`, `unknown provision "${pid}"`);
    });
  const checkUnit = (loc: Located<unknown>, field: string, uid: string | null | undefined) => {
    if (uid && !units.has(uid)) issue(loc, field, `unknown unit "${uid}"`);
  };
  const checkDocument = (loc: Located<unknown>, field: string, did: string | null | undefined) => {
    if (did && !documents.has(did)) issue(loc, field, `unknown document "${did}"`);
  };
  // The day a fact's basis was first stated: the earliest issue date (or notBefore) among the
  // documents its provisions belong to; null when none of them is dated.
  const documentDates = new Map(
    lists.documents.map((d) => [d.value.id, d.value.issuedOn ?? d.value.notBefore ?? null]),
  );
  const statedOn = (basis: readonly string[]): string | null => {
    const dates = basis.map((pid) => documentDates.get(provisions.get(pid)?.document ?? "") ?? null);
    if (dates.some((d) => d === null)) return null;
    return (dates as string[]).sort()[0] ?? null;
  };
  const issuerProvince = new Map(
    lists.documents.map((d) => [d.value.id, units.get(d.value.issuer ?? "")?.province ?? null]),
  );
  const checkInterval = (loc: Located<unknown>, v: Interval) => {
    if (!isInOrder(v)) issue(loc, "validTo", intervalOrderText(v));
  };

  for (const d of lists.documents) {
    checkUnit(d, "issuer", d.value.issuer);
    d.value.replaces.forEach((r, i) => void checkDocument(d, `replaces[${i}]`, r));
  }
  for (const u of lists.units) {
    if (u.value.source !== "synthetic") checkBasis(u, "source", u.value.source);
    checkUnit(u, "host", u.value.host);
    checkUnit(u, "seat", u.value.seat);
    checkInterval(u, u.value);
  }

  // Relations: references, dates, and endpoints active over the whole interval.
  // An omitted validFrom / validTo defaults to the endpoints' common interval.
  for (const r of lists.relations) {
    const rel = r.value;
    checkBasis(r, "basis", rel.basis);
    if (rel.basis.length === 0 && !rel.synthetic)
      issue(r, "basis", "must cite at least one provision, or be synthetic: true when no document states it");
    checkUnit(r, "from", rel.from);
    checkUnit(r, "to", rel.to);
    rel.via.forEach((v, i) => void checkUnit(r, `via[${i}]`, v));
    const from = units.get(rel.from);
    const to = units.get(rel.to);
    if (from && to) {
      if (rel.validFrom === undefined || rel.validFrom === null)
        rel.validFrom = maxDate(from.validFrom, to.validFrom);
      if (rel.validTo === undefined || rel.validTo === null) rel.validTo = minDate(from.validTo, to.validTo);
      for (const [end, unit] of [
        ["from", from],
        ["to", to],
      ] as const) {
        if (!intervalWithin(rel, unit))
          issue(
            r,
            "validFrom",
            `the relation (${rel.validFrom ?? "…"} – ${rel.validTo ?? "…"}) is not within the validity of its ${end} unit "${unit.id}" (${unit.validFrom ?? "…"} – ${unit.validTo ?? "…"})`,
          );
      }
      if (rel.type === "SUBORDINATE_TO") {
        const cat = UNIT_KINDS[from.kind as UnitKind].category;
        if (cat !== "PARTY_ORGANISATION" && cat !== "PARTY_DELEGATION")
          issue(r, "from", `SUBORDINATE_TO is for party organisations; "${from.id}" is a ${from.kind}`);
      }
    }
    checkInterval(r, rel);
    const stated = statedOn(rel.basis);
    if (stated && (!rel.validFrom || rel.validFrom < stated))
      issue(
        r,
        "validFrom",
        `the relation starts ${rel.validFrom ?? "with no date"}, before the earliest document it cites (${stated}); a fact starts no earlier than the document that states it`,
      );
    rel.id ??= relationId(rel);
    for (const problem of foreignCitations(rel, units, provisions, issuerProvince))
      issue(r, "basis", problem);
  }
  const relationIds = new Map<string, Located<SeedRelation>>();
  for (const r of lists.relations) {
    const prior = relationIds.get(r.value.id);
    if (prior) issue(r, "id", `duplicate relation "${r.value.id}" (first at ${prior.file}: ${prior.entry})`);
    else relationIds.set(r.value.id, r);
  }

  // At most one active direct superior at any date, for every party organisation.
  const superiorEdges = lists.relations.filter((r) => r.value.type === "SUBORDINATE_TO");
  const byChild = new Map<string, Located<SeedRelation>[]>();
  for (const e of superiorEdges) byChild.set(e.value.from, [...(byChild.get(e.value.from) ?? []), e]);
  for (const [child, edges] of byChild) {
    for (let i = 0; i < edges.length; i++)
      for (let j = i + 1; j < edges.length; j++) {
        const a = edges[i] as Located<SeedRelation>;
        const b = edges[j] as Located<SeedRelation>;
        if (intervalsOverlap(a.value, b.value))
          issue(
            b,
            "validFrom",
            `"${child}" would have two direct superiors at once: "${a.value.to}" (${a.file}: ${a.entry}) and "${b.value.to}"`,
          );
      }
  }
  // No cycle in SUBORDINATE_TO at any date.
  for (const cycle of findSuperiorCycles(superiorEdges.map((e) => e.value))) {
    const first = superiorEdges.find((e) => e.value.from === cycle.units[0]);
    issue(
      first ?? { file: "(seed)", entry: "relations" },
      "to",
      `SUBORDINATE_TO has a cycle on ${cycle.date}: ${[...cycle.units, cycle.units[0]].join(" → ")}`,
    );
  }
  // Every SUBORDINATE_TO pairs kinds that a pairing allows over the whole interval (when pairings are given).
  for (const k of lists.kindPairings) {
    checkBasis(k, "basis", k.value.basis);
    checkInterval(k, k.value);
  }
  if (lists.kindPairings.length > 0) {
    const pairings = lists.kindPairings.map((k) => k.value);
    for (const e of superiorEdges) {
      const child = units.get(e.value.from);
      const superior = units.get(e.value.to);
      if (!child || !superior) continue;
      if (!pairingAllows(pairings, child.kind, superior.kind, e.value))
        issue(
          e,
          "to",
          `no kind pairing lets a ${child.kind} ("${child.id}") be SUBORDINATE_TO a ${superior.kind} ("${superior.id}") over ${e.value.validFrom ?? "…"} – ${e.value.validTo ?? "…"}`,
        );
    }
  }
  for (const u of lists.units) {
    if (isPartyOrganisation(u.value.kind as UnitKind) && u.value.kind !== "CENTRAL_COMMITTEE") {
      const hasAny = (byChild.get(u.value.id) ?? []).length > 0;
      if (!hasAny) issue(u, "id", `party organisation "${u.value.id}" has no SUBORDINATE_TO relation`);
    }
  }

  for (const r of lists.rules) {
    checkBasis(r, "basis", r.value.basis);
    r.value.via.forEach((v, i) => void checkUnit(r, `via[${i}]`, v));
    checkInterval(r, r.value);
  }
  for (const m of lists.meetingRules) {
    checkBasis(m, "basis", m.value.basis);
    checkUnit(m, "body", m.value.body);
  }
  for (const p of lists.positions) {
    checkBasis(p, "basis", p.value.basis);
    checkUnit(p, "committee", p.value.committee);
    p.value.sitsIn.forEach((b, i) => void checkUnit(p, `sitsIn[${i}]`, b));
  }
  for (const p of lists.plans) {
    const plan = p.value;
    checkDocument(p, "document", plan.document);
    checkDocument(p, "implements", plan.implements);
    checkUnit(p, "owner", plan.owner);
    plan.targets.forEach((t, i) => void checkBasis(p, `targets[${i}].basis`, t.basis));
    plan.tasks.forEach((t, i) => {
      checkBasis(p, `tasks[${i}].basis`, t.basis);
      t.roles.forEach((role, j) => {
        if (role.unit) checkUnit(p, `tasks[${i}].roles[${j}].unit`, role.unit);
        if (role.selector && !selectors.has(role.selector))
          issue(p, `tasks[${i}].roles[${j}].selector`, `unknown assignee selector "${role.selector}"`);
      });
      if (t.deadline.type === "RELATIVE" && !planEvents.has(t.deadline.after))
        issue(p, `tasks[${i}].deadline.after`, `unknown plan event "${t.deadline.after}"`);
    });
  }

  for (const a of lists.assigneeSelectors) {
    checkBasis(a, "basis", a.value.basis);
    checkUnit(a, "anchor", a.value.anchor);
    checkInterval(a, a.value);
  }

  // Channel rules: provisions exist, dates in order, provinces that some unit has.
  const provinces = new Set(lists.units.map((u) => u.value.province).filter(Boolean));
  for (const c of lists.channelRules) {
    checkBasis(c, "basis", c.value.basis);
    checkInterval(c, c.value);
    c.value.provinces.forEach((p, i) => {
      if (!provinces.has(p)) issue(c, `provinces[${i}]`, `no unit has province "${p}"`);
    });
  }

  if (issues.length > 0) throw new SeedValidationError(issues);
  return {
    documents: lists.documents.map((d) => d.value),
    provisions: [...provisions.values()],
    units: lists.units.map((u) => u.value),
    relations: lists.relations.map((r) => r.value),
    rules: lists.rules.map((r) => r.value),
    meetingRules: lists.meetingRules.map((m) => m.value),
    positions: lists.positions.map((p) => p.value),
    plans: lists.plans.map((p) => p.value),
    kindPairings: lists.kindPairings.map((k) => k.value),
    channelRules: lists.channelRules.map((c) => c.value),
    assigneeSelectors: lists.assigneeSelectors.map((a) => a.value),
  };
}

/**
 * A provincial document speaks of its own province: a relation whose endpoints both lie in
 * other provinces cannot rest on it (Quảng Ngãi's addressee list does not say what Bình
 * Thuận's organs are). Documents of central issuers, or of issuers with no province, are
 * not checked.
 */
export function foreignCitations(
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

export { isActiveOn };
