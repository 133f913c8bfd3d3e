/**
 * Set-based pieces of a change (src/store/change-session.ts) that touches many units at once —
 * the restructurings and the batch mutations (src/store/restructuring-repository.ts): each reads,
 * locks and writes a whole set in a few statements (UNWIND), whatever its size, where the
 * one-unit helpers of src/store/mutation-repository.ts take a few round trips per unit. The
 * change session still records every unit and relation before and after, and checks the
 * invariants on all of them in its own set-based statements before commit.
 */
import { previousDay } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { relationId } from "../domain/ids.ts";
import { changeViolationError, MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { unitProperties } from "../domain/records.ts";
import {
  isStructural,
  RELATION_TYPE_NAMES,
  type StructuralType,
  structuralType,
} from "../domain/relation-types.ts";
import type { ChangeSession } from "./change-session.ts";
import { STRUCTURE, unitAssignments } from "./cypher-fragments.ts";
import type { Row } from "./database.ts";
import { authorizeEndedLinks } from "./ended-links.ts";
import { earlier, type NewUnit, PART_OF_ON_LAST_DAY } from "./mutation-repository.ts";
import type { RelationRecord } from "./records.ts";
import { lockRound } from "./write-locks.ts";

/** A unit a change names, with the argument that names it (for errors), e.g. `input.moves[3].unitId`. */
export interface Named {
  id: string;
  argument: string;
}

/** A relation to create. */
export interface NewRelation {
  type: string;
  from: string;
  to: string;
  validFrom: string;
  validTo?: string | null;
  frequencies?: readonly string[];
  via?: readonly string[];
  subject?: string | null;
  basis: readonly string[];
  note?: string | null;
  /** The argument that names it, when a caller listed it (e.g. `input.relations[3]`), for errors. */
  argument?: string;
}

/** A relation as read for ending or carrying it. */
type LiveRelation = RelationRecord;

/** Items grouped by a key, in first-seen order. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const list = out.get(key(x));
    if (list) list.push(x);
    else out.set(key(x), [x]);
  }
  return out;
}

function assertType(type: string): void {
  if (!RELATION_TYPE_NAMES.includes(type as never))
    throw new DomainError("BAD_USER_INPUT", `Unknown relation type ${type}`);
}

/**
 * The units named, read in one statement: NOT_FOUND naming the first argument whose id names no
 * unit, and with `activeOn`, ENDPOINTS_ACTIVE for one not in force that day.
 */
export async function requireNamed(
  s: ChangeSession,
  named: readonly Named[],
  activeOn?: string,
): Promise<Map<string, Row>> {
  if (named.length === 0) return new Map();
  const rows = await s.tx.run(
    "UNWIND $ids AS id OPTIONAL MATCH (u:Unit {id: id}) RETURN id, properties(u) AS p",
    { ids: [...new Set(named.map((n) => n.id))] },
  );
  const found = new Map(rows.filter((r) => r.p).map((r) => [r.id as string, r.p as Row]));
  for (const n of named) {
    const p = found.get(n.id);
    if (!p) {
      const err = notFound("unit", n.id);
      err.details.argument = n.argument;
      throw err;
    }
    const from = (p.validFrom as string | null) ?? null;
    const to = (p.validTo as string | null) ?? null;
    if (activeOn && ((from && from > activeOn) || (to && to < activeOn)))
      throw changeViolationError(
        {
          rule: "ENDPOINTS_ACTIVE",
          units: [n.id],
          message: `unit "${n.id}" is not in force on ${activeOn} (${from ?? "…"} – ${to ?? "…"})`,
        },
        n.argument,
      );
  }
  return found;
}

/**
 * Locks what hanging each unit under its superior or whole (SUBORDINATE_TO or PART_OF, from `from`) needs so that no
 * concurrent change can close a cycle with it (the rule of src/store/write-locks.ts, "Superiors"),
 * for all of them in one statement per round: now, the units, their current superiors, and the
 * subordinates of a unit that has no superior (read, lock, read again until nothing new appears);
 * the superiors above each superior but the topmost just before the change's invariant checks,
 * once its links hold the superiors (ChangeSession.lockChainsLater). Not the superiors themselves:
 * a unit that only gains a subordinate is held by the link's own creation.
 */
export async function lockPlacements(
  s: ChangeSession,
  placements: readonly { unitId: string; superiorId: string }[],
  from: string,
): Promise<void> {
  if (placements.length === 0) return;
  const units = [...new Set(placements.map((p) => p.unitId))];
  s.lockChainsLater(
    placements.map((p) => p.superiorId),
    from,
  );
  const locked = new Set<string>();
  let ids = units;
  for (let round = 0; !ids.every((id) => locked.has(id)); round++) {
    lockRound(round);
    await s.lock(ids);
    for (const id of ids) locked.add(id);
    const rows = await s.tx.run(
      `CALL () {
         UNWIND $units AS uid
         MATCH (x:Unit {id: uid})
         WHERE NOT EXISTS { (x)-[q:${STRUCTURE}]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
         MATCH (c:Unit)-[q:${STRUCTURE}]->(x) WHERE q.validTo IS NULL OR q.validTo >= date($from)
         RETURN collect(DISTINCT c.id) AS below
       }
       CALL () {
         UNWIND $units AS uid
         MATCH (:Unit {id: uid})-[q:${STRUCTURE}]->(o:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from)
         RETURN collect(DISTINCT o.id) AS current
       }
       RETURN below + current AS ids`,
      { units, from },
    );
    ids = [...units, ...((rows[0]?.ids as string[] | undefined) ?? [])];
  }
}

/** The ends of `rels` outside `own`: the units a change only links to or unlinks from. */
export function farEnds(
  rels: readonly { from: string; to: string }[],
  own: ReadonlySet<string> | ((id: string) => boolean),
): Set<string> {
  const mine = typeof own === "function" ? own : (id: string) => own.has(id);
  return new Set(rels.flatMap((r) => [r.from, r.to]).filter((id) => !mine(id)));
}

const RELATION_FIELDS = `r.id AS id, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to,
  toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo, r.frequencies AS frequencies,
  r.via AS via, r.subject AS subject, r.basis AS basis, r.note AS note`;

function liveRelation(r: Row): LiveRelation {
  return {
    id: r.id as string,
    type: r.type as string,
    from: r.from as string,
    to: r.to as string,
    validFrom: (r.validFrom as string | null) ?? null,
    validTo: (r.validTo as string | null) ?? null,
    frequencies: (r.frequencies as string[] | null) ?? [],
    via: (r.via as string[] | null) ?? [],
    subject: (r.subject as string | null) ?? null,
    basis: (r.basis as string[] | null) ?? [],
    note: (r.note as string | null) ?? null,
  };
}

/** The relations of `types` touching any of the units that are in force on `date` or later (once each). */
export async function relationsOfSet(
  s: ChangeSession,
  ids: readonly string[],
  date: string,
  types: readonly string[],
): Promise<LiveRelation[]> {
  if (ids.length === 0 || types.length === 0) return [];
  for (const type of types) assertType(type);
  // Typed: an untyped expansion also walks every audit record (CHANGED) and event (AFFECTED) of
  // the unit, thousands at a district that the commune mergers below it have touched.
  const rows = await s.tx.run(
    `UNWIND $ids AS id
     MATCH (:Unit {id: id})-[r:${types.join("|")}]-(:Unit)
     WHERE r.validTo IS NULL OR r.validTo >= date($date)
     WITH DISTINCT r
     RETURN ${RELATION_FIELDS}`,
    { ids: [...new Set(ids)], date },
  );
  return rows.map(liveRelation);
}

/**
 * Ends relations on `lastDay`, in one statement per type; one that had not started by then is
 * removed instead (it never held), so that no interval is ever inverted. The ends in `linkOnly`
 * (units that only lose the link) are not locked (src/store/write-locks.ts, "Superiors"), so a
 * relation may have changed since the caller read it: each is locked before it is read again and
 * ended — never lengthened —, and its state before is the one read under that lock.
 */
export async function endRelations(
  s: ChangeSession,
  rels: readonly LiveRelation[],
  lastDay: string,
  linkOnly: ReadonlySet<string> = new Set(),
): Promise<void> {
  if (rels.length === 0) return;
  await s.lockEnds([...new Set(rels.flatMap((r) => [r.from, r.to]))].filter((id) => !linkOnly.has(id)));
  for (const [type, list] of groupBy(rels, (r) => r.type)) {
    assertType(type);
    const rows = await s.tx.run(
      `MATCH (a:Unit)-[r:${type}]->(b:Unit) WHERE r.id IN $ids
       SET r.writeLock = true REMOVE r.writeLock
       WITH a, r, b, r {.*, type: type(r), from: a.id, to: b.id} AS was,
            coalesce(r.validFrom > date($lastDay), false) AS never
       SET r.validTo = CASE WHEN never OR r.validTo <= date($lastDay) THEN r.validTo ELSE date($lastDay) END
       FOREACH (_ IN CASE WHEN never THEN [1] ELSE [] END | DELETE r)
       RETURN was`,
      { ids: list.map((r) => r.id), lastDay },
    );
    await s.touchRelations(
      rows.map((row) => {
        const was = row.was as Row;
        return { id: was.id as string, type, state: was };
      }),
    );
  }
}

/**
 * Creates relations with deterministic ids, in one statement per type; UNIQUE_ID if one exists or
 * repeats. Of the ends in `linkOnly` (units that only gain the link: a superior, the far end of a
 * carried relation) only the sparse ones are locked: the link's creation holds a dense one
 * (src/store/write-locks.ts, "Superiors"), and the invariant checks run after it.
 */
export async function createRelations(
  s: ChangeSession,
  rels: readonly NewRelation[],
  linkOnly: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  if (rels.length === 0) return [];
  const rows = rels.map((r) => ({
    id: relationId(r),
    type: r.type,
    from: r.from,
    to: r.to,
    validFrom: r.validFrom,
    validTo: r.validTo ?? null,
    frequencies: [...(r.frequencies ?? [])],
    via: [...(r.via ?? [])],
    subject: r.subject ?? null,
    basis: [...r.basis],
    note: r.note ?? null,
  }));
  const byType = groupBy(rows, (r) => r.type);
  const seen = new Map<string, number>();
  for (const [j, r] of rows.entries()) {
    const first = seen.get(r.id);
    const argument = rels[j]?.argument;
    // One the caller listed twice is bad input, named; one a restructuring derives twice is a clash.
    if (first !== undefined && argument)
      throw new DomainError(
        "BAD_USER_INPUT",
        `Argument "${argument}": the same relation as ${rels[first]?.argument ?? "an earlier one"} ("${r.id}")`,
        { argument, rule: "UNIQUE_ID" },
      );
    if (first !== undefined)
      throw changeViolationError({
        rule: "UNIQUE_ID",
        units: [r.from, r.to],
        message: `relation "${r.id}" is made twice by this change`,
      });
    seen.set(r.id, j);
  }
  for (const [type, list] of byType) {
    assertType(type);
    const clash = await s.tx.run(`MATCH ()-[r:${type}]->() WHERE r.id IN $ids RETURN r.id AS id LIMIT 1`, {
      ids: list.map((r) => r.id),
    });
    const found = list.find((r) => r.id === clash[0]?.id);
    if (found)
      throw changeViolationError(
        {
          rule: "UNIQUE_ID",
          units: [found.from, found.to],
          message: `relation "${found.id}" already exists`,
        },
        rels[rows.indexOf(found)]?.argument,
      );
  }
  await s.lockEnds([...new Set(rows.flatMap((r) => [r.from, r.to]))].filter((id) => !linkOnly.has(id)));
  await s.lockLinked([...linkOnly]);
  await s.touchRelations(rows.map((r) => ({ id: r.id, type: r.type })));
  for (const [type, list] of byType)
    await s.tx.run(
      `UNWIND $rels AS x
       MATCH (a:Unit {id: x.from}), (b:Unit {id: x.to})
       CREATE (a)-[r:${type} {id: x.id, validFrom: date(x.validFrom), validTo: date(x.validTo), frequencies: x.frequencies,
                              via: x.via, subject: x.subject, basis: x.basis, note: x.note, origin: 'api'}]->(b)`,
      { rels: list },
    );
  return rows.map((r) => r.id);
}

/** A unit to create under a superior (or none), with the provisions its creation rests on. */
export interface Creation {
  unit: NewUnit;
  superiorId: string | null;
  basis: readonly string[];
  /** The arguments naming it and its superior, e.g. `input.units[2].unit` and `input.units[2].superiorId`. */
  argument: string;
  superiorArgument: string;
}

/**
 * Creates units from `validFrom` and hangs each under its superior (SUBORDINATE_TO for a party
 * organisation, PART_OF otherwise): the nodes in one statement, the links in one per type. A
 * superior or host may be a unit created earlier in the same list (parents first), else an
 * existing one in force on `validFrom`.
 */
export async function createUnits(
  s: ChangeSession,
  items: readonly Creation[],
  validFrom: string,
): Promise<void> {
  const index = new Map<string, number>();
  for (const [i, c] of items.entries()) {
    for (const [ref, argument] of [
      [c.superiorId, c.superiorArgument],
      [c.unit.host, `${c.argument}.host`],
    ] as const)
      if (ref && (ref === c.unit.id || items.some((x, j) => j >= i && x.unit.id === ref)))
        throw new DomainError(
          "BAD_USER_INPUT",
          `Argument "${argument}": "${ref}" is created by this change at or after this unit; list parents first`,
          { argument },
        );
    index.set(c.unit.id, i);
  }
  const outside = (ref: string | null | undefined): ref is string => !!ref && !index.has(ref);
  const superiors = items.flatMap((c) =>
    outside(c.superiorId) ? [{ id: c.superiorId, argument: c.superiorArgument }] : [],
  );
  const hosts = items.flatMap((c) =>
    outside(c.unit.host) ? [{ id: c.unit.host, argument: `${c.argument}.host` }] : [],
  );
  await s.authorize([
    ...superiors.map((n) => ({ argument: n.argument, ids: [n.id] })),
    ...hosts.map((n) => ({ argument: n.argument, ids: [n.id] })),
  ]);
  if (items.some((c) => !c.superiorId)) s.mayCreateRoot();
  const exists = await s.tx.run("UNWIND $ids AS id MATCH (u:Unit {id: id}) RETURN u.id AS id LIMIT 1", {
    ids: items.map((c) => c.unit.id),
  });
  if (exists[0])
    throw changeViolationError(
      {
        rule: "UNIQUE_ID",
        units: [exists[0].id as string],
        message: `a unit with id "${exists[0].id}" already exists`,
      },
      `${items.find((c) => c.unit.id === exists[0]?.id)?.argument}.id`,
    );
  // Organs too (PART_OF): a cycle may run through either kind of link (write-locks.ts, "Cycles").
  const placed = items.filter((c) => c.superiorId);
  await lockPlacements(
    s,
    placed.map((c) => ({ unitId: c.unit.id, superiorId: c.superiorId as string })),
    validFrom,
  );
  // The superiors only gain a subordinate: not locked (src/store/write-locks.ts, "Superiors").
  const found = await requireNamed(s, superiors, validFrom);
  await requireNamed(s, hosts);
  await s.touchUnits(items.map((c) => c.unit.id));
  // A new unit holds from validFrom, open-ended; its seat is set by updateUnit, not here.
  await s.tx.run(
    `UNWIND $units AS x CREATE (u:Unit {id: x.id}) SET ${unitAssignments("u", (p) => `x.${p}`)}, u.origin = 'api'`,
    {
      units: items.map((c) =>
        unitProperties(
          { ...c.unit, seat: null, validFrom, validTo: null },
          { synthetic: false, source: [...c.basis] },
        ),
      ),
    },
  );
  await createRelations(
    s,
    items.flatMap((c) =>
      c.superiorId
        ? [
            {
              type: structuralType(c.unit.kind),
              from: c.unit.id,
              to: c.superiorId,
              validFrom,
              // A structural relation never outlives either end.
              validTo: earlier(null, found.get(c.superiorId)?.validTo),
              basis: c.basis,
            },
          ]
        : [],
    ),
    new Set(superiors.map((n) => n.id)),
  );
  // Again now that the links hold their superiors: none can have left the scope unseen since.
  await s.authorize(superiors.map((n) => ({ argument: n.argument, ids: [n.id] })));
}

/** A unit to hang under another superior, with the provisions the move rests on. */
export interface Move {
  unitId: string;
  superiorId: string;
  basis: readonly string[];
  /** The structural relation it moves by; default: its kind's (structuralType). */
  type?: StructuralType;
  /** The argument naming the unit, for a refusal (e.g. `input.moves[3].unitId`). */
  argument: string;
}

/**
 * Moves units under new superiors from `from`, in a few statements: each one's structural link
 * of that type in force then ends the day before (or goes, if it had not started), and the new
 * one holds from `from` for as long as both ends exist. The caller has locked and checked the
 * units and superiors (`units` holds their properties).
 */
export async function moveUnits(
  s: ChangeSession,
  moves: readonly Move[],
  from: string,
  units: ReadonlyMap<string, Row>,
): Promise<void> {
  if (moves.length === 0) return;
  const typed = moves.map((m) => ({
    ...m,
    type: m.type ?? structuralType(String(units.get(m.unitId)?.kind ?? "")),
  }));
  const rows = await s.tx.run(
    `UNWIND $moves AS m
     MATCH (:Unit {id: m.unit})-[r:${STRUCTURE}]->(:Unit)
     WHERE type(r) = m.type AND (r.validTo IS NULL OR r.validTo >= date($from))
     RETURN ${RELATION_FIELDS}`,
    { moves: typed.map((m) => ({ unit: m.unitId, type: m.type })), from },
  );
  const ending = rows.map(liveRelation);
  // The superiors they leave (also by links dated later, which go) must be the editor's too.
  const argumentOf = new Map(moves.map((m) => [m.unitId, m.argument]));
  await authorizeEndedLinks(
    s,
    ending,
    new Set(moves.map((m) => m.unitId)),
    (id) => argumentOf.get(id) ?? "input",
  );
  const moved = new Set(moves.map((m) => m.unitId));
  await endRelations(s, ending, previousDay(from), farEnds(ending, moved));
  const made = typed.map((m) => ({
    type: m.type,
    from: m.unitId,
    to: m.superiorId,
    validFrom: from,
    validTo: earlier(units.get(m.unitId)?.validTo, units.get(m.superiorId)?.validTo),
    basis: m.basis,
  }));
  await createRelations(s, made, farEnds(made, moved));
}

/** Subordinates (SUBORDINATE_TO) of any of the units still under them on `date`, each with its superior. */
export async function subordinatesOfSet(
  s: ChangeSession,
  ids: readonly string[],
  date: string,
): Promise<{ id: string; superior: string }[]> {
  const rows = await s.tx.run(
    `UNWIND $ids AS sid
     MATCH (c:Unit)-[r:SUBORDINATE_TO]->(:Unit {id: sid})
     WHERE (r.validTo IS NULL OR r.validTo >= date($date)) AND (c.validTo IS NULL OR c.validTo >= date($date))
     RETURN DISTINCT c.id AS id, sid AS superior ORDER BY id`,
    { ids: [...ids], date },
  );
  return rows.map((r) => ({ id: r.id as string, superior: r.superior as string }));
}

/**
 * The units that end with `roots` on `lastDay`: the roots, with `withSubtree` everything below
 * them (SUBORDINATE_TO or PART_OF in force on lastDay and after it), and the organs of all of
 * those (PART_OF in force then, up to six steps, as closeUnit finds them), each once.
 */
export async function unitsEnding(
  s: ChangeSession,
  roots: readonly string[],
  lastDay: string,
  withSubtree: boolean,
  limit?: { max: number; refuse: () => DomainError },
): Promise<string[]> {
  // Read at most max + 1 (enough to know it is too many), and refuse before reading further, so
  // that an oversized closure costs a bounded read, not the whole subtree, under the locks.
  const cap = limit ? limit.max + 1 - roots.length : null;
  const over = (ids: readonly string[]) => {
    if (limit && ids.length > limit.max) throw limit.refuse();
  };
  const below = withSubtree
    ? await s.tx.run(
        `UNWIND $roots AS rid
         MATCH (x:Unit) (()-[r:${STRUCTURE}]->(:Unit)
                         WHERE (r.validFrom IS NULL OR r.validFrom <= date($lastDay))
                           AND (r.validTo IS NULL OR r.validTo > date($lastDay))){1,${MAX_STRUCTURE_DEPTH}} (:Unit {id: rid})
         WHERE (x.validTo IS NULL OR x.validTo > date($lastDay)) AND NOT x.id IN $roots
         WITH DISTINCT x.id AS id
         RETURN id ${cap === null ? "" : "LIMIT $cap"}`,
        { roots: [...roots], lastDay, cap: Math.max(cap ?? 0, 0) },
      )
    : [];
  const set = [...new Set([...roots, ...below.map((r) => r.id as string)])];
  over(set);
  const organs = await s.tx.run(
    `UNWIND $ids AS id
     MATCH (o:Unit) (()-[r:PART_OF]->(:Unit) WHERE ${PART_OF_ON_LAST_DAY}){1,6} (:Unit {id: id})
     WHERE (o.validTo IS NULL OR o.validTo > date($lastDay)) AND NOT o.id IN $ids
     WITH DISTINCT o.id AS id
     RETURN id ${cap === null ? "" : "LIMIT $cap"}`,
    { ids: set, lastDay, cap: limit ? limit.max + 1 - set.length : 0 },
  );
  const all = [...new Set([...set, ...organs.map((r) => r.id as string)])];
  over(all);
  return all;
}

/**
 * Ends the units on `lastDay` with all their relations, in a few statements. NO_ORPHANS if a
 * unit outside the set still hangs under one of them after that day (move it first): a
 * subordinate, or an organ (PART_OF) — one linked later than lastDay, or hung there by a change
 * that committed after the set was read, would otherwise be left open with no whole (review s13 F6).
 */
export async function closeUnits(
  s: ChangeSession,
  ids: readonly string[],
  lastDay: string,
  argumentOf: (unitId: string) => string,
): Promise<void> {
  await s.touchUnits(ids);
  const ending = (await relationsOfSet(s, ids, lastDay, RELATION_TYPE_NAMES)).filter(
    (r) => !r.validTo || r.validTo > lastDay,
  );
  // The far ends of the structural links that end (a superior, or a unit hung under one later) must be the editor's too.
  await authorizeEndedLinks(s, ending, new Set(ids), argumentOf);
  const children = await s.tx.run(
    `UNWIND $ids AS id
     MATCH (c:Unit)-[r:${STRUCTURE}]->(u:Unit {id: id})
     WHERE (r.validTo IS NULL OR r.validTo > date($lastDay)) AND NOT c.id IN $ids
     RETURN u.id AS unit, c.id AS id LIMIT 10`,
    { ids: [...ids], lastDay },
  );
  if (children[0])
    throw changeViolationError({
      rule: "NO_ORPHANS",
      units: [children[0].unit as string, ...children.map((c) => c.id as string)],
      message: `"${children[0].unit}" still has subordinates or organs after ${lastDay} (${children.map((c) => `"${c.id}"`).join(", ")}); move them first (setSuperior, moveUnits), close them with it (withSubtree), or use mergeUnits or abolishLevel`,
    });
  await endRelations(s, ending, lastDay, farEnds(ending, new Set(ids)));
  const started = await s.tx.run(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) WHERE u.validFrom > date($lastDay) RETURN u.id AS id LIMIT 1",
    { ids: [...ids], lastDay },
  );
  if (started[0])
    throw changeViolationError({
      rule: "INTERVAL_ORDER",
      units: [started[0].id as string],
      message: `"${started[0].id}" starts after ${lastDay}`,
    });
  await s.tx.run(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) WHERE u.validTo IS NULL OR u.validTo > date($lastDay) SET u.validTo = date($lastDay)",
    { ids: [...ids], lastDay },
  );
}

