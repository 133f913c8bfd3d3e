/**
 * Reads for graphDiff and the diff exports: which units a diff covers (the subtrees of its roots
 * and of their predecessors, on both dates), and for a batch of units what the domain
 * (src/domain/diff.ts) compares — the unit's dated attributes, its direct superior on each
 * date, its relations that started or ended in the window — and the events dated in the window
 * that name a unit (mutations' Event nodes, the generator's MergerEvent nodes).
 */
import {
  DATED_ATTRIBUTE_NAMES,
  DATED_ATTRIBUTES,
  type DatedAttribute,
  formerValues,
} from "../domain/dated-attributes.ts";
import { isActiveOn } from "../domain/dates.ts";
import type { DiffEventRow, DiffRelationRow, DiffUnitRow, DiffWindow } from "../domain/diff.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";

/** Units read per round trip. */
export const DIFF_BATCH = 5000;
const MAX_DEPTH = 40;

export interface DiffRoot {
  id: string;
  found: boolean;
  /** Units a merger or split ended into this root: their subtrees on `from` are part of the diff. */
  predecessors: string[];
}

/**
 * The roots asked for, whether each exists, and its predecessors: the units a merger event (the
 * generator's, or one the seed records) ended when it founded the root, or that a mergeUnits / splitUnit event touching the root
 * closed on the eve of its effective date (same kind as the root).
 */
export async function diffRoots(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<DiffRoot[]> {
  const rows = await db.read(
    `UNWIND $ids AS rid
     OPTIONAL MATCH (root:Unit {id: rid})
     CALL (root) {
       OPTIONAL MATCH (root)<-[:FOUNDED]-(:MergerEvent)-[:ENDED]->(p:Unit)
       RETURN collect(DISTINCT p.id) AS generated
     }
     CALL (root) {
       OPTIONAL MATCH (root)<-[:AFFECTED]-(e:Event)-[:AFFECTED]->(q:Unit)
       WHERE e.kind IN ['MERGE_UNITS', 'SPLIT_UNIT'] AND q.kind = root.kind AND q.validTo = e.effectiveOn - duration('P1D')
       RETURN collect(DISTINCT q.id) AS recorded
     }
     RETURN rid AS id, root IS NOT NULL AS found, generated + [x IN recorded WHERE NOT x IN generated] AS predecessors`,
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => ({
    id: r.id as string,
    found: r.found === true,
    predecessors: ((r.predecessors as string[]) ?? []).filter((p) => p !== r.id),
  }));
}

/** Opened and closed inside the window (from < validFrom, validTo < to): in neither state. */
const transient = (x: string) =>
  `(${x}.validFrom > date($from) AND ${x}.validFrom <= date($to) AND ${x}.validTo < date($to))`;

/**
 * The units in the subtrees of `roots` on `from` or on `to` (each unit and relation in force that
 * day), and the units opened and closed inside the window directly below them, in id order.
 */
export async function diffMembers(
  db: Database,
  args: { roots: readonly string[]; window: DiffWindow },
  counter?: RoundTripCounter,
): Promise<string[]> {
  // The predicates sit inside the quantified pattern so that the expansion stops at relations
  // not in force that day, instead of enumerating every path of every period and filtering after.
  // A unit opened and closed inside the window hangs, by the relation it was opened under, below
  // a unit in force on one of the dates: one more hop from each (an OR inside the quantified
  // pattern tripled its db hits).
  const rows = await db.read(
    `UNWIND $roots AS rid
     MATCH (root:Unit {id: rid})
     UNWIND [date($from), date($to)] AS d
     MATCH (root) (()<-[r:${STRUCTURE}]-(y:Unit) WHERE ${active("r")} AND ${active("y")}){0,${MAX_DEPTH}} (x:Unit)
     WHERE ${active("x")}
     WITH DISTINCT x
     CALL (x) {
       RETURN x.id AS id
       UNION
       MATCH (x)<-[r:${STRUCTURE}]-(y:Unit)
       WHERE r.validFrom > date($from) AND r.validFrom <= date($to) AND ${transient("y")}
       RETURN y.id AS id
     }
     RETURN DISTINCT id ORDER BY id`,
    { roots: [...roots(args.roots)], from: args.window.from, to: args.window.to },
    counter,
  );
  return rows.map((r) => r.id as string);
}

const roots = (ids: readonly string[]) => [...new Set(ids)];

/** The next ids of the whole graph from `start` (itself included or not), in id order: the whole-graph diff reads by keyset. */
export async function unitIdsFrom(
  db: Database,
  args: { start: string; inclusive: boolean; limit: number },
  counter?: RoundTripCounter,
): Promise<string[]> {
  const rows = await db.read(
    `MATCH (u:Unit) WHERE u.id ${args.inclusive ? ">=" : ">"} $start RETURN u.id AS id ORDER BY id LIMIT $limit`,
    { start: args.start, limit: args.limit },
    counter,
  );
  return rows.map((r) => r.id as string);
}

/**
 * What the diff compares, for those of `ids` with something dated in the window: its own start
 * or end, an earlier attribute value ending there, or a relation starting or ending there (a
 * move is one). Other units have no change and are not returned.
 */
export async function diffUnitRows(
  db: Database,
  args: { ids: readonly string[]; window: DiffWindow },
  counter?: RoundTripCounter,
): Promise<DiffUnitRow[]> {
  const untils = DATED_ATTRIBUTE_NAMES.map((a) => `coalesce(u.${DATED_ATTRIBUTES[a].until}, [])`).join(" + ");
  // Only the properties asRow reads, not the whole node.
  const keys = ["id", "kind", "province", "origin"].concat(
    DATED_ATTRIBUTE_NAMES.flatMap((a) => [a, DATED_ATTRIBUTES[a].values, DATED_ATTRIBUTES[a].until]),
  );
  // Pattern comprehensions rather than CALL subqueries: one pass over each unit's relations
  // that changed in the window, and its few structural ones, which asRow reads on both dates.
  const rows = await db.read(
    `WITH date($from) AS f, date($to) AS t
     UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     WITH u, f, t, [(u)-[r]-(:Unit) WHERE r.id IS NOT NULL
         AND ((r.validFrom > f AND r.validFrom <= t) OR (r.validTo >= f AND r.validTo < t)) |
         {id: r.id, type: type(r), from: startNode(r).id, to: endNode(r).id,
          validFrom: toString(r.validFrom), validTo: toString(r.validTo)}] AS relations
     WHERE size(relations) > 0 OR (u.validFrom > f AND u.validFrom <= t) OR (u.validTo >= f AND u.validTo < t)
        OR any(x IN ${untils} WHERE x >= f AND x < t)
     RETURN u {${keys.map((k) => `.${k}`).join(", ")}} AS u, toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo, relations,
            [(u)-[r:${STRUCTURE}]->(s:Unit) | {id: s.id, validFrom: toString(r.validFrom), validTo: toString(r.validTo),
              unitFrom: toString(s.validFrom), unitTo: toString(s.validTo)}] AS superiors
     ORDER BY u.id`,
    { ids: [...args.ids], from: args.window.from, to: args.window.to },
    counter,
  );
  return rows.map((r) => asRow(r, args.window));
}

interface SuperiorLink {
  id: string;
  validFrom: string | null;
  validTo: string | null;
  unitFrom: string | null;
  unitTo: string | null;
}

/** The superior in force on the date (the relation and the superior both), the first by id when the graph has two. */
function superiorOn(links: readonly SuperiorLink[], date: string): SuperiorLink | null {
  const on = links.filter(
    (l) => isActiveOn(l, date) && isActiveOn({ validFrom: l.unitFrom, validTo: l.unitTo }, date),
  );
  return on.sort((a, b) => a.id.localeCompare(b.id))[0] ?? null;
}

function asRow(r: Record<string, unknown>, window: DiffWindow): DiffUnitRow {
  const p = r.u as Record<string, unknown>;
  const text = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : null);
  const links = (r.superiors as SuperiorLink[]) ?? [];
  const before = superiorOn(links, window.from);
  const after = superiorOn(links, window.to);
  return {
    id: p.id as string,
    kind: p.kind as string,
    province: text("province"),
    origin: text("origin"),
    validFrom: (r.validFrom as string) ?? null,
    validTo: (r.validTo as string) ?? null,
    current: Object.fromEntries(DATED_ATTRIBUTE_NAMES.map((a) => [a, text(a)])) as Record<
      DatedAttribute,
      string | null
    >,
    former: Object.fromEntries(
      DATED_ATTRIBUTE_NAMES.map((a) => [a, formerValues(p, a)]),
    ) as DiffUnitRow["former"],
    superiorAtFrom: before?.id ?? null,
    superiorAtTo: after?.id ?? null,
    superiorSince: after?.validFrom ?? null,
    superiorAtOpening:
      r.validFrom && r.validFrom > window.from && r.validFrom <= window.to
        ? (superiorOn(links, r.validFrom as string)?.id ?? null)
        : null,
    relations: (r.relations as DiffRelationRow[]) ?? [],
  };
}

