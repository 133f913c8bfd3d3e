/** The committees of a province: the Tỉnh ủy with its organs, state bodies and committees, a district, a new commune. */
import type { UnitKind } from "../../domain/unit-kinds.ts";
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

type Era = "old" | "new" | "both";

/** What the parts of a Tỉnh ủy share: the builder, its id and names, its spans and the basis of its organs. */
interface Tu {
  b: ChunkBuilder;
  id: string;
  name: string;
  where: string;
  place: OldProvince;
  era: Era;
  common: Span;
  oldOnly: Span;
  newOnly: Span;
  organBasis: readonly string[];
}

/** The state bodies and mass organisations of a province. */
interface StateBodies {
  ubnd: string;
  hdnd: string;
  mttq: string;
  /** Suffix, name and id of each mass organisation. */
  mass: { suffix: string; name: string; id: string }[];
}

/** A Tỉnh ủy (old, new, or across the reform) with its bodies, organs, state bodies and the committees under it. */
export function provincialCommittee(
  b: ChunkBuilder,
  place: OldProvince,
  id: string,
  era: Era,
): ProvinceCommittee {
  const validFrom = era === "new" ? REFORM_DAY : null;
  const validTo = era === "old" ? LAST_OLD_DAY : null;
  const common: Span = { level: "PROVINCIAL", province: place.slug, validFrom, validTo };
  const t: Tu = {
    b,
    id,
    name: committeeName(place),
    where: placeName(place),
    place,
    era,
    common,
    oldOnly: { ...common, validTo: LAST_OLD_DAY },
    newOnly: { ...common, validFrom: REFORM_DAY },
    organBasis: era === "new" ? B.organProvinceNew : B.organOld,
  };
  b.unit({ id, name: t.name, kind: "PROVINCIAL_COMMITTEE", ...common });
  b.rel("SUBORDINATE_TO", id, "bch-trung-uong", era === "new" ? B.provinceNew : B.superiorOld);
  const c = bodies(b, id, `Đảng bộ ${t.where}`, t.name, common, t.organBasis, true);
  provincialOrgans(t, c);
  const state = stateBodies(t);
  const military = subCommittee(t, c, "qs", "Quân sự", "MILITARY_PARTY_COMMITTEE", common);
  const police = subCommittee(t, c, "ca", "Công an", "POLICE_PARTY_COMMITTEE", common);
  const before = era !== "new" ? beforeReform(t, c, state) : null;
  const from = era !== "old" ? fromReform(t, c) : null;
  return {
    ...c,
    military,
    police,
    agenciesBloc: before?.agenciesBloc ?? null,
    enterprisesBloc: before?.enterprisesBloc ?? null,
    cadreCommittee: before?.cadreCommittee ?? null,
    partyAgencies: from?.partyAgencies ?? null,
    government: from?.government ?? null,
  };
}

/** The Tỉnh ủy's organs: those of every era, then those of its own. */
function provincialOrgans(t: Tu, c: Committee): void {
  const { b, name, where, common, organBasis } = t;
  organ(b, c, "ubkt", `Ủy ban Kiểm tra ${name}`, "INSPECTION_COMMISSION", common, organBasis);
  organ(b, c, "btc", `Ban Tổ chức ${name}`, "ORGANISATION_COMMISSION", common, organBasis);
  organ(b, c, "bnc", `Ban Nội chính ${name}`, "INTERNAL_AFFAIRS_COMMISSION", common, organBasis);
  organ(b, c, "vp", `Văn phòng ${name}`, "PARTY_OFFICE", common, organBasis);
  organ(b, c, "tct", `Trường Chính trị ${where}`, "POLITICAL_SCHOOL", common, organBasis);
  if (t.era !== "new") {
    organ(b, c, "btg", `Ban Tuyên giáo ${name}`, "PROPAGANDA_COMMISSION", t.oldOnly, B.organOld);
    organ(b, c, "bdv", `Ban Dân vận ${name}`, "MASS_MOBILISATION_COMMISSION", t.oldOnly, B.organOld);
  }
  if (t.era !== "old")
    organ(
      b,
      c,
      "btgdv",
      `Ban Tuyên giáo và Dân vận ${name}`,
      "PROPAGANDA_MASS_MOBILISATION_COMMISSION",
      t.newOnly,
      B.organProvinceNew,
    );
}

