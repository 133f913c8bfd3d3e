/** Mutations: thin — validate arguments, check the role, hand the change to the store. */
import { assertCanWrite, shownActor } from "../../auth/principal.ts";
import { commitLagMs, cutPage, feedHorizon, settledEnd } from "../../domain/change-feed.ts";
import { intervalOrderText, isInOrder } from "../../domain/dates.ts";
import { badInput } from "../../domain/errors.ts";
import { UNIT_ID } from "../../domain/ids.ts";
import { selfRelation, violationError } from "../../domain/invariants.ts";
import { TEXT_RULES } from "../../domain/text-input.ts";
import {
  changesOfEvents,
  changesSince,
  type EventRecord,
  findEvents,
  historyOf,
} from "../../store/change-repository.ts";
import { mutations, type NewUnit } from "../../store/mutation-repository.ts";
import { assertBatch, BATCH_LIMITS, restructurings } from "../../store/restructuring-repository.ts";
import {
  CHANGES_PAGE_SIZE,
  decodeCursor,
  distinctIdsArg,
  effectiveDateArg,
  encodeCursor,
  firstArg,
  isChangeCursor,
  sinceArg,
  textArg,
} from "../arguments.ts";
import type { Context } from "../context.ts";
import type {
  AddRelationInput,
  MutationResolvers,
  NewUnitInput,
  QueryResolvers,
  Resolvers,
  SplitAssignmentInput,
  UpdateUnitInput,
} from "../generated/resolvers-types.ts";
import { isSealed, openCursor, sealCursor } from "../sealed-cursor.ts";
import { loadCitations, loadUnits, requireUnit } from "../services/lookups.ts";
import { keepVisible, scoped, unitsNamedBy, visibleEvent } from "../visibility.ts";

export function newUnit(u: NewUnitInput, argument: string): NewUnit {
  if (!UNIT_ID.test(u.id))
    throw badInput(`${argument}.id`, `"${u.id}" must be a lower-case slug (a-z, 0-9, '-', '.')`);
  if (u.province && !UNIT_ID.test(u.province))
    throw badInput(`${argument}.province`, "must be a province slug, e.g. lam-dong");
  const name = textArg(u.name, `${argument}.name`, TEXT_RULES.name);
  if (!name) throw badInput(`${argument}.name`, "must not be empty");
  return { ...u, name, note: textArg(u.note, `${argument}.note`, TEXT_RULES.note) };
}

export function basisArg(list: readonly string[], argument = "basis"): string[] {
  if (list.length === 0) throw badInput(argument, "cite at least one provision id");
  if (list.length > MAX_BASIS)
    throw badInput(argument, `cite at most ${MAX_BASIS} provisions (got ${list.length})`);
  return [...list];
}

/** The most provisions one change may cite: a decision rests on a few, never thousands. */
const MAX_BASIS = 100;

/** The units a merger ends: within the batch bound, none twice. */
function mergeSources(ids: readonly string[]): string[] {
  assertBatch(ids.length, BATCH_LIMITS.mergedUnits, "input.sourceIds");
  return distinctIdsArg(ids, "input.sourceIds");
}

/** The parts of a split: each a valid new unit, no id twice. */
function splitParts(values: readonly NewUnitInput[]): NewUnit[] {
  assertBatch(values.length, BATCH_LIMITS.splitParts, "input.parts");
  const parts = values.map((x, i) => newUnit(x, `input.parts[${i}]`));
  distinctIdsArg(
    parts.map((p) => p.id),
    "input.parts",
  );
  return parts;
}

/** Where the children of a split go: each child at most once. */
function splitAssignments(
  value: readonly SplitAssignmentInput[] | null | undefined,
): { childId: string; partId: string }[] {
  const assignments = [...(value ?? [])];
  if (assignments.length > 0) assertBatch(assignments.length, BATCH_LIMITS.moves, "input.assignments");
  distinctIdsArg(
    assignments.map((a) => a.childId),
    "input.assignments",
  );
  return assignments;
}

/** The changes of updateUnit: name and note normalised; an attribute left out or null is not changed. */
function unitChanges(input: UpdateUnitInput): Partial<NewUnit> {
  const { id: _id, effectiveOn: _on, basis: _basis, name, note, ...changes } = input;
  const out: Partial<NewUnit> = changes;
  if (typeof name === "string") {
    const text = textArg(name, "input.name", TEXT_RULES.name);
    if (!text) throw badInput("input.name", "must not be empty");
    out.name = text;
  }
  if (typeof note === "string") out.note = textArg(note, "input.note", TEXT_RULES.note);
  return out;
}

