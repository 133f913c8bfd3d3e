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
import { type DiffEventRow, type DiffUnitRow, type DiffWindow, spanDays } from "../domain/diff.ts";
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
import { type Database, RoundTripCounter, type TimeBudget } from "./database.ts";
import { VersionCapture } from "./graph-version.ts";

/** Units read per round trip. */
export const DIFF_BATCH = 5000;

/**
 * Lists (and ids of varying length) go to Neo4j inside one map parameter, `$input`: Neo4j keys its
 * plan cache on each top-level parameter's type and, for a list or a string, on the power of ten
 * its size falls in, so a batch of 200 ids and one of 5,000 (or an empty list, or a one-id one)
 * would each be planned afresh — seconds apiece under load. A map's type has no size: each
 * statement below is planned once, whatever it is sent (and warmDiffStatements can plan it at start).
 */
const inputs = (values: Record<string, unknown>) => ({ input: values });

/**
 * The events dated in the window [f, t] that name unit `u`, each as a list (asEvents reads it):
 * mutations' Event nodes with the ids of what their Change records changed of `u` (the unit, its
 * relations), and the generator's or the seed's MergerEvent nodes (which record no changes).
 */
const EVENTS_OF_U = `[(u)<-[:AFFECTED]-(e:Event) WHERE e.effectiveOn >= f AND e.effectiveOn <= t
       | [e.id, e.kind, e.note, toString(e.effectiveOn), coalesce(e.basis, []), e.actor, 'EVENT',
          [(u)<-[:CHANGED]-(ch:Change) WHERE ch.eventId = e.id | ch.entityId]]]
     + [(u)<-[:ENDED|FOUNDED]-(m:MergerEvent) WHERE m.date >= f AND m.date <= t
       | [m.id, m.kind, m.name, toString(m.date), coalesce(m.basis, []), null,
          CASE m.origin WHEN 'seed' THEN 'SEED' ELSE 'GENERATED' END, null]]`;

type EventList = [
  string,
  string,
  string | null,
  string,
  string[],
  string | null,
  DiffEventRow["source"],
  string[] | null,
];

