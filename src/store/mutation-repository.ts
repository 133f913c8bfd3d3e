/**
 * The changes editors make, each one transaction through runChange (src/store/change-session.ts):
 * dated unit changes, moves and relations, one unit or relation at a time (the restructurings and
 * the batch changes: src/store/restructuring-repository.ts). Every write is parameterised;
 * relationship types come from our own lists.
 */
import type { Principal } from "../auth/principal.ts";
import { DATED_ATTRIBUTE_NAMES, DATED_ATTRIBUTES, NO_VALUE } from "../domain/dated-attributes.ts";
import { isInOrder, previousDay } from "../domain/dates.ts";
import { DomainError, notFound, quotedIds } from "../domain/errors.ts";
import { relationId } from "../domain/ids.ts";
import { changeViolationError, type Violation } from "../domain/invariants.ts";
import { type UnitInput, unitProperties } from "../domain/records.ts";
import {
  isStructural,
  RELATION_TYPE_NAMES,
  STRUCTURAL_TYPES,
  structuralType,
} from "../domain/relation-types.ts";
import { foldText } from "../domain/text-folding.ts";
import { endRelations, type NewRelation } from "./batch-changes.ts";
import { type ChangeSession, runChangeEvent } from "./change-session.ts";
import { STRUCTURE, unitAssignments } from "./cypher-fragments.ts";
import type { Database, Row } from "./database.ts";
import { authorizeEndedLinks } from "./ended-links.ts";
import { optText, text, texts } from "./fields.ts";
import type { RelationRecord } from "./records.ts";
import { relationOfAnyType } from "./relation-lookup.ts";
import { lockInScope } from "./scope-locks.ts";

/** A unit a change creates or updates; its validity comes from the change's date. Its seat is set by updateUnit only. */
export type NewUnit = Omit<UnitInput, "validFrom" | "validTo">;

function assertType(type: string): void {
  if (!RELATION_TYPE_NAMES.includes(type as never))
    throw new DomainError("BAD_USER_INPUT", `Unknown relation type ${type}`);
}

async function requireUnits(
  s: ChangeSession,
  ids: readonly string[],
  argument: string,
  activeOn?: string,
): Promise<Map<string, Row>> {
  const states = await s.unitStates(ids);
  const found = new Map<string, Row>();
  for (const [id, p] of states) {
    if (!p) {
      const err = notFound("unit", id);
      err.details.argument = argument;
      throw err;
    }
    if (
      activeOn &&
      ((p.validFrom && (p.validFrom as string) > activeOn) || (p.validTo && (p.validTo as string) < activeOn))
    )
      throw changeViolationError(
        {
          rule: "ENDPOINTS_ACTIVE",
          units: [id],
          message: `unit "${id}" is not in force on ${activeOn} (${p.validFrom ?? "…"} – ${p.validTo ?? "…"})`,
        },
        argument,
      );
    found.set(id, p);
  }
  return found;
}

/** Creates a new unit; `argument` names it in errors (e.g. "input.unit"). */
async function createUnitNode(
  s: ChangeSession,
  unit: NewUnit,
  argument: string,
  validFrom: string,
  basis: string[],
): Promise<void> {
  await s.authorize([{ argument: `${argument}.host`, ids: [unit.host] }]);
  if (unit.host) await requireUnits(s, [unit.host], `${argument}.host`);
  s.touchNewUnit(unit.id);
  // A new unit holds from validFrom, open-ended; its seat is set by updateUnit, not here. Created
  // only if no unit has its id (the check and the creation in one statement).
  const [created] = await s.tx.run(
    `OPTIONAL MATCH (x:Unit {id: $unit.id})
     WITH count(x) AS existing
     FOREACH (_ IN CASE WHEN existing = 0 THEN [1] ELSE [] END |
       CREATE (u:Unit {id: $unit.id}) SET ${unitAssignments("u", (p) => `$unit.${p}`)}, u.origin = 'api')
     RETURN existing`,
    {
      unit: unitProperties(
        { ...unit, seat: null, validFrom, validTo: null },
        { synthetic: false, source: basis },
      ),
    },
  );
  if (Number(created?.existing ?? 0) > 0)
    throw changeViolationError({
      rule: "UNIQUE_ID",
      units: [unit.id],
      message: `a unit with id "${unit.id}" already exists`,
    });
}

