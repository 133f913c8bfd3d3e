/** The shape of the YAML seed files (seed/FORMAT.md), checked with zod before anything is written. */
import { z } from "zod";
import { isIsoDate } from "../domain/dates.ts";
import { FREQUENCY_NAMES } from "../domain/frequencies.ts";
import { RELATION_TYPE_NAMES, TASK_ROLE_NAMES } from "../domain/relation-types.ts";
import { UNIT_KIND_NAMES } from "../domain/unit-kinds.ts";

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be a lower-case slug (a-z, 0-9, '-', '.')");
// YAML turns an unquoted 2025-07-01 into a Date; accept both and keep the ISO string.
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().refine(isIsoDate, "must be a real date written yyyy-mm-dd"),
);
const optDate = isoDate.nullish();
const ids = z.array(id);
const basis = z.array(id).min(1, "must cite at least one provision");
const text = z.string().trim().min(1);
const optText = z.string().nullish();
const frequency = z.enum(FREQUENCY_NAMES as [string, ...string[]]);
const kind = z.enum(UNIT_KIND_NAMES as [string, ...string[]]);
const level = z.enum(["CENTRAL", "PROVINCIAL", "DISTRICT", "COMMUNE", "BASIC"]);
const sector = z.enum(["AGENCY", "ENTERPRISE", "PUBLIC_SERVICE", "ARMED_FORCES", "LOCALITY"]);

const provisionSchema = z.strictObject({
  id,
  article: z.number().int().positive().nullish(),
  clause: z.number().int().positive().nullish(),
  point: z.string().nullish(),
  section: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().nullish()),
  /** TEXT (the body of the document), ADDRESSEES (kính gửi) or DISTRIBUTION_LIST (nơi nhận). */
  kind: z.enum(["TEXT", "ADDRESSEES", "DISTRIBUTION_LIST"]).default("TEXT"),
  excerpt: text,
});

export const documentSchema = z.strictObject({
  id,
  number: text,
  type: z.enum([
    "QUY_DINH",
    "QUY_CHE",
    "CONG_VAN",
    "KE_HOACH",
    "NGHI_QUYET",
    "HUONG_DAN",
    "QUYET_DINH",
    "DIEU_LE",
    "LUAT",
    "KET_LUAN",
    "CHI_THI",
    "SAO_Y",
    "THONG_BAO",
  ]),
  title: text,
  issuer: id.nullish(),
  issuedOn: optDate,
  /** When issuedOn is not in the text: the earliest day it can have been issued (e.g. the date of the latest document it cites). */
  notBefore: optDate,
  signer: optText,
  replaces: ids.default([]),
  file: optText,
  note: optText,
  provisions: z.array(provisionSchema).default([]),
});

export const unitSchema = z.strictObject({
  id,
  name: text,
  kind,
  level: level.nullish(),
  province: id.nullish(),
  sector: sector.nullish(),
  host: id.nullish(),
  /** The party committee of the place where the agency sits (138-QĐ/TW Điều 13). */
  seat: id.nullish(),
  validFrom: optDate,
  validTo: optDate,
  source: z.union([z.literal("synthetic"), basis]),
  note: optText,
});

export const relationSchema = z.strictObject({
  id: id.optional(),
  type: z.enum(RELATION_TYPE_NAMES as [string, ...string[]]),
  from: id,
  to: id,
  validFrom: optDate,
  validTo: optDate,
  frequencies: z.array(frequency).default([]),
  via: ids.default([]),
  subject: optText,
  // Empty only for a synthetic relation: one that no document states (validate-seed checks).
  basis: ids.default([]),
  /** True when no document in our sources states the fact: an illustration of the structure. */
  synthetic: z.boolean().default(false),
  note: optText,
});

export const ruleSchema = z.strictObject({
  id,
  relation: z.enum(["REPORTS_TO", "NOTIFIES", "COORDINATES_WITH", "LEADS", "INSPECTS", "GUIDES"]),
  title: text,
  appliesTo: z.strictObject({
    kinds: z.array(kind).min(1),
    sectors: z.array(sector).nullish(),
  }),
  recipient: z.enum([
    "DIRECT_SUPERIOR",
    "HOST_LEADERSHIP",
    "HOST_PARTY_ORGANISATION",
    "HOST_MASS_ORGANISATIONS",
    "LOCAL_COMMITTEE",
    "LOCAL_GOVERNMENT",
    "SUPERIOR_INSPECTION_COMMISSION",
  ]),
  frequencies: z.array(frequency).default([]),
  via: ids.default([]),
  subject: optText,
  basis,
  validFrom: optDate,
  validTo: optDate,
  note: optText,
});