/** The relation of addRelation (`argument` names it: `input`, `input.relations[2]`): its interval in order, not from a unit to itself. */
export function newRelation(input: AddRelationInput, ctx: Context, argument = "input") {
  const validFrom = effectiveDateArg(input.validFrom, ctx, `${argument}.validFrom`);
  const validTo = input.validTo ? effectiveDateArg(input.validTo, ctx, `${argument}.validTo`) : null;
  const self = selfRelation(input.type, input.fromId, input.toId);
  if (self) throw violationError(self, `${argument}.toId`);
  if (!isInOrder({ validFrom, validTo }))
    throw badInput(`${argument}.validTo`, `INTERVAL_ORDER: ${intervalOrderText({ validFrom, validTo })}`);
  return {
    type: input.type,
    fromId: input.fromId,
    toId: input.toId,
    validFrom,
    validTo,
    frequencies: input.frequencies ?? [],
    via: distinctIdsArg(input.via ?? [], `${argument}.via`),
    subject: textArg(input.subject, `${argument}.subject`, TEXT_RULES.subject),
    basis: basisArg(input.basis, `${argument}.basis`),
    note: textArg(input.note, `${argument}.note`, TEXT_RULES.note),
  };
}

/**
 * Runs a change and answers its Event: as the change recorded it (src/store/change-session.ts
 * runChangeEvent), or, given the event's id alone, read back.
 */
export async function eventResult(ctx: Context, operation: string, run: () => Promise<string | EventRecord>) {
  assertCanWrite(ctx.principal, operation);
  const recorded = await run();
  ctx.loaders.afterWrite();
  if (typeof recorded !== "string") return recorded;
  const [event] = await findEvents(ctx.db, [recorded], ctx.roundTrips);
  if (!event) throw new Error(`The event ${recorded} just recorded was not found`);
  return event;
}

/** How many change records a scoped reader's feed reads at a time while it looks for ones it may see. */
const FEED_SCAN = 500;

type ChangePage = Awaited<ReturnType<typeof changesSince>> & {
  /** Where a scan stopped short of a full page: the last record read, perhaps one the reader may not see (sealed in the cursor). */
  resumeAt?: { at: string; id: string };
};

/**
 * A page of the change feed as the reader may see it: changes that name a unit outside a scoped
 * reader's subtrees are left out before the page is cut, so that the page, its end cursor and
 * `hasNextPage` tell nothing of them (the feed is read on until a change past the page is found).
 * The scan reads at most CHANGES_SCAN_MAX records: a reader whose subtrees changed little would
 * otherwise make one request read the whole feed. Stopped there, the page ends with what it found,
 * `hasNextPage` true and its cursor at the last record read — sealed (src/graphql/sealed-cursor.ts):
 * that record may be one the reader may not see, and a plain cursor would show its id and time.
 */
async function visibleChanges(ctx: Context, args: Parameters<typeof changesSince>[1]): Promise<ChangePage> {
  if (!scoped(ctx)) return changesSince(ctx.db, args, ctx.roundTrips);
  const budget = ctx.config.CHANGES_SCAN_MAX;
  const shown: ChangePage["items"] = [];
  let after = args.after;
  let read = 0;
  for (;;) {
    const first = Math.min(Math.max(args.first + 1, FEED_SCAN), budget - read);
    const page = await changesSince(ctx.db, { ...args, after, first }, ctx.roundTrips);
    read += page.items.length;
    shown.push(...(await keepVisible(ctx, page.items, unitsNamedBy)));
    const last = page.items.at(-1);
    // As for a page read whole: a next page only through records before the horizon.
    if (shown.length > args.first || !page.hasNextPage || !last)
      return cutPage(shown, args.first, args.horizonMs);
    after = { at: last.at, id: last.id };
    // `last` lies before the horizon: the raw page had a next page (cutPage).
    if (read >= budget) return { items: shown, hasNextPage: true, resumeAt: after };
  }
}

export const AuditResolvers: Resolvers = {
  Event: {
    // As `event(id)`: null for an event touching a unit outside the reader's subtrees.
    __resolveReference: (ref, ctx) => visibleEvent(ctx, ref.id),
    basis: (e, _, ctx) => loadCitations(e.basis, ctx),
    actor: (e, _, ctx) => shownActor(ctx.principal, e.actor),
    units: (e, _, ctx) => loadUnits(e.unitIds, ctx),
    changes: async (e, _, ctx) =>
      keepVisible(ctx, (await changesOfEvents(ctx.db, [e.id], ctx.roundTrips))[0] ?? [], unitsNamedBy),
  },
  Change: {
    // As `event(id)`: a record a scoped reader sees may belong to an event it may not see.
    event: (c, _, ctx) => visibleEvent(ctx, c.eventId),
    actor: (c, _, ctx) => shownActor(ctx.principal, c.actor),
    // Never past the horizon (src/domain/change-feed.ts): a reader may resume from any record's cursor.
    cursor: (c, _, ctx) =>
      encodeCursor(
        settledEnd(
          { at: c.at, id: c.id },
          c.horizonMs ?? feedHorizon(Date.now(), commitLagMs(ctx.config.WRITE_TIMEOUT_MS)),
        ),
      ),
  },
};

