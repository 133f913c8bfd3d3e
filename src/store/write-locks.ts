/**
 * Write locks for changes: Neo4j's own exclusive node locks, held until the transaction ends.
 * Changes to different parts of the hierarchy then run side by side, and two changes that could
 * together break an invariant wait for each other, so that the later one's checks see what the
 * earlier one committed (Neo4j reads committed data). Locks are taken in id order within a
 * statement; a deadlock across statements is detected by Neo4j and the change retried
 * (src/store/database.ts).
 *
 * ## What Neo4j locks (5.26.30 community, aligned format; `npx tsx bench/lock-probe.ts`, 2026-12-02)
 *
 * Transaction A does the row's operation on a node and stays open; B then does the column's on
 * the same node (on another of its relationships). r: B runs while A is open; w: B waits for A's
 * commit; c: B runs, but A's commit then waits for B's; d: deadlock, one is rolled back.
 * C: create a relationship to it; P: set and remove a property (our lock until now); L: set and
 * remove a label; E: set a property of one of its relationships (how a link ends); D: delete one
 * of its relationships; H: create and delete a relationship at it (nothing left).
 *
 *   dense (60 relationships; the same for       sparse (3 relationships)
 *   one given 60 by the transaction creating it)
 *        C  P  L  E  D  H                            C  P  L  E  D  H
 *     C  r  r  w  r  r  r                         C  r  c  d  d  r  r
 *     P  r  w  w  r  r  r                         P  r  w  w  r  r  r
 *     L  w  w  w  r  w  w                         L  w  w  w  r  w  w
 *     E  r  r  r  r  r  r                         E  r  c  c  r  r  r
 *     D  r  r  w  r  r  r                         D  r  c  d  r  r  r
 *     H  r  r  w  r  r  r                         H  r  r  w  r  r  r
 *
 * So creating or deleting a relationship at a node holds a shared lock on it (Neo4j's DEGREES
 * lock) that only a label change waits for — not a property change, which on a dense node does
 * not wait at all and on a sparse one only makes the creation's commit wait (too late for the
 * creator's checks). Two creations never wait for each other before their commits. H is a pure
 * shared hold: only L waits for it, and it waits for L, dense or sparse. Hence our lock idiom,
 * LOCK_UNIT: a property and a label set and removed (P + L). (SHOW TRANSACTIONS shows a waiting
 * transaction as "Blocked by: [...]", which tests/integration/superior-locks.test.ts reads.)
 *
 * ## Superiors
 *
 * A change that only hangs units under a superior S (creates them under it, moves or merges them
 * to it) does not lock a dense S: creating the link holds S shared until the commit, and the
 * invariant checks (src/store/invariant-checks.ts) run after it, at the end of the change. A
 * sparse S (fewer than DENSE_DEGREE relationships) it locks as before (lockUnits, `sparseOnly`):
 * there a link's commit waits for a writer that waits for the link (d above). Any change that
 * writes S — closes it (alone, with a subtree above it, or as a merger's source), moves it,
 * changes its kind — locks S first (lockUnits, lockPlacement), with L. So either that change
 * committed before the link was made, and the gainer's checks see it (a link outliving S is
 * ENDPOINTS_ACTIVE, a wrong kind KIND_PAIRING, a loop NO_CYCLE), or it waits for the gainer's
 * commit and its own reads and checks see the new link (NO_ORPHANS, the subtree it closes).
 * Gainers under one dense S run side by side: the province mergers under the Central Committee,
 * a province's commune mergers under its new Tỉnh ủy (bench/RESULTS.md, "Superior locks"). The
 * same holds for the far end of a relation a merger carries to its new unit. A unit that only
 * loses a link (the superior a unit leaves, the far end of a relation a closure ends) is not
 * locked either: the relation is, and it is read again under that lock and only ever shortened
 * (batch-changes.ts endRelations), so two changes ending it from either end cannot undo each
 * other; a closure of the unit left behind that has not seen the link end is refused (NO_ORPHANS)
 * rather than wrong. The one-unit mutations (src/store/mutation-repository.ts) still lock both
 * ends of what they link, which is stronger.
 *
 * Cycles: "superior" here means either structural parent, SUBORDINATE_TO or PART_OF (STRUCTURE,
 * src/store/cypher-fragments.ts; the NO_CYCLE invariant's own set, src/store/invariant-checks.ts),
 * and "hangs" a link of either kind: every chain this module locks or holds follows both, and every
 * change that gives a unit either kind of parent takes the placement locks, since a cycle may mix
 * them and PART_OF has no kind pairing to stop one (review s13 F2). A change that hangs U under S
 * locks U at once, and holds the superiors above S (not S, and not the topmost) with H once its
 * links hold S, just before its checks (ChangeSession lockChainsLater, holdUnits); the change that
 * moves any of them locks it (L). Take a cycle made by two concurrent changes, neither of whose
 * checks saw the other's links: following it upwards, some link a→b of the first is followed by
 * links that were committed (none of the first's) up to a link c→d of the second. b cannot be a
 * unit the first created (only the first's links leave it), so b is committed and the first placed
 * a under it: c = b is locked by the second (it moves it) and held by the first's link; c above b
 * is on the chain the first held (read once b was held, so b could not move meanwhile, and each
 * member it holds cannot), or the topmost, whose move locks its direct subordinates, one of which
 * is on that chain or is b. Either way one waits for the other's commit, and its checks see the
 * cycle. For the same reason nothing above a superior the change itself created is held: no other
 * change can see it, or place anything above it.
 */
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { STRUCTURE } from "./cypher-fragments.ts";
import { LocksUnsettledError, type Row, type TransactionRunner } from "./database.ts";
import {
  type ChangeSpan,
  IN_FORCE_MEMBERSHIP,
  type InForceMembership,
  type InForceRow,
  inForceOf,
  membershipParams,
} from "./scope-membership.ts";

