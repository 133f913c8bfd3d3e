/** Mutations: thin — validate arguments, check the role, hand the change to the store. */
import { assertCanWrite } from "../../auth/principal.ts";
import { intervalOrderText, isInOrder } from "../../domain/dates.ts";
import { badInput } from "../../domain/errors.ts";
import { UNIT_ID } from "../../domain/ids.ts";
import { selfRelation, violationError } from "../../domain/invariants.ts";
import { TEXT_RULES } from "../../domain/text-input.ts";
import {
  type ChangeRecord,
  changesOfEvents,
  changesSince,
  type EventRecord,
  findEvents,
  historyOf,
} from "../../store/change-repository.ts";
import { mutations, type NewUnit } from "../../store/mutation-repository.ts";
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
import { keepVisible, unitsNamedBy } from "../visibility.ts";
import { loadCitations, loadUnits, requireUnit } from "./support.ts";

type Args = Record<string, unknown>;
type Input = Record<string, unknown>;

function newUnit(value: unknown, argument: string): NewUnit {
  const u = value as NewUnit;
  if (!UNIT_ID.test(u.id))
    throw badInput(`${argument}.id`, `"${u.id}" must be a lower-case slug (a-z, 0-9, '-', '.')`);
  if (u.province && !UNIT_ID.test(u.province))
    throw badInput(`${argument}.province`, "must be a province slug, e.g. lam-dong");
  const name = textArg(u.name, `${argument}.name`, TEXT_RULES.name);
  if (!name) throw badInput(`${argument}.name`, "must not be empty");
  return { ...u, name, note: textArg(u.note, `${argument}.note`, TEXT_RULES.note) };
}

function basisArg(value: unknown, argument = "basis"): string[] {
  const list = (value as string[] | null) ?? [];
  if (list.length === 0) throw badInput(argument, "cite at least one provision id");
  return list;
}

/** The parts of a split: each a valid new unit, no id twice. */
function splitParts(values: unknown[]): NewUnit[] {
  const parts = values.map((x, i) => newUnit(x, `input.parts[${i}]`));
  distinctIdsArg(
    parts.map((p) => p.id),
    "input.parts",
  );
  return parts;
}

/** Where the children of a split go: each child at most once. */
function splitAssignments(value: unknown): { childId: string; partId: string }[] {
  const assignments = (value as { childId: string; partId: string }[] | null) ?? [];
  distinctIdsArg(
    assignments.map((a) => a.childId),
    "input.assignments",
  );
  return assignments;
}

async function eventResult(ctx: Context, operation: string, run: () => Promise<string>) {
  assertCanWrite(ctx.principal, operation);
  const id = await run();
  ctx.loaders.afterWrite();
  const [event] = await findEvents(ctx.db, [id], ctx.roundTrips);
  return event;
}

export const MutationResolvers = {
  Event: {
    basis: (e: EventRecord, _: Args, ctx: Context) => loadCitations(e.basis, ctx),
    units: (e: EventRecord, _: Args, ctx: Context) => loadUnits(e.unitIds, ctx),
    changes: async (e: EventRecord, _: Args, ctx: Context) =>
      keepVisible(ctx, (await changesOfEvents(ctx.db, [e.id], ctx.roundTrips))[0] ?? [], unitsNamedBy),
  },
  Change: {
    event: async (c: ChangeRecord, _: Args, ctx: Context) =>
      (await findEvents(ctx.db, [c.eventId], ctx.roundTrips))[0],
    cursor: (c: ChangeRecord) => encodeCursor({ at: c.at, id: c.id }),
  },
};

export const MutationQueries = {
  history: async (_: unknown, args: Args, ctx: Context) => {
    await requireUnit(args.unitId as string, ctx, "unitId");
    // A scoped reader sees only the records all of whose units are visible (unitsNamedBy).
    return keepVisible(ctx, await historyOf(ctx.db, args.unitId as string, ctx.roundTrips), unitsNamedBy);
  },
  changes: async (_: unknown, args: Args, ctx: Context) => {
    const since = sinceArg(args.since);
    const after = decodeCursor(args.after, isChangeCursor);
    const page = await changesSince(
      ctx.db,
      { since, after, first: firstArg(args.first, ctx, CHANGES_PAGE_SIZE) },
      ctx.roundTrips,
    );
    return {
      // A scoped reader's page may come out shorter: changes to units outside their subtrees are left out.
      nodes: await keepVisible(ctx, page.items, unitsNamedBy),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        endCursor: page.items.at(-1)
          ? encodeCursor({ at: page.items.at(-1)?.at, id: page.items.at(-1)?.id })
          : null,
      },
    };
  },
  event: async (_: unknown, args: Args, ctx: Context) => {
    const [event] = await findEvents(ctx.db, [args.id as string], ctx.roundTrips);
    return event && (await keepVisible(ctx, [event], (e) => e.unitIds)).length > 0 ? event : null;
  },
};