/**
 * Carries the non-structural relations of `sources` (in force from `from`) over to `target`,
 * once each: the old ones end the day before, the new ones start on `from` (or later, as the old).
 */
export async function carryRelations(
  s: ChangeSession,
  sources: readonly string[],
  target: string,
  from: string,
  basis: readonly string[],
): Promise<void> {
  await carryRelationsOfMerges(s, [{ sources, target, basis }], from);
}

/** One merger whose sources' relations go over to its target. */
export interface Carry {
  sources: readonly string[];
  target: string;
  basis: readonly string[];
}

/**
 * carryRelations for many mergers at once (mergeMany), in the statements of one: each end that is
 * a source becomes its merger's target, so that a relation between the sources of two mergers
 * joins their targets (as the mergers one after the other would leave it), and one within a
 * merger goes.
 */
export async function carryRelationsOfMerges(
  s: ChangeSession,
  merges: readonly Carry[],
  from: string,
): Promise<void> {
  const types = RELATION_TYPE_NAMES.filter((t) => !isStructural(t));
  const mergerOf = new Map<string, Carry>();
  for (const m of merges) for (const source of m.sources) mergerOf.set(source, m);
  const rels = await relationsOfSet(s, [...mergerOf.keys()], from, types);
  await endRelations(
    s,
    rels,
    previousDay(from),
    farEnds(rels, (id) => mergerOf.has(id)),
  );
  const touching = groupBy(
    rels.flatMap((r) =>
      [...new Set([r.from, r.to])].filter((id) => mergerOf.has(id)).map((id) => ({ id, r })),
    ),
    (x) => x.id,
  );
  const carried = new Map<string, NewRelation>();
  for (const m of merges)
    for (const source of m.sources)
      for (const { r: rel } of touching.get(source) ?? []) {
        const a = mergerOf.get(rel.from)?.target ?? rel.from;
        const b = mergerOf.get(rel.to)?.target ?? rel.to;
        const key = `${rel.type}:${a}:${b}`;
        if (a === b || carried.has(key)) continue;
        const bases = [rel.from, rel.to].flatMap((id) => mergerOf.get(id)?.basis ?? []);
        carried.set(key, {
          type: rel.type,
          from: a,
          to: b,
          validFrom: rel.validFrom && rel.validFrom > from ? rel.validFrom : from,
          validTo: rel.validTo,
          frequencies: rel.frequencies,
          via: rel.via,
          subject: rel.subject,
          basis: [...new Set([...rel.basis, ...bases])],
          note: rel.note,
        });
      }
  const targets = new Set(merges.map((m) => m.target));
  await createRelations(s, [...carried.values()], farEnds([...carried.values()], targets));
}