export const meetingRuleSchema = z.strictObject({
  id,
  body: id,
  cadence: frequency,
  quorum: z.number().gt(0).lte(1).nullish(),
  quorumText: optText,
  papersLeadDays: z.number().int().nonnegative().nullish(),
  papersLeadDaysComplex: z.number().int().nonnegative().nullish(),
  /**
   * Deciding without a meeting (xin ý kiến bằng văn bản): a draft sent to the members, valid when
   * more than `moreThan` of them approve in writing; `requestedBy` is the body that asks.
   */
  writtenConsent: z
    .strictObject({
      moreThan: z.number().gt(0).lt(1),
      text,
      requestedBy: id,
      basis,
    })
    .nullish(),
  basis,
  note: optText,
});

export const positionSchema = z.strictObject({
  id,
  title: z.enum([
    "SECRETARY",
    "STANDING_DEPUTY_SECRETARY",
    "DEPUTY_SECRETARY",
    "STANDING_BOARD_MEMBER",
    "EXECUTIVE_COMMITTEE_MEMBER",
    "OFFICE_CHIEF",
  ]),
  committee: id,
  sitsIn: ids.default([]),
  duties: optText,
  basis,
  note: optText,
});

const deadlineSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("DATE"), date: isoDate, text: optText }),
  z.strictObject({
    type: z.literal("QUARTER"),
    year: z.number().int(),
    quarter: z.number().int().min(1).max(4),
    text: optText,
  }),
  z.strictObject({ type: z.literal("YEAR"), year: z.number().int(), text: optText }),
  // startYear: "Từ năm 2022" (from that year on, no end).
  z.strictObject({ type: z.literal("ONGOING"), startYear: z.number().int().nullish(), text: optText }),
  z.strictObject({ type: z.literal("YEARLY"), startYear: z.number().int().nullish(), text: optText }),
  z.strictObject({ type: z.literal("PER_TERM"), text: optText }),
  z.strictObject({
    type: z.literal("RELATIVE"),
    months: z.number().int().nonnegative().nullish(),
    days: z.number().int().nonnegative().nullish(),
    after: id,
    text: optText,
  }),
]);

const taskSchema = z.strictObject({
  id,
  code: z.preprocess((v) => (typeof v === "number" ? String(v) : v), text),
  title: text,
  /** The (first) deadline line. */
  deadline: deadlineSchema,
  /**
   * Further lines when the text states more than one ("Thời gian thực hiện: Thường xuyên. Thời
   * gian thực hiện: Hằng năm."), in the document's order; never RELATIVE (no document needs it).
   */
  moreDeadlines: z
    .array(deadlineSchema)
    .default([])
    .refine((l) => l.every((d) => d.type !== "RELATIVE"), "a further deadline line cannot be RELATIVE"),
  roles: z
    .array(
      z
        .strictObject({
          role: z.enum(TASK_ROLE_NAMES as [string, ...string[]]),
          unit: id.nullish(),
          selector: id.nullish(),
          note: optText,
        })
        .refine(
          (r) => !!r.unit !== !!r.selector,
          "give either unit (a unit id) or selector (an assignee selector id)",
        ),
    )
    .default([]),
  basis,
  note: optText,
});

export const planSchema = z.strictObject({
  id,
  title: text,
  document: id,
  implements: id.nullish(),
  owner: id.nullish(),
  events: z.array(z.strictObject({ id, title: text, occurredOn: optDate, note: optText })).default([]),
  targets: z
    .array(
      z.strictObject({
        id,
        text,
        metric: z.string().regex(/^[A-Z0-9_]+$/, "must be UPPER_SNAKE_CASE"),
        min: z.number().nullish(),
        max: z.number().nullish(),
        per: z.enum(["YEAR", "TERM", "ONCE"]).nullish(),
        basis,
        note: optText,
      }),
    )
    .default([]),
  tasks: z.array(taskSchema).default([]),
});

/**
 * A class of units named relative to an anchor ("Ban thường vụ các huyện ủy, thị ủy, thành
 * ủy, đảng ủy trực thuộc Tỉnh ủy"): the members are the units of `members.kinds` at most
 * `members.depth` SUBORDINATE_TO steps below the anchor on the date; with `bodies`, each
 * member's organ of those kinds (its Ban Thường vụ, Ủy ban Kiểm tra, Ban Tổ chức …) instead.
 */
export const assigneeSelectorSchema = z.strictObject({
  id,
  title: text,
  anchor: id,
  members: z.strictObject({
    kinds: z.array(kind).min(1),
    depth: z.number().int().min(1).max(4).default(1),
  }),
  bodies: z.array(kind).default([]),
  basis,
  validFrom: optDate,
  validTo: optDate,
  note: optText,
});

