/** How a provision is referred to in Vietnamese: "Điều 9 khoản 2, 138-QĐ/TW". */
export interface ProvisionRef {
  article: number | null;
  clause: number | null;
  point: string | null;
  section: string | null;
}

export function citationLabel(p: ProvisionRef, documentNumber: string): string {
  const parts: string[] = [];
  if (p.article) parts.push(`Điều ${p.article}`);
  if (p.clause) parts.push(`khoản ${p.clause}`);
  if (p.point) parts.push(`điểm ${p.point}`);
  if (!p.article && p.section) parts.push(`mục ${p.section}`);
  return parts.length > 0 ? `${parts.join(" ")}, ${documentNumber}` : documentNumber;
}
