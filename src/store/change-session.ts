/**
 * One change to the graph = one write transaction: lock the units it names and will write
 * (Neo4j's own node locks, so that changes to different parts of the hierarchy run side by side
 * and changes to the same units serialise), have src/auth/scope.ts judge the units the change
 * names (the store only answers which of them lie in the principal's subtrees), make the writes,
 * check the invariants on what changed, record the event and an audit record (before / after)
 * for every unit and relation changed, check that the basis names known provisions, raise one of
 * the graph's version counters, and commit — or throw, and the transaction rolls back, leaving
 * nothing behind.
 *
 * Each statement costs Neo4j and the driver far more than the few dozen db hits a change's
 * statements do (bench/RESULTS.md, "Writes at scale"), so a change makes as few as it can: the
 * lock statements also answer the locked units' properties and, for an editor, where they lie
 * for the scope check on every day the change holds (until the change touches anything), the
 * event's statement also checks the basis, raises the version and answers the Event.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.ts";
import { assertMayCreateRoot, assertScope, idsOf, type Named, unknownId } from "../auth/scope.ts";
import { previousDay } from "../domain/dates.ts";
import { DomainError } from "../domain/errors.ts";
import { firstViolation, type Violation, violationError } from "../domain/invariants.ts";
import { type EventRecord, eventOnceEnded } from "./change-repository.ts";
import type { Database, Row, TransactionRunner } from "./database.ts";
import { BUMP_VERSION_STRIPE, versionStripe } from "./graph-version.ts";
import { type ChangedParts, checkInvariants } from "./invariant-checks.ts";
import { type RelationRef, relationStates, relationStatesCypher } from "./relation-lookup.ts";
import {
  type ChangeSpan,
  type InForceMembership,
  type Membership,
  membershipInForce,
} from "./scope-membership.ts";
import {
  chainsAbove,
  holdUnits,
  type Locked,
  lockPlacement,
  lockRound,
  lockUnits,
  placementLocks,
  type ScopeAsk,
} from "./write-locks.ts";

export interface EventInput {
  kind: string;
  effectiveOn: string;
  basis: string[];
  note?: string | null;
}

export interface ChangeSession {
  tx: TransactionRunner;
  eventId: string;
  effectiveOn: string;
  /**
   * Takes the write locks of these units for the rest of the transaction (src/store/unit-locks.ts):
   * call it before reading what the change decides on, so that a concurrent change to them
   * either has committed (and is seen) or waits for this one.
   */
  lock(ids: readonly (string | null | undefined)[]): Promise<void>;
  /**
   * Locks what hanging `unitId` under `superiorId` (SUBORDINATE_TO, from `from`) needs so that no
   * concurrent change can close a cycle with it: the two units and the superiors above
   * (src/store/write-locks.ts, placementLocks).
   */
  lockPlacement(unitId: string, superiorId: string, from: string): Promise<void>;
  /** Locks units and records their state before they change (call before writing them). */
  touchUnits(ids: readonly string[]): Promise<void>;
  /**
   * Locks units whose relations this change is about to write but whose properties it does not
   * (the ends of links it ends or makes): from here it writes, as after touchUnits, but no state
   * before is kept for them — their properties stay as they are, so they have no audit record;
   * keeping and comparing them cost a province's merger the states of every unit it moved, twice.
   * A unit whose properties the change writes as well is touched (touchUnits) before that write.
   */
  lockEnds(ids: readonly string[]): Promise<void>;
  /**
   * Records a unit this transaction is about to create (its state before: none); it holds the
   * new node's lock from its creation. Saves locking an id that names nothing.
   */
  touchNewUnit(id: string): void;
  /** Whether this change creates the unit (no other change can see it before the commit). */
  isNew(id: string): boolean;
  /**
   * Units this change links to without writing them (a superior that gains a subordinate, the far
   * end of a carried relation): call before making the links. Only the sparse ones are locked; a
   * dense one is held by the link's own creation (src/store/write-locks.ts, "Superiors").
   */
  lockLinked(ids: readonly string[]): Promise<void>;
  /**
   * Notes that this change hangs units under these superiors from `from`: the superiors above
   * them (but the topmost, and but those above a superior the change creates) are locked just
   * before the invariant checks, when the change's links hold the superiors
   * (src/store/write-locks.ts, "Superiors").
   */
  lockChainsLater(superiorIds: readonly string[], from: string): void;
  /**
   * The properties of these units as they are now (null: no such unit), by id. Those of units
   * this transaction has locked but not touched are kept: no other change can alter them, and
   * this one does not until it touches them, so a later read of them (or touchUnits, for their
   * state before) needs no statement.
   */
  unitStates(ids: readonly string[]): Promise<Map<string, Row | null>>;
  /**
   * Records the state of relations before they change (call before writing them); `state`, when
   * the caller has just read it (its ends locked), saves reading it again.
   */
  touchRelations(rels: readonly (RelationRef & { state?: Row })[]): Promise<void>;
  /**
   * Records a relation this transaction is about to create, having just found that no relation
   * has its id (its state before: none); saves reading it again.
   */
  touchNewRelation(rel: RelationRef): void;
  /**
   * Asks src/auth/scope.ts whether the principal may touch these units (throws FORBIDDEN if not),
   * judged on `on` or the day before (default: the change's date) and on every later day the
   * change holds — to `until` (its last day), or for good (src/store/scope-membership.ts): a
   * backdated change must not reach a unit that has left the scope since. A batch whose items
   * carry their own dates asks once per date, as the single mutation would.
   */
  authorize(named: readonly Named[], on?: string, until?: string | null): Promise<void>;
  /** The error for an id that names nothing (NOT_FOUND, or for an editor the outside-scope FORBIDDEN). */
  unknown(what: string, argument: string, id: string): DomainError;
  /** Refuses a new unit without a superior unless the principal may create one. */
  mayCreateRoot(): void;
}

