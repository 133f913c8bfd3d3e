/**
 * Cypher for the prescribed channels: the channel rules (seed `channelRules`, 350-CV/TU),
 * and, for a set of units on a date, each unit's nearest "anchor" (the unit of a rule's
 * `within` kinds it belongs to, e.g. its đảng ủy xã) and the units that belong to each
 * anchor. Belonging follows the structure the seed encodes: PART_OF and SUBORDINATE_TO
 * outwards, LEADS inwards (a UBND xã is led by the Đảng ủy UBND xã, which is subordinate to
 * the đảng ủy xã). One query each.
 */
import { valueOn } from "../domain/dated-attributes.ts";
import type { ChannelFacts, ChannelKind, ChannelRule, RouteUnit } from "../domain/submission-routes.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { asUnit, type UnitRecord } from "./records.ts";

type Row = Record<string, unknown>;

/** How far up the structure an anchor is looked for (Thường trực → BTV → BCH → đảng ủy is 3). */
const MAX_HOPS = 4;

/** One step up: a structural link (PART_OF / SUBORDINATE_TO) from x, or LEADS into x; `x` is the lower end. */
const UP = `(x)-[r:${STRUCTURE}|LEADS]-(n:Unit)
   WHERE ${active("r")} AND ${active("n")}
     AND CASE WHEN type(r) = 'LEADS' THEN endNode(r) = x ELSE startNode(r) = x END`;

export async function findChannelRules(db: Database, counter?: RoundTripCounter): Promise<ChannelRule[]> {
  const rows = await db.read("MATCH (c:ChannelRule) RETURN properties(c) AS c ORDER BY c.id", {}, counter);
  return rows.map((r) => asChannelRule(r.c));
}

function asChannelRule(row: unknown): ChannelRule {
  const p = row as Row;
  const selector = (kinds: unknown, levels: unknown) => ({
    kinds: (kinds as string[]) ?? [],
    levels: (levels as string[]) ?? [],
  });
  return {
    id: p.id as string,
    kind: p.kind as ChannelKind,
    title: p.title as string,
    from: selector(p.fromKinds, p.fromLevels),
    to: selector(p.toKinds, p.toLevels),
    via: JSON.parse((p.via as string) ?? "[]"),
    instead: p.insteadKinds ? selector(p.insteadKinds, p.insteadLevels) : null,
    within: (p.within as string[]) ?? [],
    provinces: (p.provinces as string[]) ?? [],
    basis: (p.basis as string[]) ?? [],
    validFrom: (p.validFrom as string) ?? null,
    validTo: (p.validTo as string) ?? null,
    note: (p.note as string) ?? null,
  };
}

export interface ChannelFactsResult extends ChannelFacts {
  /** Every unit the answer mentions, to prime the request's unit loader. */
  records: UnitRecord[];
}

/**
 * The units with their anchors of `anchorKinds` (nearest first) on the date, and the active
 * units of `memberKinds` that belong to each anchor found.
 */
/** The units asked about with their anchors (and hops to each), and every anchor's members: one query. */
const CHANNEL_FACTS = `WITH date($asOf) AS d
  UNWIND $ids AS id
  MATCH (u:Unit {id: id})
  CALL (u, d) {
    OPTIONAL MATCH p = (u) (${UP}){0,${MAX_HOPS}} (a:Unit)
    WHERE a.kind IN $anchorKinds AND ${active("a")}
    WITH a, min(length(p)) AS hops
    WHERE a IS NOT NULL
    RETURN collect({id: a.id, kind: a.kind, hops: hops}) AS anchors
  }
  WITH d, collect({unit: properties(u), anchors: anchors}) AS found
  CALL (found, d) {
    UNWIND found AS f
    UNWIND f.anchors AS an
    WITH DISTINCT an.id AS aid, d
    MATCH (a:Unit {id: aid})
    CALL (a, d) {
      OPTIONAL MATCH (m:Unit) (${UP}){1,${MAX_HOPS}} (a)
      WHERE m.kind IN $memberKinds AND ${active("m")}
      RETURN collect(DISTINCT properties(m)) AS members
    }
    RETURN collect({anchor: properties(a), members: members}) AS memberships
  }
  RETURN found, memberships`;

export async function channelFacts(
  db: Database,
  args: {
    ids: readonly string[];
    anchorKinds: readonly string[];
    memberKinds: readonly string[];
    asOf: string;
  },
  counter?: RoundTripCounter,
): Promise<ChannelFactsResult> {
  const params = {
    ids: [...ids(args.ids)],
    anchorKinds: [...args.anchorKinds],
    memberKinds: [...args.memberKinds],
    asOf: args.asOf,
  };
  const rows = await db.read(CHANNEL_FACTS, params, counter);
  return channelFactsOf(rows[0] ?? { found: [], memberships: [] }, args.asOf);
}

function channelFactsOf(row: Row, asOf: string): ChannelFactsResult {
  const records = new Map<string, UnitRecord>();
  const keep = (props: unknown) => {
    const u = asUnit(props);
    records.set(u.id, u);
    return u;
  };
  const anchors = new Map<string, { id: string; kind: string; hops: number }[]>();
  for (const f of (row.found as Row[]) ?? []) {
    const u = keep(f.unit);
    anchors.set(u.id, (f.anchors as { id: string; kind: string; hops: number }[]) ?? []);
  }
  const members = new Map<string, RouteUnit[]>();
  for (const m of (row.memberships as Row[]) ?? []) {
    const a = keep(m.anchor);
    members.set(
      a.id,
      ((m.members as Row[]) ?? []).map((x) => routeUnit(keep(x), asOf)),
    );
  }
  return {
    units: new Map([...records.values()].map((u) => [u.id, routeUnit(u, asOf)])),
    anchors,
    members,
    records: [...records.values()],
  };
}

/** A unit as the route check sees it on the date: its level is a dated attribute. */
function routeUnit(u: UnitRecord, asOf: string): RouteUnit {
  return {
    id: u.id,
    name: u.name,
    kind: u.kind,
    level: valueOn(u.level, u.former.level, asOf),
    province: u.province,
    validFrom: u.validFrom,
    validTo: u.validTo,
  };
}

function ids(list: readonly string[]): Set<string> {
  return new Set(list);
}
