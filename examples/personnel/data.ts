/**
 * SYNTHETIC DATA. Every person here is invented (names end in "(giả lập)"); the unit and position
 * ids are real ids from the org subgraph's seed, so that the example joins with it: the reporting
 * chain of the Chi bộ Sở Nội vụ tỉnh Lâm Đồng before 01/07/2025 (Đảng ủy Khối các cơ quan tỉnh →
 * Tỉnh ủy → Ban Chấp hành Trung ương) and after it (Đảng ủy UBND tỉnh → Tỉnh ủy Lâm Đồng (2025) →
 * Ban Chấp hành Trung ương).
 */

export type OfficeTitle = "SECRETARY" | "STANDING_DEPUTY_SECRETARY" | "DEPUTY_SECRETARY";

export interface PersonRecord {
  id: string;
  name: string;
  synthetic: true;
}

export interface TermRecord {
  id: string;
  personId: string;
  unitId: string;
  title: OfficeTitle;
  /** The org subgraph's Position id, where it records the office. */
  positionId: string | null;
  from: string;
  to: string | null;
}

export const TITLE_LABELS: Readonly<Record<OfficeTitle, string>> = {
  SECRETARY: "Bí thư",
  STANDING_DEPUTY_SECRETARY: "Phó Bí thư Thường trực",
  DEPUTY_SECRETARY: "Phó Bí thư",
};

/** Seniority, for ordering the holders of one unit. */
export const TITLE_ORDER: readonly OfficeTitle[] = [
  "SECRETARY",
  "STANDING_DEPUTY_SECRETARY",
  "DEPUTY_SECRETARY",
];

const person = (id: string, name: string): PersonRecord => ({
  id,
  name: `${name} (giả lập)`,
  synthetic: true,
});

export const PEOPLE: readonly PersonRecord[] = [
  person("nguoi-01", "Nguyễn Văn An"),
  person("nguoi-02", "Trần Thị Bình"),
  person("nguoi-03", "Lê Văn Cường"),
  person("nguoi-04", "Phạm Thị Dung"),
  person("nguoi-05", "Hoàng Văn Em"),
  person("nguoi-06", "Vũ Thị Phương"),
  person("nguoi-07", "Đặng Văn Giang"),
  person("nguoi-08", "Bùi Thị Hà"),
  person("nguoi-09", "Đỗ Văn Hùng"),
  person("nguoi-10", "Ngô Thị Lan"),
];

export const TERMS: readonly TermRecord[] = [
  // Chi bộ Sở Nội vụ tỉnh Lâm Đồng (one unit across 01/07/2025).
  term("t-01", "nguoi-01", "chi-bo-so-noi-vu-lam-dong", "SECRETARY", "2020-06-01", "2025-06-30"),
  term("t-02", "nguoi-02", "chi-bo-so-noi-vu-lam-dong", "SECRETARY", "2025-07-01", null),
  // Đảng ủy Khối các cơ quan tỉnh Lâm Đồng, whose positions the org subgraph records.
  term("t-03", "nguoi-03", "dang-uy-khoi-co-quan-lam-dong", "SECRETARY", "2020-10-20", "2025-06-30", {
    positionId: "bi-thu-dang-uy-khoi-co-quan-lam-dong",
  }),
  term(
    "t-04",
    "nguoi-04",
    "dang-uy-khoi-co-quan-lam-dong",
    "STANDING_DEPUTY_SECRETARY",
    "2020-10-20",
    "2025-06-30",
    {
      positionId: "pho-bi-thu-thuong-truc-dang-uy-khoi-co-quan-lam-dong",
    },
  ),
  // Tỉnh ủy Lâm Đồng until 30/06/2025: a secretary replaced mid-term.
  term("t-05", "nguoi-05", "tinh-uy-lam-dong", "SECRETARY", "2020-10-15", "2023-12-31"),
  term("t-06", "nguoi-06", "tinh-uy-lam-dong", "SECRETARY", "2024-01-01", "2025-06-30"),
  term("t-07", "nguoi-07", "tinh-uy-lam-dong", "DEPUTY_SECRETARY", "2020-10-15", "2025-06-30"),
  // From 01/07/2025.
  term("t-08", "nguoi-08", "dang-uy-ubnd-tinh-lam-dong-2025", "SECRETARY", "2025-07-01", null),
  term("t-09", "nguoi-06", "tinh-uy-lam-dong-2025", "SECRETARY", "2025-07-01", null),
  term("t-10", "nguoi-09", "tinh-uy-lam-dong-2025", "STANDING_DEPUTY_SECRETARY", "2025-07-01", null),
  // Ban Chấp hành Trung ương.
  term("t-11", "nguoi-10", "bch-trung-uong", "SECRETARY", "2021-01-31", null),
];

function term(
  id: string,
  personId: string,
  unitId: string,
  title: OfficeTitle,
  from: string,
  to: string | null,
  extra: { positionId?: string } = {},
): TermRecord {
  return { id, personId, unitId, title, positionId: extra.positionId ?? null, from, to };
}
