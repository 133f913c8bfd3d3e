/** The committees of a province: the Tỉnh ủy with its organs, state bodies and committees, a district, a new commune. */
import type { UnitKind, UnitLevel } from "../../domain/unit-kinds.ts";
import { committeeName, type NewProvince, type OldProvince, placeName } from "../geography.ts";
import type { ChunkBuilder } from "../model.ts";
import { B, LAST_OLD_DAY, REFORM_DAY } from "./constants.ts";
import { pad } from "./names.ts";
import type { CommunePlan } from "./plan.ts";
import { bodies, type Committee, guidesAndInspects, organ, reportsToProvince, type Span } from "./shapes.ts";

export interface ProvinceCommittee extends Committee {
  /** Đảng ủy Quân sự and Công an. */
  military: string;
  police: string;
  /** Until the reform (null for a committee founded at the reform). */
  agenciesBloc: string | null;
  enterprisesBloc: string | null;
  cadreCommittee: string | null;
  /** From the reform (null for a committee that ended at it). */
  partyAgencies: string | null;
  government: string | null;
}

export interface District extends Committee {
  label: string;
}

export interface NewCommune extends Committee {
  index: number;
  type: CommunePlan["type"];
  label: string;
}

export function provincialCommittee(
  b: ChunkBuilder,
  place: OldProvince,
  id: string,
  era: "old" | "new" | "both",
): ProvinceCommittee {
  const slug = place.slug;
  const validFrom = era === "new" ? REFORM_DAY : null;
  const validTo = era === "old" ? LAST_OLD_DAY : null;
  const level: UnitLevel = "PROVINCIAL";
  const common: Span = { level, province: slug, validFrom, validTo };
  const oldOnly: Span = { ...common, validTo: LAST_OLD_DAY };
  const newOnly: Span = { ...common, validFrom: REFORM_DAY };
  const name = committeeName(place);
  const where = placeName(place);
  b.unit({ id, name, kind: "PROVINCIAL_COMMITTEE", ...common });
  b.rel("SUBORDINATE_TO", id, "bch-trung-uong", era === "new" ? B.provinceNew : B.superiorOld);
  const organBasis = era === "new" ? B.organProvinceNew : B.organOld;
  const c = bodies(b, id, `Đảng bộ ${where}`, name, common, organBasis, true);
  organ(b, c, "ubkt", `Ủy ban Kiểm tra ${name}`, "INSPECTION_COMMISSION", common, organBasis);
  organ(b, c, "btc", `Ban Tổ chức ${name}`, "ORGANISATION_COMMISSION", common, organBasis);
  organ(b, c, "bnc", `Ban Nội chính ${name}`, "INTERNAL_AFFAIRS_COMMISSION", common, organBasis);
  organ(b, c, "vp", `Văn phòng ${name}`, "PARTY_OFFICE", common, organBasis);
  organ(b, c, "tct", `Trường Chính trị ${where}`, "POLITICAL_SCHOOL", common, organBasis);
  if (era !== "new") {
    organ(b, c, "btg", `Ban Tuyên giáo ${name}`, "PROPAGANDA_COMMISSION", oldOnly, B.organOld);
    organ(b, c, "bdv", `Ban Dân vận ${name}`, "MASS_MOBILISATION_COMMISSION", oldOnly, B.organOld);
  }
  if (era !== "old")
    organ(
      b,
      c,
      "btgdv",
      `Ban Tuyên giáo và Dân vận ${name}`,
      "PROPAGANDA_MASS_MOBILISATION_COMMISSION",
      newOnly,
      B.organProvinceNew,
    );

  // State bodies and mass organisations of the province.
  const ubnd = b.unit({
    id: `${id}-ubnd`,
    name: `Ủy ban nhân dân ${where}`,
    kind: "PEOPLES_COMMITTEE",
    ...common,
  });
  const hdnd = b.unit({
    id: `${id}-hdnd`,
    name: `Hội đồng nhân dân ${where}`,
    kind: "PEOPLES_COUNCIL",
    ...common,
  });
  const mttq = b.unit({
    id: `${id}-mttq`,
    name: `Ủy ban Mặt trận Tổ quốc Việt Nam ${where}`,
    kind: "FATHERLAND_FRONT",
    ...common,
  });
  const mass: [string, string, UnitKind][] = [
    ["hlhpn", `Hội Liên hiệp Phụ nữ ${where}`, "WOMENS_UNION"],
    ["hnd", `Hội Nông dân ${where}`, "FARMERS_UNION"],
    ["hccb", `Hội Cựu chiến binh ${where}`, "VETERANS_ASSOCIATION"],
    ["ldld", `Liên đoàn Lao động ${where}`, "LABOUR_FEDERATION"],
    ["doan", `Tỉnh đoàn ${place.name}`, "YOUTH_UNION"],
  ];
  const massIds = mass.map(([s, n, k]) => b.unit({ id: `${id}-${s}`, name: n, kind: k, ...common }));

  // Committees under the Tỉnh ủy, each with its bodies, reporting to the Ban Thường vụ Tỉnh ủy.
  const sub = (suffix: string, n: string, org: string, kind: UnitKind, span: Span): string => {
    const sid = b.unit({ id: `${id}-${suffix}`, name: n, kind, ...span });
    b.rel("SUBORDINATE_TO", sid, id, span.validFrom === REFORM_DAY ? B.superiorNew : B.superiorOld);
    const sc = bodies(b, sid, org, n, span, organBasis);
    reportsToProvince(b, sc, c);
    guidesAndInspects(b, id, sid);
    return sid;
  };
  const military = sub(
    "qs",
    `Đảng ủy Quân sự ${where}`,
    `Đảng bộ Quân sự ${where}`,
    "MILITARY_PARTY_COMMITTEE",
    common,
  );
  const police = sub(
    "ca",
    `Đảng ủy Công an ${where}`,
    `Đảng bộ Công an ${where}`,
    "POLICE_PARTY_COMMITTEE",
    common,
  );
  let agenciesBloc: string | null = null;
  let enterprisesBloc: string | null = null;
  let cadreCommittee: string | null = null;
  if (era !== "new") {
    agenciesBloc = sub(
      "khoi-cq",
      `Đảng ủy Khối các cơ quan ${where}`,
      `Đảng bộ Khối các cơ quan ${where}`,
      "AGENCIES_BLOC_COMMITTEE",
      oldOnly,
    );
    enterprisesBloc = sub(
      "khoi-dn",
      `Đảng ủy Khối Doanh nghiệp ${where}`,
      `Đảng bộ Khối Doanh nghiệp ${where}`,
      "ENTERPRISES_BLOC_COMMITTEE",
      oldOnly,
    );
    // Ban cán sự đảng and đảng đoàn, until the reform ended them.
    cadreCommittee = b.unit({
      id: `${id}-bcs-ubnd`,
      name: `Ban cán sự đảng Ủy ban nhân dân ${where}`,
      kind: "PARTY_CADRE_COMMITTEE",
      ...oldOnly,
    });
    b.rel("SUBORDINATE_TO", cadreCommittee, id, B.superiorOld);
    b.rel("LEADS", cadreCommittee, ubnd, B.leadsBody);
    const led: [string, string, string][] = [
      ["dd-hdnd", hdnd, `Hội đồng nhân dân ${where}`],
      ["dd-mttq", mttq, `Ủy ban Mặt trận Tổ quốc Việt Nam ${where}`],
      ...mass.slice(0, 4).map(([s, n], k): [string, string, string] => [`dd-${s}`, massIds[k] as string, n]),
    ];
    for (const [suffix, target, label] of led) {
      const dd = b.unit({
        id: `${id}-${suffix}`,
        name: `Đảng đoàn ${label}`,
        kind: "PARTY_DELEGATION",
        ...oldOnly,
      });
      b.rel("SUBORDINATE_TO", dd, id, B.superiorOld);
      b.rel("LEADS", dd, target, B.leadsBody);
    }
  }
  let partyAgencies: string | null = null;
  let government: string | null = null;
  if (era !== "old") {
    partyAgencies = sub(
      "cqd",
      `Đảng ủy các cơ quan Đảng ${where}`,
      `Đảng bộ các cơ quan Đảng ${where}`,
      "PARTY_AGENCIES_COMMITTEE",
      newOnly,
    );
    government = sub(
      "dubnd",
      `Đảng ủy Ủy ban nhân dân ${where}`,
      `Đảng bộ Ủy ban nhân dân ${where}`,
      "GOVERNMENT_PARTY_COMMITTEE",
      newOnly,
    );
  }
  return { ...c, military, police, agenciesBloc, enterprisesBloc, cadreCommittee, partyAgencies, government };
}