export const MutationQueries: QueryResolvers = {
  history: async (_, args, ctx) => {
    await requireUnit(args.unitId, ctx, "unitId");
    // A scoped reader sees only the records all of whose units are visible (unitsNamedBy).
    return keepVisible(ctx, await historyOf(ctx.db, args.unitId, ctx.roundTrips), unitsNamedBy);
  },
  changes: async (_, args, ctx) => {
    const since = sinceArg(args.since);
    const after = isSealed(args.after)
      ? openCursor(args.after, isChangeCursor, ctx.config)
      : decodeCursor(args.after, isChangeCursor);
    // Taken before the read: a change stamped before the horizon has committed by then (src/domain/change-feed.ts).
    const horizonMs = feedHorizon(Date.now(), commitLagMs(ctx.config.WRITE_TIMEOUT_MS));
    const page = await visibleChanges(ctx, {
      since,
      after,
      first: firstArg(args.first, ctx, CHANGES_PAGE_SIZE),
      horizonMs,
    });
    const last = page.items.at(-1);
    // Every cursor stops at the horizon: a change stamped before it may still commit.
    const end = settledEnd(last ? { at: last.at, id: last.id } : after, horizonMs);
    return {
      nodes: page.items.map((c) => ({ ...c, horizonMs })),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        endCursor: page.resumeAt
          ? sealCursor(settledEnd(page.resumeAt, horizonMs), ctx.config)
          : end && (last || end !== after)
            ? encodeCursor({ at: end.at, id: end.id })
            : null,
      },
    };
  },
  event: (_, args, ctx) => visibleEvent(ctx, args.id),
};

export const Mutation: MutationResolvers = {
  createUnit: (_, { input }, ctx) =>
    eventResult(ctx, "createUnit", () =>
      mutations.createUnit(ctx.db, ctx.principal, {
        unit: newUnit(input.unit, "input.unit"),
        superiorId: input.superiorId ?? null,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  updateUnit: (_, { input }, ctx) =>
    eventResult(ctx, "updateUnit", () => {
      const changes = unitChanges(input);
      return mutations.updateUnit(ctx.db, ctx.principal, {
        id: input.id,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
        changes,
      });
    }),
  closeUnit: (_, args, ctx) =>
    eventResult(ctx, "closeUnit", () =>
      mutations.closeUnit(ctx.db, ctx.principal, {
        id: args.id,
        lastDay: effectiveDateArg(args.lastDay, ctx, "lastDay"),
        basis: basisArg(args.basis),
        note: textArg(args.note, "note", TEXT_RULES.note),
      }),
    ),
  setSuperior: (_, args, ctx) =>
    eventResult(ctx, "setSuperior", () =>
      mutations.setSuperior(ctx.db, ctx.principal, {
        unitId: args.unitId,
        superiorId: args.superiorId,
        effectiveOn: effectiveDateArg(args.effectiveOn, ctx, "effectiveOn"),
        basis: basisArg(args.basis),
      }),
    ),
  addRelation: (_, { input }, ctx) =>
    eventResult(ctx, "addRelation", () =>
      mutations.addRelation(ctx.db, ctx.principal, newRelation(input, ctx)),
    ),
  endRelation: (_, args, ctx) =>
    eventResult(ctx, "endRelation", () =>
      mutations.endRelation(ctx.db, ctx.principal, {
        relationId: args.relationId,
        lastDay: effectiveDateArg(args.lastDay, ctx, "lastDay"),
        basis: basisArg(args.basis),
      }),
    ),
  mergeUnits: (_, { input }, ctx) =>
    eventResult(ctx, "mergeUnits", () =>
      restructurings.mergeUnits(ctx.db, ctx.principal, {
        sourceIds: mergeSources(input.sourceIds),
        into: newUnit(input.into, "input.into"),
        superiorId: input.superiorId ?? null,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
        subordinatesBasis: input.subordinatesBasis
          ? basisArg(input.subordinatesBasis, "input.subordinatesBasis")
          : null,
        abolishLevel: input.abolishLevel
          ? {
              kind: input.abolishLevel.kind,
              basis: basisArg(input.abolishLevel.basis, "input.abolishLevel.basis"),
            }
          : null,
      }),
    ),
  splitUnit: (_, { input }, ctx) =>
    eventResult(ctx, "splitUnit", () =>
      restructurings.splitUnit(ctx.db, ctx.principal, {
        sourceId: input.sourceId,
        parts: splitParts(input.parts),
        assignments: splitAssignments(input.assignments),
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  abolishLevel: (_, { input }, ctx) =>
    eventResult(ctx, "abolishLevel", () =>
      restructurings.abolishLevel(ctx.db, ctx.principal, {
        underId: input.underId,
        kind: input.kind,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
};
