/**
 * One change to the graph = one write transaction: take the hierarchy lock (so concurrent
 * writers are serialised), have src/auth/scope.ts judge the units the change names (the store
 * only answers which of them lie in the principal's subtrees), make the writes, record the event
 * and an audit record (before / after) for every unit and relation touched, check the
 * invariants, and commit — or throw, and the transaction rolls back, leaving nothing behind.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.ts";
import { assertMayCreateRoot, assertScope, type Named, unknownId } from "../auth/scope.ts";
import { previousDay } from "../domain/dates.ts";
import { DomainError } from "../domain/errors.ts";
import { violationError } from "../domain/invariants.ts";
import type { Database, Row, TransactionRunner } from "./database.ts";
import { bumpGraphVersion } from "./graph-version.ts";
import { checkInvariants, subtreeMembership } from "./invariant-checks.ts";

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
  /** Records the state of units before they change (call before writing them). */
  touchUnits(ids: readonly string[]): Promise<void>;
  /** Records the state of relations before they change (call before writing them). */
  touchRelations(ids: readonly string[]): Promise<void>;
  /** Asks src/auth/scope.ts whether the principal may touch these units (throws FORBIDDEN if not). */
  authorize(named: readonly Named[]): Promise<void>;
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

async function relationStates(tx: TransactionRunner, ids: readonly string[]): Promise<Map<string, Row>> {
  const rows = await tx.run(
    `UNWIND $ids AS rid MATCH (a:Unit)-[r]->(b:Unit) WHERE r.id = rid
     RETURN r.id AS id, r {.*, type: type(r), from: a.id, to: b.id} AS p`,
    { ids: [...ids] },
  );
  return new Map(rows.map((r) => [r.id as string, r.p as Row]));
}

/** JSON with sorted keys, so that equal states compare equal. */
function canonical(p: Row | undefined): string | null {
  if (!p) return null;
  return JSON.stringify(Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b))));
}

export async function runChange(
  db: Database,
  principal: Principal,
  event: EventInput,
  work: (session: ChangeSession) => Promise<void>,
): Promise<string> {
  const eventId = `evt-${randomUUID()}`;
  // Within the write time budget (WRITE_TIMEOUT_MS, lock wait included), or rolled back: no client waits unboundedly.
  return db.boundedWriteTransaction(async (tx) => {
    await tx.run("MATCH (l:WriteLock {id: 'hierarchy'}) SET l.lastEvent = $eventId", { eventId });
    await bumpGraphVersion(tx);
    await requireProvisions(tx, event.basis);
    const before: Before = { units: new Map(), relations: new Map() };
    await work(openSession(tx, principal, event, eventId, before));

    const violations = await checkInvariants(
      tx,
      [...before.units.keys()],
      [...before.relations.keys()],
      [...before.relations.keys()].filter((id) => before.relations.get(id) === null),
    );
    if (violations[0]) throw violationError(violations[0]);
    const changes = await changesSince(tx, before);
    if (changes.length === 0)
      throw new DomainError("BAD_USER_INPUT", `${event.kind}: nothing to change`, { rule: "NO_CHANGE" });
    await recordEvent(tx, principal, event, eventId, changes);
    return eventId;
  });
}

/** The state of every unit and relation the change touched, before it touched them (null: it did not exist). */
interface Before {
  units: Snapshot;
  relations: Snapshot;
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
    async touchUnits(ids) {
      const fresh = ids.filter((id) => !before.units.has(id));
      const states = await unitStates(tx, fresh);
      for (const id of fresh) before.units.set(id, canonical(states.get(id)));
    },
    async touchRelations(ids) {
      const fresh = ids.filter((id) => !before.relations.has(id));
      const states = await relationStates(tx, fresh);
      for (const id of fresh) before.relations.set(id, canonical(states.get(id)));
    },
    authorize: (named) =>
      assertScope(principal, event.kind, named, (ids, scopes) =>
        subtreeMembership(tx, ids, scopes, [previousDay(event.effectiveOn), event.effectiveOn]),
      ),
    unknown: (what, argument, id) => unknownId(principal, event.kind, what, argument, id),
    mayCreateRoot: () => assertMayCreateRoot(principal, event.kind),
  };
}

/** The audit records of the change: one per unit and relation whose state differs from before. */
async function changesSince(tx: TransactionRunner, before: Before): Promise<Row[]> {
  const unitIds = [...before.units.keys()];
  const relationIds = [...before.relations.keys()];
  const unitsAfter = await unitStates(tx, unitIds);
  const relationsAfter = await relationStates(tx, relationIds);
  const changes: Row[] = [];
  for (const id of unitIds) {
    const was = before.units.get(id) ?? null;
    const after = canonical(unitsAfter.get(id));
    if (was !== after) changes.push(change("UNIT", id, was, after, [id]));
  }
  for (const id of relationIds) {
    const was = before.relations.get(id) ?? null;
    const state = relationsAfter.get(id);
    const after = canonical(state);
    const ends = state ? [state.from as string, state.to as string] : endsOf(was);
    if (was !== after) changes.push(change("RELATION", id, was, after, ends));
  }
  return changes;
}

/** The Event node and its Change records, linked to every unit they touched. */
async function recordEvent(
  tx: TransactionRunner,
  principal: Principal,
  event: EventInput,
  eventId: string,
  changes: Row[],
): Promise<void> {
  await tx.run(
    `CREATE (e:Event {id: $eventId, kind: $kind, effectiveOn: date($effectiveOn), basis: $basis, actor: $actor,
                      recordedAt: datetime(), note: $note})
     WITH e
     UNWIND $changes AS c
     CREATE (ch:Change {id: c.id, eventId: $eventId, at: e.recordedAt, actor: $actor, entity: c.entity,
                        entityId: c.entityId, operation: c.operation, before: c.before, after: c.after, unitIds: c.unitIds})
     CREATE (ch)-[:IN_EVENT]->(e)
     WITH e, ch, c
     UNWIND c.unitIds AS uid
     MATCH (u:Unit {id: uid})
     MERGE (ch)-[:CHANGED]->(u)
     MERGE (e)-[:AFFECTED]->(u)`,
    {
      eventId,
      kind: event.kind,
      effectiveOn: event.effectiveOn,
      basis: event.basis,
      actor: principal.subject,
      note: event.note ?? null,
      changes,
    },
  );
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

async function requireProvisions(tx: TransactionRunner, basis: readonly string[]): Promise<void> {
  if (basis.length === 0)
    throw new DomainError("BAD_USER_INPUT", 'Argument "basis": cite at least one provision id', {
      argument: "basis",
    });
  const rows = await tx.run(
    "UNWIND $ids AS id OPTIONAL MATCH (p:Provision {id: id}) WITH id, p WHERE p IS NULL RETURN id",
    {
      ids: [...basis],
    },
  );
  if (rows.length > 0)
    throw new DomainError(
      "BAD_USER_INPUT",
      `Argument "basis": unknown provision ${rows.map((r) => `"${r.id}"`).join(", ")}`,
      { argument: "basis" },
    );
}
