/**
 * Prescribed channels (kênh trình, gửi văn bản) and the check of a submission against them.
 *
 * Channel rules are data (seed `channelRules`, each with its provisions), stated over unit
 * kinds and levels and scoped to "the same" unit of some kind — e.g. Lâm Đồng's 350-CV/TU
 * (26/08/2025), mục 0–1: a UBND cấp xã submits to the Thường trực / Ban Thường vụ đảng ủy
 * cấp xã through the Đảng ủy UBND cấp xã of the same commune, not directly; and the UBKT
 * đảng ủy cấp xã signs its coordination rules with the Đảng ủy UBND cấp xã, not with the
 * UBND. Another province's rules are more data, not more code.
 *
 * "The same commune" is resolved in the graph by the store: each unit's nearest unit of the
 * rule's `within` kinds up the structure (PART_OF and SUBORDINATE_TO outwards, LEADS
 * inwards — a UBND is led by its Đảng ủy UBND, which is subordinate to the đảng ủy xã),
 * and the units of the needed kinds that belong to it.
 *
 * Pure: the caller gives the rules, the units and their anchors.
 */
import { type Interval, type IsoDate, isActiveOn } from "./dates.ts";
import { UNIT_KINDS, type UnitKind } from "./unit-kinds.ts";

export type ChannelKind = "SUBMISSION" | "COORDINATION_AGREEMENT";

export interface UnitSelector {
  kinds: string[];
  /** Empty: any level. */
  levels: string[];
}

export interface ChannelRule extends Interval {
  id: string;
  kind: ChannelKind;
  title: string;
  /** The submitting unit, or the party that makes the agreement. */
  from: UnitSelector;
  /** The recipient, or (COORDINATION_AGREEMENT) the counterpart the agreement must not be made with. */
  to: UnitSelector;
  /** SUBMISSION: the units the submission must pass through, in order. */
  via: UnitSelector[];
  /** COORDINATION_AGREEMENT: the counterpart to make the agreement with instead. */
  instead: UnitSelector | null;
  /** The kinds of the unit both ends must share ("the same commune": COMMUNE_COMMITTEE). */
  within: string[];
  /** Provinces the rule applies in (province slugs); empty: everywhere. */
  provinces: string[];
  basis: string[];
  note: string | null;
}

export interface RouteUnit extends Interval {
  id: string;
  name: string;
  kind: string;
  level: string | null;
  province: string | null;
}

export interface ChannelFacts {
  units: ReadonlyMap<string, RouteUnit>;
  /** For each unit, its nearest anchors (units of the rules' `within` kinds), by kind. */
  anchors: ReadonlyMap<string, readonly { id: string; kind: string; hops: number }[]>;
  /** For each anchor, the active units that belong to it (of the kinds the rules' via / instead name). */
  members: ReadonlyMap<string, readonly RouteUnit[]>;
}

function selectorMatches(s: UnitSelector, u: RouteUnit): boolean {
  return s.kinds.includes(u.kind) && (s.levels.length === 0 || (!!u.level && s.levels.includes(u.level)));
}

/** The nearest anchors of a unit among the given kinds (several when equally near). */
function nearestAnchors(facts: ChannelFacts, unitId: string, kinds: readonly string[]): string[] {
  const found = (facts.anchors.get(unitId) ?? []).filter((a) => kinds.includes(a.kind));
  if (found.length === 0) return [];
  const min = Math.min(...found.map((a) => a.hops));
  return found.filter((a) => a.hops === min).map((a) => a.id);
}

/** The anchor two units share under a rule (the same commune), or null. */
function sharedAnchor(facts: ChannelFacts, rule: ChannelRule, a: string, b: string): string | null {
  const ofB = new Set(nearestAnchors(facts, b, rule.within));
  return nearestAnchors(facts, a, rule.within).find((x) => ofB.has(x)) ?? null;
}

interface Applicable {
  rule: ChannelRule;
  anchor: string;
}

