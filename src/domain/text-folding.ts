/**
 * Folds Vietnamese text for search: lower case, diacritics removed, đ → d,
 * so that "tinh uy lam dong" finds "Tỉnh ủy Lâm Đồng".
 */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}
