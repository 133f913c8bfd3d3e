/** The dates, the provisions relations cite and the proportions the national generator rests on (index.ts says where they come from). */

// ---------------------------------------------------------------------------------------------
// Dates and the provisions relations cite (all in the seed: seed/documents-core.yaml).

export const LAST_OLD_DAY = "2025-06-30";
export const REFORM_DAY = "2025-07-01";
export const CENTRAL_LAST_OLD_DAY = "2025-01-31";
export const CENTRAL_REFORM_DAY = "2025-02-01";
/** 138-QĐ/TW in force (Điều 15: from signature, 01/12/2023). */
export const QD138_DAY = "2023-12-01";

export const B = {
  superiorOld: ["dieu-le-dang-whole", "qd-24-2021-whole"],
  superiorCentral: ["dieu-le-dang-whole"],
  superiorNew: ["dieu-le-dang-whole", "qd-294-2025-whole"],
  provinceNew: ["qd-321-328-2025-whole", "nq-60-2025-whole"],
  communeNew: ["qd-294-2025-whole", "hd-31-2025-whole"],
  basicInCommune: ["qd-294-2025-whole"],
  agencyOrg: ["qd-138-2023-d9-k1", "dieu-le-dang-whole"],
  organOld: ["dieu-le-dang-whole", "qd-24-2021-whole"],
  organProvinceNew: ["qd-299-2025-whole"],
  organCommune: ["qd-298-2025-whole"],
  bodyCommune: ["qdinh-302-2025-whole"],
  leadsAgency: ["qd-138-2023-d10-k1", "qd-138-2023-d5-k2"],
  leadsBody: ["dieu-le-dang-whole"],
  agencyHead: ["qd-138-2023-d11-k1", "qd-138-2023-d11-k2"],
  localCommittee: ["qd-138-2023-d13"],
  guidesInspects: ["qd-138-2023-d14-k1"],
  reports: ["qd-138-2023-d14-k1"],
  districtsEnded: ["hd-31-2025-whole"],
  mergerProvince: ["nq-60-2025-whole", "qd-321-328-2025-whole"],
  mergerCommune: ["hd-31-2025-whole", "qd-294-2025-whole"],
} as const satisfies Record<string, readonly string[]>;

/** Every provision id the generator cites (the seed must have them). */
export const CITED_PROVISIONS: readonly string[] = [...new Set(Object.values(B).flat())].sort();

export const REPORT_NOTE =
  "Generated after the pattern of 1976-CV/TU mục 1 (seed): the Ban Thường vụ of a committee reports to the Ban Thường vụ Tỉnh ủy, through its Ban Tổ chức, on carrying out 138-QĐ/TW; periods illustrative.";
export const LOCAL_SUBJECT = "Phối hợp công tác và theo dõi, quản lý cán bộ, đảng viên";

// ---------------------------------------------------------------------------------------------
// Proportions (see the header).

export const OLD_COMMUNES = 10_000;
export const DISTRICTS = 700;
export const THON_PER_OLD_COMMUNE = 6.36; // 63,600 thôn / 10,000 old communes
export const DISTRICT_ORGS_PER_OLD_COMMUNE = 3.37; // ~33,700 district-level TCCSĐ / 10,000
export const PROVINCIAL_AGENCY_COUNT = 18;
export const PROVINCIAL_ENTERPRISES = 25;
export const PROVINCIAL_MILITARY_ORGS = 20;
export const PROVINCIAL_POLICE_ORGS = 30;
export const DANG_BO_SHARE = 0.2;
export const CELLS_PER_DANG_BO = 15;
export const PARTIAL_FROM_CELLS = 20;
export const CENTRAL_AGENCIES = 40;
export const CENTRAL_ENTERPRISES = 120;
export const CENTRAL_ARMED_ORGS = 600; // each for the army and the police

export const NATIONAL_FIGURES = {
  provincesBefore: 63,
  provincesAfter: 34,
  districts: DISTRICTS,
  oldCommunes: OLD_COMMUNES,
  communes: 3321,
  xa: 2621,
  phuong: 687,
  dacKhu: 13,
} as const;

/** The seed unit every generated chunk may point at. */
export const ANCHORS = new Map([["bch-trung-uong", { validFrom: null, validTo: null }]]);
