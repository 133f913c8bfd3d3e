/** mergeMany (schema/batch.graphql): thin — validate the mergers, hand the change to the store. */

import { badInput } from "../../domain/errors.ts";
import { TEXT_RULES } from "../../domain/text-input.ts";
import { assertMergeBatch, type MergeItem, restructurings } from "../../store/restructuring-repository.ts";
import { distinctIdsArg, effectiveDateArg, textArg } from "../arguments.ts";
import type { MergeItemInput, MutationResolvers } from "../generated/resolvers-types.ts";
import { basisArg, eventResult, newUnit } from "./mutation.ts";

/**
 * The mergers, each as mergeUnits would take it, and independent of each other: no unit merged
 * twice, no new unit twice, and none merged into by a merger whose superior is merged away.
 */
export function mergeItemsArg(merges: readonly MergeItemInput[]): MergeItem[] {
  const mergedBy = new Map<string, number>();
  const intos = new Map<string, number>();
  const items = merges.map((m, i): MergeItem => {
    const arg = `input.merges[${i}]`;
    if (m.sourceIds.length < 2) throw badInput(`${arg}.sourceIds`, "merge at least two units");
    const sourceIds = distinctIdsArg(m.sourceIds, `${arg}.sourceIds`);
    for (const id of sourceIds) {
      const j = mergedBy.get(id);
      if (j !== undefined) throw badInput(`${arg}.sourceIds`, `"${id}" is merged by input.merges[${j}] too`);
      mergedBy.set(id, i);
    }
    const into = newUnit(m.into, `${arg}.into`);
    const j = intos.get(into.id);
    if (j !== undefined)
      throw badInput(`${arg}.into.id`, `"${into.id}" is the new unit of input.merges[${j}] too`);
    intos.set(into.id, i);
    return {
      sourceIds,
      into,
      superiorId: m.superiorId ?? null,
      basis: m.basis ? basisArg(m.basis, `${arg}.basis`) : null,
      subordinatesBasis: m.subordinatesBasis
        ? basisArg(m.subordinatesBasis, `${arg}.subordinatesBasis`)
        : null,
    };
  });
  for (const [i, m] of items.entries()) {
    const arg = `input.merges[${i}]`;
    if (mergedBy.has(m.into.id))
      throw badInput(`${arg}.into.id`, `"${m.into.id}" is a unit merged by this change`);
    if (m.superiorId && mergedBy.has(m.superiorId))
      throw badInput(`${arg}.superiorId`, `"${m.superiorId}" is merged away by this change`);
  }
  return items;
}

export const MergeManyMutations: MutationResolvers = {
  mergeMany: (_, { input }, ctx) =>
    eventResult(ctx, "mergeMany", () => {
      // The limits first: an oversized batch costs no parsing and no round trip.
      assertMergeBatch(input.merges);
      return restructurings.mergeMany(ctx.db, ctx.principal, {
        merges: mergeItemsArg(input.merges),
        effectiveOn: effectiveDateArg(input.effectiveOn, ctx, "input.effectiveOn"),
        basis: basisArg(input.basis, "input.basis"),
        note: textArg(input.note, "input.note", TEXT_RULES.note),
      });
    }),
};
