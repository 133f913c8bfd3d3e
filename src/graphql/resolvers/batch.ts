/** The batch mutations (schema/batch.graphql): thin — validate arguments, hand the change to the store. */

import { assertDistinctItems, type BatchItem, naming } from "../../domain/batch-items.ts";
import { TEXT_RULES } from "../../domain/text-input.ts";
import { assertBatch, BATCH_LIMITS, restructurings } from "../../store/restructuring-repository.ts";
import { effectiveDateArg, textArg } from "../arguments.ts";
import type { MutationResolvers } from "../generated/resolvers-types.ts";
import { basisArg, eventResult, newRelation, newUnit } from "./mutation.ts";

/**
 * Runs the batch's change; a refusal found on the whole change (an invariant checked at the end
 * of the transaction names units, not arguments) names the item it is about (src/domain/batch-items.ts).
 */
async function change(items: readonly BatchItem[], run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    throw naming(error, items);
  }
}

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
      assertDistinctItems(
        units.map((u) => u.unit.id),
        (i) => `input.units[${i}].unit.id`,
      );
      const effectiveOn = effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn");
      const basis = basisArg(input.basis, "input.basis");
      return change(
        units.map((u, i) => ({ unit: u.unit.id, other: u.superiorId, argument: `input.units[${i}]` })),
        () => restructurings.createUnits(ctx.db, ctx.principal, { units, effectiveOn, basis }),
      );
    }),
  moveUnits: (_, { input }, ctx) =>
    eventResult(ctx, "moveUnits", () => {
      assertBatch(input.moves.length, BATCH_LIMITS.moves, "input.moves");
      assertDistinctItems(
        input.moves.map((m) => m.unitId),
        (i) => `input.moves[${i}].unitId`,
      );
      const moves = input.moves.map((m, i) => ({
        unitId: m.unitId,
        superiorId: m.superiorId,
        basis: m.basis ? basisArg(m.basis, `input.moves[${i}].basis`) : null,
      }));
      const effectiveOn = effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn");
      const basis = basisArg(input.basis, "input.basis");
      return change(
        moves.map((m, i) => ({ unit: m.unitId, other: m.superiorId, argument: `input.moves[${i}]` })),
        () => restructurings.moveUnits(ctx.db, ctx.principal, { moves, effectiveOn, basis }),
      );
    }),
  closeUnits: (_, { input }, ctx) =>
    eventResult(ctx, "closeUnits", () => {
      assertBatch(input.ids.length, BATCH_LIMITS.closeIds, "input.ids");
      assertDistinctItems(input.ids, (i) => `input.ids[${i}]`);
      const args = {
        ids: [...input.ids],
        lastDay: effectiveDateArg(input.lastDay, ctx, "input.lastDay"),
        basis: basisArg(input.basis, "input.basis"),
        withSubtree: input.withSubtree ?? false,
        note: textArg(input.note, "input.note", TEXT_RULES.note),
      };
      return change(
        input.ids.map((id, i) => ({ unit: id, argument: `input.ids[${i}]` })),
        () => restructurings.closeUnits(ctx.db, ctx.principal, args),
      );
    }),
  addRelations: (_, { input }, ctx) =>
    eventResult(ctx, "addRelations", () => {
      assertBatch(input.relations.length, BATCH_LIMITS.relations, "input.relations");
      const relations = input.relations.map((r, i) => {
        const argument = `input.relations[${i}]`;
        const x = newRelation(r, ctx, argument);
        return { ...x, from: x.fromId, to: x.toId, argument };
      });
      const basis = basisArg(input.basis, "input.basis");
      const note = textArg(input.note, "input.note", TEXT_RULES.note);
      return change(
        relations.map((r) => ({ unit: r.from, other: r.to, type: r.type, argument: r.argument })),
        () => restructurings.addRelations(ctx.db, ctx.principal, { relations, basis, note }),
      );
    }),
};