/**
 * Creates a relation from `validFrom` (to `validTo`), with a deterministic id; CONFLICT (UNIQUE_ID,
 * naming `argument`) if a relation holds that id — this one, or one made before ids were joined
 * with colons around dotted unit ids, whose old id may equal this one's (u → "v.2025-01-01" with
 * no start was "t.u.v.2025-01-01", the id of u → v from 2025-01-01).
 */
async function createRelation(s: ChangeSession, rel: NewRelation, argument: string): Promise<string> {
  assertType(rel.type);
  const id = relationId(rel);
  await s.touchUnits([rel.from, rel.to]);
  // Its state before the change is none: created only if no relation has its id (the check and
  // the creation in one statement; a clash rolls the change back).
  s.touchNewRelation({ id, type: rel.type });
  const [created] = await s.tx.run(
    `MATCH (a:Unit {id: $from}), (b:Unit {id: $to})
     OPTIONAL MATCH (x)-[o:${rel.type}]->(y) WHERE o.id = $id
     WITH a, b, collect(CASE WHEN o IS NULL THEN null ELSE {from: x.id, to: y.id, validFrom: toString(o.validFrom)} END) AS holders
     FOREACH (_ IN CASE WHEN size(holders) = 0 THEN [1] ELSE [] END |
       CREATE (a)-[r:${rel.type} {id: $id, validFrom: date($validFrom), validTo: date($validTo), frequencies: $frequencies,
                                  via: $via, subject: $subject, basis: $basis, note: $note, origin: 'api'}]->(b))
     RETURN holders[0] AS holder`,
    {
      id,
      from: rel.from,
      to: rel.to,
      validFrom: rel.validFrom,
      validTo: rel.validTo ?? null,
      frequencies: rel.frequencies ?? [],
      via: rel.via ?? [],
      subject: rel.subject ?? null,
      basis: rel.basis,
      note: rel.note ?? null,
    },
  );
  const holder = created?.holder as RelationEnds | null | undefined;
  if (holder) throw changeViolationError(relationIdTaken({ ...rel, id }, holder), argument);
  return id;
}

interface RelationEnds {
  from: string;
  to: string;
  validFrom: string | null;
}

/** The refusal of a relation whose id `holder` already has: the same relation, or an older one. */
function relationIdTaken(rel: RelationEnds & { type: string; id: string }, holder: RelationEnds): Violation {
  const same = holder.from === rel.from && holder.to === rel.to && holder.validFrom === rel.validFrom;
  const start = holder.validFrom ? `from ${holder.validFrom}` : "with no start";
  return {
    rule: "UNIQUE_ID",
    units: [...new Set([rel.from, rel.to, holder.from, holder.to])],
    message: same
      ? `relation "${rel.id}" already exists`
      : `the id "${rel.id}" is held by ${rel.type} "${holder.from}" → "${holder.to}" ${start}, made before relation ids joined dotted unit ids with ":"`,
  };
}

type RelationRow = RelationRecord;

/** A relation as the queries below return it (fields a query leaves out read as empty). */
function relationRow(r: Row): RelationRow {
  return {
    id: text(r, "id"),
    type: text(r, "type"),
    from: text(r, "from"),
    to: text(r, "to"),
    validFrom: optText(r, "validFrom"),
    validTo: optText(r, "validTo"),
    frequencies: texts(r, "frequencies"),
    via: texts(r, "via"),
    subject: optText(r, "subject"),
    basis: texts(r, "basis"),
    note: optText(r, "note"),
  };
}

