/** MeetingRule and Position. */
import { frequencyLabel } from "../../domain/frequencies.ts";
import {
  Frequency,
  type PositionTitle,
  type QueryResolvers,
  type Resolvers,
} from "../generated/resolvers-types.ts";
import { loadCitations, loadUnits, requireLoaded, requireUnit, visibleUnit } from "../services/lookups.ts";
import { asEnum } from "../stored-values.ts";
import { isVisible, keepVisible } from "../visibility.ts";

/** Every PositionTitle of the schema (tsc checks it), looked up by the stored title. */
const POSITION_LABELS: Readonly<Record<string, string>> = {
  SECRETARY: "Bí thư",
  STANDING_DEPUTY_SECRETARY: "Phó Bí thư Thường trực",
  DEPUTY_SECRETARY: "Phó Bí thư",
  STANDING_BOARD_MEMBER: "Ủy viên Ban Thường vụ",
  EXECUTIVE_COMMITTEE_MEMBER: "Ủy viên Ban Chấp hành",
  OFFICE_CHIEF: "Chánh Văn phòng",
} satisfies Record<PositionTitle, string>;

export const MeetingResolvers: Resolvers = {
  MeetingRule: {
    // meetingRules keeps only rules of bodies the reader sees; read through visibility all the same.
    body: (m, _, ctx) => requireLoaded(visibleUnit(m.bodyId, ctx), "unit"),
    cadenceLabel: (m) => frequencyLabel(asEnum(Frequency, m.cadence)),
    basis: (m, _, ctx) => loadCitations(m.basis, ctx),
  },
  WrittenConsent: {
    label: (w) =>
      `Xin ý kiến bằng văn bản: có giá trị khi trên ${Math.round(w.moreThan * 1000) / 10}% thành viên tán thành`,
    // A rule may name a requester outside a scoped reader's subtrees: not shown to it.
    requestedBy: (w, _, ctx) => visibleUnit(w.requestedById, ctx),
    basis: (w, _, ctx) => loadCitations(w.basis, ctx),
  },
  Position: {
    __resolveReference: async (ref, ctx) => {
      const position = await ctx.loaders.positionById.load(ref.id);
      return position && (await isVisible(ctx, position.committeeId)) ? position : null;
    },
    titleLabel: (p) => POSITION_LABELS[p.title] ?? p.title,
    committee: (p, _, ctx) => requireLoaded(ctx.loaders.unit.load(p.committeeId), "unit"),
    sitsIn: (p, _, ctx) => loadUnits(p.sitsIn, ctx),
    basis: (p, _, ctx) => loadCitations(p.basis, ctx),
  },
};

export const MeetingQueries: QueryResolvers = {
  meetingRules: async (_, args, ctx) => {
    await requireUnit(args.unitId, ctx, "unitId");
    return keepVisible(ctx, await ctx.loaders.meetingRules.load(args.unitId), (m) => [m.bodyId]);
  },
  positions: async (_, args, ctx) => {
    await requireUnit(args.unitId, ctx, "unitId");
    return keepVisible(ctx, await ctx.loaders.positions.load(args.unitId), (p) => [p.committeeId]);
  },
};
