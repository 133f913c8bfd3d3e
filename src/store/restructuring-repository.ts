/**
 * The restructurings (merge, split, abolish a level) and the batch changes (create, move or close
 * many units, add many relations), each one transaction through runChange
 * (src/store/change-session.ts) — its event, audit records and invariant checks — made of the
 * set-based pieces of src/store/batch-changes.ts, so that a change of a thousand units costs a
 * few dozen statements, not thousands. Every unit a change names or moves is scope-checked.
 */
import type { Principal } from "../auth/principal.ts";
import { previousDay } from "../domain/dates.ts";
import { DomainError, quotedIds } from "../domain/errors.ts";
import { changeViolationError } from "../domain/invariants.ts";
import { isStructural } from "../domain/relation-types.ts";
import {
  carryRelations,
  carryRelationsOfMerges,
  closeUnits,
  createRelations,
  createUnits,
  groupBy,
  lockPlacements,
  type Move,
  moveUnits,
  type NewRelation,
  requireNamed,
  subordinatesOfSet,
  unitsEnding,
} from "./batch-changes.ts";
import {
  type ChangeSession,
  type EventInput,
  requireProvisions,
  runChange,
  unknownProvisionError,
  unknownProvisions,
} from "./change-session.ts";
import { active, STRUCTURE } from "./cypher-fragments.ts";
import type { Database } from "./database.ts";
import type { NewUnit } from "./mutation-repository.ts";
import { lockInScope } from "./scope-locks.ts";

/** The most units one closeUnits may end, its subtrees and organs included. */
export const MAX_UNITS_CLOSED = 20_000;

/** The superior (SUBORDINATE_TO, else PART_OF) each unit has on `date`, by id (none: absent). */
async function superiorsOn(
  s: ChangeSession,
  ids: readonly string[],
  date: string,
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await s.tx.run(
    `UNWIND $ids AS id
     MATCH (:Unit {id: id})-[r:${STRUCTURE}]->(p:Unit) WITH id, r, p, date($date) AS d WHERE ${active("r")}
     WITH id, p ORDER BY type(r) DESC
     RETURN id, collect(p.id)[0] AS superior`,
    { ids: [...new Set(ids)], date },
  );
  return new Map(rows.map((r) => [r.id as string, r.superior as string]));
}

/**
 * The units of `kind` in force on `lastDay` below any of `roots` (SUBORDINATE_TO in force then, up
 * to ten steps), locked and scope-checked (a refusal names `args.scope`) as units the change
 * closes; BAD_USER_INPUT naming `args.kind` when there is none.
 */
async function unitsOfLevel(
  s: ChangeSession,
  roots: readonly string[],
  kind: string,
  lastDay: string,
  args: { kind: string; scope: string },
): Promise<string[]> {
  const rows = await s.tx.run(
    `UNWIND $roots AS rid
     MATCH (root:Unit {id: rid}) WITH root, date($lastDay) AS d
     MATCH (x:Unit {kind: $kind}) (()-[r:SUBORDINATE_TO]->(n:Unit) WHERE ${active("r")}){1,10} (root)
     WHERE ${active("x")}
     RETURN DISTINCT x.id AS id ORDER BY id`,
    { roots: [...roots], kind, lastDay },
  );
  const under = quotedIds(roots);
  if (rows.length === 0)
    throw new DomainError(
      "BAD_USER_INPUT",
      `Argument "${args.kind}": no ${kind} is in force under ${under} on ${lastDay}`,
      { argument: args.kind },
    );
  const ids = rows.map((row) => row.id as string);
  const named = [{ argument: args.scope, ids, label: `(their ${kind} units)`, structural: true }];
  await lockInScope(s, named, () => s.lock(ids));
  return ids;
}

/** The superior (SUBORDINATE_TO, else PART_OF) a unit has on `date`. */
async function superiorOn(s: ChangeSession, unitId: string, date: string): Promise<string | null> {
  return (await superiorsOn(s, [unitId], date)).get(unitId) ?? null;
}

