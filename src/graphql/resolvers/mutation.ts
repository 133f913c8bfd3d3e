/** Mutations: thin — validate arguments, check the role, hand the change to the store. */
import { assertCanWrite } from "../../auth/principal.ts";
import { badInput } from "../../domain/errors.ts";
import { UNIT_ID } from "../../domain/ids.ts";
import {
  type ChangeRecord,
  changesOfEvents,
  changesSince,
  type EventRecord,
  findEvents,
  historyOf,
} from "../../store/change-repository.ts";
import { mutations, type NewUnit } from "../../store/mutation-repository.ts";
import { dateArg, decodeCursor, encodeCursor, firstArg } from "../arguments.ts";
import type { Context } from "../context.ts";
import { keepVisible, unitsNamedBy } from "../visibility.ts";
import { loadCitations, loadUnits, requireUnit } from "./support.ts";

type Args = Record<string, unknown>;
type Input = Record<string, unknown>;

function newUnit(value: unknown, argument: string): NewUnit {
  const u = value as NewUnit;
  if (!UNIT_ID.test(u.id))
    throw badInput(`${argument}.id`, `"${u.id}" must be a lower-case slug (a-z, 0-9, '-', '.')`);
  if (!u.name?.trim()) throw badInput(`${argument}.name`, "must not be empty");
  return { ...u, name: u.name.trim() };
}

function basisArg(value: unknown, argument = "basis"): string[] {
  const list = (value as string[] | null) ?? [];
  if (list.length === 0) throw badInput(argument, "cite at least one provision id");
  return list;
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
    const since = (args.since as string | null) ?? null;
    if (since !== null && Number.isNaN(Date.parse(since)))
      throw badInput("since", `"${since}" is not an ISO date or date-time`);
    const after = decodeCursor(
      args.after,
      (x): x is { at: string; id: string } =>
        typeof (x as { at?: unknown })?.at === "string" && typeof (x as { id?: unknown })?.id === "string",
    );
    const page = await changesSince(
      ctx.db,
      { since, after, first: firstArg(args.first, ctx, 100) },
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
        effectiveOn: dateArg(input.effectiveOn, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  updateUnit: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "updateUnit", () => {
      const { id, effectiveOn, basis, ...changes } = input;
      if (typeof changes.name === "string" && !changes.name.trim())
        throw badInput("input.name", "must not be empty");
      return mutations.updateUnit(ctx.db, ctx.principal, {
        id: id as string,
        effectiveOn: dateArg(effectiveOn, "input.effectiveOn"),
        basis: basisArg(basis, "input.basis"),
        changes: changes as Partial<NewUnit>,
      });
    }),
  closeUnit: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "closeUnit", () =>
      mutations.closeUnit(ctx.db, ctx.principal, {
        id: args.id as string,
        lastDay: dateArg(args.lastDay, "lastDay"),
        basis: basisArg(args.basis),
        note: (args.note as string) ?? null,
      }),
    ),
  setSuperior: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "setSuperior", () =>
      mutations.setSuperior(ctx.db, ctx.principal, {
        unitId: args.unitId as string,
        superiorId: args.superiorId as string,
        effectiveOn: dateArg(args.effectiveOn, "effectiveOn"),
        basis: basisArg(args.basis),
      }),
    ),
  addRelation: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "addRelation", () => {
      const validFrom = dateArg(input.validFrom, "input.validFrom");
      const validTo = input.validTo ? dateArg(input.validTo, "input.validTo") : null;
      if (validTo && validTo < validFrom)
        throw badInput(
          "input.validTo",
          `INTERVAL_ORDER: validTo ${validTo} is before validFrom ${validFrom}`,
        );
      return mutations.addRelation(ctx.db, ctx.principal, {
        type: input.type as string,
        fromId: input.fromId as string,
        toId: input.toId as string,
        validFrom,
        validTo,
        frequencies: (input.frequencies as string[]) ?? [],
        via: (input.via as string[]) ?? [],
        subject: (input.subject as string) ?? null,
        basis: basisArg(input.basis, "input.basis"),
        note: (input.note as string) ?? null,
      });
    }),
  endRelation: (_: unknown, args: Args, ctx: Context) =>
    eventResult(ctx, "endRelation", () =>
      mutations.endRelation(ctx.db, ctx.principal, {
        relationId: args.relationId as string,
        lastDay: dateArg(args.lastDay, "lastDay"),
        basis: basisArg(args.basis),
      }),
    ),
  mergeUnits: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "mergeUnits", () =>
      mutations.mergeUnits(ctx.db, ctx.principal, {
        sourceIds: input.sourceIds as string[],
        into: newUnit(input.into, "input.into"),
        superiorId: (input.superiorId as string) ?? null,
        effectiveOn: dateArg(input.effectiveOn, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  splitUnit: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "splitUnit", () =>
      mutations.splitUnit(ctx.db, ctx.principal, {
        sourceId: input.sourceId as string,
        parts: (input.parts as unknown[]).map((x, i) => newUnit(x, `input.parts[${i}]`)),
        assignments: (input.assignments as { childId: string; partId: string }[]) ?? [],
        effectiveOn: dateArg(input.effectiveOn, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
  abolishLevel: (_: unknown, { input }: { input: Input }, ctx: Context) =>
    eventResult(ctx, "abolishLevel", () =>
      mutations.abolishLevel(ctx.db, ctx.principal, {
        underId: input.underId as string,
        kind: input.kind as string,
        effectiveOn: dateArg(input.effectiveOn, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      }),
    ),
};
