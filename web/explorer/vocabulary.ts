/** Colours and Vietnamese labels for kind categories and relation types (legend and styles). */

export const CATEGORIES: Record<string, { label: string; colour: string }> = {
  PARTY_ORGANISATION: { label: "Tổ chức đảng", colour: "#c62828" },
  PARTY_BODY: { label: "BCH, BTV, Thường trực", colour: "#ef6c00" },
  PARTY_ORGAN: { label: "Ban, văn phòng, UBKT", colour: "#f9a825" },
  PARTY_DELEGATION: { label: "Đảng đoàn, ban cán sự đảng", colour: "#8e24aa" },
  STATE: { label: "Cơ quan nhà nước", colour: "#1565c0" },
  MASS_ORGANISATION: { label: "Mặt trận, đoàn thể", colour: "#2e7d32" },
  OTHER: { label: "Khác", colour: "#607d8b" },
};

export const RELATION_TYPES: Record<string, { label: string; colour: string }> = {
  SUBORDINATE_TO: { label: "trực thuộc", colour: "#424242" },
  PART_OF: { label: "là cơ quan của", colour: "#9e9e9e" },
  LEADS: { label: "lãnh đạo, chỉ đạo", colour: "#b71c1c" },
  REPORTS_TO: { label: "báo cáo", colour: "#0d47a1" },
  COORDINATES_WITH: { label: "phối hợp", colour: "#00897b" },
  ADVISES: { label: "tham mưu, giúp việc", colour: "#6d4c41" },
  INSPECTS: { label: "kiểm tra, giám sát", colour: "#d81b60" },
  GUIDES: { label: "hướng dẫn nghiệp vụ", colour: "#7cb342" },
  NOTIFIES: { label: "thông báo", colour: "#5e35b1" },
};

/** kind → category, filled from the API's unitKinds at start. */
export const kindCategory = new Map<string, string>();

export function colourOfKind(kind: string): string {
  return CATEGORIES[kindCategory.get(kind) ?? "OTHER"]?.colour ?? "#607d8b";
}

export function vnDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

export function escapeHtml(s: string | null | undefined): string {
  return (s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}