/**
 * Moves the subordinates of `sources` (those under them on `effectiveOn`) to `target(source)`,
 * each of which must be the editor's to move (a refusal names `argumentOf(source)`), the move
 * resting on `basisOf(source)`; returns them.
 */
async function moveSubordinates(
  s: ChangeSession,
  sources: readonly string[],
  target: (source: string) => string,
  effectiveOn: string,
  basisOf: (source: string) => readonly string[],
  argumentOf: (source: string) => string,
): Promise<{ id: string; superior: string }[]> {
  const inSources = new Set(sources);
  const children = (await subordinatesOfSet(s, sources, effectiveOn)).filter((c) => !inSources.has(c.id));
  const moves = children.map((c) => ({
    unitId: c.id,
    superiorId: target(c.superior),
    basis: basisOf(c.superior),
    argument: argumentOf(c.superior),
  }));
  await lockPlacements(s, moves, effectiveOn);
  await s.authorize(
    [...groupBy(moves, (m) => m.argument)].map(([argument, list]) => ({
      argument,
      ids: list.map((m) => m.unitId),
      label: "(their subordinates)",
      structural: true,
    })),
  );
  const units = await requireNamed(
    s,
    moves.flatMap((m) => [
      { id: m.unitId, argument: m.argument },
      { id: m.superiorId, argument: m.argument },
    ]),
  );
  await moveUnits(
    s,
    moves.map((m): Move => ({ ...m, type: "SUBORDINATE_TO" })),
    effectiveOn,
    units,
  );
  return children;
}

/**
 * The provisions each item of a batch cites (its own basis, if any) must exist: one lookup for
 * all, and BAD_USER_INPUT naming the first item that cites an unknown one (e.g. `input.moves[3].basis`).
 */
async function requireItemProvisions(
  s: ChangeSession,
  bases: readonly (readonly string[] | null | undefined)[],
  argumentOf: (index: number) => string,
): Promise<void> {
  const all = bases.flatMap((b) => b ?? []);
  if (all.length === 0) return;
  const unknown = await unknownProvisions(s.tx, all);
  const i = bases.findIndex((b) => b?.some((id) => unknown.includes(id)));
  if (i >= 0)
    throw unknownProvisionError(
      unknown.filter((id) => bases[i]?.includes(id)),
      argumentOf(i),
    );
}

/** Refuses an empty batch or one longer than `max`, naming its argument (the resolvers call it before any other work). */
export function assertBatch(length: number, max: number, argument: string): void {
  if (length === 0)
    throw new DomainError("BAD_USER_INPUT", `Argument "${argument}": list at least one`, { argument });
  if (length > max)
    throw new DomainError(
      "BAD_USER_INPUT",
      `Argument "${argument}": at most ${max} in one change (got ${length}); send the rest in further changes`,
      { argument, rule: "BATCH_LIMIT" },
    );
}

/** The limits of the batch mutations (how many items one change may carry). */
export const BATCH_LIMITS = {
  units: 1000,
  moves: 2000,
  closeIds: 1000,
  relations: 2000,
  merges: 500,
  /** The units merged by one mergeMany, all its mergers together (and by one mergeUnits). */
  mergedUnits: 2000,
  /** The parts one splitUnit makes. */
  splitParts: 200,
} as const;

/** A level a merger abolishes below its sources (mergeUnits' `abolishLevel`). */
export interface AbolishedLevel {
  kind: string;
  basis: string[];
}

/**
 * A merger's event: MERGE_UNITS on the merger's basis; one that also abolishes a level rests on
 * both bases and its note names the level and the basis of its end, so that the history tells
 * both restructurings apart.
 */
function mergerEvent(a: {
  sourceIds: readonly string[];
  into: NewUnit;
  effectiveOn: string;
  basis: string[];
  abolishLevel?: AbolishedLevel | null;
}): EventInput {
  const event = { kind: "MERGE_UNITS", effectiveOn: a.effectiveOn, basis: a.basis };
  const level = a.abolishLevel;
  if (!level) return event;
  return {
    ...event,
    basis: [...new Set([...a.basis, ...level.basis])],
    note: `Merger of ${a.sourceIds.join(", ")} into ${a.into.id} (basis ${a.basis.join(", ")}), abolishing the ${level.kind} level below them (basis ${level.basis.join(", ")})`,
  };
}