/** Which kinds may be the direct superior of which (SUBORDINATE_TO), over a period. */
export const kindPairingSchema = z.strictObject({
  id,
  children: z.array(kind).min(1),
  superiors: z.array(kind).min(1),
  validFrom: optDate,
  validTo: optDate,
  basis,
  note: optText,
});

/**
 * A restructuring the seed records as an event (e.g. three provinces merged into one on
 * 01/07/2025, or the district level ended that day): the units it ended and the units it
 * founded, and the provisions stating it.
 * Loaded as a MergerEvent, like the generator's, so graphDiff finds a merged unit's predecessors.
 */
export const mergerSchema = z
  .strictObject({
    id,
    kind: z.enum(["PROVINCE_MERGER", "COMMUNE_MERGER", "DISTRICT_LEVEL_ENDED"]),
    name: text,
    date: isoDate,
    ended: ids.min(1),
    founded: ids.default([]),
    basis,
    note: optText,
  })
  // A merger founds what it merged into; the end of the district level founds nothing (the
  // communes move up to the Tỉnh ủy), as the generator's DISTRICT_LEVEL_ENDED events.
  .refine((m) => (m.kind === "DISTRICT_LEVEL_ENDED") === (m.founded.length === 0), {
    path: ["founded"],
    message: "a merger lists the units it founded; DISTRICT_LEVEL_ENDED founds none",
  });

/** A kind-and-level selector of a channel rule. */
const unitSelectorSchema = z.strictObject({
  kinds: z.array(kind).min(1),
  levels: z.array(level).default([]),
});

/** A prescribed channel (kênh trình văn bản, quy chế phối hợp), e.g. 350-CV/TU mục 0–1. */
export const channelRuleSchema = z
  .strictObject({
    id,
    kind: z.enum(["SUBMISSION", "COORDINATION_AGREEMENT"]),
    title: text,
    from: unitSelectorSchema,
    to: unitSelectorSchema,
    via: z.array(unitSelectorSchema).default([]),
    instead: unitSelectorSchema.nullish(),
    within: z.array(kind).min(1, "name the kind of unit both ends must share, e.g. COMMUNE_COMMITTEE"),
    provinces: z.array(id).default([]),
    basis,
    validFrom: optDate,
    validTo: optDate,
    note: optText,
  })
  .superRefine((r, ctx) => {
    if (r.kind === "SUBMISSION" && r.via.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["via"],
        message: "a SUBMISSION rule needs the units to go through",
      });
    if (r.kind === "SUBMISSION" && r.instead)
      ctx.addIssue({
        code: "custom",
        path: ["instead"],
        message: "only a COORDINATION_AGREEMENT rule takes instead",
      });
    if (r.kind === "COORDINATION_AGREEMENT" && !r.instead)
      ctx.addIssue({
        code: "custom",
        path: ["instead"],
        message: "a COORDINATION_AGREEMENT rule needs instead",
      });
    if (r.kind === "COORDINATION_AGREEMENT" && r.via.length > 0)
      ctx.addIssue({ code: "custom", path: ["via"], message: "only a SUBMISSION rule takes via" });
  });

export const seedFileSchema = z.strictObject({
  documents: z.array(z.unknown()).default([]),
  units: z.array(z.unknown()).default([]),
  relations: z.array(z.unknown()).default([]),
  rules: z.array(z.unknown()).default([]),
  meetingRules: z.array(z.unknown()).default([]),
  positions: z.array(z.unknown()).default([]),
  plans: z.array(z.unknown()).default([]),
  kindPairings: z.array(z.unknown()).default([]),
  channelRules: z.array(z.unknown()).default([]),
  assigneeSelectors: z.array(z.unknown()).default([]),
  mergers: z.array(z.unknown()).default([]),
});

export type SeedDocument = z.infer<typeof documentSchema>;
export type SeedProvision = z.infer<typeof provisionSchema>;
export type SeedUnit = z.infer<typeof unitSchema>;
export type SeedRelation = z.infer<typeof relationSchema> & { id: string };
export type SeedRule = z.infer<typeof ruleSchema>;
export type SeedMeetingRule = z.infer<typeof meetingRuleSchema>;
export type SeedPosition = z.infer<typeof positionSchema>;
export type SeedPlan = z.infer<typeof planSchema>;
export type SeedKindPairing = z.infer<typeof kindPairingSchema>;
export type SeedChannelRule = z.infer<typeof channelRuleSchema>;
export type SeedAssigneeSelector = z.infer<typeof assigneeSelectorSchema>;
export type SeedMerger = z.infer<typeof mergerSchema>;