export function district(
  b: ChunkBuilder,
  o: OldProvince,
  oc: ProvinceCommittee,
  id: string,
  index: number,
  name: string,
): District {
  const type = index === 0 ? (o.city ? "Quận" : "Thành phố") : index % 7 === 3 ? "Thị xã" : "Huyện";
  const word = { Huyện: "Huyện ủy", "Thị xã": "Thị ủy", Quận: "Quận ủy", "Thành phố": "Thành ủy" }[type];
  const label = `${type.toLowerCase()} ${name}`;
  const common: Span = { level: "DISTRICT", province: o.slug, validFrom: null, validTo: LAST_OLD_DAY };
  const full = `${word} ${name}`;
  b.unit({ id, name: full, kind: "DISTRICT_COMMITTEE", ...common });
  b.rel("SUBORDINATE_TO", id, oc.id, B.superiorOld);
  const c = bodies(b, id, `Đảng bộ ${label}`, full, common, B.organOld);
  organ(b, c, "ubkt", `Ủy ban Kiểm tra ${full}`, "INSPECTION_COMMISSION", common, B.organOld);
  organ(b, c, "btc", `Ban Tổ chức ${full}`, "ORGANISATION_COMMISSION", common, B.organOld);
  organ(b, c, "btg", `Ban Tuyên giáo ${full}`, "PROPAGANDA_COMMISSION", common, B.organOld);
  organ(b, c, "bdv", `Ban Dân vận ${full}`, "MASS_MOBILISATION_COMMISSION", common, B.organOld);
  organ(b, c, "vp", `Văn phòng ${full}`, "PARTY_OFFICE", common, B.organOld);
  b.unit({ id: `${id}-ubnd`, name: `Ủy ban nhân dân ${label}`, kind: "PEOPLES_COMMITTEE", ...common });
  b.unit({ id: `${id}-hdnd`, name: `Hội đồng nhân dân ${label}`, kind: "PEOPLES_COUNCIL", ...common });
  reportsToProvince(b, c, oc);
  guidesAndInspects(b, oc.id, id);
  return { ...c, label };
}