type Snapshot = Map<string, string | null>;

async function unitStates(tx: TransactionRunner, ids: readonly string[]): Promise<Map<string, Row>> {
  const rows = await tx.run(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) RETURN u.id AS id, properties(u) AS p",
    {
      ids: [...ids],
    },
  );
  return new Map(rows.map((r) => [r.id as string, r.p as Row]));
}

/** JSON with sorted keys, so that equal states compare equal. */
function canonical(p: Row | undefined): string | null {
  if (!p) return null;
  return JSON.stringify(Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b))));
}

/** runChangeEvent's event id. */
export async function runChange(
  db: Database,
  principal: Principal,
  event: EventInput,
  work: (session: ChangeSession) => Promise<void>,
): Promise<string> {
  return (await runChangeEvent(db, principal, event, work)).id;
}

/**
 * Runs a change (the module's comment says how) and answers its Event as recorded, as
 * change-repository.ts findEvents reads it: the mutation's answer, without a read after the commit.
 */
export async function runChangeEvent(
  db: Database,
  principal: Principal,
  event: EventInput,
  work: (session: ChangeSession) => Promise<void>,
): Promise<EventRecord> {
  const eventId = `evt-${randomUUID()}`;
  // Within the write time budget (WRITE_TIMEOUT_MS, lock wait included), or rolled back: no client waits unboundedly.
  // A deadlock between two changes (each waiting for a unit the other locked) is retried there.
  requireBasis(event.basis);
  return db.boundedWriteTransaction(
    async (tx) => {
      const before: Before = {
        units: new Map(),
        relations: new Map(),
        types: new Map(),
        locked: new Set(),
        placed: new Set(),
        chains: new Map(),
        known: new Map(),
        scope: principal.role === "admin" ? null : new Map(),
      };
      await work(openSession(tx, principal, event, eventId, before));
      await lockChains(tx, before);
      return recordChanges(tx, principal, event, eventId, before);
    },
    // The connection lost during COMMIT: whether it committed is read back (src/store/database.ts).
    (tx) => eventOnceEnded(tx, eventId),
  );
}