/** Relations touching a unit that are in force on `date` or later. */
async function relationsFrom(
  s: ChangeSession,
  unitId: string,
  date: string,
  types: readonly string[],
): Promise<RelationRow[]> {
  if (types.length === 0) return [];
  for (const type of types) assertType(type);
  // Typed: an untyped expansion also walks the unit's audit records (CHANGED) and events (AFFECTED).
  const rows = await s.tx.run(
    `MATCH (u:Unit {id: $id})-[r:${types.join("|")}]-(o:Unit)
     WHERE r.validTo IS NULL OR r.validTo >= date($date)
     WITH DISTINCT r
     WITH r, startNode(r) AS a, endNode(r) AS b
     RETURN r.id AS id, type(r) AS type, a.id AS from, b.id AS to,
            toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo, r.frequencies AS frequencies,
            r.via AS via, r.subject AS subject, r.basis AS basis, r.note AS note`,
    { id: unitId, date },
  );
  return rows.map(relationRow);
}

/**
 * Ends a relation on `lastDay`; one that had not started by then is removed instead (it never
 * held), so that no interval is ever inverted. As a batch ends it (batch-changes.ts endRelations):
 * a restructuring ends a relation under the lock of one end and its own (src/store/write-locks.ts,
 * "Superiors"), so it is read again under its own lock, and never lengthened.
 */
async function endRelationOn(s: ChangeSession, rel: RelationRow, lastDay: string): Promise<void> {
  await endRelations(s, [rel], lastDay);
}

/**
 * A PART_OF link `r` that makes its organ end with the whole on `$lastDay`: in force that day and
 * after it (validTo inclusive) — an organ moved away earlier, or leaving that day, lives on.
 */
export const PART_OF_ON_LAST_DAY =
  "(r.validFrom IS NULL OR r.validFrom <= date($lastDay)) AND (r.validTo IS NULL OR r.validTo > date($lastDay))";

/** Ends a unit on `lastDay` with its organs (PART_OF in force that day, recursively) and all their relations. */
async function closeWithOrgans(
  s: ChangeSession,
  unitId: string,
  lastDay: string,
  argument: string,
): Promise<void> {
  const organs = await s.tx.run(
    `MATCH (o:Unit) (()-[r:PART_OF]->(:Unit) WHERE ${PART_OF_ON_LAST_DAY}){1,6} (:Unit {id: $id})
     WHERE (o.validTo IS NULL OR o.validTo > date($lastDay))
     RETURN DISTINCT o.id AS id`,
    { id: unitId, lastDay },
  );
  const ids = [unitId, ...organs.map((o) => o.id as string)];
  await s.touchUnits(ids);
  const ending = new Map<string, RelationRow>();
  for (const id of ids)
    for (const rel of await relationsFrom(s, id, lastDay, RELATION_TYPE_NAMES))
      if (!rel.validTo || rel.validTo > lastDay) ending.set(rel.id, rel);
  // The far ends of the structural links that end (a superior, or a unit hung under it later) must be the editor's too.
  await authorizeEndedLinks(s, [...ending.values()], new Set(ids), () => argument);
  // Subordinates and organs alike: an organ linked after lastDay would be left with no whole (review s13 F6).
  const children = await s.tx.run(
    `MATCH (c:Unit)-[r:${STRUCTURE}]->(u:Unit) WHERE u.id IN $ids
       AND (r.validTo IS NULL OR r.validTo > date($lastDay)) AND NOT c.id IN $ids
     RETURN c.id AS id LIMIT 10`,
    { ids, lastDay },
  );
  if (children.length > 0)
    throw changeViolationError({
      rule: "NO_ORPHANS",
      units: [unitId, ...children.map((c) => c.id as string)],
      message: `"${unitId}" still has subordinates or organs after ${lastDay} (${quotedIds(children.map((c) => String(c.id)))}); move them first (setSuperior), or use mergeUnits or abolishLevel`,
    });
  for (const rel of ending.values()) await endRelationOn(s, rel, lastDay);
  const started = await s.tx.run(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) WHERE u.validFrom > date($lastDay) RETURN u.id AS id",
    { ids, lastDay },
  );
  if (started.length > 0)
    throw changeViolationError({
      rule: "INTERVAL_ORDER",
      units: started.map((r) => r.id as string),
      message: `"${started[0]?.id}" starts after ${lastDay}`,
    });
  await s.tx.run(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) WHERE u.validTo IS NULL OR u.validTo > date($lastDay) SET u.validTo = date($lastDay)",
    { ids, lastDay },
  );
}

