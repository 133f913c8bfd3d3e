import { UNIT_KINDS, type UnitKind } from "./unit-kinds.ts";

/** The relations between units that the regulations prescribe, with their Vietnamese terms. */
export const RELATION_TYPES = {
  SUBORDINATE_TO: { label: "trực thuộc (cấp ủy cấp trên trực tiếp)", symmetric: false },
  PART_OF: { label: "là cơ quan / bộ phận của", symmetric: false },
  LEADS: { label: "lãnh đạo, chỉ đạo", symmetric: false },
  REPORTS_TO: { label: "báo cáo", symmetric: false },
  COORDINATES_WITH: { label: "phối hợp", symmetric: true },
  ADVISES: { label: "tham mưu, giúp việc", symmetric: false },
  INSPECTS: { label: "kiểm tra, giám sát", symmetric: false },
  GUIDES: { label: "hướng dẫn nghiệp vụ", symmetric: false },
  NOTIFIES: { label: "thông báo", symmetric: false },
} as const;

export type RelationType = keyof typeof RELATION_TYPES;

export const RELATION_TYPE_NAMES = Object.keys(RELATION_TYPES) as RelationType[];

/**
 * The structural relations, a unit's place in the hierarchy: SUBORDINATE_TO, a party organisation
 * to its direct superior committee (cấp ủy cấp trên trực tiếp, Điều lệ Đảng Điều 10), and
 * PART_OF, an organ or body to the whole it belongs to. A unit has at most one of each type in
 * force at a time, and the structure, both together, never has a cycle (seed/FORMAT.md). Cypher's
 * alternation of them is STRUCTURE (src/store/cypher-fragments.ts).
 */
export const STRUCTURAL_TYPES = ["SUBORDINATE_TO", "PART_OF"] as const satisfies readonly RelationType[];

export type StructuralType = (typeof STRUCTURAL_TYPES)[number];

/** Whether a relation of this type is structural (STRUCTURAL_TYPES). */
export function isStructural(type: string): type is StructuralType {
  return (STRUCTURAL_TYPES as readonly string[]).includes(type);
}

/**
 * The structural relation a unit of this kind hangs by: a party organisation is SUBORDINATE_TO
 * its direct superior committee (Điều lệ Đảng Điều 10), and so is a party delegation (đảng đoàn,
 * ban cán sự đảng) to the committee that appointed it; every other kind is PART_OF a whole
 * (seed/FORMAT.md).
 */
export function structuralType(kind: string): StructuralType {
  const category = UNIT_KINDS[kind as UnitKind]?.category;
  return category === "PARTY_ORGANISATION" || category === "PARTY_DELEGATION" ? "SUBORDINATE_TO" : "PART_OF";
}

/** Roles a unit plays in a plan's task (Kế hoạch thực hiện Nghị quyết 21-NQ/TW, Tỉnh ủy Quảng Ngãi). */
export const TASK_ROLES = {
  DIRECTS: { label: "chỉ đạo" },
  LEADS_ADVICE: { label: "chủ trì tham mưu" },
  COORDINATES: { label: "phối hợp" },
  CARRIES_OUT: { label: "tổ chức thực hiện" },
} as const;

export type TaskRole = keyof typeof TASK_ROLES;

export const TASK_ROLE_NAMES = Object.keys(TASK_ROLES) as TaskRole[];