/** The events dated in the window (or on its first day's eve) that name each of `ids`. */
export async function diffEvents(
  db: Database,
  args: { ids: readonly string[]; window: DiffWindow },
  counter?: RoundTripCounter,
): Promise<Map<string, DiffEventRow[]>> {
  if (args.ids.length === 0) return new Map();
  const rows = await db.read(
    `WITH date($from) AS f, date($to) AS t
     UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     CALL (u, f, t) {
       MATCH (e:Event)-[:AFFECTED]->(u) WHERE e.effectiveOn >= f AND e.effectiveOn <= t
       RETURN {id: e.id, kind: e.kind, name: e.note, effectiveOn: toString(e.effectiveOn), basis: coalesce(e.basis, []),
               actor: e.actor, source: 'EVENT'} AS ev
       UNION
       MATCH (m:MergerEvent)-[:ENDED|FOUNDED]->(u) WHERE m.date >= f AND m.date <= t
       RETURN {id: m.id, kind: m.kind, name: m.name, effectiveOn: toString(m.date), basis: coalesce(m.basis, []),
               actor: null, source: CASE m.origin WHEN 'seed' THEN 'SEED' ELSE 'GENERATED' END} AS ev
     }
     RETURN u.id AS id, collect(ev) AS events`,
    { ids: [...new Set(args.ids)], from: args.window.from, to: args.window.to },
    counter,
  );
  return new Map(rows.map((r) => [r.id as string, r.events as DiffEventRow[]]));
}
