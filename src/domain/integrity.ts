/**
 * The integrity report's rules (quy tắc kiểm tra): what each checks, its Vietnamese label, and
 * the message of a finding. Which kinds must have a superior follows the kind categories: every
 * party organisation but the Central Committee hangs SUBORDINATE_TO a committee, every body and
 * organ is PART_OF one (src/domain/unit-kinds.ts).
 */
import { UNIT_KINDS, type UnitKind } from "./unit-kinds.ts";

export const INTEGRITY_RULES = {
  MISSING_SUPERIOR:
    "Đơn vị thiếu cấp trên trực tiếp (tổ chức đảng, cơ quan, bộ phận phải trực thuộc hoặc là cơ quan của một cấp ủy)",
  DOUBLE_SUPERIOR: "Đơn vị có hơn một cấp ủy cấp trên trực tiếp cùng lúc",
  DOUBLE_WHOLE: "Cơ quan, bộ phận cùng lúc thuộc hơn một đơn vị",
  CYCLE: "Vòng lặp trong quan hệ trực thuộc (đơn vị là cấp trên của chính mình)",
  RELATION_OUTSIDE_VALIDITY: "Quan hệ có thời hạn vượt ra ngoài thời hạn hiệu lực của đơn vị ở một đầu",
  CITES_REPLACED_DOCUMENT: "Quan hệ hoặc quy định viện dẫn văn bản đã bị thay thế",
  NO_REPORTING_OBLIGATION: "Tổ chức đảng không có chế độ báo cáo nào vào ngày xét",
} as const;

export type IntegrityRule = keyof typeof INTEGRITY_RULES;

const kindsWhere = (test: (category: string, kind: UnitKind) => boolean) =>
  (Object.keys(UNIT_KINDS) as UnitKind[]).filter((k) => test(UNIT_KINDS[k].category, k));

/** Kinds that must have a direct superior or belong to a committee on every day they exist. */
export const KINDS_NEEDING_SUPERIOR = kindsWhere(
  (c, k) =>
    (c === "PARTY_ORGANISATION" && k !== "CENTRAL_COMMITTEE") || c === "PARTY_BODY" || c === "PARTY_ORGAN",
);

/** Party organisations (tổ chức đảng), whose reporting obligations the report checks. */
export const PARTY_ORGANISATION_KINDS = kindsWhere(
  (c, k) => c === "PARTY_ORGANISATION" && k !== "CENTRAL_COMMITTEE",
);

export interface IntegrityFinding {
  rule: IntegrityRule;
  ruleLabel: string;
  message: string;
  units: string[];
  relationId: string | null;
  relationType: string | null;
  documents: string[];
  /** Where the first unit opens in the explorer, on the report's date. */
  explorerPath: string | null;
}

/** What a finding is about, as its check reads it (src/store/integrity-repository.ts) or the report makes it. */
export interface FindingFacts {
  units: string[];
  relation?: string | null;
  relationType?: string | null;
  documents?: string[];
  detail?: string | null;
  subject?: string;
}

export function finding(rule: IntegrityRule, asOf: string, f: FindingFacts): IntegrityFinding {
  const [first, ...others] = f.units;
  const documents = f.documents ?? [];
  const messages: Record<IntegrityRule, string> = {
    MISSING_SUPERIOR: `${first} không trực thuộc và không là cơ quan của đơn vị nào vào ngày ${asOf}`,
    DOUBLE_SUPERIOR: `${first} trực thuộc cùng lúc ${others.join(", ")}`,
    DOUBLE_WHOLE: `${first} cùng lúc là cơ quan, bộ phận của ${others.join(", ")}`,
    CYCLE: `${first} nằm trong một vòng lặp trực thuộc`,
    RELATION_OUTSIDE_VALIDITY: `Quan hệ ${f.relation} (${f.detail ?? ""}) vượt ngoài thời hạn của ${f.units.join(" hoặc ")}`,
    CITES_REPLACED_DOCUMENT: `${f.subject ?? `Quan hệ ${f.relation}`} viện dẫn ${documents[0]}, đã được thay thế bởi ${documents[1]}`,
    NO_REPORTING_OBLIGATION: `${first} không có nghĩa vụ báo cáo nào vào ngày ${asOf}`,
  };
  return {
    rule,
    ruleLabel: INTEGRITY_RULES[rule],
    message: messages[rule],
    units: f.units,
    relationId: f.relation ?? null,
    relationType: f.relationType ?? null,
    documents,
    explorerPath: first ? `/explorer?unit=${encodeURIComponent(first)}&date=${asOf}` : null,
  };
}
