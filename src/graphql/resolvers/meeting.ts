/** MeetingRule and Position. */
import { type Frequency, frequencyLabel } from "../../domain/frequencies.ts";
import type {
  MeetingRuleRecord,
  PositionRecord,
  WrittenConsentRecord,
} from "../../store/meeting-repository.ts";
import type { Context } from "../context.ts";
import { keepVisible } from "../visibility.ts";
import { loadCitations, loadUnits, requireUnit } from "./support.ts";

type Args = Record<string, unknown>;

const POSITION_LABELS: Record<string, string> = {
  SECRETARY: "Bí thư",
  STANDING_DEPUTY_SECRETARY: "Phó Bí thư Thường trực",
  DEPUTY_SECRETARY: "Phó Bí thư",
  STANDING_BOARD_MEMBER: "Ủy viên Ban Thường vụ",
  EXECUTIVE_COMMITTEE_MEMBER: "Ủy viên Ban Chấp hành",
  OFFICE_CHIEF: "Chánh Văn phòng",
};

export const MeetingResolvers = {
  MeetingRule: {
    body: (m: MeetingRuleRecord, _: Args, ctx: Context) => ctx.loaders.unit.load(m.bodyId),
    cadenceLabel: (m: MeetingRuleRecord) => frequencyLabel(m.cadence as Frequency),
    basis: (m: MeetingRuleRecord, _: Args, ctx: Context) => loadCitations(m.basis, ctx),
  },
  WrittenConsent: {
    label: (w: WrittenConsentRecord) =>
      `Xin ý kiến bằng văn bản: có giá trị khi trên ${Math.round(w.moreThan * 1000) / 10}% thành viên tán thành`,
    requestedBy: (w: WrittenConsentRecord, _: Args, ctx: Context) => ctx.loaders.unit.load(w.requestedById),
    basis: (w: WrittenConsentRecord, _: Args, ctx: Context) => loadCitations(w.basis, ctx),
  },
  Position: {
    titleLabel: (p: PositionRecord) => POSITION_LABELS[p.title] ?? p.title,
    committee: (p: PositionRecord, _: Args, ctx: Context) => ctx.loaders.unit.load(p.committeeId),
    sitsIn: (p: PositionRecord, _: Args, ctx: Context) => loadUnits(p.sitsIn, ctx),
    basis: (p: PositionRecord, _: Args, ctx: Context) => loadCitations(p.basis, ctx),
  },
};

export const MeetingQueries = {
  meetingRules: async (_: unknown, args: Args, ctx: Context) => {
    await requireUnit(args.unitId as string, ctx, "unitId");
    return keepVisible(ctx, await ctx.loaders.meetingRules.load(args.unitId as string), (m) => [m.bodyId]);
  },
  positions: async (_: unknown, args: Args, ctx: Context) => {
    await requireUnit(args.unitId as string, ctx, "unitId");
    return keepVisible(ctx, await ctx.loaders.positions.load(args.unitId as string), (p) => [p.committeeId]);
  },
};
