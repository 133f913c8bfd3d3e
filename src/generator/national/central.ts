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

/** The central committees a chunk's organisations hang from, before and after 01/02/2025. */
interface CentralCommittees {
  khoiCq: Committee;
  khoiDn: Committee;
  chinhPhu: Committee;
  quanUy: Committee;
  congAn: Committee;
}

const LEVEL: UnitLevel = "CENTRAL";

const REFORM_NOTE =
  "DOMAIN.md: formed under the Central Committee in 02–03/2025; the generator dates the change 01/02/2025.";

export function centralChunk(plan: NationalPlan, rng: Random): GeneratedBatch {
  const b = new ChunkBuilder("central", ANCHORS);
  const committees = centralCommittees(b);
  const s = plan.scale;
  centralAgencies(b, rng, committees, Math.max(2, Math.round(CENTRAL_AGENCIES * s)));
  centralEnterprises(b, rng, committees, Math.max(1, Math.round(CENTRAL_ENTERPRISES * s)));
  armedForces(b, rng, committees, Math.max(1, Math.round(CENTRAL_ARMED_ORGS * s)));
  return b.done();
}

/** A central party committee under the BCH Trung ương, with its bodies, UBKT and Văn phòng. */
function centralCommittee(
  b: ChunkBuilder,
  slug: string,
  name: string,
  organisation: string,
  validFrom: string | null,
  validTo: string | null,
  note: string | null = null,
): Committee {
  const id = b.unit({
    id: `gen-tw-${slug}`,
    name,
    kind: "CENTRAL_PARTY_COMMITTEE",
    level: LEVEL,
    validFrom,
    validTo,
    note,
  });
  b.rel("SUBORDINATE_TO", id, "bch-trung-uong", B.superiorCentral);
  const common = { level: LEVEL, province: null, validFrom, validTo };
  const c = bodies(b, id, organisation, name, common, B.organOld);
  organ(b, c, "ubkt", `Ủy ban Kiểm tra ${name}`, "INSPECTION_COMMISSION", common, B.organOld);
  organ(b, c, "vp", `Văn phòng ${name}`, "PARTY_OFFICE", common, B.organOld);
  return c;
}

/** The two bloc committees until 31/01/2025, the four new committees from 01/02/2025, and the armed forces' committees. */
function centralCommittees(b: ChunkBuilder): CentralCommittees {
  const khoiCq = centralCommittee(
    b,
    "khoi-co-quan",
    "Đảng ủy Khối các cơ quan Trung ương",
    "Đảng bộ Khối các cơ quan Trung ương",
    null,
    CENTRAL_LAST_OLD_DAY,
  );
  const khoiDn = centralCommittee(
    b,
    "khoi-doanh-nghiep",
    "Đảng ủy Khối Doanh nghiệp Trung ương",
    "Đảng bộ Khối Doanh nghiệp Trung ương",
    null,
    CENTRAL_LAST_OLD_DAY,
  );
  const after = (slug: string, what: string) =>
    centralCommittee(b, slug, `Đảng ủy ${what}`, `Đảng bộ ${what}`, CENTRAL_REFORM_DAY, null, REFORM_NOTE);
  after("co-quan-dang", "các cơ quan Đảng Trung ương");
  const chinhPhu = after("chinh-phu", "Chính phủ");
  after("quoc-hoi", "Quốc hội");
  after("mttq", "Mặt trận Tổ quốc, các đoàn thể Trung ương");
  const quanUy = centralCommittee(b, "quan-uy", "Quân ủy Trung ương", "Đảng bộ Quân đội", null, null);
  const congAn = centralCommittee(
    b,
    "cong-an",
    "Đảng ủy Công an Trung ương",
    "Đảng bộ Công an Trung ương",
    null,
    null,
  );
  return { khoiCq, khoiDn, chinhPhu, quanUy, congAn };
}

/** Ministries and central agencies: an agency party organisation, led by a ban cán sự đảng until the reform. */
function centralAgencies(b: ChunkBuilder, rng: Random, k: CentralCommittees, count: number): void {
  const span: Span = { level: LEVEL, province: null, validFrom: null, validTo: null };
  for (let i = 1; i <= count; i++) {
    const name =
      i <= CENTRAL_AGENCY_NAMES.length
        ? (CENTRAL_AGENCY_NAMES[i - 1] as string)
        : `Cơ quan Trung ương số ${i}`;
    const id = `gen-tw-cq${pad(i)}`;
    const { agency, org } = agencyWithOrganisation(b, rng.fork(`agency:${i}`), id, name, span, 0.6);
    superiorAcrossReform(
      b,
      org,
      k.khoiCq.id,
      k.chinhPhu.id,
      B.agencyOrg,
      B.agencyOrg,
      CENTRAL_LAST_OLD_DAY,
      CENTRAL_REFORM_DAY,
    );
    const bcs = b.unit({
      id: `${id}-bcs`,
      name: `Ban cán sự đảng ${name}`,
      kind: "PARTY_CADRE_COMMITTEE",
      level: LEVEL,
      validTo: CENTRAL_LAST_OLD_DAY,
    });
    b.rel("SUBORDINATE_TO", bcs, "bch-trung-uong", B.superiorCentral);
    b.rel("LEADS", bcs, agency, B.leadsAgency);
  }
}

/** Central enterprises: under the Khối Doanh nghiệp until the reform, the Đảng ủy Chính phủ from it. */
function centralEnterprises(b: ChunkBuilder, rng: Random, k: CentralCommittees, count: number): void {
  for (let i = 1; i <= count; i++) {
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
      k.khoiDn.id,
      k.chinhPhu.id,
      B.superiorOld,
      B.superiorCentral,
      CENTRAL_LAST_OLD_DAY,
      CENTRAL_REFORM_DAY,
    );
  }
}

/** The army's and the police's basic organisations, `count` each. */
function armedForces(b: ChunkBuilder, rng: Random, k: CentralCommittees, count: number): void {
  for (const [c, slug, label] of [
    [k.quanUy, "qd", "Quân đội"],
    [k.congAn, "ca", "Công an"],
  ] as const) {
    for (let i = 1; i <= count; i++) {
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
}