/** The earlier of two optional last days (null = open). */
export function earlier(a: unknown, b: unknown): string | null {
  const x = (a as string | null) ?? null;
  const y = (b as string | null) ?? null;
  if (!x) return y;
  if (!y) return x;
  // biome-ignore lint/complexity/useMathMinMax: yyyy-mm-dd strings, compared as text (Math.min would give NaN)
  return x < y ? x : y;
}

/**
 * Hangs a unit under a parent from `from`, for as long as both exist: a structural relation
 * never outlives either end (the parent's own end is recorded, so it must be re-hung then).
 */
async function hangUnder(
  s: ChangeSession,
  unitId: string,
  parentId: string,
  from: string,
  basis: string[],
  type: string,
  argument: string,
): Promise<void> {
  await s.lockPlacement(unitId, parentId, from);
  const units = await requireUnits(s, [unitId, parentId], "superiorId", from);
  await createRelation(
    s,
    {
      type,
      from: unitId,
      to: parentId,
      validFrom: from,
      validTo: earlier(units.get(unitId)?.validTo, units.get(parentId)?.validTo),
      basis,
    },
    argument,
  );
}

/** Moves a unit under a new parent from `from`: the structural edge in force then ends the day before. */
async function moveUnder(
  s: ChangeSession,
  unitId: string,
  parentId: string,
  from: string,
  basis: string[],
  type?: string,
): Promise<void> {
  await s.lock([unitId]);
  const unit = (await requireUnits(s, [unitId], "unitId", from)).get(unitId) as Row;
  const edgeType = type ?? structuralType(unit.kind as string);
  const ending = (await relationsFrom(s, unitId, from, STRUCTURAL_TYPES)).filter(
    (rel) => rel.from === unitId && rel.type === edgeType,
  );
  // The superior it leaves (also by a link dated later, which goes) must be the editor's too.
  await authorizeEndedLinks(s, ending, new Set([unitId]), () => "unitId");
  for (const rel of ending) await endRelationOn(s, rel, previousDay(from));
  await hangUnder(s, unitId, parentId, from, basis, edgeType, "superiorId");
}

/** A relation of any of our types by id. */
async function relationById(s: ChangeSession, id: string): Promise<RelationRow | undefined> {
  const rows = await relationOfAnyType(
    s.tx,
    id,
    `r.id AS id, type(r) AS type, a.id AS from, b.id AS to, toString(r.validFrom) AS validFrom,
     toString(r.validTo) AS validTo, r.basis AS basis`,
  );
  return rows[0] ? relationRow(rows[0]) : undefined;
}

/**
 * Keeps the earlier value of every dated attribute the change touches (name, sector, host,
 * level: src/domain/dated-attributes.ts), each with its last day, so that the value in force
 * on any date can be read back (Unit.nameOn, sector/host/level(asOf), the rules that apply
 * as of a date). A change must come after the attribute's previous change.
 */
function keepFormerValues(
  p: Row,
  unitId: string,
  effectiveOn: string,
  set: Record<string, unknown>,
): Record<string, string | string[]> {
  const changes = { ...set };
  const dates: Record<string, string | string[]> = {};
  for (const attribute of DATED_ATTRIBUTE_NAMES) {
    if (!(attribute in changes) || changes[attribute] === (p[attribute] ?? null)) continue;
    const keys = DATED_ATTRIBUTES[attribute];
    const since = (p[keys.since] ?? p.validFrom) as string | null;
    if (since && effectiveOn <= String(since))
      throw new DomainError(
        "BAD_USER_INPUT",
        `Argument "input.effectiveOn": the current ${attribute} of "${unitId}" holds from ${since}; a change must take effect after it`,
        { argument: "input.effectiveOn", units: [unitId] },
      );
    set[keys.values] = [...((p[keys.values] as string[]) ?? []), (p[attribute] as string | null) ?? NO_VALUE];
    dates[keys.until] = [...((p[keys.until] as unknown[]) ?? []).map(String), previousDay(effectiveOn)];
    dates[keys.since] = effectiveOn;
  }
  return dates;
}