/** The rules of a kind that govern `from` dealing with `to` on the date. */
function applicableRules(
  rules: readonly ChannelRule[],
  facts: ChannelFacts,
  kind: ChannelKind,
  fromId: string,
  toId: string,
  asOf: IsoDate,
): Applicable[] {
  const from = facts.units.get(fromId);
  const to = facts.units.get(toId);
  if (!from || !to) return [];
  const out: Applicable[] = [];
  for (const rule of rules) {
    if (rule.kind !== kind || !isActiveOn(rule, asOf)) continue;
    if (rule.provinces.length > 0 && !(from.province && rule.provinces.includes(from.province))) continue;
    if (!selectorMatches(rule.from, from) || !selectorMatches(rule.to, to)) continue;
    const anchor = sharedAnchor(facts, rule, fromId, toId);
    if (anchor) out.push({ rule, anchor });
  }
  return out;
}

/** The units of the anchor that a selector names, by id (the first is the one the route uses). */
function resolveInAnchor(facts: ChannelFacts, anchor: string, s: UnitSelector, asOf: IsoDate): RouteUnit[] {
  return (facts.members.get(anchor) ?? [])
    .filter((u) => selectorMatches(s, u) && isActiveOn(u, asOf))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export interface Route {
  /** from, the prescribed intermediates in order, to. */
  units: string[];
  /** The rules that prescribe the intermediates; empty when none applies (a direct submission). */
  ruleIds: string[];
  basis: string[];
  /** What could not be resolved in the graph, e.g. a commune without a recorded Đảng ủy UBND. */
  unresolved: string[];
  /** In Vietnamese. */
  explanation: string;
}

/**
 * The prescribed route from one unit to another (350-CV/TU mục 0–1: UBND xã → Đảng ủy UBND
 * xã → Thường trực / Ban Thường vụ đảng ủy xã): the applicable SUBMISSION rules' via units
 * in order, or the direct route when no rule applies.
 */
export function submissionRoute(
  rules: readonly ChannelRule[],
  facts: ChannelFacts,
  fromId: string,
  toId: string,
  asOf: IsoDate,
): Route {
  const name = (id: string) => facts.units.get(id)?.name ?? id;
  const applicable = applicableRules(rules, facts, "SUBMISSION", fromId, toId, asOf);
  const via: string[] = [];
  const unresolved: string[] = [];
  for (const { rule, anchor } of applicable)
    for (const s of rule.via) {
      const found = resolveInAnchor(facts, anchor, s, asOf)[0];
      if (!found) unresolved.push(`${rule.id}: ${name(anchor)} không có đơn vị ${describeSelector(s)} nào`);
      else if (!via.includes(found.id) && found.id !== fromId && found.id !== toId) via.push(found.id);
    }
  const units = [fromId, ...via, toId];
  return {
    units,
    ruleIds: applicable.map((a) => a.rule.id),
    basis: unique(applicable.flatMap((a) => a.rule.basis)),
    unresolved,
    explanation:
      applicable.length === 0
        ? `Không có quy tắc kênh trình nào áp dụng: ${name(fromId)} gửi trực tiếp ${name(toId)}.`
        : `${units.map(name).join(" → ")} (${applicable.map((a) => a.rule.title).join("; ")}).`,
  };
}

export interface Violation {
  ruleId: string;
  /** Positions in the path of the two units the rule is about. */
  fromIndex: number;
  toIndex: number;
  from: string;
  to: string;
  /** The units the path should have gone through, or the counterpart it should have had. */
  expected: string[];
  basis: string[];
  /** In Vietnamese. */
  message: string;
}

export interface PathCheck {
  valid: boolean;
  violations: Violation[];
  /** Every rule that applied to some pair of the path (whether kept or broken). */
  ruleIds: string[];
}

/**
 * Checks a submission path, or the parties to a coordination agreement, against the channel
 * rules (350-CV/TU mục 0–1).
 *
 * SUBMISSION: for each unit of the path and each rule, the first later unit of the path
 * that the rule governs must be reached through the rule's via units, in order, somewhere
 * between the two: UBND xã → BTV đảng ủy xã breaks it; UBND xã → Đảng ủy UBND xã → BTV
 * keeps it.
 * COORDINATION_AGREEMENT: the path lists the parties; each pair that a rule governs breaks
 * it (UBKT đảng ủy xã with UBND xã: the agreement should be with the Đảng ủy UBND xã).
 */
export function checkPath(
  rules: readonly ChannelRule[],
  facts: ChannelFacts,
  path: readonly string[],
  kind: ChannelKind,
  asOf: IsoDate,
): PathCheck {
  const c: PathContext = {
    rules,
    facts,
    path,
    asOf,
    name: (id) => facts.units.get(id)?.name ?? id,
    applied: new Set(),
  };
  const violations = kind === "SUBMISSION" ? submissionViolations(c) : agreementViolations(c);
  return { valid: violations.length === 0, violations, ruleIds: [...c.applied] };
}

/** The inputs of one path check, and the rules found to apply so far. */
interface PathContext {
  rules: readonly ChannelRule[];
  facts: ChannelFacts;
  path: readonly string[];
  asOf: IsoDate;
  name: (id: string) => string;
  applied: Set<string>;
}

function submissionViolations(c: PathContext): Violation[] {
  const { path } = c;
  const violations: Violation[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const from = path[i] as string;
    const seen = new Set<string>();
    for (let j = i + 1; j < path.length; j++) {
      const to = path[j] as string;
      for (const { rule, anchor } of applicableRules(c.rules, c.facts, "SUBMISSION", from, to, c.asOf)) {
        if (seen.has(rule.id)) continue;
        seen.add(rule.id);
        c.applied.add(rule.id);
        const missing = missingVia(c, rule, anchor, path.slice(i + 1, j));
        if (missing.length > 0)
          violations.push({
            ruleId: rule.id,
            fromIndex: i,
            toIndex: j,
            from,
            to,
            expected: missing,
            basis: rule.basis,
            message: `${c.name(from)} trình ${c.name(to)} mà không thông qua ${missing.map(c.name).join(", ")}: ${rule.title}.`,
          });
      }
    }
  }
  return violations;
}

/** The via steps of a rule that the units between the two ends do not meet, each in order. */
function missingVia(c: PathContext, rule: ChannelRule, anchor: string, between: readonly string[]): string[] {
  const required = rule.via.map((s) => resolveInAnchor(c.facts, anchor, s, c.asOf));
  let at = 0;
  const missing: string[] = [];
  for (const candidates of required) {
    const ids = new Set(candidates.map((u) => u.id));
    const k = between.findIndex((id, idx) => idx >= at && ids.has(id));
    if (k < 0) missing.push(candidates[0]?.id ?? `(${rule.via.map(describeSelector).join(", ")})`);
    else at = k + 1;
  }
  return missing;
}

/** Every pair of parties that a rule governs, in either direction, breaks the agreement. */
function agreementViolations(c: PathContext): Violation[] {
  const { path } = c;
  const violations: Violation[] = [];
  for (let i = 0; i < path.length; i++)
    for (let j = i + 1; j < path.length; j++)
      for (const [from, to] of [
        [i, j],
        [j, i],
      ] as const) {
        const fromId = path[from] as string;
        const toId = path[to] as string;
        for (const { rule, anchor } of applicableRules(
          c.rules,
          c.facts,
          "COORDINATION_AGREEMENT",
          fromId,
          toId,
          c.asOf,
        )) {
          c.applied.add(rule.id);
          const instead = rule.instead ? resolveInAnchor(c.facts, anchor, rule.instead, c.asOf) : [];
          const insteadName = instead[0]
            ? c.name(instead[0].id)
            : rule.instead
              ? describeSelector(rule.instead)
              : "đơn vị đúng thẩm quyền";
          violations.push({
            ruleId: rule.id,
            fromIndex: from,
            toIndex: to,
            from: fromId,
            to: toId,
            expected: instead.slice(0, 1).map((u) => u.id),
            basis: rule.basis,
            message: `${c.name(fromId)} ký kết quy chế phối hợp với ${c.name(toId)} thay vì với ${insteadName}: ${rule.title}.`,
          });
        }
      }
  return violations;
}

const LEVEL_LABELS: Record<string, string> = {
  CENTRAL: "Trung ương",
  PROVINCIAL: "cấp tỉnh",
  DISTRICT: "cấp huyện",
  COMMUNE: "cấp xã",
  BASIC: "cơ sở",
};

/** A selector in Vietnamese, e.g. "Đảng ủy Ủy ban nhân dân (cấp xã)". */
export function describeSelector(s: UnitSelector): string {
  const kinds = s.kinds.map((k) => UNIT_KINDS[k as UnitKind]?.label ?? k).join(" / ");
  return `${kinds}${s.levels.length ? ` (${s.levels.map((l) => LEVEL_LABELS[l] ?? l).join(", ")})` : ""}`;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