/** The state of every unit and relation the change touched, before it touched them (null: it did not exist). */
interface Before {
  units: Snapshot;
  relations: Snapshot;
  /** The type of every relation in `relations` (its id index is per type). */
  types: Map<string, string>;
  /** The units this transaction holds the write lock of. */
  locked: Set<string>;
  /** The placements (unit, superior, date) whose locks it took. */
  placed: Set<string>;
  /** The superiors it hangs units under, by date: the superiors above them are locked before the checks (lockChains). */
  chains: Map<string, Set<string>>;
  /** The properties of units it has locked and not touched, as read (null: no such unit). */
  known: Map<string, Row | null>;
  /**
   * For an editor, what the lock statements also read: where the units they lock lie, judged as
   * membershipInForce judges them for the change's date and for good (ownSpan). Null for an
   * admin, and once the change has touched anything: from then on it may have written, and a
   * scope check must read the graph as it is then.
   */
  scope: Map<string, InForceMembership> | null;
}

/** The span the lock statements judge scope membership for: the change's date, for good. */
function ownSpan(event: EventInput): ChangeSpan {
  return { on: event.effectiveOn, dayBefore: previousDay(event.effectiveOn), until: null };
}

/** The session a change's work runs in: its transaction, what it touched, and the scope checks (src/auth/scope.ts). */
function openSession(
  tx: TransactionRunner,
  principal: Principal,
  event: EventInput,
  eventId: string,
  before: Before,
): ChangeSession {
  return {
    tx,
    eventId,
    effectiveOn: event.effectiveOn,
    lock: (ids) => lockOnce(tx, before, ids, ask(principal, event, before)),
    async lockPlacement(unitId, superiorId, from) {
      const key = JSON.stringify([unitId, superiorId, from]);
      if (before.placed.has(key)) return;
      before.placed.add(key);
      // Read, lock and read again (one statement), and lock and read again until nothing new
      // appears: a move committed between the read and the lock may have put other superiors above.
      const placed = await lockPlacement(
        tx,
        unitId,
        superiorId,
        from,
        [...before.locked],
        ask(principal, event, before),
      );
      if (!placed) return lockOnce(tx, before, [unitId, superiorId], ask(principal, event, before));
      noteLocked(before, placed.wanted, placed);
      let ids = placed.again;
      for (let round = 0; !ids.every((id) => before.locked.has(id)); round++) {
        lockRound(round);
        await lockOnce(tx, before, ids, ask(principal, event, before));
        ids = await placementLocks(tx, unitId, superiorId, from);
      }
    },
    async touchUnits(ids) {
      const fresh = [...new Set(ids)].filter((id) => !before.units.has(id));
      if (fresh.length === 0) return;
      before.scope = null;
      await lockOnce(tx, before, fresh);
      const unknown = fresh.filter((id) => !before.known.has(id));
      const states = unknown.length > 0 ? await unitStates(tx, unknown) : new Map<string, Row>();
      for (const id of fresh) {
        const state = before.known.has(id) ? before.known.get(id) : states.get(id);
        before.units.set(id, canonical(state ?? undefined));
        // Touched: this change may write it from now on.
        before.known.delete(id);
      }
    },
    async lockEnds(ids) {
      before.scope = null;
      await lockOnce(tx, before, ids);
      // Their properties as the locks read them are not needed again unless the change touches
      // them (then read once more): not held, a merger's thousands of moved units.
      for (const id of ids) before.known.delete(id);
    },
    isNew: (id) => isNew(before, id),
    async lockLinked(ids) {
      const fresh = [...new Set(ids)].filter((id) => !before.locked.has(id));
      if (fresh.length === 0) return;
      const held = await lockUnits(tx, fresh, ask(principal, event, before), true);
      noteLocked(before, [...held.states.keys()], held);
    },
    lockChainsLater(superiorIds, from) {
      const held = before.chains.get(from) ?? new Set<string>();
      for (const id of superiorIds) held.add(id);
      before.chains.set(from, held);
    },
    touchNewUnit(id) {
      before.scope = null;
      if (before.units.has(id)) return;
      before.units.set(id, null);
      before.locked.add(id);
      before.known.delete(id);
    },
    async unitStates(ids) {
      const wanted = [...new Set(ids)];
      const unknown = wanted.filter((id) => !before.known.has(id));
      const states = unknown.length > 0 ? await unitStates(tx, unknown) : new Map<string, Row>();
      for (const id of unknown)
        if (before.locked.has(id) && !before.units.has(id)) before.known.set(id, states.get(id) ?? null);
      return new Map(
        wanted.map((id) => [
          id,
          before.known.has(id) ? (before.known.get(id) ?? null) : (states.get(id) ?? null),
        ]),
      );
    },
    async touchRelations(rels) {
      const fresh = rels.filter((r) => !before.relations.has(r.id));
      if (fresh.length === 0) return;
      before.scope = null;
      const unread = fresh.filter((r) => !r.state);
      const states = unread.length > 0 ? await relationStates(tx, unread) : new Map<string, Row>();
      for (const r of fresh) if (r.state) states.set(r.id, r.state);
      for (const r of fresh) {
        before.types.set(r.id, r.type);
        before.relations.set(r.id, canonical(states.get(r.id)));
      }
    },
    touchNewRelation(rel) {
      before.scope = null;
      if (before.relations.has(rel.id)) return;
      before.types.set(rel.id, rel.type);
      before.relations.set(rel.id, null);
    },
    // A change must stay inside the scope for as long as it holds (membershipInForce).
    authorize: (named, on = event.effectiveOn, until = null) =>
      assertScope(principal, event.kind, named, (ids, scopes) =>
        scopeFacts(tx, before, ids, scopes, leavingIds(named), on === event.effectiveOn ? until : undefined, {
          on,
          dayBefore: previousDay(on),
          until,
        }),
      ),
    unknown: (what, argument, id) => unknownId(principal, event.kind, what, argument, id),
    mayCreateRoot: () => assertMayCreateRoot(principal, event.kind),
  };
}

