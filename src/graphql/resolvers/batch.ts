/** The batch mutations (schema/batch.graphql): thin — validate arguments, hand the change to the store. */

import { TEXT_RULES } from "../../domain/text-input.ts";
import { assertBatch, BATCH_LIMITS, restructurings } from "../../store/restructuring-repository.ts";
import { distinctIdsArg, effectiveDateArg, textArg } from "../arguments.ts";
import type { MutationResolvers } from "../generated/resolvers-types.ts";
import { basisArg, eventResult, newRelation, newUnit } from "./mutation.ts";

export const BatchMutations: MutationResolvers = {
  createUnits: (_, { input }, ctx) =>
    eventResult(ctx, "createUnits", () => {
      // The list's length first: an oversized batch costs no parsing and no round trip.
      assertBatch(input.units.length, BATCH_LIMITS.units, "input.units");
      const units = input.units.map((u, i) => ({
        unit: newUnit(u.unit, `input.units[${i}].unit`),
        superiorId: u.superiorId ?? null,
        basis: u.basis ? basisArg(u.basis, `input.units[${i}].basis`) : null,
      }));
      distinctIdsArg(
        units.map((u) => u.unit.id),
        "input.units",
      );
      return restructurings.createUnits(ctx.db, ctx.principal, {
        units,
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      });
    }),
  moveUnits: (_, { input }, ctx) =>
    eventResult(ctx, "moveUnits", () => {
      assertBatch(input.moves.length, BATCH_LIMITS.moves, "input.moves");
      distinctIdsArg(
        input.moves.map((m) => m.unitId),
        "input.moves",
      );
      return restructurings.moveUnits(ctx.db, ctx.principal, {
        moves: input.moves.map((m, i) => ({
          unitId: m.unitId,
          superiorId: m.superiorId,
          basis: m.basis ? basisArg(m.basis, `input.moves[${i}].basis`) : null,
        })),
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
      });
    }),
  closeUnits: (_, { input }, ctx) =>
    eventResult(ctx, "closeUnits", () => {
      assertBatch(input.ids.length, BATCH_LIMITS.closeIds, "input.ids");
      return restructurings.closeUnits(ctx.db, ctx.principal, {
        ids: distinctIdsArg(input.ids, "input.ids"),
        lastDay: effectiveDateArg(input.lastDay, ctx, "input.lastDay"),
        basis: basisArg(input.basis, "input.basis"),
        withSubtree: input.withSubtree ?? false,
        note: textArg(input.note, "input.note", TEXT_RULES.note),
      });
    }),
  addRelations: (_, { input }, ctx) =>
    eventResult(ctx, "addRelations", () => {
      assertBatch(input.relations.length, BATCH_LIMITS.relations, "input.relations");
      return restructurings.addRelations(ctx.db, ctx.principal, {
        relations: input.relations.map((r, i) => {
          const argument = `input.relations[${i}]`;
          const x = newRelation(r, ctx, argument);
          return { ...x, from: x.fromId, to: x.toId, argument };
        }),
        basis: basisArg(input.basis, "input.basis"),
        note: textArg(input.note, "input.note", TEXT_RULES.note),
      });
    }),
};
