/** The centre: the central committees before and after 01/02/2025, ministries, central enterprises and the armed forces. */
import type { GeneratedBatch } from "../../domain/records.ts";
import type { UnitLevel } from "../../domain/unit-kinds.ts";
import { MILITARY_UNIT_KINDS, NAME_SYLLABLES, POLICE_UNIT_KINDS } from "../geography.ts";
import { ChunkBuilder } from "../model.ts";
import type { Random } from "../prng.ts";
import {
  ANCHORS,
  B,
  CENTRAL_AGENCIES,
  CENTRAL_ARMED_ORGS,
  CENTRAL_ENTERPRISES,
  CENTRAL_LAST_OLD_DAY,
  CENTRAL_REFORM_DAY,
} from "./constants.ts";
import { pad } from "./names.ts";
import type { NationalPlan } from "./plan.ts";
import {
  agencyWithOrganisation,
  basicOrganisation,
  bodies,
  type Committee,
  organ,
  type Span,
  superiorAcrossReform,
} from "./shapes.ts";

const CENTRAL_AGENCY_NAMES = [
  "Bộ Nội vụ",
  "Bộ Tư pháp",
  "Bộ Tài chính",
  "Bộ Công Thương",
  "Bộ Xây dựng",
  "Bộ Y tế",
  "Bộ Giáo dục và Đào tạo",
  "Bộ Khoa học và Công nghệ",
  "Bộ Nông nghiệp và Môi trường",
  "Bộ Văn hóa, Thể thao và Du lịch",
  "Bộ Ngoại giao",
  "Bộ Dân tộc và Tôn giáo",
  "Thanh tra Chính phủ",
  "Ngân hàng Nhà nước Việt Nam",
  "Văn phòng Chính phủ",
];

export function centralChunk(plan: NationalPlan, rng: Random): GeneratedBatch {
  const b = new ChunkBuilder("central", ANCHORS);
  const level: UnitLevel = "CENTRAL";
  const committee = (
    slug: string,
    name: string,
    organisation: string,
    validFrom: string | null,
    validTo: string | null,
    note: string | null = null,
  ): Committee => {
    const id = b.unit({
      id: `gen-tw-${slug}`,
      name,
      kind: "CENTRAL_PARTY_COMMITTEE",
      level,
      validFrom,
      validTo,
      note,
    });
    b.rel("SUBORDINATE_TO", id, "bch-trung-uong", B.superiorCentral);
    const common = { level, province: null, validFrom, validTo };
    const c = bodies(b, id, organisation, name, common, B.organOld);
    organ(b, c, "ubkt", `Ủy ban Kiểm tra ${name}`, "INSPECTION_COMMISSION", common, B.organOld);
    organ(b, c, "vp", `Văn phòng ${name}`, "PARTY_OFFICE", common, B.organOld);
    return c;
  };
  const reformNote =
    "DOMAIN.md: formed under the Central Committee in 02–03/2025; the generator dates the change 01/02/2025.";
  const khoiCq = committee(
    "khoi-co-quan",
    "Đảng ủy Khối các cơ quan Trung ương",
    "Đảng bộ Khối các cơ quan Trung ương",
    null,
    CENTRAL_LAST_OLD_DAY,
  );
  const khoiDn = committee(
    "khoi-doanh-nghiep",
    "Đảng ủy Khối Doanh nghiệp Trung ương",
    "Đảng bộ Khối Doanh nghiệp Trung ương",
    null,
    CENTRAL_LAST_OLD_DAY,
  );
  committee(
    "co-quan-dang",
    "Đảng ủy các cơ quan Đảng Trung ương",
    "Đảng bộ các cơ quan Đảng Trung ương",
    CENTRAL_REFORM_DAY,
    null,
    reformNote,
  );
  const chinhPhu = committee(
    "chinh-phu",
    "Đảng ủy Chính phủ",
    "Đảng bộ Chính phủ",
    CENTRAL_REFORM_DAY,
    null,
    reformNote,
  );
  committee("quoc-hoi", "Đảng ủy Quốc hội", "Đảng bộ Quốc hội", CENTRAL_REFORM_DAY, null, reformNote);
  committee(
    "mttq",
    "Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương",
    "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương",
    CENTRAL_REFORM_DAY,
    null,
    reformNote,
  );
  const quanUy = committee("quan-uy", "Quân ủy Trung ương", "Đảng bộ Quân đội", null, null);
  const congAn = committee("cong-an", "Đảng ủy Công an Trung ương", "Đảng bộ Công an Trung ương", null, null);

  const s = plan.scale;
  const span: Span = { level, province: null, validFrom: null, validTo: null };
  // Ministries and central agencies: an agency party organisation, led by a ban cán sự đảng until the reform.
  const agencies = Math.max(2, Math.round(CENTRAL_AGENCIES * s));
  for (let i = 1; i <= agencies; i++) {
    const name =
      i <= CENTRAL_AGENCY_NAMES.length
        ? (CENTRAL_AGENCY_NAMES[i - 1] as string)
        : `Cơ quan Trung ương số ${i}`;
    const id = `gen-tw-cq${pad(i)}`;
    const { agency, org } = agencyWithOrganisation(b, rng.fork(`agency:${i}`), id, name, span, 0.6);
    superiorAcrossReform(
      b,
      org,
      khoiCq.id,
      chinhPhu.id,
      B.agencyOrg,
      B.agencyOrg,
      CENTRAL_LAST_OLD_DAY,
      CENTRAL_REFORM_DAY,
    );
    const bcs = b.unit({
      id: `${id}-bcs`,
      name: `Ban cán sự đảng ${name}`,
      kind: "PARTY_CADRE_COMMITTEE",
      level,
      validTo: CENTRAL_LAST_OLD_DAY,
    });
    b.rel("SUBORDINATE_TO", bcs, "bch-trung-uong", B.superiorCentral);
    b.rel("LEADS", bcs, agency, B.leadsAgency);
  }
  const enterprises = Math.max(1, Math.round(CENTRAL_ENTERPRISES * s));
  for (let i = 1; i <= enterprises; i++) {
    const r = rng.fork(`enterprise:${i}`);
    const org = basicOrganisation(
      { b, rng: r, province: null, sector: "ENTERPRISE", host: null, validFrom: null, validTo: null },
      `gen-tw-dn${pad(i, 3)}`,
      `Tổng công ty ${r.pick(NAME_SYLLABLES)} ${i}`,
      0.5,
    );
    superiorAcrossReform(
      b,
      org,
      khoiDn.id,
      chinhPhu.id,
      B.superiorOld,
      B.superiorCentral,
      CENTRAL_LAST_OLD_DAY,
      CENTRAL_REFORM_DAY,
    );
  }
  for (const [c, slug, label] of [
    [quanUy, "qd", "Quân đội"],
    [congAn, "ca", "Công an"],
  ] as const) {
    const n = Math.max(1, Math.round(CENTRAL_ARMED_ORGS * s));
    for (let i = 1; i <= n; i++) {
      const r = rng.fork(`${slug}:${i}`);
      const org = basicOrganisation(
        { b, rng: r, province: null, sector: "ARMED_FORCES", host: null, validFrom: null, validTo: null },
        `gen-tw-${slug}${pad(i, 3)}`,
        `${r.pick(slug === "qd" ? MILITARY_UNIT_KINDS : POLICE_UNIT_KINDS)} ${i} (${label})`,
        0.35,
      );
      b.rel("SUBORDINATE_TO", org, c.id, B.superiorCentral);
    }
  }
  return b.done();
}