/** The units a change moves, closes, splits or merges away (Named.structural, not gains): judged from the day before it. */
function leavingIds(named: readonly Named[]): Set<string> {
  return new Set(idsOf(named.filter((n) => n.structural && !n.gains)));
}

/** What a lock statement is asked about scope: for an editor whose change has touched nothing yet. */
function ask(principal: Principal, event: EventInput, before: Before): ScopeAsk | undefined {
  return before.scope ? { scopes: principal.scopes, span: ownSpan(event) } : undefined;
}

/**
 * Where `ids` lie for the scope check of a change judged on `span`: from what the lock statements
 * answered, where that holds for the span — they judged the change's date for good, which answers
 * a span to `until` from that date exactly when `until` is null, and where it found a unit inside
 * (and below a root) for good, for a shorter span too (`sameDayUntil`: undefined when the span
 * starts on another day) — and from membershipInForce for the rest. A unit in `leaving` (one the
 * change moves or closes away) is judged from the day before the change; any other from its day.
 */
async function scopeFacts(
  tx: TransactionRunner,
  before: Before,
  ids: readonly string[],
  scopes: readonly string[],
  leaving: ReadonlySet<string>,
  sameDayUntil: string | null | undefined,
  span: ChangeSpan,
): Promise<{ within: Set<string>; below: Set<string> }> {
  const view = (id: string, m: InForceMembership): Membership => (leaving.has(id) ? m.leaving : m);
  const cached = sameDayUntil === undefined ? null : before.scope;
  const held = (id: string) => {
    const m = cached?.get(id);
    if (!m) return null;
    const v = view(id, m);
    return sameDayUntil === null || (v.within && v.below) ? v : null;
  };
  const rest = ids.filter((id) => !held(id));
  const read = rest.length > 0 ? await membershipInForce(tx, rest, scopes, span) : new Map();
  const facts = { within: new Set<string>(), below: new Set<string>() };
  for (const id of ids) {
    const m = held(id) ?? (read.has(id) ? view(id, read.get(id) as InForceMembership) : null);
    if (m?.within) facts.within.add(id);
    if (m?.below) facts.below.add(id);
  }
  return facts;
}

