/**
 * Reads and writes of the unit registry (src/registry): the registry rows of a page of units as
 * of a date (with each unit's direct superior then), the snapshot of the graph an import is
 * judged against, and the writes an import makes inside runChange (src/store/change-session.ts),
 * batched with UNWIND so that a file of 10,000 rows is a handful of round trips.
 */
import type { Principal } from "../auth/principal.ts";
import { DATED_ATTRIBUTES } from "../domain/dated-attributes.ts";
import { previousDay } from "../domain/dates.ts";
import { changeViolationError } from "../domain/invariants.ts";
import { unitProperties } from "../domain/records.ts";
import { STRUCTURAL_TYPES, structuralType } from "../domain/relation-types.ts";
import type { RegistryRelation, RegistryUnit } from "../registry/layout.ts";
import {
  type ExistingUnit,
  ID_COLUMN,
  type ImportPlan,
  type NewEdge,
  newStructuralEdges,
  type Snapshot,
} from "../registry/plan.ts";
import { lockPlacements } from "./batch-changes.ts";
import type { ChangeSession } from "./change-session.ts";
import { attributeOn, STRUCTURE, unitAssignments } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter, Row, TransactionRunner } from "./database.ts";
import { authorizeEndedLinks } from "./ended-links.ts";
import { EXPORT_PAGE } from "./export-repository.ts";
import { subtreeMembership } from "./invariant-checks.ts";

const UNIT_ROW = `RETURN u.id AS id, u.registryCode AS registryCode, ${attributeOn("u", "name")} AS name,
  u.kind AS kind, ${attributeOn("u", "level")} AS level, u.province AS province,
  sup.id AS superiorId, CASE WHEN sup IS NULL THEN null ELSE ${attributeOn("sup", "name")} END AS superiorName,
  toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo, coalesce(u.source, []) AS basis`;

/** The unit's direct superior on d: its SUBORDINATE_TO in force, else its PART_OF. */
const SUPERIOR = `CALL (u, d) {
    OPTIONAL MATCH (u)-[r:${STRUCTURE}]->(p:Unit)
    WHERE (r.validFrom IS NULL OR r.validFrom <= d) AND (r.validTo IS NULL OR r.validTo >= d)
    RETURN p AS sup ORDER BY type(r) DESC LIMIT 1
  }`;

/** One page of registry rows as of `asOf`: the next EXPORT_PAGE units after `after`, or these members. */
export async function registryUnitPage(
  db: Database,
  asOf: string,
  page: { after: string } | { ids: string[] },
  counter?: RoundTripCounter,
): Promise<RegistryUnit[]> {
  const rows =
    "ids" in page
      ? await db.read(
          `WITH date($asOf) AS d UNWIND $ids AS id MATCH (u:Unit {id: id}) ${SUPERIOR} ${UNIT_ROW} ORDER BY id`,
          { ids: page.ids, asOf },
          counter,
        )
      : await db.read(
          `WITH date($asOf) AS d MATCH (u:Unit) WHERE u.id > $after
             AND (u.validFrom IS NULL OR u.validFrom <= d) AND (u.validTo IS NULL OR u.validTo >= d)
           WITH u, d ORDER BY u.id LIMIT ${EXPORT_PAGE}
           ${SUPERIOR} ${UNIT_ROW} ORDER BY id`,
          { after: page.after, asOf },
          counter,
        );
  return rows as unknown as RegistryUnit[];
}