/**
 * How many rounds of "lock, read again" a change takes to hold what it must (a move committed
 * between a read and its lock may have put other units in the way) before it gives up. Going on
 * without the locks still missing would let its checks miss a concurrent move (the cycle argument
 * above), so it is rolled back and retried whole instead (review s14 F).
 */
export const MAX_LOCK_ROUNDS = 10;

/** Refuses round `round` (from 0) of a lock loop once MAX_LOCK_ROUNDS have been taken. */
export function lockRound(round: number): void {
  if (round >= MAX_LOCK_ROUNDS)
    throw new LocksUnsettledError(`what the change must lock still moved after ${MAX_LOCK_ROUNDS} rounds`);
}

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
 * The lock idiom on unit `u`: a property and a label set and removed in the same statement leave
 * no trace, but hold, until commit, the node's exclusive lock (the property: what another change's
 * lock waits for) and its exclusive degree lock (the label: what a concurrent creation or deletion
 * of a relationship at a dense node waits for, and holds shared itself; see "What Neo4j locks").
 */
export const LOCK_UNIT = "SET u.writeLock = true, u:UnitLock REMOVE u.writeLock, u:UnitLock";

/**
 * Past this many relationships a unit is dense for Neo4j (its threshold is 50; a margin, since a
 * unit's count is read, not its store flag): creating a link to it holds it shared, which every
 * writer's lock waits for; a sparse one is locked by the change that links to it (lockUnits,
 * `sparseOnly`), as the link's commit would otherwise wait for a writer that waits for the link.
 */
export const DENSE_DEGREE = 100;

/**
 * Locks units by writing to them (LOCK_UNIT). Ids that name no unit are skipped; with
 * `sparseOnly`, so are units with DENSE_DEGREE relationships or more. Answers the properties of
 * the units locked, read once the lock is held (no other change can alter them until this
 * transaction ends).
 */
export async function lockUnits(
  tx: TransactionRunner,
  ids: readonly string[],
  ask?: ScopeAsk,
  sparseOnly = false,
): Promise<Locked> {
  if (ids.length === 0) return locked([]);
  const rows = await tx.run(
    `UNWIND $ids AS id MATCH (u:Unit {id: id})
     ${sparseOnly ? "WHERE COUNT { (u)--() } < $dense" : ""}
     ${LOCK_UNIT}
     WITH u
     ${ask ? IN_FORCE_MEMBERSHIP : "WITH u, null AS below, null AS within, null AS leavingBelow, null AS leavingWithin"}
     RETURN u.id AS id, properties(u) AS p, below, within, leavingBelow, leavingWithin`,
    {
      ids: [...new Set(ids)].sort(),
      dense: DENSE_DEGREE,
      ...(ask ? membershipParams(ask.scopes, ask.span) : {}),
    },
  );
  return locked(rows as { id: string; p: Row }[], ask ? (rows as unknown as InForceRow[]) : []);
}

/**
 * The units a change that hangs `unitId` under `superiorId` (SUBORDINATE_TO or PART_OF, from `from`) must
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
       MATCH (u:Unit {id: id}) ${LOCK_UNIT}
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
 * Holds units shared until commit: a relationship created and deleted at each (nothing is left,
 * nothing written at commit) takes the shared degree lock of a relationship's creation, which
 * every writer's lock (LOCK_UNIT) waits for, and which other holds and links do not.
 */
export async function holdUnits(tx: TransactionRunner, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.run("UNWIND $ids AS id MATCH (u:Unit {id: id}) CREATE (u)-[h:HELD]->(u) DELETE h", {
    ids: [...new Set(ids)].sort(),
  });
}

/**
 * The superiors above any of `superiorIds` in force on or after `from`, but the topmost: those a
 * change that hangs units under them locks (placementLocks), once its links hold them.
 */
export async function chainsAbove(
  tx: TransactionRunner,
  superiorIds: readonly string[],
  from: string,
): Promise<string[]> {
  if (superiorIds.length === 0) return [];
  const rows = await tx.run(
    `UNWIND $superiors AS sid
     MATCH (:Unit {id: sid}) (()-[r:${STRUCTURE}]->(:Unit) WHERE r.validTo IS NULL OR r.validTo >= date($from)){1,${MAX_STRUCTURE_DEPTH}} (s:Unit)
     WHERE EXISTS { (s)-[q:${STRUCTURE}]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
     RETURN collect(DISTINCT s.id) AS chain`,
    { superiors: [...new Set(superiorIds)], from },
  );
  return (rows[0]?.chain as string[] | undefined) ?? [];
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
       MATCH (y) (()-[r:${STRUCTURE}]->(:Unit) WHERE r.validTo IS NULL OR r.validTo >= date($from)){1,${MAX_STRUCTURE_DEPTH}} (s:Unit)
       WHERE EXISTS { (s)-[q:${STRUCTURE}]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
       RETURN collect(DISTINCT s.id) AS chain
     }
     CALL () {
       MATCH (x:Unit {id: $unit})
       WHERE NOT EXISTS { (x)-[q:${STRUCTURE}]->(:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from) }
       MATCH (c:Unit)-[q:${STRUCTURE}]->(x) WHERE q.validTo IS NULL OR q.validTo >= date($from)
       RETURN collect(DISTINCT c.id) AS below
     }
     CALL () {
       MATCH (:Unit {id: $unit})-[q:${STRUCTURE}]->(o:Unit) WHERE q.validTo IS NULL OR q.validTo >= date($from)
       RETURN collect(DISTINCT o.id) AS current
     }
     WITH chain + below + current AS ids, current`;