/** Whether this change created the unit (its state before: none). */
function isNew(before: Before, id: string): boolean {
  return before.units.has(id) && before.units.get(id) === null;
}

/**
 * Holds the superiors above those this change hung units under (lockChainsLater), shared
 * (holdUnits: a move of one of them waits, another change hanging units below them does not):
 * after its links are made, which hold those superiors, so that none of them can move meanwhile
 * and the chain read here is the one the checks see; read, hold and read again until nothing new
 * appears.
 */
async function lockChains(tx: TransactionRunner, before: Before): Promise<void> {
  const held = new Set<string>();
  for (const [from, superiors] of before.chains) {
    const committed = [...superiors].filter((id) => !isNew(before, id));
    for (let round = 0; ; round++) {
      const fresh = (await chainsAbove(tx, committed, from)).filter(
        (id) => !before.locked.has(id) && !held.has(id),
      );
      if (fresh.length === 0) break;
      lockRound(round);
      await holdUnits(tx, fresh);
      for (const id of fresh) held.add(id);
    }
  }
}

/** Locks the units not locked yet by this transaction, keeping their properties as read once locked. */
async function lockOnce(
  tx: TransactionRunner,
  before: Before,
  ids: readonly (string | null | undefined)[],
  scope?: ScopeAsk,
): Promise<void> {
  const fresh = [...new Set(ids)].filter((id): id is string => !!id && !before.locked.has(id));
  if (fresh.length === 0) return;
  noteLocked(before, fresh, await lockUnits(tx, fresh, scope));
}

/**
 * Marks `ids` locked; the properties of those just locked (`states`: an id absent from it names
 * no unit) are kept while this change has not touched them.
 */
function noteLocked(before: Before, ids: readonly string[], { states, scope }: Locked): void {
  for (const [id, m] of scope) before.scope?.set(id, m);
  for (const id of ids) {
    if (before.locked.has(id)) continue;
    before.locked.add(id);
    if (!before.units.has(id)) before.known.set(id, states.get(id) ?? null);
  }
}

/**
 * How many touched units and relations one round of a change's audit takes: their states after
 * are read, the invariants checked on them and their audit records written before the next
 * round's are read. A province's merger touches tens of thousands; held all at once — the states
 * before and after as objects and JSON, the audit rows, the statement's parameters and the
 * driver's packed copy of them — two of them in flight took the service past 300 MB RSS (issue
 * 16, item 6). Rounds keep one round's worth besides the states before, and each round frees
 * the states before it has compared.
 */
export const AUDIT_CHUNK = 1000;

/** A round of the audit: some of the touched units and relations. */
interface AuditChunk {
  unitIds: string[];
  refs: RelationRef[];
}

/** The touched units, then the touched relations, AUDIT_CHUNK at a time (ids only: the states stay in `before`). */
function* auditChunks(before: Before): Generator<AuditChunk> {
  let chunk: AuditChunk = { unitIds: [], refs: [] };
  const full = () => chunk.unitIds.length + chunk.refs.length >= AUDIT_CHUNK;
  for (const id of [...before.units.keys()]) {
    chunk.unitIds.push(id);
    if (full()) {
      yield chunk;
      chunk = { unitIds: [], refs: [] };
    }
  }
  for (const id of [...before.relations.keys()]) {
    chunk.refs.push({ id, type: before.types.get(id) as string });
    if (full()) {
      yield chunk;
      chunk = { unitIds: [], refs: [] };
    }
  }
  if (chunk.unitIds.length + chunk.refs.length > 0) yield chunk;
}

