/** The registry's queries: a unit by its registry code (mã đơn vị). */
import { isActiveOn } from "../../domain/dates.ts";
import { unitIdByRegistryCode } from "../../store/registry-repository.ts";
import { asOfArg } from "../arguments.ts";
import type { QueryResolvers } from "../generated/resolvers-types.ts";
import { visibleUnit } from "../services/lookups.ts";

export const RegistryQueries: QueryResolvers = {
  unitByRegistryCode: async (_, args, ctx) => {
    const id = await unitIdByRegistryCode(ctx.db, args.code.normalize("NFC").trim(), ctx.roundTrips);
    const unit = await visibleUnit(id, ctx);
    if (unit && args.asOf !== undefined && args.asOf !== null && !isActiveOn(unit, asOfArg(args.asOf, ctx)))
      return null;
    return unit;
  },
};