/** The events of EVENTS_OF_U, each once (a merger that both ended and founded the unit names it twice). */
function asEvents(lists: readonly EventList[]): DiffEventRow[] {
  const events: DiffEventRow[] = [];
  for (const [id, kind, name, effectiveOn, basis, actor, source, changed] of lists)
    if (!events.some((e) => e.id === id && e.source === source))
      events.push({ id, kind, name, effectiveOn, basis, actor, source, changed: changed ?? null });
  return events;
}

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
    `UNWIND $input.ids AS rid
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
    inputs({ ids: [...ids] }),
    counter,
  );
  return rows.map((r) => ({
    id: r.id as string,
    found: r.found === true,
    predecessors: ((r.predecessors as string[]) ?? []).filter((p) => p !== r.id),
  }));
}

/**
 * The units in the subtrees of `roots` on `from` or on `to` (each unit and relation in force that
 * day), and the units opened and closed inside the window below them, at any depth, in id order.
 */
export async function diffMembers(
  db: Database,
  args: { roots: readonly string[]; window: DiffWindow },
  counter?: RoundTripCounter,
): Promise<string[]> {
  // The predicates sit inside the quantified pattern so that the expansion stops at relations
  // not in force that day, instead of enumerating every path of every period and filtering after.
  // The root is checked before the walk: every later unit is checked inside it.
  const rows = await db.read(
    `UNWIND $input.roots AS rid
     MATCH (root:Unit {id: rid})
     UNWIND [date($from), date($to)] AS d
     WITH root, d WHERE ${active("root")}
     MATCH (root) (()<-[r:${STRUCTURE}]-(y:Unit) WHERE ${active("r")} AND ${active("y")}){0,${MAX_STRUCTURE_DEPTH}} (x:Unit)
     RETURN collect(DISTINCT x.id) AS ids`,
    { ...inputs({ roots: [...roots(args.roots)] }), from: args.window.from, to: args.window.to },
    counter,
  );
  const members = new Set((rows[0]?.ids as string[] | undefined) ?? []);
  // A unit opened and closed inside the window is in neither state: it belongs to the scope when
  // a superior it had is a member, or such a unit itself (chains of them, at any depth). Such a
  // unit has its first day after `from` and its last before `to`, so a window of one day (the
  // reform's) has none: no read.
  if (spanDays(args.window) >= 2) {
    const transients = await transientUnits(db, args.window, counter);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of transients)
        if (!members.has(t.id) && t.superiors.some((s) => members.has(s))) {
          members.add(t.id);
          grew = true;
        }
    }
  }
  return [...members].sort();
}

/**
 * Every unit opened and closed inside the window (first day after `from`, last day before `to`),
 * with the superiors it had while it existed: found by the validFrom index (migration 011), not
 * by a hop below each member.
 */
async function transientUnits(
  db: Database,
  window: DiffWindow,
  counter?: RoundTripCounter,
): Promise<{ id: string; superiors: string[] }[]> {
  const rows = await db.read(
    `MATCH (y:Unit)
     WHERE y.validFrom > date($from) AND y.validFrom <= date($to) AND y.validTo < date($to)
     RETURN y.id AS id,
            [(y)-[r:${STRUCTURE}]->(s:Unit)
               WHERE (r.validFrom IS NULL OR r.validFrom <= y.validTo) AND (r.validTo IS NULL OR r.validTo >= y.validFrom)
             | s.id] AS superiors`,
    { from: window.from, to: window.to },
    counter,
  );
  return rows.map((r) => ({ id: r.id as string, superiors: r.superiors as string[] }));
}

const roots = (ids: readonly string[]) => [...new Set(ids)];

/** The next ids of the whole graph from `start` (itself included or not), in id order: the whole-graph diff reads by keyset. */
export async function unitIdsFrom(
  db: Database,
  args: { start: string; inclusive: boolean; limit: number },
  counter?: RoundTripCounter,
): Promise<string[]> {
  const rows = await db.read(
    `MATCH (u:Unit) WHERE u.id ${args.inclusive ? ">=" : ">"} $input.start RETURN u.id AS id ORDER BY id LIMIT $limit`,
    { ...inputs({ start: args.start }), limit: args.limit },
    counter,
  );
  return rows.map((r) => r.id as string);
}

/** A unit's row and the events dated in the window that name it. */
export interface DiffStoreRow extends DiffUnitRow {
  events: DiffEventRow[];
}

/**
 * What the diff compares, for those of `ids` with something dated in the window: its own start
 * or end, an earlier attribute value ending there, or a relation starting or ending there (a
 * move is one); and the events dated in the window that name it (a unit with events and no
 * change is returned too, with no relations: its subordinates' changes may inherit them). Other
 * units have neither and are not returned.
 *
 * A relation is filed under its start, or under its end when the start lies outside the scope
 * (src/domain/diff.ts): so a unit's incoming relations are read only from units outside `scope`
 * (the diff's members; null for the whole graph, where every start is inside; undefined: all of
 * them, for a scope too large to send with each batch). Rows are lists,
 * not maps, and dated attributes' history only where there is one: a province's diff ships a
 * few megabytes less, which the driver would decode for nothing. The events come in the same
 * statement (one round trip a batch, the ids sent once).
 */
export async function diffUnitRows(
  db: Database,
  args: { ids: readonly string[]; window: DiffWindow; scope?: readonly string[] | null },
  counter?: RoundTripCounter,
): Promise<DiffStoreRow[]> {
  const untils = DATED_ATTRIBUTE_NAMES.map((a) => `coalesce(u.${DATED_ATTRIBUTES[a].until}, [])`).join(" + ");
  const current = DATED_ATTRIBUTE_NAMES.map((a) => `u.${a}`).join(", ");
  const history = DATED_ATTRIBUTE_NAMES.flatMap((a) => [
    DATED_ATTRIBUTES[a].values,
    DATED_ATTRIBUTES[a].until,
  ]);
  const changed = (r: string) =>
    `${r}.id IS NOT NULL AND ((${r}.validFrom > f AND ${r}.validFrom <= t) OR (${r}.validTo >= f AND ${r}.validTo < t))`;
  const relation = (r: string) =>
    `[${r}.id, type(${r}), startNode(${r}).id, endNode(${r}).id, toString(${r}.validFrom), toString(${r}.validTo)]`;
  // Pattern comprehensions rather than CALL subqueries: one pass over each unit's relations
  // that changed in the window, and its few structural ones, which asRow reads on both dates.
  const rows = await db.read(
    `WITH date($from) AS f, date($to) AS t
     UNWIND $input.ids AS id
     MATCH (u:Unit {id: id})
     WITH u, f, t, ${untils} AS untils,
          [(u)-[r]->(:Unit) WHERE ${changed("r")} | ${relation("r")}]
          + CASE $incoming WHEN 'none' THEN [] ELSE
              [(u)<-[r]-(s:Unit) WHERE ${changed("r")} AND ($incoming = 'all' OR NOT s.id IN $input.scope) | ${relation("r")}]
            END AS relations,
          ${EVENTS_OF_U} AS events
     WHERE size(relations) > 0 OR size(events) > 0 OR (u.validFrom > f AND u.validFrom <= t) OR (u.validTo >= f AND u.validTo < t)
        OR any(x IN untils WHERE x >= f AND x < t)
     RETURN [u.id, u.kind, u.province, u.origin, toString(u.validFrom), toString(u.validTo)] AS unit,
            [${current}] AS current,
            CASE WHEN size(untils) = 0 THEN null ELSE u {${history.map((k) => `.${k}`).join(", ")}} END AS history,
            relations, events,
            [(u)-[r:${STRUCTURE}]->(s:Unit) | [s.id, toString(r.validFrom), toString(r.validTo),
              toString(s.validFrom), toString(s.validTo)]] AS superiors`,
    {
      ...inputs({ ids: [...args.ids], scope: args.scope ? [...args.scope] : [] }),
      from: args.window.from,
      to: args.window.to,
      incoming: args.scope === undefined ? "all" : args.scope === null ? "none" : "outside",
    },
    counter,
  );
  // In id order, the listing's (sorted here: a statement wrapped to return the graph's versions
  // too, for the result cache, need not keep its inner ORDER BY).
  return rows.map((r) => asRow(r, args.window)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A structural link as the statement returns it: the superior, the relation's days, the superior's days. */
type SuperiorLink = [id: string, validFrom: Text, validTo: Text, unitFrom: Text, unitTo: Text];

const within = (from: Text, to: Text, date: string) => (!from || from <= date) && (!to || date <= to);

/**
 * The superior in force on the date (the relation and the superior both), the first by id when
 * the graph has two. One pass, no copies: it runs three times for each of a province's units.
 */
function superiorOn(links: readonly SuperiorLink[], date: string): SuperiorLink | null {
  let on: SuperiorLink | null = null;
  for (const l of links)
    if (
      within(l[1], l[2], date) &&
      within(l[3], l[4], date) &&
      (on === null || l[0].localeCompare(on[0]) < 0)
    )
      on = l;
  return on;
}

type Text = string | null;

/** A unit without earlier attribute values (most of them): one shared, read-only value. */
const NO_FORMER = Object.freeze(
  Object.fromEntries(DATED_ATTRIBUTE_NAMES.map((a) => [a, Object.freeze([])])),
) as unknown as DiffUnitRow["former"];

function asRow(r: Record<string, unknown>, window: DiffWindow): DiffStoreRow {
  const [id, kind, province, origin, validFrom, validTo] = r.unit as [string, string, Text, Text, Text, Text];
  const values = r.current as Text[];
  const history = r.history as Record<string, unknown> | null;
  const links = r.superiors as SuperiorLink[];
  const current = {} as Record<DatedAttribute, string | null>;
  DATED_ATTRIBUTE_NAMES.forEach((a, i) => {
    current[a] = values[i] ?? null;
  });
  const before = superiorOn(links, window.from);
  const after = superiorOn(links, window.to);
  return {
    id,
    kind,
    province,
    origin,
    validFrom,
    validTo,
    current,
    former:
      history === null
        ? NO_FORMER
        : (Object.fromEntries(
            DATED_ATTRIBUTE_NAMES.map((a) => [a, formerValues(history, a)]),
          ) as DiffUnitRow["former"]),
    superiorAtFrom: before?.[0] ?? null,
    superiorAtTo: after?.[0] ?? null,
    superiorSince: after?.[1] ?? null,
    superiorAtOpening:
      validFrom && validFrom > window.from && validFrom <= window.to
        ? (superiorOn(links, validFrom)?.[0] ?? null)
        : null,
    relations: (r.relations as [string, string, string, string, Text, Text][]).map(
      ([rid, type, from, to, rFrom, rTo]) => ({ id: rid, type, from, to, validFrom: rFrom, validTo: rTo }),
    ),
    events: asEvents(r.events as EventList[]),
  };
}

/** The events dated in the window that name each of `ids` (those with none are left out). */
export async function diffEvents(
  db: Database,
  args: { ids: readonly string[]; window: DiffWindow },
  counter?: RoundTripCounter,
): Promise<Map<string, DiffEventRow[]>> {
  if (args.ids.length === 0) return new Map();
  const rows = await db.read(
    `WITH date($from) AS f, date($to) AS t
     UNWIND $input.ids AS id
     MATCH (u:Unit {id: id})
     WITH u, ${EVENTS_OF_U} AS events
     WHERE size(events) > 0
     RETURN u.id AS id, events`,
    { ...inputs({ ids: [...new Set(args.ids)] }), from: args.window.from, to: args.window.to },
    counter,
  );
  return new Map(rows.map((r) => [r.id as string, asEvents(r.events as EventList[])]));
}

/**
 * Plans every statement above once, on empty inputs (nothing is read), so that the first diff
 * after a start does not wait for Neo4j to plan them (several seconds each on a busy machine).
 * One at a time, so it takes one of Neo4j's cores at most; `wrapped` also plans the forms the
 * result cache sends (each wrapped to return the graph's versions); each read gets what is left
 * of `budget` as its timeout, when given. Returns how many it planned.
 */
export async function warmDiffStatements(
  db: Database,
  opts: { wrapped: boolean; budget?: TimeBudget },
): Promise<number> {
  // A window of two days, so that the units opened and closed inside one are looked for too.
  const window = { from: "1900-01-01", to: "1900-01-03" };
  const reads = (c: RoundTripCounter | undefined) => [
    () => diffRoots(db, [], c),
    () => diffMembers(db, { roots: [], window }, c),
    () => unitIdsFrom(db, { start: "", inclusive: true, limit: 0 }, c),
    () => unitIdsFrom(db, { start: "", inclusive: false, limit: 0 }, c),
    () => diffUnitRows(db, { ids: [], window, scope: [] }, c),
    () => diffEvents(db, { ids: [""], window }, c),
  ];
  const plain = budgeted(opts.budget);
  const counters = opts.wrapped ? [plain, wrappingCounter(opts.budget)] : [plain];
  let planned = 0;
  for (const c of counters)
    for (const read of reads(c)) {
      await read();
      planned++;
    }
  return planned;
}

function budgeted(budget: TimeBudget | undefined): RoundTripCounter | undefined {
  if (!budget) return undefined;
  const counter = new RoundTripCounter();
  counter.budget = budget;
  return counter;
}

/**
 * A small real scope for the start-up warm-up (src/graphql/services/warm-up.ts): the unit that
 * came into being last among those with no unit under them, and the day before and the day it
 * did — a diff under it across that day has a change to show (its opening) and reads a handful
 * of rows, through the same indexes and statements as any diff. Null in an empty graph.
 */
export async function warmUpSample(
  db: Database,
  counter?: RoundTripCounter,
): Promise<{ id: string; from: string; to: string } | null> {
  const rows = await db.read(
    `MATCH (u:Unit) WHERE u.validFrom IS NOT NULL AND NOT EXISTS { (:Unit)-[:${STRUCTURE}]->(u) }
     WITH u ORDER BY u.validFrom DESC LIMIT 1
     RETURN u.id AS id, toString(u.validFrom - duration({days: 1})) AS from, toString(u.validFrom) AS to`,
    {},
    counter,
  );
  const row = rows[0];
  return row ? { id: row.id as string, from: row.from as string, to: row.to as string } : null;
}

/**
 * A real-sized scope for the start-up warm-up's volume (src/graphql/services/warm-up.ts): the
 * highest of `unit` and the units above it on `date`, the top of the hierarchy left out, whose
 * subtree that day holds at most `maxUnits` units — a province, in the national graph. Each
 * candidate's subtree is counted only up to maxUnits + 1 units, so the read stays bounded
 * whatever the graph. Null when `unit` does not exist or even its own subtree is larger.
 */
export async function warmUpScope(
  db: Database,
  args: { unit: string; date: string; maxUnits: number },
  counter?: RoundTripCounter,
): Promise<{ id: string; units: number } | null> {
  const rows = await db.read(
    `MATCH (leaf:Unit {id: $input.unit})
     WITH leaf, date($date) AS d
     CALL (leaf, d) {
       OPTIONAL MATCH (leaf) ((:Unit)-[r:${STRUCTURE}]->(y:Unit) WHERE ${active("r")} AND ${active("y")}){1,${MAX_STRUCTURE_DEPTH}} (top:Unit)
       WHERE NOT EXISTS { (top)-[t:${STRUCTURE}]->(s:Unit) WHERE ${active("t")} AND ${active("s")} }
       RETURN y AS above LIMIT 1
     }
     WITH d, reverse([leaf] + coalesce(above, [])[..-1]) AS candidates
     UNWIND range(0, size(candidates) - 1) AS i
     WITH d, i, candidates[i] AS root
     CALL (root, d) {
       MATCH (root) (()<-[r:${STRUCTURE}]-(y:Unit) WHERE ${active("r")} AND ${active("y")}){0,${MAX_STRUCTURE_DEPTH}} (x:Unit)
       WITH DISTINCT x LIMIT $input.limit
       RETURN count(x) AS units
     }
     WITH i, root, units WHERE units < $input.limit
     RETURN root.id AS id, units ORDER BY i LIMIT 1`,
    { ...inputs({ unit: args.unit, limit: args.maxUnits + 1 }), date: args.date },
    counter,
  );
  const row = rows[0];
  return row ? { id: row.id as string, units: row.units as number } : null;
}

function wrappingCounter(budget: TimeBudget | undefined): RoundTripCounter {
  const counter = new RoundTripCounter();
  counter.budget = budget;
  counter.versions = new VersionCapture();
  return counter;
}