/**
 * Checks and records the change round by round (AUDIT_CHUNK): for each round, the states after,
 * the invariant checks on what changed in it (each check is anchored on one changed unit or
 * relation against the whole graph as the change left it, so the rounds together check exactly
 * what one check of everything would), and its audit records, written with the Event (created,
 * and the basis checked, before the first round: an unknown provision is the error reported
 * whatever a round finds). Then the Event's answer and the version, in the last statement. A violation stops the recording but not the checks, so that the violation reported
 * is the one a single check of everything would report first (firstViolation); then the
 * transaction rolls back, with whatever rounds it wrote.
 */
async function recordChanges(
  tx: TransactionRunner,
  principal: Principal,
  event: EventInput,
  eventId: string,
  before: Before,
): Promise<EventRecord> {
  let violation: Violation | null = null;
  let recorded = 0;
  const affected = new Set<string>();
  // The basis first, whatever the rounds find: an unknown provision is reported for any change citing it.
  await openEvent(tx, principal, event, eventId);
  for (const chunk of auditChunks(before)) {
    const { changes, parts } = await changesSince(tx, before, chunk);
    violation = firstViolation(violation, await checkInvariants(tx, parts));
    if (violation || changes.length === 0) continue;
    const fresh = [...new Set(changes.flatMap((c) => c.unitIds as string[]))].filter(
      (id) => !affected.has(id),
    );
    for (const id of await recordAudit(tx, principal, eventId, changes, fresh)) affected.add(id);
    recorded += changes.length;
  }
  if (violation) throw violationError(violation);
  if (recorded === 0)
    throw new DomainError("BAD_USER_INPUT", `${event.kind}: nothing to change`, { rule: "NO_CHANGE" });
  // The version is raised in the last statement, so that its node is held only from there to the commit.
  return closeEvent(tx, eventId, [...affected]);
}

/**
 * The audit records of one round — one per unit and relation whose state differs from before —
 * and what changed, for the invariant checks (only that part of the graph can break one). The
 * round's states before are dropped from `before` once compared.
 */
async function changesSince(
  tx: TransactionRunner,
  before: Before,
  { unitIds, refs }: AuditChunk,
): Promise<{ changes: Row[]; parts: ChangedParts }> {
  const { unitsAfter, relationsAfter } = await statesAfter(tx, unitIds, refs);
  const changes: Row[] = [];
  const parts: ChangedParts = { units: [], relations: [], created: [] };
  for (const id of unitIds) {
    const was = before.units.get(id) ?? null;
    before.units.delete(id);
    const state = unitsAfter.get(id);
    const after = canonical(state);
    if (was === after) continue;
    changes.push(change("UNIT", id, was, after, [id]));
    if (state) parts.units.push({ id, state, validityChanged: validityChanged(was, state) });
  }
  for (const { id, type } of refs) {
    const was = before.relations.get(id) ?? null;
    before.relations.delete(id);
    before.types.delete(id);
    const state = relationsAfter.get(id);
    const after = canonical(state);
    const ends = state ? [state.from as string, state.to as string] : endsOf(was);
    if (was === after) continue;
    changes.push(change("RELATION", id, was, after, ends));
    if (!state) continue;
    const rel = { id, type, state, before: was === null ? null : (JSON.parse(was) as Row) };
    parts.relations.push(rel);
    if (was === null) parts.created.push(rel);
  }
  return { changes, parts };
}

/** The states of the touched units and relations after the change, in one statement. */
async function statesAfter(
  tx: TransactionRunner,
  unitIds: readonly string[],
  refs: readonly RelationRef[],
): Promise<{ unitsAfter: Map<string, Row>; relationsAfter: Map<string, Row> }> {
  if (refs.length === 0) return { unitsAfter: await unitStates(tx, unitIds), relationsAfter: new Map() };
  if (unitIds.length === 0) return { unitsAfter: new Map(), relationsAfter: await relationStates(tx, refs) };
  const rels = relationStatesCypher(refs);
  const rows = await tx.run(
    `CALL () {
       UNWIND $unitIds AS id MATCH (u:Unit {id: id}) RETURN 'UNIT' AS entity, u.id AS id, properties(u) AS p
       UNION ALL
       ${rels.cypher.replaceAll("RETURN r.id AS id", "RETURN 'RELATION' AS entity, r.id AS id")}
     }
     RETURN entity, id, p`,
    { unitIds: [...unitIds], ids: rels.ids },
  );
  const pick = (entity: string) =>
    new Map(rows.filter((r) => r.entity === entity).map((r) => [r.id as string, r.p as Row]));
  return { unitsAfter: pick("UNIT"), relationsAfter: pick("RELATION") };
}