export function newCommune(
  b: ChunkBuilder,
  P: NewProvince,
  tu: ProvinceCommittee,
  c: CommunePlan,
): NewCommune {
  const word = c.type === "xa" ? "xã" : c.type === "phuong" ? "phường" : "đặc khu";
  const label = `${word} ${c.name}`;
  const id = `gen-${P.slug}-c${pad(c.index, 3)}`;
  const common: Span = { level: "COMMUNE", province: P.slug, validFrom: REFORM_DAY, validTo: null };
  b.unit({ id, name: `Đảng ủy ${label}`, kind: "COMMUNE_COMMITTEE", sector: "LOCALITY", ...common });
  b.rel("SUBORDINATE_TO", id, tu.id, B.communeNew);
  const k = bodies(b, id, `Đảng bộ ${label}`, `Đảng ủy ${label}`, common, B.bodyCommune, true);
  organ(b, k, "ubkt", `Ủy ban Kiểm tra Đảng ủy ${label}`, "INSPECTION_COMMISSION", common, B.organCommune);
  organ(b, k, "vp", `Văn phòng Đảng ủy ${label}`, "PARTY_OFFICE", common, B.organCommune);
  organ(
    b,
    k,
    "bxdd",
    `Ban Xây dựng Đảng Đảng ủy ${label}`,
    "PARTY_BUILDING_COMMISSION",
    common,
    B.organCommune,
  );
  if (c.type === "dac-khu")
    organ(b, k, "ttct", `Trung tâm Chính trị ${label}`, "POLITICAL_SCHOOL", common, B.organCommune);
  const ubnd = b.unit({
    id: `${id}-ubnd`,
    name: `Ủy ban nhân dân ${label}`,
    kind: "PEOPLES_COMMITTEE",
    ...common,
  });
  const dubnd = b.unit({
    id: `${id}-dubnd`,
    name: `Đảng ủy Ủy ban nhân dân ${label}`,
    kind: "GOVERNMENT_PARTY_COMMITTEE",
    ...common,
  });
  b.rel("SUBORDINATE_TO", dubnd, id, B.basicInCommune);
  b.rel("LEADS", dubnd, ubnd, B.basicInCommune);
  for (const [i, office] of ["Văn phòng HĐND và UBND", "Phòng Kinh tế"].entries()) {
    const cell = b.unit({
      id: `${dubnd}-c${i + 1}`,
      name: `Chi bộ ${office} ${label}`,
      kind: "SUBORDINATE_PARTY_CELL",
      ...common,
      level: "BASIC",
      sector: "AGENCY",
      host: ubnd,
    });
    b.rel("SUBORDINATE_TO", cell, dubnd, B.basicInCommune);
  }
  reportsToProvince(b, k, tu, REFORM_DAY);
  guidesAndInspects(b, tu.id, id);
  return { ...k, index: c.index, type: c.type, label };
}