/** SET clauses that write the date properties of the dated attributes from `$dates` (as Neo4j dates), leaving absent ones as they are. */
const DATED_DATE_SETTERS = Object.values(DATED_ATTRIBUTES)
  .flatMap((k) => [
    `u.${k.until} = CASE WHEN $dates.${k.until} IS NULL THEN u.${k.until} ELSE [x IN $dates.${k.until} | date(x)] END`,
    `u.${k.since} = CASE WHEN $dates.${k.since} IS NULL THEN u.${k.since} ELSE date($dates.${k.since}) END`,
  ])
  .join(", ");

export const mutations = {
  createUnit: (
    db: Database,
    p: Principal,
    a: { unit: NewUnit; superiorId?: string | null; effectiveOn: string; basis: string[] },
  ) =>
    runChangeEvent(db, p, { kind: "CREATE_UNIT", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      if (a.superiorId) {
        const named = [{ argument: "input.superiorId", ids: [a.superiorId] }];
        // The locks hangUnder takes; their statement also answers the scope check made under them.
        await lockInScope(s, named, () => s.lockPlacement(a.unit.id, a.superiorId as string, a.effectiveOn));
        await requireUnits(s, [a.superiorId], "input.superiorId", a.effectiveOn);
      } else s.mayCreateRoot();
      await createUnitNode(s, a.unit, "input.unit", a.effectiveOn, a.basis);
      const type = structuralType(a.unit.kind);
      if (a.superiorId)
        await hangUnder(s, a.unit.id, a.superiorId, a.effectiveOn, a.basis, type, "input.superiorId");
    }),

  updateUnit: (
    db: Database,
    p: Principal,
    a: { id: string; effectiveOn: string; basis: string[]; changes: Partial<NewUnit> },
  ) =>
    runChangeEvent(db, p, { kind: "UPDATE_UNIT", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      const named = [
        { argument: "input.id", ids: [a.id] },
        { argument: "input.host", ids: [a.changes.host] },
        { argument: "input.seat", ids: [a.changes.seat] },
      ];
      await lockInScope(s, named, () => s.lock([a.id]));
      // Its properties as they are: the unit is locked, so they hold until this change writes.
      const unit = (await requireUnits(s, [a.id], "input.id", a.effectiveOn)).get(a.id) as Row;
      if (a.changes.host) await requireUnits(s, [a.changes.host], "input.host");
      if (a.changes.seat) await requireUnits(s, [a.changes.seat], "input.seat");
      await s.touchUnits([a.id]);
      const set = Object.fromEntries(
        Object.entries(a.changes).filter(([, v]) => v !== undefined && v !== null),
      );
      if (typeof set.name === "string") set.nameFolded = foldText(set.name);
      const dates = keepFormerValues(unit, a.id, a.effectiveOn, set);
      await s.tx.run(`MATCH (u:Unit {id: $id}) SET u += $set, ${DATED_DATE_SETTERS}`, {
        id: a.id,
        set,
        dates,
      });
    }),

  closeUnit: (
    db: Database,
    p: Principal,
    a: { id: string; lastDay: string; basis: string[]; note?: string | null },
  ) =>
    runChangeEvent(
      db,
      p,
      { kind: "CLOSE_UNIT", effectiveOn: a.lastDay, basis: a.basis, note: a.note },
      async (s) => {
        const named = [{ argument: "id", ids: [a.id], structural: true }];
        await lockInScope(s, named, () => s.lock([a.id]));
        await requireUnits(s, [a.id], "id", a.lastDay);
        await closeWithOrgans(s, a.id, a.lastDay, "id");
      },
    ),

  setSuperior: (
    db: Database,
    p: Principal,
    a: { unitId: string; superiorId: string; effectiveOn: string; basis: string[] },
  ) =>
    runChangeEvent(db, p, { kind: "SET_SUPERIOR", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      if (a.unitId === a.superiorId)
        throw changeViolationError({
          rule: "NO_CYCLE",
          units: [a.unitId],
          message: `"${a.unitId}" cannot be its own superior`,
        });
      const named = [
        { argument: "unitId", ids: [a.unitId], structural: true },
        { argument: "superiorId", ids: [a.superiorId] },
      ];
      // The placement locks reach above and below the units it names.
      await lockInScope(s, named, () => s.lockPlacement(a.unitId, a.superiorId, a.effectiveOn));
      // Both read at once (both are locked): moveUnder finds the unit's state already read.
      await s.unitStates([a.superiorId, a.unitId]);
      await requireUnits(s, [a.superiorId], "superiorId", a.effectiveOn);
      await moveUnder(s, a.unitId, a.superiorId, a.effectiveOn, a.basis);
    }),

  addRelation: (
    db: Database,
    p: Principal,
    a: {
      type: string;
      fromId: string;
      toId: string;
      validFrom: string;
      validTo?: string | null;
      frequencies?: string[] | null;
      via?: string[] | null;
      subject?: string | null;
      basis: string[];
      note?: string | null;
    },
  ) =>
    runChangeEvent(
      db,
      p,
      { kind: "ADD_RELATION", effectiveOn: a.validFrom, basis: a.basis, note: a.note },
      async (s) => {
        // A new structural link from a unit changes its place in the hierarchy: not a scope root's.
        const named = [
          { argument: "input.fromId", ids: [a.fromId], structural: isStructural(a.type), gains: true },
          { argument: "input.toId", ids: [a.toId] },
          { argument: "input.via", ids: a.via ?? [] },
        ];
        await lockInScope(
          s,
          named,
          () =>
            isStructural(a.type)
              ? s.lockPlacement(a.fromId, a.toId, a.validFrom)
              : s.lock([a.fromId, a.toId]),
          a.validFrom,
          a.validTo,
        );
        await requireUnits(s, [a.fromId], "input.fromId");
        await requireUnits(s, [a.toId], "input.toId");
        if (a.via?.length) await requireUnits(s, a.via, "input.via");
        await createRelation(
          s,
          {
            type: a.type,
            from: a.fromId,
            to: a.toId,
            validFrom: a.validFrom,
            validTo: a.validTo,
            frequencies: a.frequencies ?? [],
            via: a.via ?? [],
            subject: a.subject,
            basis: a.basis,
            note: a.note,
          },
          "input",
        );
      },
    ),

  endRelation: (db: Database, p: Principal, a: { relationId: string; lastDay: string; basis: string[] }) =>
    runChangeEvent(db, p, { kind: "END_RELATION", effectiveOn: a.lastDay, basis: a.basis }, async (s) => {
      const found = await relationById(s, a.relationId);
      if (!found) throw s.unknown("relation", "relationId", a.relationId);
      // Both ends must be in scope; a structural link is its lower end's place in the hierarchy.
      const named = (r: typeof found) => [
        { argument: "relationId", ids: [r.from], label: `"${r.id}"`, structural: isStructural(r.type) },
        { argument: "relationId", ids: [r.to], label: `"${r.id}"` },
      ];
      // Scope first (a read): no lock outside the editor's scope (review s14 H).
      await s.authorize(named(found));
      // Read again once its ends are locked: a concurrent change may have ended it meanwhile.
      await s.lock([found.from, found.to]);
      const rel = await relationById(s, a.relationId);
      if (!rel) throw s.unknown("relation", "relationId", a.relationId);
      await s.authorize(named(rel));
      if (!isInOrder({ validFrom: rel.validFrom, validTo: a.lastDay }))
        throw changeViolationError(
          {
            rule: "INTERVAL_ORDER",
            units: [rel.from, rel.to],
            message: `relation "${rel.id}" starts on ${rel.validFrom}, after ${a.lastDay}`,
          },
          "lastDay",
        );
      if (rel.validTo && rel.validTo <= a.lastDay)
        throw new DomainError("CONFLICT", `relation "${rel.id}" already ended on ${rel.validTo}`, {
          units: [rel.from, rel.to],
        });
      await endRelationOn(s, rel, a.lastDay);
    }),
};
