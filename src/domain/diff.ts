/**
 * What changed between two dates (graphDiff): the state of each unit on `from` compared with its
 * state on `to` — opened, closed, renamed, moved, other dated attributes — and the relations that
 * started or ended in between, each change with the event that caused it. Pure: the store reads
 * the rows (src/store/diff-repository.ts), this module turns them into changes, picks causes,
 * pages and summarises them with Vietnamese labels.
 *
 * A change "in the window" takes effect on a day D with from < D ≤ to: the state on `from` is
 * the before, the state on `to` the after. So the 2025 reform, whose first day is 01/07/2025, is
 * the window from 2025-06-30 to 2025-07-01. A unit opened and closed inside the window was in
 * neither state, yet an analyst asking "what changed" expects it: it is listed once, as
 * UNIT_OPENED_AND_CLOSED, dated its first day, under the superior it was opened under.
 */
import {
  DATED_ATTRIBUTE_NAMES,
  type DatedAttribute,
  type FormerValue,
  UNIT_VALUED_ATTRIBUTES,
  valueOn,
} from "./dated-attributes.ts";
import { isActiveOn } from "./dates.ts";
import { PARTY_ORGANISATION_KINDS } from "./integrity.ts";
import type { Obligation, RelationFact } from "./obligations.ts";
import { isStructural, RELATION_TYPES, type RelationType } from "./relation-types.ts";
import { UNIT_KINDS, type UnitKind } from "./unit-kinds.ts";

export const DIFF_CHANGE_TYPES = {
  UNIT_CLOSED: "kết thúc hoạt động",
  UNIT_OPENED: "thành lập / bắt đầu hoạt động",
  UNIT_OPENED_AND_CLOSED: "thành lập rồi kết thúc trong khoảng thời gian",
  UNIT_MOVED: "chuyển cấp trên trực tiếp",
  UNIT_RENAMED: "đổi tên",
  UNIT_ATTRIBUTE_CHANGED: "thay đổi thuộc tính",
  RELATION_STARTED: "quan hệ bắt đầu",
  RELATION_ENDED: "quan hệ kết thúc",
} as const;
export type DiffChangeType = keyof typeof DIFF_CHANGE_TYPES;

export const DIFF_CAUSE_KINDS = {
  MERGE: "hợp nhất, sáp nhập",
  SPLIT: "chia tách",
  ABOLISHED_LEVEL: "kết thúc cấp (cấp huyện)",
  MOVE: "điều chuyển cấp trên",
  EDIT: "cập nhật",
  SEED: "dữ liệu gốc (seed), không ghi sự kiện",
  GENERATED: "dữ liệu sinh tự động, không ghi sự kiện",
  UNRECORDED: "không có sự kiện ghi nhận",
} as const;
export type DiffCauseKind = keyof typeof DIFF_CAUSE_KINDS;

/** Event kinds (mutations' Event.kind, the generator's MergerEvent.kind) → cause kind. */
const CAUSE_OF_EVENT: Record<string, DiffCauseKind> = {
  MERGE_UNITS: "MERGE",
  PROVINCE_MERGER: "MERGE",
  COMMUNE_MERGER: "MERGE",
  SPLIT_UNIT: "SPLIT",
  ABOLISH_LEVEL: "ABOLISHED_LEVEL",
  DISTRICT_LEVEL_ENDED: "ABOLISHED_LEVEL",
  SET_SUPERIOR: "MOVE",
};
/** Restructurings: the only events a unit inherits from its superior. */
const STRUCTURAL: ReadonlySet<DiffCauseKind> = new Set(["MERGE", "SPLIT", "ABOLISHED_LEVEL"]);

/**
 * The batch mutations' events (src/store/restructuring-repository.ts) and the one-unit event each
 * stands for: a change made in a batch has the cause it would have had made alone (the reform
 * replay sends batches, so a batch move must read as a move, not an edit).
 */