/** The stored relations going out of these units that are in force on `asOf`, to a unit in force then. */
export async function registryRelationsFrom(
  db: Database,
  asOf: string,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<RegistryRelation[]> {
  const rows = await db.read(
    `WITH date($asOf) AS d UNWIND $ids AS id
     MATCH (a:Unit {id: id})-[r]->(b:Unit)
     WHERE (r.validFrom IS NULL OR r.validFrom <= d) AND (r.validTo IS NULL OR r.validTo >= d)
       AND (b.validFrom IS NULL OR b.validFrom <= d) AND (b.validTo IS NULL OR b.validTo >= d)
     RETURN coalesce(r.id, elementId(r)) AS id, type(r) AS type, a.id AS from, b.id AS to,
            toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo, coalesce(r.basis, []) AS basis
     ORDER BY from, type, to, id`,
    { ids: [...ids], asOf },
    counter,
  );
  return rows as unknown as RegistryRelation[];
}

/** A unit's direct superior on d, as `superiorId` (for the snapshot, ids only). */
const SUPERIOR_ID = `CALL (u, d) {
    OPTIONAL MATCH (u)-[r:${STRUCTURE}]->(p:Unit)
    WHERE (r.validFrom IS NULL OR r.validFrom <= d) AND (r.validTo IS NULL OR r.validTo >= d)
    RETURN p.id AS superiorId ORDER BY type(r) DESC LIMIT 1
  }`;

/**
 * What an import is judged against (src/registry/plan.ts): the units the file names by id or
 * registry code, each with its superior on the effective date and the units still under it after
 * it would close (`closing`: id → last day), the superiors above them up to the top, the
 * provisions the rows cite that exist, and an editor's scope facts. Read in the change's own
 * transaction when applying, so that what is checked is what is written.
 */
export async function readImportSnapshot(
  tx: TransactionRunner,
  input: { refs: string[]; basis: string[]; closing: Record<string, string>; effectiveOn: string },
  principal: Principal,
): Promise<Snapshot> {
  const rows = await tx.run(
    `WITH date($on) AS d
     CALL () {
       UNWIND $refs AS ref MATCH (u:Unit {id: ref}) RETURN u
       UNION
       UNWIND $refs AS ref MATCH (u:Unit {registryCode: ref}) RETURN u
     }
     WITH u, d ${SUPERIOR_ID}
     CALL (u, d) {
       WITH u, coalesce(date($closing[u.id]), d) AS after
       OPTIONAL MATCH (c:Unit)-[r:${STRUCTURE}]->(u)
       WHERE (r.validTo IS NULL OR r.validTo > after) AND (c.validTo IS NULL OR c.validTo > after)
       RETURN collect(DISTINCT c.id) AS children
     }
     RETURN u.id AS id, u.registryCode AS registryCode, u.name AS name, u.kind AS kind, u.level AS level,
            u.province AS province, toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo,
            superiorId, children, properties(u) AS props`,
    { refs: input.refs, on: input.effectiveOn, closing: input.closing },
  );
  const units = new Map(rows.map((r) => [r.id as string, r as unknown as ExistingUnit]));
  const byCode = new Map(
    rows.filter((r) => r.registryCode).map((r) => [r.registryCode as string, r.id as string]),
  );
  const parentOf = new Map<string, string>();
  for (const u of units.values()) if (u.superiorId) parentOf.set(u.id, u.superiorId);
  await readAncestors(tx, parentOf, input.effectiveOn);
  const provisions = await tx.run("UNWIND $ids AS id MATCH (p:Provision {id: id}) RETURN p.id AS id", {
    ids: input.basis,
  });
  // On the import's day itself: a unit that left the scope the day before is not the editor's.
  const scope =
    principal.role === "admin"
      ? null
      : await subtreeMembership(tx, [...units.keys()], principal.scopes, [input.effectiveOn]);
  return { units, byCode, parentOf, provisions: new Set(provisions.map((p) => p.id as string)), scope };
}

/** Adds to `parentOf` the superiors above the units it holds, level by level, up to the top. */
async function readAncestors(
  tx: TransactionRunner,
  parentOf: Map<string, string>,
  on: string,
): Promise<void> {
  let frontier = [...new Set(parentOf.values())].filter((id) => !parentOf.has(id));
  for (let depth = 0; frontier.length > 0 && depth < 64; depth++) {
    const rows = await tx.run(
      `WITH date($on) AS d UNWIND $ids AS id MATCH (u:Unit {id: id}) ${SUPERIOR_ID}
       RETURN u.id AS id, superiorId`,
      { ids: frontier, on },
    );
    const next: string[] = [];
    for (const r of rows) {
      const parent = r.superiorId as string | null;
      if (!parent) continue;
      parentOf.set(r.id as string, parent);
      if (!parentOf.has(parent)) next.push(parent);
    }
    frontier = [...new Set(next)];
  }
}

interface EndedRelation {
  id: string;
  type: string;
  from: string;
  to: string;
  validFrom: string | null;
  lastDay: string;
}

/**
 * The relations the plan ends: a moved unit's structural link in force on the effective date
 * (ending the day before), and every relation of a closing unit in force after its last day.
 */
async function relationsToEnd(tx: TransactionRunner, plan: ImportPlan): Promise<EndedRelation[]> {
  const rows = await tx.run(
    `CALL () {
       UNWIND $moves AS m
       MATCH (u:Unit {id: m.id})-[r]->(p:Unit)
       WHERE type(r) = m.type AND (r.validTo IS NULL OR r.validTo >= date($on))
       RETURN r, m.lastDay AS lastDay
       UNION
       UNWIND $closes AS c
       MATCH (u:Unit {id: c.id})-[r]-(:Unit)
       WHERE r.validTo IS NULL OR r.validTo > date(c.lastDay)
       RETURN r, c.lastDay AS lastDay
     }
     RETURN r.id AS id, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to,
            toString(r.validFrom) AS validFrom, lastDay`,
    {
      on: plan.effectiveOn,
      moves: plan.move.map((m) => ({
        id: m.id,
        type: structuralType(m.kind),
        lastDay: previousDay(plan.effectiveOn),
      })),
      closes: plan.close.map((c) => ({ id: c.id, lastDay: c.lastDay })),
    },
  );
  // A relation two closing units share is ended once, on the earlier day.
  const byId = new Map<string, EndedRelation>();
  for (const r of rows as unknown as EndedRelation[]) {
    const seen = byId.get(r.id);
    if (!seen || r.lastDay < seen.lastDay) byId.set(r.id, r);
  }
  return [...byId.values()];
}

/**
 * Writes a plan inside a change (runChange): records the state of everything it touches first,
 * then creates units, changes them, ends and makes links, and closes units — each step one
 * UNWIND statement. runChange then checks the invariants and records the Event and Changes.
 */
export async function applyImportPlan(s: ChangeSession, plan: ImportPlan, snapshot: Snapshot): Promise<void> {
  // The units the file moves or closes are locked before what they end is read (review s14 I):
  // the plan read the graph without locks, and a unit hung under one of them, or a move of one,
  // committed since would otherwise be missed — its link ended with the closure, left open with
  // the move. Once locked, a change hanging a unit under one waits for this one.
  await s.touchUnits([...plan.move.map((m) => m.id), ...plan.close.map((c) => c.id)]);
  await refuseOrphans(s.tx, plan);
  const ended = await relationsToEnd(s.tx, plan);
  // The far end of every relation a move or a closure ends must be the editor's too, as for
  // moveUnits and closeUnit(s) (ended-links.ts): the file's rows are scope-checked, the units at
  // the other end of what they end were not (review s14 K).
  const named = new Set([...plan.move.map((m) => m.id), ...plan.close.map((c) => c.id)]);
  await authorizeEndedLinks(s, ended, named, () => ID_COLUMN);
  const edges = newStructuralEdges(plan, snapshot);
  // Each new link's placement locks (src/store/write-locks.ts), so that no concurrent change closes a cycle with it.
  for (const from of new Set(edges.map((e) => e.validFrom)))
    await lockPlacements(
      s,
      edges.filter((e) => e.validFrom === from).map((e) => ({ unitId: e.from, superiorId: e.to })),
      from,
    );
  await s.touchUnits([
    ...plan.create.map((c) => c.id),
    ...plan.change.map((c) => c.id),
    ...plan.move.flatMap((m) => [m.id, m.to, ...(m.from ? [m.from] : [])]),
    ...plan.close.map((c) => c.id),
    ...ended.flatMap((r) => [r.from, r.to]),
    ...edges.map((e) => e.to),
  ]);
  await s.touchRelations([...ended, ...edges].map((r) => ({ id: r.id, type: r.type })));
  await createUnits(s.tx, plan);
  await s.tx.run(
    `UNWIND $changes AS c MATCH (u:Unit {id: c.id})
     SET u += c.set, ${DATED_SETTERS}`,
    { changes: plan.change.map((c) => ({ id: c.id, set: c.set, dates: c.dates })) },
  );
  await endRelations(s.tx, ended);
  await refuseTakenIds(s.tx, edges);
  for (const type of STRUCTURAL_TYPES)
    await s.tx.run(
      `UNWIND $edges AS e MATCH (a:Unit {id: e.from}), (b:Unit {id: e.to})
       CREATE (a)-[:${type} {id: e.id, validFrom: date(e.validFrom), validTo: date(e.validTo), frequencies: [],
                             via: [], subject: null, basis: e.basis, note: null, origin: 'registry-import'}]->(b)`,
      { edges: edges.filter((e) => e.type === type) },
    );
  await s.tx.run("UNWIND $closes AS c MATCH (u:Unit {id: c.id}) SET u.validTo = date(c.lastDay)", {
    closes: plan.close.map((c) => ({ id: c.id, lastDay: c.lastDay })),
  });
}

/**
 * NO_ORPHANS (CONFLICT, naming the file), read under the locks: a unit the file closes keeps
 * nothing under it after its last day but what the file closes by then or moves away by the day
 * after. The plan checks the same on its unlocked read (src/registry/plan.ts); this catches a unit
 * hung there by a change that committed after that read, as closeUnits does (batch-changes.ts).
 */
async function refuseOrphans(tx: TransactionRunner, plan: ImportPlan): Promise<void> {
  const [left] = await tx.run(
    `UNWIND $closes AS c
     MATCH (x:Unit)-[r:${STRUCTURE}]->(:Unit {id: c.id})
     WHERE (r.validTo IS NULL OR r.validTo > date(c.lastDay))
       AND NOT (x.id IN $moved AND date($movesEnd) <= date(c.lastDay))
       AND NOT coalesce(date($closedBy[x.id]) <= date(c.lastDay), false)
     RETURN c.id AS unit, c.lastDay AS lastDay, collect(x.id)[..5] AS under LIMIT 1`,
    {
      closes: plan.close.map((c) => ({ id: c.id, lastDay: c.lastDay })),
      moved: plan.move.map((m) => m.id),
      // A move ends the old link the day before it takes effect: no later than the closure.
      movesEnd: previousDay(plan.effectiveOn),
      closedBy: Object.fromEntries(plan.close.map((c) => [c.id, c.lastDay])),
    },
  );
  if (left)
    throw changeViolationError(
      {
        rule: "NO_ORPHANS",
        units: [String(left.unit), ...(left.under as string[])],
        message: `"${left.unit}" would still have units under it after ${left.lastDay} (${(
          left.under as string[]
        )
          .map((x) => `"${x}"`)
          .join(", ")}), hung there since the file was checked; move or close them in the file too`,
      },
      "file",
    );
}

/**
 * CONFLICT (UNIQUE_ID, naming the file) when a link's id is taken: by a relation made before ids
 * joined dotted unit ids with ":", whose old id may equal a new link's (seed/FORMAT.md).
 */
async function refuseTakenIds(tx: TransactionRunner, edges: readonly NewEdge[]): Promise<void> {
  for (const type of STRUCTURAL_TYPES) {
    const [taken] = await tx.run(
      `MATCH (x)-[r:${type}]->(y) WHERE r.id IN $ids RETURN r.id AS id, x.id AS from, y.id AS to LIMIT 1`,
      { ids: edges.filter((e) => e.type === type).map((e) => e.id) },
    );
    if (taken)
      throw changeViolationError(
        {
          rule: "UNIQUE_ID",
          units: [String(taken.from), String(taken.to)],
          message: `the id "${taken.id}" of a new link is held by ${type} "${taken.from}" → "${taken.to}"`,
        },
        "file",
      );
  }
}

async function createUnits(tx: TransactionRunner, plan: ImportPlan): Promise<void> {
  const units: Row[] = plan.create.map((c) => ({
    ...unitProperties(
      {
        id: c.id,
        name: c.name,
        kind: c.kind,
        level: c.level,
        province: c.province,
        validFrom: c.validFrom,
        validTo: c.validTo,
      },
      { synthetic: false, source: c.basis },
    ),
    registryCode: c.registryCode,
  }));
  await tx.run(
    `UNWIND $units AS unit CREATE (u:Unit {id: unit.id})
     SET ${unitAssignments("u", (p) => `unit.${p}`)}, u.registryCode = unit.registryCode, u.origin = 'registry-import'`,
    { units },
  );
}

/** Ends relations on their last day; one that had not started by then is removed (it never held). */
async function endRelations(tx: TransactionRunner, ended: EndedRelation[]): Promise<void> {
  await tx.run(
    `UNWIND $ended AS e
     MATCH (a:Unit {id: e.from})-[r]->(b:Unit {id: e.to}) WHERE r.id = e.id
     WITH r, e, r.validFrom IS NOT NULL AND r.validFrom > date(e.lastDay) AS neverHeld
     FOREACH (_ IN CASE WHEN neverHeld THEN [1] ELSE [] END | DELETE r)
     FOREACH (_ IN CASE WHEN neverHeld THEN [] ELSE [1] END | SET r.validTo = date(e.lastDay))`,
    { ended },
  );
}

/** SET clauses for the dated attributes' history from `c.dates` (as Neo4j dates), leaving absent ones alone. */
const DATED_SETTERS = Object.values(DATED_ATTRIBUTES)
  .flatMap((k) => [
    `u.${k.until} = CASE WHEN c.dates.${k.until} IS NULL THEN u.${k.until} ELSE [x IN c.dates.${k.until} | date(x)] END`,
    `u.${k.since} = CASE WHEN c.dates.${k.since} IS NULL THEN u.${k.since} ELSE date(c.dates.${k.since}) END`,
  ])
  .join(", ");

/** The id of the unit holding a registry code, or null (the uniqueness constraint's index finds it). */
export async function unitIdByRegistryCode(
  db: Database,
  code: string,
  counter?: RoundTripCounter,
): Promise<string | null> {
  const rows = await db.read("MATCH (u:Unit {registryCode: $code}) RETURN u.id AS id", { code }, counter);
  return (rows[0]?.id as string | undefined) ?? null;
}