/** Whether a unit is new or its validity changed (then its relations must lie within the new one). */
function validityChanged(was: string | null, after: Row): boolean {
  if (was === null) return true;
  const b = JSON.parse(was) as Row;
  return (
    (b.validFrom ?? null) !== (after.validFrom ?? null) || (b.validTo ?? null) !== (after.validTo ?? null)
  );
}

/**
 * The Event node, before the audit's first round; the basis is checked here (an unknown provision
 * rolls the change back before any invariant check or audit record, so that it is the error
 * reported, whichever round a violation would be found in).
 */
async function openEvent(
  tx: TransactionRunner,
  principal: Principal,
  event: EventInput,
  eventId: string,
): Promise<void> {
  const rows = await tx.run(
    `CALL () {
       UNWIND $basis AS id
       OPTIONAL MATCH (p:Provision {id: id})
       WITH id, p WHERE p IS NULL
       RETURN collect(DISTINCT id) AS unknownBasis
     }
     CREATE (e:Event {id: $eventId, kind: $kind, effectiveOn: date($effectiveOn), basis: $basis, actor: $actor,
                      recordedAt: datetime(), note: $note})
     RETURN unknownBasis`,
    {
      eventId,
      kind: event.kind,
      effectiveOn: event.effectiveOn,
      basis: event.basis,
      actor: principal.subject,
      note: event.note ?? null,
    },
  );
  const unknown = (rows[0]?.unknownBasis as string[] | undefined) ?? [];
  if (unknown.length > 0) throw unknownProvisionError(unknown, "basis");
}

/**
 * One round's Change records, linked to the Event and to every unit they touched, and the Event's
 * AFFECTED links to `fresh` (the round's units no earlier round linked: once per distinct unit —
 * a MERGE per change and unit searched the Event's growing links again for each, quadratic in a
 * large import). A Change is new, so its CHANGED links are created, not merged. Each unit the
 * round names is looked up once — a relation's change names its two ends, which the round's unit
 * changes name again (the replay's index seeks, issue 16 item 5) — and the lists travel in one
 * map parameter, planned once whatever their sizes. Answers the ids of `fresh` that name a unit.
 */
async function recordAudit(
  tx: TransactionRunner,
  principal: Principal,
  eventId: string,
  changes: Row[],
  fresh: string[],
): Promise<string[]> {
  // The changes and `fresh` point into `ids` by position (`units`: [unit] or [null] at each, in order).
  const ids = [...new Set(changes.flatMap((c) => c.unitIds as string[]))];
  const position = new Map(ids.map((id, i) => [id, i]));
  const at = (list: string[]) => list.map((id) => position.get(id) as number);
  const rows = await tx.run(
    `MATCH (e:Event {id: $eventId})
     CALL () {
       UNWIND range(0, size($in.ids) - 1) AS i
       WITH i, $in.ids[i] AS id
       OPTIONAL MATCH (u:Unit {id: id})
       WITH i, u ORDER BY i
       RETURN collect([u]) AS units
     }
     CALL (e, units) {
       UNWIND $in.changes AS c
       CREATE (ch:Change {id: c.id, eventId: $eventId, at: e.recordedAt, actor: $actor, entity: c.entity,
                          entityId: c.entityId, operation: c.operation, before: c.before, after: c.after, unitIds: c.unitIds})
       CREATE (ch)-[:IN_EVENT]->(e)
       WITH ch, c, units
       UNWIND c.at AS i
       WITH ch, units[i][0] AS u
       WHERE u IS NOT NULL
       CREATE (ch)-[:CHANGED]->(u)
     }
     CALL (e, units) {
       UNWIND $in.fresh AS i
       WITH units[i][0] AS u
       WHERE u IS NOT NULL
       CREATE (e)-[:AFFECTED]->(u)
       RETURN collect(u.id) AS linked
     }
     RETURN linked`,
    {
      eventId,
      actor: principal.subject,
      in: { ids, changes: changes.map((c) => ({ ...c, at: at(c.unitIds as string[]) })), fresh: at(fresh) },
    },
  );
  return (rows[0]?.linked as string[] | undefined) ?? [];
}

