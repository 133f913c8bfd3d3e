/**
 * The kinds of unit in the party's organisational system, each with its Vietnamese label.
 *
 * Categories decide which structural rules apply: only a party organisation
 * (tổ chức đảng) has a direct superior committee (cấp ủy cấp trên trực tiếp, Điều lệ Đảng);
 * an organ (cơ quan của cấp ủy) is PART_OF its committee.
 */
type UnitCategory =
  | "PARTY_ORGANISATION"
  | "PARTY_BODY"
  | "PARTY_ORGAN"
  | "PARTY_DELEGATION"
  | "STATE"
  | "MASS_ORGANISATION"
  | "OTHER";

export type UnitLevel = "CENTRAL" | "PROVINCIAL" | "DISTRICT" | "COMMUNE" | "BASIC";

export interface UnitKindInfo {
  readonly label: string;
  readonly category: UnitCategory;
  readonly description: string;
}

export const UNIT_KINDS = {
  CENTRAL_COMMITTEE: {
    label: "Ban Chấp hành Trung ương",
    category: "PARTY_ORGANISATION",
    description: "The Party Central Committee, the top of every chain.",
  },
  POLITBURO: { label: "Bộ Chính trị", category: "PARTY_BODY", description: "The Politburo." },
  SECRETARIAT: { label: "Ban Bí thư", category: "PARTY_BODY", description: "The Secretariat." },
  CENTRAL_PARTY_COMMITTEE: {
    label: "Đảng ủy trực thuộc Trung ương",
    category: "PARTY_ORGANISATION",
    description: "A party committee directly under the Central Committee (other than a province).",
  },
  PROVINCIAL_COMMITTEE: {
    label: "Tỉnh ủy / Thành ủy",
    category: "PARTY_ORGANISATION",
    description: "A provincial or centrally-run city party committee.",
  },
  EXECUTIVE_COMMITTEE: {
    label: "Ban Chấp hành",
    category: "PARTY_BODY",
    description: "The executive committee of a party organisation.",
  },
  STANDING_BOARD: { label: "Ban Thường vụ", category: "PARTY_BODY", description: "The standing board." },
  STANDING_MEMBERS: {
    label: "Thường trực",
    category: "PARTY_BODY",
    description: "The standing members: the secretary and deputy secretaries.",
  },
  INSPECTION_COMMISSION: {
    label: "Ủy ban Kiểm tra",
    category: "PARTY_ORGAN",
    description: "The inspection commission of a committee.",
  },
  ORGANISATION_COMMISSION: {
    label: "Ban Tổ chức",
    category: "PARTY_ORGAN",
    description: "Organisation commission.",
  },
  PROPAGANDA_COMMISSION: {
    label: "Ban Tuyên giáo",
    category: "PARTY_ORGAN",
    description: "Propaganda commission.",
  },
  MASS_MOBILISATION_COMMISSION: {
    label: "Ban Dân vận",
    category: "PARTY_ORGAN",
    description: "Mass mobilisation commission.",
  },
  PROPAGANDA_MASS_MOBILISATION_COMMISSION: {
    label: "Ban Tuyên giáo và Dân vận",
    category: "PARTY_ORGAN",
    description: "The merged propaganda and mass mobilisation commission (from 2025).",
  },
  PARTY_BUILDING_COMMISSION: {
    label: "Ban Xây dựng Đảng",
    category: "PARTY_ORGAN",
    description: "Party building commission of a commune-level committee (Quy định 298-QĐ/TW).",
  },
  INTERNAL_AFFAIRS_COMMISSION: {
    label: "Ban Nội chính",
    category: "PARTY_ORGAN",
    description: "Internal affairs commission.",
  },
  PARTY_OFFICE: {
    label: "Văn phòng cấp ủy",
    category: "PARTY_ORGAN",
    description: "The committee's office.",
  },
  POLITICAL_SCHOOL: {
    label: "Trường chính trị / Trung tâm chính trị",
    category: "PARTY_ORGAN",
    description: "Political school or centre.",
  },
  AGENCIES_BLOC_COMMITTEE: {
    label: "Đảng ủy Khối các cơ quan",
    category: "PARTY_ORGANISATION",
    description: "Party committee of the provincial agencies bloc (until 30/06/2025).",
  },
  ENTERPRISES_BLOC_COMMITTEE: {
    label: "Đảng ủy Khối doanh nghiệp",
    category: "PARTY_ORGANISATION",
    description: "Party committee of the enterprises bloc (until 30/06/2025).",
  },
  MILITARY_PARTY_COMMITTEE: {
    label: "Đảng ủy Quân sự",
    category: "PARTY_ORGANISATION",
    description: "Military party committee.",
  },
  POLICE_PARTY_COMMITTEE: {
    label: "Đảng ủy Công an",
    category: "PARTY_ORGANISATION",
    description: "Police party committee.",
  },
  PARTY_AGENCIES_COMMITTEE: {
    label: "Đảng ủy các cơ quan Đảng",
    category: "PARTY_ORGANISATION",
    description: "Party committee of the Party, mass and judicial agencies (from 2025).",
  },
  GOVERNMENT_PARTY_COMMITTEE: {
    label: "Đảng ủy Ủy ban nhân dân",
    category: "PARTY_ORGANISATION",
    description: "Party committee of a people's committee, provincial or commune level (from 2025).",
  },
  DISTRICT_COMMITTEE: {
    label: "Huyện ủy / Thị ủy / Thành ủy",
    category: "PARTY_ORGANISATION",
    description: "District-level party committee (until 30/06/2025).",
  },
  COMMUNE_COMMITTEE: {
    label: "Đảng ủy xã / phường / đặc khu",
    category: "PARTY_ORGANISATION",
    description: "Commune, ward or special-zone party committee.",
  },
  BASIC_PARTY_COMMITTEE: {
    label: "Đảng bộ cơ sở",
    category: "PARTY_ORGANISATION",
    description: "Basic party committee.",
  },
  PARTIAL_PARTY_COMMITTEE: {
    label: "Đảng bộ bộ phận",
    category: "PARTY_ORGANISATION",
    description: "Partial party committee inside a basic party committee.",
  },
  BASIC_PARTY_CELL: {
    label: "Chi bộ cơ sở",
    category: "PARTY_ORGANISATION",
    description: "Basic party cell.",
  },
  SUBORDINATE_PARTY_CELL: {
    label: "Chi bộ trực thuộc",
    category: "PARTY_ORGANISATION",
    description: "Party cell under a basic or partial party committee.",
  },
  PARTY_DELEGATION: { label: "Đảng đoàn", category: "PARTY_DELEGATION", description: "Party delegation." },
  PARTY_CADRE_COMMITTEE: {
    label: "Ban cán sự đảng",
    category: "PARTY_DELEGATION",
    description: "Party cadre committee of a state body.",
  },
  PEOPLES_COUNCIL: { label: "Hội đồng nhân dân", category: "STATE", description: "People's council." },
  PEOPLES_COMMITTEE: { label: "Ủy ban nhân dân", category: "STATE", description: "People's committee." },
  STATE_AGENCY: { label: "Sở, ban, ngành", category: "STATE", description: "A state department or agency." },
  AGENCY_HEAD: { label: "Thủ trưởng cơ quan", category: "STATE", description: "The head of an agency." },
  FATHERLAND_FRONT: {
    label: "Mặt trận Tổ quốc",
    category: "MASS_ORGANISATION",
    description: "Vietnam Fatherland Front committee.",
  },
  WOMENS_UNION: {
    label: "Hội Liên hiệp Phụ nữ",
    category: "MASS_ORGANISATION",
    description: "Women's union.",
  },
  FARMERS_UNION: { label: "Hội Nông dân", category: "MASS_ORGANISATION", description: "Farmers' union." },
  VETERANS_ASSOCIATION: {
    label: "Hội Cựu chiến binh",
    category: "MASS_ORGANISATION",
    description: "Veterans.",
  },
  LABOUR_FEDERATION: {
    label: "Liên đoàn Lao động / Công đoàn",
    category: "MASS_ORGANISATION",
    description: "Labour federation or trade union.",
  },
  YOUTH_UNION: {
    label: "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    category: "MASS_ORGANISATION",
    description: "Ho Chi Minh Communist Youth Union (Tỉnh đoàn, Đoàn khối).",
  },
  PRESS_AGENCY: {
    label: "Cơ quan báo chí",
    category: "OTHER",
    description: "A party newspaper or press agency.",
  },
  STEERING_COMMITTEE: {
    label: "Ban Chỉ đạo",
    category: "OTHER",
    description:
      "A steering committee set up by a committee for one field of work (e.g. building party and mass organisations in private enterprises); no direct superior of its own in the graph.",
  },
} as const satisfies Record<string, UnitKindInfo>;

export type UnitKind = keyof typeof UNIT_KINDS;

export const UNIT_KIND_NAMES = Object.keys(UNIT_KINDS) as UnitKind[];

/** A party organisation has a direct superior committee (Điều lệ Đảng, Điều 10). */
export function isPartyOrganisation(kind: UnitKind): boolean {
  return UNIT_KINDS[kind].category === "PARTY_ORGANISATION";
}

export const UNIT_LEVELS: Record<UnitLevel, string> = {
  CENTRAL: "Trung ương",
  PROVINCIAL: "Cấp tỉnh",
  DISTRICT: "Cấp huyện",
  COMMUNE: "Cấp xã",
  BASIC: "Cơ sở",
};
