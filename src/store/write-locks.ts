/**
 * Write locks for changes: Neo4j's own exclusive node locks, held until the transaction ends.
 * Changes to different parts of the hierarchy then run side by side, and two changes that could
 * together break an invariant wait for each other, so that the later one's checks see what the
 * earlier one committed (Neo4j reads committed data). Locks are taken in id order within a
 * statement; a deadlock across statements is detected by Neo4j and the change retried
 * (src/store/database.ts).
 */
import type { Row, TransactionRunner } from "./database.ts";
import {
  type ChangeSpan,
  IN_FORCE_MEMBERSHIP,
  type InForceMembership,
  type InForceRow,
  inForceOf,
  membershipParams,
} from "./scope-membership.ts";

/**
 * What a lock statement answers of the units it locked: their properties, by unit id; and, when
 * asked (`ScopeAsk`), where the units a change will name lie for the scope check, by unit id.
 */
export interface Locked {
  states: Map<string, Row>;
  scope: Map<string, InForceMembership>;
}

/**
 * An editor's scopes and the change's span: the lock statement also answers membershipInForce
 * for the units it locks (src/store/scope-membership.ts), saving the scope check a statement.
 */
export interface ScopeAsk {
  scopes: readonly string[];
  span: ChangeSpan;
}

function locked(rows: readonly { id: string; p: Row }[], scope: readonly InForceRow[] = []): Locked {
  return {
    states: new Map(rows.map((r) => [r.id, r.p])),
    scope: new Map(scope.map((r) => [r.id, inForceOf(r)])),
  };
}

/**
 * Locks units by writing to them: a property set and removed in the same statement leaves no
 * trace, but holds the node's write lock until commit. Ids that name no unit are skipped. Answers
 * the properties of the units locked, read once the lock is held (no other change can alter them
 * until this transaction ends).
 */
export async function lockUnits(
  tx: TransactionRunner,
  ids: readonly string[],
  ask?: ScopeAsk,
): Promise<Locked> {
  if (ids.length === 0) return locked([]);
  const rows = await tx.run(
    `UNWIND $ids AS id MATCH (u:Unit {id: id}) SET u.writeLock = true REMOVE u.writeLock
     WITH u
     ${ask ? IN_FORCE_MEMBERSHIP : "WITH u, null AS below, null AS within, null AS leavingBelow, null AS leavingWithin"}
     RETURN u.id AS id, properties(u) AS p, below, within, leavingBelow, leavingWithin`,
    { ids: [...new Set(ids)].sort(), ...(ask ? membershipParams(ask.scopes, ask.span) : {}) },
  );
  return locked(rows as { id: string; p: Row }[], ask ? (rows as unknown as InForceRow[]) : []);
}

/**
 * The units a change that hangs `unitId` under `superiorId` (SUBORDINATE_TO, from `from`) must
 * lock besides those two so that no cycle can form between it and a concurrent change: every
 * superior above `superiorId` in force on or after `from`, except the topmost (a cycle through
 * the new edge needs a concurrent move of one of them, which locks it). The topmost are left out
 * so that moves in different provinces do not all wait for the national root; a change that
 * gives a topmost unit a superior locks its direct subordinates instead, one of which is on the
 * chain of any change below it. The superiors `unitId` has on or after `from` (the move ends its
 * edges to them) come too, so that a move takes all its locks in one statement, in id order, and
 * two moves cannot deadlock.
 */
export async function placementLocks(
  tx: TransactionRunner,
  unitId: string,
  superiorId: string,
  from: string,
): Promise<string[]> {
  const rows = await tx.run(`${PLACEMENT_IDS} RETURN ids`, { superior: superiorId, unit: unitId, from });
  return (rows[0]?.ids as string[] | undefined) ?? [];
}

/**
 * placementLocks and lockUnits in one statement: reads the units to lock, adds `unitId` and
 * `superiorId`, locks those not in `alreadyLocked` (in id order), and reads the units to lock
 * again once it holds those locks (`again`: the caller locks any a change committed meanwhile
 * added, and reads again, placementLocks, until nothing new appears). Answers, as lockUnits, the
 * properties of the units it locked; null, having locked nothing, when
 * `superiorId` names no unit.
 */
export async function lockPlacement(
  tx: TransactionRunner,
  unitId: string,
  superiorId: string,
  from: string,
  alreadyLocked: readonly string[],
  ask?: ScopeAsk,
): Promise<(Locked & { wanted: string[]; again: string[] }) | null> {
  const rows = await tx.run(
    `${PLACEMENT_IDS}
     WITH ids + [$unit, $superior] AS wanted, current
     WITH wanted, current, [x IN wanted WHERE NOT x IN $locked] AS fresh
     CALL (fresh) {
       UNWIND fresh AS id
       WITH DISTINCT id ORDER BY id
       MATCH (u:Unit {id: id}) SET u.writeLock = true REMOVE u.writeLock
       RETURN collect({id: u.id, p: properties(u)}) AS states
     }
     CALL () {
       ${PLACEMENT_IDS}
       RETURN ids AS again
     }
     ${ask ? PLACEMENT_SCOPE : "WITH wanted, states, again, [] AS scope"}
     RETURN wanted, states, again, scope`,
    {
      superior: superiorId,
      unit: unitId,
      from,
      locked: [...alreadyLocked],
      ...(ask ? membershipParams(ask.scopes, ask.span) : {}),
    },
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...locked(row.states as { id: string; p: Row }[], row.scope as InForceRow[]),
    wanted: row.wanted as string[],
    again: row.again as string[],
  };
}

/**
 * Where the units a move names lie, once locked: the unit, its new superior and the superiors it
 * leaves (`current`; src/store/ended-links.ts checks those) — the units its scope checks ask about.
 */
const PLACEMENT_SCOPE = `CALL (current) {
       UNWIND [$unit, $superior] + current AS id
       WITH DISTINCT id
       MATCH (u:Unit {id: id})
       ${IN_FORCE_MEMBERSHIP}
       RETURN collect({id: u.id, below: below, within: within, leavingBelow: leavingBelow, leavingWithin: leavingWithin}) AS scope
     }`;

/** The ids placementLocks returns, as `ids`, and the superiors `$unit` has on or after `$from`, as `current` (parameters $superior, $unit, $from). */
const PLACEMENT_IDS = `MATCH (y:Unit {id: $superior})
     CALL (y) {
       MATCH (y) (()-[r:SUBORDINATE_TO]->(:Unit) WHERE r.validTo IS NULL OR r.validTo >= date($from)){1,40} (s:Unit)
       WHERE EXISTS { (s)-[q:SUBORDINATE_TO]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
       RETURN collect(DISTINCT s.id) AS chain
     }
     CALL () {
       MATCH (x:Unit {id: $unit})
       WHERE NOT EXISTS { (x)-[q:SUBORDINATE_TO]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
       MATCH (c:Unit)-[q:SUBORDINATE_TO]->(x) WHERE q.validTo IS NULL OR q.validTo >= date($from)
       RETURN collect(DISTINCT c.id) AS below
     }
     CALL () {
       MATCH (:Unit {id: $unit})-[q:SUBORDINATE_TO|PART_OF]->(o:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from)
       RETURN collect(DISTINCT o.id) AS current
     }
     WITH chain + below + current AS ids, current`;