/**
 * The Event as findEvents (change-repository.ts) reads it — its AFFECTED units' ids ordered by
 * Cypher (`affected`, the ids the rounds linked) — and one of the graph's version counters
 * raised, in the change's last statement.
 */
async function closeEvent(tx: TransactionRunner, eventId: string, affected: string[]): Promise<EventRecord> {
  const rows = await tx.run(
    `MATCH (e:Event {id: $eventId})
     CALL () {
       UNWIND $affected AS id
       WITH id ORDER BY id
       RETURN collect(id) AS unitIds
     }
     WITH e, unitIds LIMIT 1
     ${BUMP_VERSION_STRIPE}
     RETURN e {.id, .kind, effectiveOn: toString(e.effectiveOn), .basis, .actor, recordedAt: toString(e.recordedAt),
               .note, unitIds: unitIds} AS e`,
    { versionStripe: versionStripe(), eventId, affected },
  );
  return rows[0]?.e as EventRecord;
}

function change(
  entity: string,
  entityId: string,
  before: string | null,
  after: string | null,
  unitIds: string[],
): Row {
  return {
    id: `chg-${randomUUID()}`,
    entity,
    entityId,
    operation:
      before === null
        ? "CREATED"
        : after === null
          ? "DELETED"
          : endedNow(before, after)
            ? "ENDED"
            : "UPDATED",
    before,
    after,
    unitIds: [...new Set(unitIds)],
  };
}

function endedNow(before: string, after: string): boolean {
  const b = JSON.parse(before) as Row;
  const a = JSON.parse(after) as Row;
  return (b.validTo ?? null) === null && (a.validTo ?? null) !== null;
}

function endsOf(state: string | null): string[] {
  if (!state) return [];
  const s = JSON.parse(state) as Row;
  return [s.from as string, s.to as string].filter(Boolean);
}

/** Refuses an empty basis (BAD_USER_INPUT naming `argument`). */
function requireBasis(basis: readonly string[], argument = "basis"): void {
  if (basis.length === 0)
    throw new DomainError("BAD_USER_INPUT", `Argument "${argument}": cite at least one provision id`, {
      argument,
    });
}

/** Refuses an empty basis or one naming a provision that does not exist (BAD_USER_INPUT naming `argument`). */
export async function requireProvisions(
  tx: TransactionRunner,
  basis: readonly string[],
  argument = "basis",
): Promise<void> {
  requireBasis(basis, argument);
  const unknown = await unknownProvisions(tx, basis);
  if (unknown.length > 0) throw unknownProvisionError(unknown, argument);
}

/** The ids among these that name no provision. */
export async function unknownProvisions(tx: TransactionRunner, ids: readonly string[]): Promise<string[]> {
  const rows = await tx.run(
    "UNWIND $ids AS id OPTIONAL MATCH (p:Provision {id: id}) WITH id, p WHERE p IS NULL RETURN id",
    { ids: [...new Set(ids)] },
  );
  return rows.map((r) => r.id as string);
}

/** BAD_USER_INPUT naming `argument` for provisions that do not exist. */
export function unknownProvisionError(unknown: readonly string[], argument: string): DomainError {
  return new DomainError(
    "BAD_USER_INPUT",
    `Argument "${argument}": unknown provision ${unknown.map((id) => `"${id}"`).join(", ")}`,
    { argument },
  );
}