export const SINGLE_OF_BATCH: Readonly<Record<string, string>> = {
  MOVE_UNITS: "SET_SUPERIOR",
  CLOSE_UNITS: "CLOSE_UNIT",
  CREATE_UNITS: "CREATE_UNIT",
  ADD_RELATIONS: "ADD_RELATION",
  MERGE_MANY: "MERGE_UNITS",
};

export const causeKindOf = (eventKind: string): DiffCauseKind =>
  CAUSE_OF_EVENT[SINGLE_OF_BATCH[eventKind] ?? eventKind] ?? "EDIT";

export interface DiffWindow {
  from: string;
  to: string;
}

/** An event that may explain a change: a recorded Event (source EVENT), or a MergerEvent of the generator (GENERATED) or the seed (SEED). */
export interface DiffEventRow {
  id: string;
  kind: string;
  name: string | null;
  effectiveOn: string;
  basis: string[];
  actor: string | null;
  source: "EVENT" | "GENERATED" | "SEED";
  /**
   * What the event's Change records changed of the unit it was read for: the unit's id (its own
   * record) and the ids of its relations. Null for an event that records no changes (the seed's,
   * the generator's merger events).
   */
  changed: readonly string[] | null;
}

/** A relation as a diff reads it: its identity and validity, as stored (RelationFact). */
export type DiffRelationRow = Pick<RelationFact, "id" | "type" | "from" | "to" | "validFrom" | "validTo">;

/** What the store reads of one unit for a window. */
export interface DiffUnitRow {
  id: string;
  kind: string;
  province: string | null;
  /** Who wrote it: 'seed', 'api' or 'generated'. */
  origin: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** Current values of the dated attributes, and their earlier values (src/domain/dated-attributes.ts). */
  current: Record<DatedAttribute, string | null>;
  former: Record<DatedAttribute, FormerValue[]>;
  superiorAtFrom: string | null;
  superiorAtTo: string | null;
  /** First day of the structural relation in force on `to`. */
  superiorSince: string | null;
  /** The direct superior on the unit's first day, when that day is in the window (a unit opened then). */
  superiorAtOpening: string | null;
  /** Relations of the unit that started or ended in the window. */
  relations: DiffRelationRow[];
}

export interface DiffCause {
  kind: DiffCauseKind;
  /** The event's id (an Event of a mutation, or a generator MergerEvent), null without one. */
  eventId: string | null;
  eventKind: string | null;
  name: string | null;
  effectiveOn: string | null;
  basis: string[];
  actor: string | null;
  source: "EVENT" | "GENERATED" | "SEED" | null;
  /** True when the event names the unit itself; false when it is its superior's (a restructuring above). */
  direct: boolean;
}

export interface DiffChange {
  type: DiffChangeType;
  /** The day the change took effect (the first day of the new state). */
  date: string;
  /** The unit the change is filed under (for a relation: its start, or its end when only that is in scope). */
  unitId: string;
  /** Its position among the unit's changes: with unitId, the change's place in the listing. */
  ordinal: number;
  kind: string;
  province: string | null;
  attribute: string | null;
  before: string | null;
  after: string | null;
  oldSuperior: string | null;
  newSuperior: string | null;
  relation: DiffRelationRow | null;
  cause: DiffCause;
}

const DAY_MS = 86_400_000;

/**
 * Date arithmetic remembered per date: a province's diff asks it some hundred thousand times of
 * a few dozen dates (parsing each time was a tenth of the service's CPU for a summary). Bounded,
 * so that a long-lived process asked about many windows does not grow.
 */
const MEMO_DATES = 4096;
const dayNumbers = new Map<string, number>();
const nextDays = new Map<string, string>();
function remember<V>(memo: Map<string, V>, date: string, compute: (date: string) => V): V {
  let value = memo.get(date);
  if (value === undefined) {
    value = compute(date);
    if (memo.size >= MEMO_DATES) memo.clear();
    memo.set(date, value);
  }
  return value;
}
const dayNumber = (date: string) =>
  remember(dayNumbers, date, (d) => Math.round(Date.parse(`${d}T00:00:00Z`) / DAY_MS));