/** One merger of mergeMany (the resolver has checked its shape and that no unit is in two). */
export interface MergeItem {
  sourceIds: string[];
  into: NewUnit;
  superiorId: string | null;
  basis: string[] | null;
  subordinatesBasis: string[] | null;
}

/** Refuses a mergeMany over its limits, naming `input.merges` (before any other work). */
export function assertMergeBatch(merges: readonly { sourceIds: readonly string[] }[]): void {
  assertBatch(merges.length, BATCH_LIMITS.merges, "input.merges");
  const merged = merges.reduce((n, m) => n + m.sourceIds.length, 0);
  if (merged > BATCH_LIMITS.mergedUnits)
    throw new DomainError(
      "BAD_USER_INPUT",
      `Argument "input.merges": at most ${BATCH_LIMITS.mergedUnits} units merged in one change (got ${merged}); send the rest in further changes`,
      { argument: "input.merges", rule: "BATCH_LIMIT" },
    );
}

export const restructurings = {
  mergeUnits: (
    db: Database,
    p: Principal,
    a: {
      sourceIds: string[];
      into: NewUnit;
      superiorId?: string | null;
      effectiveOn: string;
      basis: string[];
      /** What the moves of the sources' subordinates rest on; default: basis. */
      subordinatesBasis?: string[] | null;
      /** A level below the sources that ends with them, its subordinates going straight to the new unit. */
      abolishLevel?: AbolishedLevel | null;
    },
  ) =>
    runChange(db, p, mergerEvent(a), async (s) => {
      const lastDay = previousDay(a.effectiveOn);
      if (a.sourceIds.length < 2)
        throw new DomainError("BAD_USER_INPUT", 'Argument "sourceIds": merge at least two units', {
          argument: "sourceIds",
        });
      const named = [
        { argument: "input.sourceIds", ids: a.sourceIds, structural: true },
        { argument: "input.superiorId", ids: [a.superiorId] },
      ];
      // Not the superior locked: it only gains the new unit (src/store/write-locks.ts, "Superiors").
      await lockInScope(s, named, () => s.lock(a.sourceIds));
      await requireNamed(
        s,
        a.sourceIds.map((id) => ({ id, argument: "input.sourceIds" })),
        lastDay,
      );
      if (a.subordinatesBasis) await requireProvisions(s.tx, a.subordinatesBasis, "input.subordinatesBasis");
      if (a.abolishLevel) await requireProvisions(s.tx, a.abolishLevel.basis, "input.abolishLevel.basis");
      // The level's units end with the sources, so their subordinates go to the new unit at once:
      // never hung, even for a moment, under a unit whose kind pairings refuse them.
      const level = a.abolishLevel
        ? await unitsOfLevel(s, a.sourceIds, a.abolishLevel.kind, lastDay, {
            kind: "input.abolishLevel.kind",
            scope: "input.abolishLevel",
          })
        : [];
      const inLevel = new Set(level);
      const superior = a.superiorId ?? (await superiorOn(s, a.sourceIds[0] as string, lastDay));
      // The merged unit hangs where its first source hung, unless told otherwise: that superior too
      // must be in scope (merged-away sources are below a root, so theirs normally is).
      if (!a.superiorId)
        await s.authorize([{ argument: "input.sourceIds", ids: [superior], label: "(their superior)" }]);
      await createUnits(
        s,
        [
          {
            unit: a.into,
            superiorId: superior,
            basis: a.basis,
            argument: "input.into",
            superiorArgument: "input.superiorId",
          },
        ],
        a.effectiveOn,
      );
      const argumentOf = (id: string) => (inLevel.has(id) ? "input.abolishLevel" : "input.sourceIds");
      await moveSubordinates(
        s,
        [...a.sourceIds, ...level],
        () => a.into.id,
        a.effectiveOn,
        () => a.subordinatesBasis ?? a.basis,
        argumentOf,
      );
      await carryRelations(s, a.sourceIds, a.into.id, a.effectiveOn, a.basis);
      await closeUnits(
        s,
        await unitsEnding(s, [...a.sourceIds, ...level], lastDay, false),
        lastDay,
        argumentOf,
      );
    }),

  splitUnit: (
    db: Database,
    p: Principal,
    a: {
      sourceId: string;
      parts: NewUnit[];
      assignments: { childId: string; partId: string }[];
      effectiveOn: string;
      basis: string[];
    },
  ) =>
    runChange(db, p, { kind: "SPLIT_UNIT", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      const lastDay = previousDay(a.effectiveOn);
      if (a.parts.length < 2)
        throw new DomainError("BAD_USER_INPUT", 'Argument "parts": split into at least two units', {
          argument: "parts",
        });
      const source = [{ argument: "input.sourceId", ids: [a.sourceId], structural: true }];
      await lockInScope(s, source, () => s.lock([a.sourceId]));
      await requireNamed(s, [{ id: a.sourceId, argument: "input.sourceId" }], lastDay);
      const superior = await superiorOn(s, a.sourceId, lastDay);
      await s.authorize([{ argument: "input.sourceId", ids: [superior], label: "(its superior)" }]);
      const partIds = a.parts.map((x) => x.id);
      await createUnits(
        s,
        a.parts.map((part, i) => ({
          unit: part,
          superiorId: superior,
          basis: a.basis,
          argument: `input.parts[${i}]`,
          superiorArgument: "input.sourceId",
        })),
        a.effectiveOn,
      );
      const children = (await subordinatesOfSet(s, [a.sourceId], a.effectiveOn)).map((c) => c.id);
      await s.authorize([
        { argument: "input.sourceId", ids: children, label: "(its subordinates)", structural: true },
      ]);
      for (const asg of a.assignments) {
        if (!partIds.includes(asg.partId))
          throw new DomainError(
            "BAD_USER_INPUT",
            `Argument "assignments": "${asg.partId}" is not one of the parts`,
            { argument: "assignments" },
          );
        if (!children.includes(asg.childId))
          throw new DomainError(
            "BAD_USER_INPUT",
            `Argument "assignments": "${asg.childId}" is not a subordinate of "${a.sourceId}" on ${a.effectiveOn}`,
            { argument: "assignments" },
          );
      }
      const target = (child: string) =>
        a.assignments.find((x) => x.childId === child)?.partId ?? (partIds[0] as string);
      const moves = children.map((c) => ({ unitId: c, superiorId: target(c) }));
      await lockPlacements(s, moves, a.effectiveOn);
      const units = await requireNamed(
        s,
        children.map((id) => ({ id, argument: "input.sourceId" })),
        a.effectiveOn,
      );
      await moveUnits(
        s,
        moves.map(
          (m): Move => ({ ...m, basis: a.basis, type: "SUBORDINATE_TO", argument: "input.sourceId" }),
        ),
        a.effectiveOn,
        units,
      );
      await carryRelations(s, [a.sourceId], partIds[0] as string, a.effectiveOn, a.basis);
      await closeUnits(
        s,
        await unitsEnding(s, [a.sourceId], lastDay, false),
        lastDay,
        () => "input.sourceId",
      );
    }),

  /**
   * Every unit of a kind below a committee ends the day before `effectiveOn`, with its organs;
   * all their subordinates move to the committee — in one set of statements for the whole level.
   */
  abolishLevel: (
    db: Database,
    p: Principal,
    a: { underId: string; kind: string; effectiveOn: string; basis: string[] },
  ) =>
    runChange(db, p, { kind: "ABOLISH_LEVEL", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      const lastDay = previousDay(a.effectiveOn);
      // Not the committee: it only gains the level's subordinates (src/store/write-locks.ts, "Superiors").
      await s.authorize([{ argument: "input.underId", ids: [a.underId] }]);
      await requireNamed(s, [{ id: a.underId, argument: "input.underId" }], a.effectiveOn);
      const closed = await unitsOfLevel(s, [a.underId], a.kind, lastDay, {
        kind: "kind",
        scope: "input.underId",
      });
      await moveSubordinates(
        s,
        closed,
        () => a.underId,
        a.effectiveOn,
        () => a.basis,
        () => "input.underId",
      );
      await closeUnits(s, await unitsEnding(s, closed, lastDay, false), lastDay, () => "input.underId");
    }),

  /**
   * Many independent mergers in one change (the communes of a province, say): the statements of
   * one mergeUnits for all of them — the new units created, the sources' subordinates moved, their
   * relations carried, the sources closed — with one event and its audit records.
   */
  mergeMany: (
    db: Database,
    p: Principal,
    a: { merges: MergeItem[]; effectiveOn: string; basis: string[]; note?: string | null },
  ) => {
    assertMergeBatch(a.merges);
    return runChange(
      db,
      p,
      { kind: "MERGE_MANY", effectiveOn: a.effectiveOn, basis: a.basis, note: a.note },
      async (s) => {
        const lastDay = previousDay(a.effectiveOn);
        const arg = (i: number) => `input.merges[${i}]`;
        const intoIds = new Set(a.merges.map((m) => m.into.id));
        // A superior that is an earlier merger's new unit is judged as that one's superior is.
        const named = a.merges.flatMap((m, i) => [
          { argument: `${arg(i)}.sourceIds`, ids: m.sourceIds, structural: true },
          {
            argument: `${arg(i)}.superiorId`,
            ids: m.superiorId && !intoIds.has(m.superiorId) ? [m.superiorId] : [],
          },
        ]);
        // Not the superiors locked: they only gain the new units (src/store/write-locks.ts, "Superiors").
        await lockInScope(s, named, () => s.lock(a.merges.flatMap((m) => m.sourceIds)));
        await requireNamed(
          s,
          a.merges.flatMap((m, i) => m.sourceIds.map((id) => ({ id, argument: `${arg(i)}.sourceIds` }))),
          lastDay,
        );
        await requireItemProvisions(
          s,
          a.merges.map((m) => m.basis),
          (i) => `${arg(i)}.basis`,
        );
        await requireItemProvisions(
          s,
          a.merges.map((m) => m.subordinatesBasis),
          (i) => `${arg(i)}.subordinatesBasis`,
        );
        const defaults = await superiorsOn(
          s,
          a.merges.flatMap((m) => (m.superiorId ? [] : [m.sourceIds[0] as string])),
          lastDay,
        );
        const superiorOf = (m: MergeItem) => m.superiorId ?? defaults.get(m.sourceIds[0] as string) ?? null;
        // A new unit hangs where its first source hung, unless told otherwise: that superior too must be in scope.
        await s.authorize(
          a.merges.flatMap((m, i) =>
            m.superiorId
              ? []
              : [{ argument: `${arg(i)}.sourceIds`, ids: [superiorOf(m)], label: "(their superior)" }],
          ),
        );
        await createUnits(
          s,
          a.merges.map((m, i) => ({
            unit: m.into,
            superiorId: superiorOf(m),
            basis: m.basis ?? a.basis,
            argument: `${arg(i)}.into`,
            superiorArgument: `${arg(i)}.superiorId`,
          })),
          a.effectiveOn,
        );
        const indexOf = new Map(a.merges.flatMap((m, i) => m.sourceIds.map((id) => [id, i] as const)));
        const sources = [...indexOf.keys()];
        const at = (source: string) => a.merges[indexOf.get(source) ?? 0] as MergeItem;
        const argumentOf = (source: string) =>
          indexOf.has(source) ? `${arg(indexOf.get(source) as number)}.sourceIds` : "input.merges";
        await moveSubordinates(
          s,
          sources,
          (source) => at(source).into.id,
          a.effectiveOn,
          (source) => at(source).subordinatesBasis ?? at(source).basis ?? a.basis,
          argumentOf,
        );
        await carryRelationsOfMerges(
          s,
          a.merges.map((m) => ({ sources: m.sourceIds, target: m.into.id, basis: m.basis ?? a.basis })),
          a.effectiveOn,
        );
        await closeUnits(s, await unitsEnding(s, sources, lastDay, false), lastDay, argumentOf);
      },
    );
  },

  /** Creates units (parents first) under their superiors, in one change. */
  createUnits: (
    db: Database,
    p: Principal,
    a: {
      units: { unit: NewUnit; superiorId: string | null; basis: string[] | null }[];
      effectiveOn: string;
      basis: string[];
    },
  ) => {
    // Before the transaction opens: an oversized batch costs no round trip and takes no lock.
    assertBatch(a.units.length, BATCH_LIMITS.units, "input.units");
    return runChange(
      db,
      p,
      { kind: "CREATE_UNITS", effectiveOn: a.effectiveOn, basis: a.basis },
      async (s) => {
        await requireItemProvisions(
          s,
          a.units.map((u) => u.basis),
          (i) => `input.units[${i}].basis`,
        );
        await createUnits(
          s,
          a.units.map((u, i) => ({
            unit: u.unit,
            superiorId: u.superiorId,
            basis: u.basis ?? a.basis,
            argument: `input.units[${i}].unit`,
            superiorArgument: `input.units[${i}].superiorId`,
          })),
          a.effectiveOn,
        );
      },
    );
  },

  /** Moves units under other superiors (each with its subtree) from a date, in one change. */
  moveUnits: (
    db: Database,
    p: Principal,
    a: {
      moves: { unitId: string; superiorId: string; basis: string[] | null }[];
      effectiveOn: string;
      basis: string[];
    },
  ) => {
    assertBatch(a.moves.length, BATCH_LIMITS.moves, "input.moves");
    return runChange(db, p, { kind: "MOVE_UNITS", effectiveOn: a.effectiveOn, basis: a.basis }, async (s) => {
      for (const [i, m] of a.moves.entries())
        if (m.unitId === m.superiorId)
          throw changeViolationError(
            { rule: "NO_CYCLE", units: [m.unitId], message: `"${m.unitId}" cannot be its own superior` },
            `input.moves[${i}].superiorId`,
          );
      await requireItemProvisions(
        s,
        a.moves.map((m) => m.basis),
        (i) => `input.moves[${i}].basis`,
      );
      const named = a.moves.flatMap((m, i) => [
        { argument: `input.moves[${i}].unitId`, ids: [m.unitId], structural: true },
        { argument: `input.moves[${i}].superiorId`, ids: [m.superiorId] },
      ]);
      // Scope first (a read), so that an editor cannot hold locks on units outside it; the units
      // again under their locks, where no concurrent move of them can change the answer.
      await s.authorize(named);
      await lockPlacements(s, a.moves, a.effectiveOn);
      await s.authorize(named.filter((n) => n.argument.endsWith(".unitId")));
      const units = await requireNamed(
        s,
        a.moves.flatMap((m, i) => [
          { id: m.unitId, argument: `input.moves[${i}].unitId` },
          { id: m.superiorId, argument: `input.moves[${i}].superiorId` },
        ]),
        a.effectiveOn,
      );
      await moveUnits(
        s,
        a.moves.map((m, i) => ({
          unitId: m.unitId,
          superiorId: m.superiorId,
          basis: m.basis ?? a.basis,
          argument: `input.moves[${i}].unitId`,
        })),
        a.effectiveOn,
        units,
      );
      // The superiors are held by their new links only from here (src/store/write-locks.ts,
      // "Superiors"): judged again, so that none can have left the scope unseen.
      await s.authorize(named.filter((n) => n.argument.endsWith(".superiorId")));
    });
  },

  /**
   * Closes units on `lastDay` with their organs and, with `withSubtree`, everything under them,
   * in one change; without it, a unit may keep subordinates only if they close with it.
   */
  closeUnits: (
    db: Database,
    p: Principal,
    a: { ids: string[]; lastDay: string; basis: string[]; withSubtree: boolean; note?: string | null },
  ) => {
    assertBatch(a.ids.length, BATCH_LIMITS.closeIds, "input.ids");
    return runChange(
      db,
      p,
      { kind: "CLOSE_UNITS", effectiveOn: a.lastDay, basis: a.basis, note: a.note },
      async (s) => {
        const named = a.ids.map((id, i) => ({ argument: `input.ids[${i}]`, ids: [id], structural: true }));
        await lockInScope(s, named, () => s.lock(a.ids));
        await requireNamed(
          s,
          a.ids.map((id, i) => ({ id, argument: `input.ids[${i}]` })),
          a.lastDay,
        );
        const ids = await unitsEnding(s, a.ids, a.lastDay, a.withSubtree, {
          max: MAX_UNITS_CLOSED,
          refuse: () =>
            new DomainError(
              "BAD_USER_INPUT",
              `Argument "input.withSubtree": the units named, their subtrees and organs are more than ${MAX_UNITS_CLOSED} in one change; close them in parts, lowest first`,
              { argument: "input.withSubtree", rule: "BATCH_LIMIT" },
            ),
        });
        const derived = ids.filter((id) => !a.ids.includes(id));
        await s.authorize([
          { argument: "input.ids", ids: derived, label: "(their organs and subtrees)", structural: true },
        ]);
        const argumentOf = new Map(a.ids.map((id, i) => [id, `input.ids[${i}]`]));
        await closeUnits(s, ids, a.lastDay, (id) => argumentOf.get(id) ?? "input.ids");
      },
    );
  },

  /** Adds relations, in one change dated by the earliest of them. */
  addRelations: (
    db: Database,
    p: Principal,
    a: { relations: (NewRelation & { argument: string })[]; basis: string[]; note?: string | null },
  ) => {
    assertBatch(a.relations.length, BATCH_LIMITS.relations, "input.relations");
    return runChange(
      db,
      p,
      {
        kind: "ADD_RELATIONS",
        effectiveOn: a.relations.map((r) => r.validFrom).sort()[0] ?? "",
        basis: a.basis,
        note: a.note,
      },
      async (s) => {
        await requireItemProvisions(
          s,
          a.relations.map((r) => r.basis),
          (i) => `${a.relations[i]?.argument}.basis`,
        );
        // Each relation over its own span (from the day before), as addRelation judges it: a unit in
        // scope on another relation's dates need not be on this one's.
        const bySpan = groupBy(a.relations, (r) => `${r.validFrom}/${r.validTo ?? ""}`);
        const byDate = groupBy(a.relations, (r) => r.validFrom);
        const authorize = async () => {
          for (const rels of bySpan.values())
            await s.authorize(
              rels.flatMap((r) => [
                // A new structural link from a unit changes its place in the hierarchy: not a scope root's.
                {
                  argument: `${r.argument}.fromId`,
                  ids: [r.from],
                  structural: isStructural(r.type),
                  gains: true,
                },
                { argument: `${r.argument}.toId`, ids: [r.to] },
                { argument: `${r.argument}.via`, ids: [...(r.via ?? [])] },
              ]),
              rels[0]?.validFrom,
              rels[0]?.validTo,
            );
        };
        // Scope first (reads), so that an editor cannot hold locks on units outside it; again under the locks.
        await authorize();
        for (const [from, rels] of byDate)
          await lockPlacements(
            s,
            rels.filter((r) => isStructural(r.type)).map((r) => ({ unitId: r.from, superiorId: r.to })),
            from,
          );
        await s.lock(a.relations.flatMap((r) => [r.from, r.to]));
        await authorize();
        await requireNamed(
          s,
          a.relations.flatMap((r) => [
            { id: r.from, argument: `${r.argument}.fromId` },
            { id: r.to, argument: `${r.argument}.toId` },
            ...(r.via ?? []).map((id) => ({ id, argument: `${r.argument}.via` })),
          ]),
        );
        await createRelations(s, a.relations);
      },
    );
  },
};
