/**
 * Reporting and meeting frequencies, with the Vietnamese words the documents use.
 * 138-QĐ/TW Điều 9–12 ("hàng tháng, 6 tháng, cuối năm, đột xuất khi có yêu cầu");
 * Quy chế làm việc Đảng ủy Khối Lâm Đồng Điều 10–13 (hằng tuần, hằng quý).
 *
 * PERIODIC is what a text says when it writes "định kỳ" and names no period (1976-CV/TU
 * mục 1, 350-CV/TU mục 5, Quy chế Điều 17 khoản 1, Điều 20 khoản 2, Điều 22 khoản 3): the
 * graph says that much and no more. A due-date policy may map it to periods for a unit
 * (config/due-dates.yaml), and the calendar then marks those dates as policy.
 */
const FREQUENCIES = {
  WEEKLY: { label: "hằng tuần", description: "Every week." },
  MONTHLY: { label: "hằng tháng", description: "Every month." },
  QUARTERLY: { label: "hằng quý", description: "Every quarter (3 months)." },
  SEMI_ANNUAL: { label: "6 tháng", description: "At the six-month review (sơ kết 6 tháng)." },
  NINE_MONTHS: { label: "9 tháng", description: "At the nine-month review." },
  ANNUAL: { label: "cuối năm", description: "At the year-end review (tổng kết năm)." },
  END_OF_TERM: { label: "cuối nhiệm kỳ", description: "At the end of the term." },
  AT_CONGRESS: { label: "vào dịp đại hội", description: "At the party congress." },
  AD_HOC: { label: "đột xuất khi có yêu cầu", description: "Ad hoc, when requested." },
  PERIODIC: {
    label: "định kỳ (văn bản không nêu kỳ hạn)",
    description: "Periodically, the text naming no period; only a due-date policy may give it one.",
  },
} as const;

export type Frequency = keyof typeof FREQUENCIES;

export const FREQUENCY_NAMES = Object.keys(FREQUENCIES) as Frequency[];

export function frequencyLabel(frequency: Frequency): string {
  return FREQUENCIES[frequency].label;
}

/** Frequencies in their natural order, so that merged lists read the way the documents write them. */
export function sortFrequencies(values: Iterable<Frequency>): Frequency[] {
  const order = new Map(FREQUENCY_NAMES.map((f, i) => [f, i]));
  return [...new Set(values)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