export function nextDay(date: string): string {
  return remember(nextDays, date, (d) =>
    new Date(Date.parse(`${d}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10),
  );
}
function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}
export function spanDays(w: DiffWindow): number {
  return daysBetween(w.from, w.to);
}

const inWindow = (d: string | null, w: DiffWindow) => d !== null && d > w.from && d <= w.to;
const activeOn = (x: { validFrom: string | null; validTo: string | null }, d: string) => isActiveOn(x, d);

type Draft = Omit<DiffChange, "ordinal" | "cause" | "unitId" | "kind" | "province">;

function blank(type: DiffChangeType, date: string): Draft {
  return {
    type,
    date,
    attribute: null,
    before: null,
    after: null,
    oldSuperior: null,
    newSuperior: null,
    relation: null,
  };
}

/** The day a dated attribute took its value in force on `to`: after the last earlier value ending in the window. */
function attributeDate(former: readonly FormerValue[], w: DiffWindow): string {
  const ends = former.map((f) => f.validTo).filter((d) => d >= w.from && d < w.to);
  return ends.length > 0 ? nextDay(ends.sort().at(-1) as string) : w.to;
}

function unitDrafts(row: DiffUnitRow, w: DiffWindow): Draft[] {
  const atFrom = activeOn(row, w.from);
  const atTo = activeOn(row, w.to);
  if (atFrom && !atTo)
    return [{ ...blank("UNIT_CLOSED", nextDay(row.validTo as string)), oldSuperior: row.superiorAtFrom }];
  if (!atFrom && atTo)
    return [{ ...blank("UNIT_OPENED", row.validFrom as string), newSuperior: row.superiorAtTo }];
  if (!atFrom && inWindow(row.validFrom, w) && row.validTo !== null && row.validTo < w.to)
    return [
      { ...blank("UNIT_OPENED_AND_CLOSED", row.validFrom as string), newSuperior: row.superiorAtOpening },
    ];
  if (!atFrom) return [];
  const drafts: Draft[] = [];
  if (row.superiorAtFrom !== row.superiorAtTo)
    drafts.push({
      ...blank("UNIT_MOVED", inWindow(row.superiorSince, w) ? (row.superiorSince as string) : w.to),
      oldSuperior: row.superiorAtFrom,
      newSuperior: row.superiorAtTo,
    });
  for (const attribute of DATED_ATTRIBUTE_NAMES) {
    const before = valueOn(row.current[attribute], row.former[attribute], w.from);
    const after = valueOn(row.current[attribute], row.former[attribute], w.to);
    if (before === after) continue;
    const type = attribute === "name" ? "UNIT_RENAMED" : "UNIT_ATTRIBUTE_CHANGED";
    drafts.push({ ...blank(type, attributeDate(row.former[attribute], w)), attribute, before, after });
  }
  return drafts;
}

/**
 * The relations of the unit that started (first day in the window, still in force on `to`) or
 * ended (in force on `from`, last day before `to`); each filed under its start unit, or under
 * its end when the start is outside the scope (`inScope`).
 */
function relationDrafts(row: DiffUnitRow, w: DiffWindow, inScope: (id: string) => boolean): Draft[] {
  const seen = new Set<string>();
  const drafts: Draft[] = [];
  const sorted = [...row.relations].sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  for (const r of sorted) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const filedHere = r.from === row.id || (r.to === row.id && !inScope(r.from));
    if (!filedHere) continue;
    if (inWindow(r.validFrom, w) && activeOn(r, w.to))
      drafts.push({ ...blank("RELATION_STARTED", r.validFrom as string), relation: r });
    else if (activeOn(r, w.from) && r.validTo !== null && r.validTo >= w.from && r.validTo < w.to)
      drafts.push({ ...blank("RELATION_ENDED", nextDay(r.validTo)), relation: r });
  }
  return drafts;
}

/** How close an event's date is to a change's: the event takes effect that day, or is dated its eve (a closure's last day). */
function distance(e: DiffEventRow, date: string): number {
  const d = daysBetween(e.effectiveOn, date);
  return d === 0 || d === 1 ? d : Number.POSITIVE_INFINITY;
}

function fromEvent(e: DiffEventRow, direct: boolean): DiffCause {
  return {
    kind: causeKindOf(e.kind),
    eventId: e.id,
    eventKind: e.kind,
    name: e.name,
    effectiveOn: e.effectiveOn,
    basis: e.basis,
    actor: e.actor,
    source: e.source,
    direct,
  };
}

/**
 * The closest event (by distance, then restructurings first, then id), in one pass: it runs up
 * to three times for each change of a diff.
 */
function best(events: readonly DiffEventRow[], date: string, structuralOnly: boolean): DiffEventRow | null {
  let top: DiffEventRow | null = null;
  let topDistance = 0;
  let topRank = 0;
  for (const e of events) {
    const d = distance(e, date);
    if (d === Number.POSITIVE_INFINITY) continue;
    const rank = STRUCTURAL.has(causeKindOf(e.kind)) ? 0 : 1;
    if (structuralOnly && rank !== 0) continue;
    const order = top === null ? -1 : d - topDistance || rank - topRank || e.id.localeCompare(top.id);
    if (order < 0) {
      top = e;
      topDistance = d;
      topRank = rank;
    }
  }
  return top;
}

/**
 * Whether an event recorded this change of the unit: its Change records name the relation (a
 * relation's start or end), one of the unit's structural links (a move), or the unit itself (its
 * opening, closing, name or attributes). An event that records no changes may have made any.
 */
function recordedIt(
  e: DiffEventRow,
  draft: { type: DiffChangeType; relation: DiffRelationRow | null },
  row: { id: string; relations: readonly DiffRelationRow[] },
): boolean {
  if (e.changed === null) return true;
  if (draft.relation) return e.changed.includes(draft.relation.id);
  if (draft.type === "UNIT_MOVED")
    return row.relations.some((r) => r.from === row.id && isStructural(r.type) && e.changed?.includes(r.id));
  return e.changed.includes(row.id);
}

/**
 * The event that caused a change: one naming the unit and dated the change's day (or its eve),
 * among them first one whose Change records name what changed (recordedIt);
 * else a restructuring of its old superior on that day (the thôn cell that moved because its
 * commune merged, the commune that moved up because its district ended), else of its new one;
 * else where the unit came from (the seed, the generator) with no event.
 */
export function pickCause(
  draft: {
    type: DiffChangeType;
    date: string;
    oldSuperior: string | null;
    newSuperior: string | null;
    relation: DiffRelationRow | null;
  },
  row: { id: string; origin: string | null; relations: readonly DiffRelationRow[] },
  own: readonly DiffEventRow[],
  superiors: (id: string) => readonly DiffEventRow[],
): DiffCause {
  const recorded = own.filter((e) => recordedIt(e, draft, row));
  const direct = best(recorded.length > 0 ? recorded : own, draft.date, false);
  if (direct) return fromEvent(direct, true);
  // The superior it left first: a cell moved because its commune merged, a commune because its
  // district ended — not because of what founded the superior it joined.
  const inherited =
    best(draft.oldSuperior ? superiors(draft.oldSuperior) : [], draft.date, true) ??
    best(draft.newSuperior ? superiors(draft.newSuperior) : [], draft.date, true);
  if (inherited) return fromEvent(inherited, false);
  const kind: DiffCauseKind =
    row.origin === "seed" ? "SEED" : row.origin === "generated" ? "GENERATED" : "UNRECORDED";
  return {
    kind,
    eventId: null,
    eventKind: null,
    name: null,
    effectiveOn: null,
    basis: [],
    actor: null,
    source: null,
    direct: false,
  };
}

export interface DiffInput {
  window: DiffWindow;
  /** Whether a unit is in the diff's scope (its relations to outside units are filed under it). */
  inScope: (id: string) => boolean;
  /** Events naming a unit (the unit's own, or its superior's), dated in the window. */
  eventsOf: (id: string) => readonly DiffEventRow[];
}

/** A unit's changes in the window, in listing order, each with its cause. */
export function unitChanges(row: DiffUnitRow, input: DiffInput): DiffChange[] {
  const drafts = [...unitDrafts(row, input.window), ...relationDrafts(row, input.window, input.inScope)];
  return drafts.map((d, ordinal) => ({
    ...d,
    unitId: row.id,
    ordinal,
    kind: row.kind,
    province: row.province,
    cause: pickCause(
      d.relation ? { ...d, oldSuperior: row.superiorAtFrom, newSuperior: row.superiorAtTo } : d,
      row,
      input.eventsOf(row.id),
      input.eventsOf,
    ),
  }));
}

/**
 * Every unit a change names (a host's or seat's old and new values among them): a scoped reader
 * sees it only when all of them are inside its subtrees.
 */
export function unitsNamed(c: DiffChange): string[] {
  const values = c.attribute !== null && UNIT_VALUED_ATTRIBUTES.has(c.attribute) ? [c.before, c.after] : [];
  return [c.unitId, c.oldSuperior, c.newSuperior, c.relation?.from, c.relation?.to, ...values].filter(
    (x): x is string => typeof x === "string",
  );
}

// ---------------------------------------------------------------------------------------------
// Paging

export interface DiffPosition {
  u: string;
  i: number;
}

/** Changes after the position in (unitId, ordinal) order (the order the store reads units in). */
export const isAfter = (c: DiffChange, p: DiffPosition | null) =>
  p === null || c.unitId > p.u || (c.unitId === p.u && c.ordinal > p.i);

export const positionOf = (c: DiffChange): DiffPosition => ({ u: c.unitId, i: c.ordinal });

// ---------------------------------------------------------------------------------------------
// Obligations gained and lost

/** Whether the unit's reporting obligations are worth comparing: a party organisation's. */
export const hasObligations = (kind: string) =>
  (PARTY_ORGANISATION_KINDS as readonly string[]).includes(kind);

const obligationKey = (o: Obligation) =>
  [
    o.obligor,
    o.type,
    o.recipient,
    o.frequencies.join(","),
    o.via.join(","),
    o.ruleId ?? "",
    o.subject ?? "",
  ].join("|");

/** The obligations in force on `to` and not on `from` (gained), and the other way round (lost). */
export function obligationChanges(
  before: readonly Obligation[],
  after: readonly Obligation[],
): { gained: Obligation[]; lost: Obligation[] } {
  const was = new Set(before.map(obligationKey));
  const is = new Set(after.map(obligationKey));
  return {
    gained: after.filter((o) => !was.has(obligationKey(o))),
    lost: before.filter((o) => !is.has(obligationKey(o))),
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

export interface DiffCount {
  key: string;
  label: string;
  count: number;
}

export interface DiffGroupCount {
  key: string;
  label: string;
  total: number;
  byType: DiffCount[];
}

export interface DiffSummary {
  total: number;
  byType: DiffCount[];
  byCause: DiffCount[];
  byKind: DiffGroupCount[];
  byProvince: DiffGroupCount[];
  /** Party organisations whose direct superior changed (closed or moved ones counted once). */
  partyOrganisationsMoved: number;
  headline: string;
}

/** Counts kept while changes stream past: a summary of any size in a few maps. */
export class DiffTally {
  private total = 0;
  private readonly byType = new Map<string, number>();
  private readonly byCause = new Map<string, number>();
  private readonly byKind = new Map<string, Map<string, number>>();
  private readonly byProvince = new Map<string, Map<string, number>>();
  private readonly provinceNames = new Map<string, string>();
  private moved = 0;

  add(c: DiffChange, name?: string): void {
    this.total++;
    bump(this.byType, c.type);
    bump(this.byCause, c.cause.kind);
    bump(group(this.byKind, c.kind), c.type);
    bump(group(this.byProvince, c.province ?? ""), c.type);
    if (c.type === "UNIT_MOVED" && hasObligations(c.kind)) this.moved++;
    if (name && c.kind === "PROVINCIAL_COMMITTEE" && c.province) this.provinceNames.set(c.province, name);
  }

  summary(): DiffSummary {
    const byKind = groups(this.byKind, (k) => UNIT_KINDS[k as UnitKind]?.label ?? k);
    const byProvince = groups(this.byProvince, (p) =>
      p === "" ? "(không thuộc tỉnh)" : provinceLabel(p, this.provinceNames),
    );
    return {
      total: this.total,
      byType: counts(this.byType, DIFF_CHANGE_TYPES),
      byCause: counts(this.byCause, DIFF_CAUSE_KINDS),
      byKind,
      byProvince,
      partyOrganisationsMoved: this.moved,
      headline: headline(this.byKind, this.moved),
    };
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
function group(m: Map<string, Map<string, number>>, key: string): Map<string, number> {
  const g = m.get(key) ?? new Map<string, number>();
  m.set(key, g);
  return g;
}

function counts(m: Map<string, number>, labels: Record<string, string>): DiffCount[] {
  return Object.keys(labels)
    .filter((k) => m.has(k))
    .map((k) => ({ key: k, label: labels[k] as string, count: m.get(k) as number }));
}

function groups(m: Map<string, Map<string, number>>, label: (k: string) => string): DiffGroupCount[] {
  return [...m.entries()]
    .map(([key, types]) => ({
      key,
      label: label(key),
      total: [...types.values()].reduce((a, b) => a + b, 0),
      byType: counts(types, DIFF_CHANGE_TYPES),
    }))
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** "Tỉnh ủy Lâm Đồng" → "Lâm Đồng"; the slug when the diff names no provincial committee of it. */
function provinceLabel(slug: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(slug);
  return name ? name.replace(/^(Tỉnh ủy|Thành ủy)\s+/u, "") : slug;
}

const of = (m: Map<string, Map<string, number>>, kind: string, type: DiffChangeType) =>
  m.get(kind)?.get(type) ?? 0;

/** One Vietnamese sentence: "3 tỉnh ủy → 1; 5 huyện ủy kết thúc; 12 đảng ủy xã → 4; 40 tổ chức đảng đổi cấp trên trực tiếp". */
function headline(byKind: Map<string, Map<string, number>>, moved: number): string {
  const parts: string[] = [];
  const pair = (kind: string, word: string) => {
    const closed = of(byKind, kind, "UNIT_CLOSED");
    const opened = of(byKind, kind, "UNIT_OPENED");
    if (closed > 0 || opened > 0) parts.push(`${closed} ${word} → ${opened}`);
  };
  pair("PROVINCIAL_COMMITTEE", "tỉnh ủy");
  const districts = of(byKind, "DISTRICT_COMMITTEE", "UNIT_CLOSED");
  if (districts > 0) parts.push(`${districts} huyện ủy kết thúc hoạt động`);
  pair("COMMUNE_COMMITTEE", "đảng ủy xã, phường");
  if (moved > 0) parts.push(`${moved} tổ chức đảng đổi cấp trên trực tiếp`);
  return parts.length > 0 ? parts.join("; ") : "không có thay đổi về tổ chức";
}

export const changeTypeLabel = (t: DiffChangeType) => DIFF_CHANGE_TYPES[t];
export const causeKindLabel = (k: DiffCauseKind) => DIFF_CAUSE_KINDS[k];
export const relationTypeLabel = (t: string) => RELATION_TYPES[t as RelationType]?.label ?? t;
