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

/** Roles a unit plays in a plan's task (Kế hoạch thực hiện Nghị quyết 21-NQ/TW, Tỉnh ủy Quảng Ngãi). */
export const TASK_ROLES = {
  DIRECTS: { label: "chỉ đạo" },
  LEADS_ADVICE: { label: "chủ trì tham mưu" },
  COORDINATES: { label: "phối hợp" },
  CARRIES_OUT: { label: "tổ chức thực hiện" },
} as const;

export type TaskRole = keyof typeof TASK_ROLES;

export const TASK_ROLE_NAMES = Object.keys(TASK_ROLES) as TaskRole[];