function stateBodies(t: Tu): StateBodies {
  const { b, id, where, common } = t;
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
  const kinds: [string, string, UnitKind][] = [
    ["hlhpn", `Hội Liên hiệp Phụ nữ ${where}`, "WOMENS_UNION"],
    ["hnd", `Hội Nông dân ${where}`, "FARMERS_UNION"],
    ["hccb", `Hội Cựu chiến binh ${where}`, "VETERANS_ASSOCIATION"],
    ["ldld", `Liên đoàn Lao động ${where}`, "LABOUR_FEDERATION"],
    ["doan", `Tỉnh đoàn ${t.place.name}`, "YOUTH_UNION"],
  ];
  const mass = kinds.map(([suffix, name, kind]) => ({
    suffix,
    name,
    id: b.unit({ id: `${id}-${suffix}`, name, kind, ...common }),
  }));
  return { ubnd, hdnd, mttq, mass };
}

/** A committee under the Tỉnh ủy (Đảng ủy X ${where}), with its bodies, reporting to the Ban Thường vụ Tỉnh ủy. */
function subCommittee(t: Tu, c: Committee, suffix: string, what: string, kind: UnitKind, span: Span): string {
  const { b, id, where } = t;
  const n = `Đảng ủy ${what} ${where}`;
  const sid = b.unit({ id: `${id}-${suffix}`, name: n, kind, ...span });
  b.rel("SUBORDINATE_TO", sid, id, span.validFrom === REFORM_DAY ? B.superiorNew : B.superiorOld);
  const sc = bodies(b, sid, `Đảng bộ ${what} ${where}`, n, span, t.organBasis);
  reportsToProvince(b, sc, c);
  guidesAndInspects(b, id, sid);
  return sid;
}

/** Until the reform: the bloc committees, the ban cán sự đảng of the UBND and the đảng đoàn, which it ended. */
function beforeReform(
  t: Tu,
  c: Committee,
  state: StateBodies,
): { agenciesBloc: string; enterprisesBloc: string; cadreCommittee: string } {
  const { b, id, where, oldOnly } = t;
  const agenciesBloc = subCommittee(t, c, "khoi-cq", "Khối các cơ quan", "AGENCIES_BLOC_COMMITTEE", oldOnly);
  const enterprisesBloc = subCommittee(
    t,
    c,
    "khoi-dn",
    "Khối Doanh nghiệp",
    "ENTERPRISES_BLOC_COMMITTEE",
    oldOnly,
  );
  const cadreCommittee = b.unit({
    id: `${id}-bcs-ubnd`,
    name: `Ban cán sự đảng Ủy ban nhân dân ${where}`,
    kind: "PARTY_CADRE_COMMITTEE",
    ...oldOnly,
  });
  b.rel("SUBORDINATE_TO", cadreCommittee, id, B.superiorOld);
  b.rel("LEADS", cadreCommittee, state.ubnd, B.leadsBody);
  const led: [string, string, string][] = [
    ["dd-hdnd", state.hdnd, `Hội đồng nhân dân ${where}`],
    ["dd-mttq", state.mttq, `Ủy ban Mặt trận Tổ quốc Việt Nam ${where}`],
    ...state.mass.slice(0, 4).map((m): [string, string, string] => [`dd-${m.suffix}`, m.id, m.name]),
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
  return { agenciesBloc, enterprisesBloc, cadreCommittee };
}

/** From the reform: the Đảng ủy các cơ quan Đảng and the Đảng ủy UBND. */
function fromReform(t: Tu, c: Committee): { partyAgencies: string; government: string } {
  return {
    partyAgencies: subCommittee(t, c, "cqd", "các cơ quan Đảng", "PARTY_AGENCIES_COMMITTEE", t.newOnly),
    government: subCommittee(t, c, "dubnd", "Ủy ban nhân dân", "GOVERNMENT_PARTY_COMMITTEE", t.newOnly),
  };
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