export const Mutation = {
  createUnit: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "createUnit", () =>
      mutations.createUnit(ctx.db, ctx.principal, {
        unit: newUnit(input.unit, "input.unit"),
        superiorId: (input.superiorId as string) ?? null,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  updateUnit: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "updateUnit", () => {
      const { id, effectiveOn, basis, ...changes } = input;
      if (typeof changes.name === "string") {
        changes.name = textArg(changes.name, "input.name", TEXT_RULES.name);
        if (!changes.name) throw badInput("input.name", "must not be empty");
      }
      if (typeof changes.note === "string")
        changes.note = textArg(changes.note, "input.note", TEXT_RULES.note);
      return mutations.updateUnit(ctx.db, ctx.principal, {
        id: id as string,
        effectiveOn: effectiveDateArg(effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(basis, "input.basis"),
        changes: changes as Partial<NewUnit>,
      });
    }),
  closeUnit: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "closeUnit", () =>
      mutations.closeUnit(ctx.db, ctx.principal, {
        id: args.id as string,
        lastDay: effectiveDateArg(args.lastDay, ctx, "lastDay"),
        basis: basisArg(args.basis),
        note: textArg(args.note, "note", TEXT_RULES.note),
      }),
    ),
  setSuperior: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "setSuperior", () =>
      mutations.setSuperior(ctx.db, ctx.principal, {
        unitId: args.unitId as string,
        superiorId: args.superiorId as string,
        effectiveOn: effectiveDateArg(args.effectiveOn, ctx, "effectiveOn"),
        basis: basisArg(args.basis),
      }),
    ),
  addRelation: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "addRelation", () => {
      const validFrom = effectiveDateArg(input.validFrom, ctx, "input.validFrom");
      const validTo = input.validTo ? effectiveDateArg(input.validTo, ctx, "input.validTo") : null;
      const self = selfRelation(input.type as string, input.fromId as string, input.toId as string);
      if (self) throw violationError(self, "input.toId");
      if (!isInOrder({ validFrom, validTo }))
        throw badInput("input.validTo", `INTERVAL_ORDER: ${intervalOrderText({ validFrom, validTo })}`);
      return mutations.addRelation(ctx.db, ctx.principal, {
        type: input.type as string,
        fromId: input.fromId as string,
        toId: input.toId as string,
        validFrom,
        validTo,
        frequencies: (input.frequencies as string[]) ?? [],
        via: distinctIdsArg((input.via as string[]) ?? [], "input.via"),
        subject: textArg(input.subject, "input.subject", TEXT_RULES.subject),
        basis: basisArg(input.basis, "input.basis"),
        note: textArg(input.note, "input.note", TEXT_RULES.note),
      });
    }),
  endRelation: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "endRelation", () =>
      mutations.endRelation(ctx.db, ctx.principal, {
        relationId: args.relationId as string,
        lastDay: effectiveDateArg(args.lastDay, ctx, "lastDay"),
        basis: basisArg(args.basis),
      }),
    ),
  mergeUnits: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "mergeUnits", () =>
      mutations.mergeUnits(ctx.db, ctx.principal, {
        sourceIds: distinctIdsArg(input.sourceIds as string[], "input.sourceIds"),
        into: newUnit(input.into, "input.into"),
        superiorId: (input.superiorId as string) ?? null,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  splitUnit: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "splitUnit", () =>
      mutations.splitUnit(ctx.db, ctx.principal, {
        sourceId: input.sourceId as string,
        parts: splitParts(input.parts as unknown[]),
        assignments: splitAssignments(input.assignments),
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  abolishLevel: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "abolishLevel", () =>
      mutations.abolishLevel(ctx.db, ctx.principal, {
        underId: input.underId as string,
        kind: input.kind as string,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
};
