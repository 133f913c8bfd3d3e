/**
 * A deterministic, seeded generator of a national-scale synthetic graph shaped like the
 * Party's organisational system, before and after the reform of 01/07/2025. Pure: no I/O;
 * it yields one chunk per part of the country (the centre, then each of the 34 provinces with
 * the old provinces it was formed from), and every relation's endpoints are in its chunk,
 * an earlier one, or the seed's Ban Chấp hành Trung ương. Every unit is synthetic and every
 * id starts with `gen-`. Same seed and scale → the same graph, byte for byte.
 *
 * What the proportions rest on (figures from /work/shared/DOMAIN.md unless said otherwise):
 * - 63 provinces until 30/06/2025 and 34 from 01/07/2025, merged as Nghị quyết 60-NQ/TW says
 *   (geography.ts). A province that was not merged keeps one Tỉnh ủy across the reform (as the
 *   seed does for Lạng Sơn); a merged one gets a new Tỉnh ủy from 01/07/2025 (as for Quảng Ngãi).
 * - About 700 districts and about 10,000 old communes (DOMAIN.md: "about 700 districts";
 *   10,000 is the commonly cited pre-reform count, ~3 old communes per new one). They end on
 *   30/06/2025 (Hướng dẫn 31-HD/BTCTW).
 * - 3,321 commune-level committees from 01/07/2025: 2,621 xã, 687 phường, 13 đặc khu,
 *   HCMC 168, Lai Châu 38, directly under the Tỉnh ủy (Quy định 294-QĐ/TW), with the staff
 *   bodies of Quy định 298-QĐ/TW (Văn phòng, Ban Xây dựng Đảng, UBKT; a trung tâm chính trị
 *   in a đặc khu) and a Đảng ủy UBND xã (as the seed's Lâm Đồng commune).
 * - About 63,600 thôn: one chi bộ per thôn (~6.4 per old commune), a chi bộ trực thuộc of the
 *   old commune's đảng ủy until 30/06/2025 and of the new commune's from 01/07/2025 (DOMAIN.md
 *   leaves open whether they count as basic organisations since 2025; we keep them as chi bộ
 *   trực thuộc).
 * - 52,105 basic organisations (TCCSĐ, 2020): the ~10,000 old commune đảng bộ plus ~42,000
 *   others — in provincial agencies (18 sở each), provincial enterprises (25), the provincial
 *   military (20) and police (30), the centre (~1,400) and the districts (the rest, ~3.4 per
 *   old commune: 25 % agencies, 58 % schools and health, 17 % enterprises).
 * - Đồng Nai 2024 (944 TCCSĐ: 621 chi bộ cơ sở, 323 đảng bộ cơ sở, 3,069 chi bộ trực thuộc):
 *   outside the communes about 20 % of basic organisations are đảng bộ cơ sở. A đảng bộ cơ sở
 *   has chi bộ trực thuộc (skewed, mean 15, 3…60, chosen so that the national count of chi bộ
 *   lands near DOMAIN.md's 230,000–250,000); one with 20 or more may (30 %) group them into
 *   đảng bộ bộ phận of about 12. A chi bộ cơ sở has none.
 * - Where they apply: đảng đoàn (HĐND, MTTQ, mass organisations) and ban cán sự đảng (UBND
 *   tỉnh; ministries at the centre) until the reform, which ended them (DOMAIN.md, "At
 *   provincial level"); Đảng ủy khối until 30/06/2025, Đảng ủy các cơ quan Đảng and Đảng ủy
 *   UBND tỉnh from 01/07/2025; at the centre the two bloc committees until 31/01/2025 and the
 *   four new central committees from 01/02/2025 (DOMAIN.md says 02–03/2025; the day is ours).
 * - Relations follow the seed's patterns and the rules of 138-QĐ/TW: SUBORDINATE_TO to the
 *   direct superior (two in sequence for organisations that changed superior at the reform),
 *   PART_OF and ADVISES for organs and bodies, LEADS from a ban cán sự đảng to the agencies,
 *   the agency head PART_OF its agency, mass organisations hosted in the agency,
 *   COORDINATES_WITH the local committee (Điều 13), GUIDES / INSPECTS from the Tỉnh ủy (Điều 14
 *   khoản 1), and REPORTS_TO from the Ban Thường vụ of each committee below the Tỉnh ủy to the
 *   Tỉnh ủy's, through its Ban Tổ chức (the pattern of 1976-CV/TU mục 1 in the seed, generalised).
 * - Units that outlive the reform (thôn chi bộ, schools, enterprises, armed forces) carry the
 *   province they belong to from 01/07/2025; units that end with it carry the old province.
 *
 * Scale: `scale` (0.001 … 1) keeps round(34 × scale) provinces (at least one; merged ones
 * first, so that even the smallest graph has history) and, below one province's worth, thins
 * the communes, districts and the populations of basic organisations by the same factor.
 * Shapes never thin: a commune keeps its organs and its thôn, a đảng bộ its chi bộ.
 */
import type { UnitKind, UnitLevel } from "../domain/unit-kinds.ts";
import {
  CELL_SUBUNITS,
  committeeName,
  DISTRICT_AGENCIES,
  ENTERPRISE_KINDS,
  MILITARY_UNIT_KINDS,
  NAME_SYLLABLES,
  type NewProvince,
  type OldProvince,
  POLICE_UNIT_KINDS,
  PROVINCES,
  PROVINCIAL_AGENCIES,
  PUBLIC_SERVICE_KINDS,
  placeName,
} from "./geography.ts";
import { ChunkBuilder, type GeneratedBatch, type Sector } from "./model.ts";
import { apportion, Random } from "./prng.ts";

export interface GeneratorOptions {
  /** 0.001 … 1; 1 is the whole country. */
  scale: number;
  /** PRNG seed; default 42. */
  seed?: number;
}

// ---------------------------------------------------------------------------------------------
// Dates and the provisions relations cite (all in the seed: seed/documents-core.yaml).

export const LAST_OLD_DAY = "2025-06-30";
export const REFORM_DAY = "2025-07-01";
export const CENTRAL_LAST_OLD_DAY = "2025-01-31";
export const CENTRAL_REFORM_DAY = "2025-02-01";
/** 138-QĐ/TW in force (Điều 15: from signature, 01/12/2023). */
const QD138_DAY = "2023-12-01";

const B = {
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

const REPORT_NOTE =
  "Generated after the pattern of 1976-CV/TU mục 1 (seed): the Ban Thường vụ of a committee reports to the Ban Thường vụ Tỉnh ủy, through its Ban Tổ chức, on carrying out 138-QĐ/TW; periods illustrative.";
const LOCAL_SUBJECT = "Phối hợp công tác và theo dõi, quản lý cán bộ, đảng viên";

// ---------------------------------------------------------------------------------------------
// Proportions (see the header).

const OLD_COMMUNES = 10_000;
const DISTRICTS = 700;
const THON_PER_OLD_COMMUNE = 6.36; // 63,600 thôn / 10,000 old communes
const DISTRICT_ORGS_PER_OLD_COMMUNE = 3.37; // ~33,700 district-level TCCSĐ / 10,000
const PROVINCIAL_AGENCY_COUNT = 18;
const PROVINCIAL_ENTERPRISES = 25;
const PROVINCIAL_MILITARY_ORGS = 20;
const PROVINCIAL_POLICE_ORGS = 30;
const DANG_BO_SHARE = 0.2;
const CELLS_PER_DANG_BO = 15;
const PARTIAL_FROM_CELLS = 20;
const CENTRAL_AGENCIES = 40;
const CENTRAL_ENTERPRISES = 120;
const CENTRAL_ARMED_ORGS = 600; // each for the army and the police

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

// ---------------------------------------------------------------------------------------------
// The plan: which provinces, how many communes and districts, decided before any unit is made.

export interface CommunePlan {
  index: number;
  type: "xa" | "phuong" | "dac-khu";
  name: string;
}

export interface OldProvincePlan {
  province: OldProvince;
  /** Old communes in each district. */
  districts: number[];
}

export interface ProvincePlan {
  province: NewProvince;
  communes: CommunePlan[];
  old: OldProvincePlan[];
}

export interface NationalPlan {
  scale: number;
  seed: number;
  /** Provinces kept and the thinning factor within them. */
  provinceCount: number;
  density: number;
  provinces: ProvincePlan[];
}

/** Merged provinces and unchanged ones interleaved 23:11, merged first; each list shuffled by the seed. */
function provinceOrder(rng: Random): NewProvince[] {
  const merged = rng.shuffle(PROVINCES.filter((p) => p.from.length > 1));
  const unchanged = rng.shuffle(PROVINCES.filter((p) => p.from.length === 1));
  const share = merged.length / PROVINCES.length;
  const out: NewProvince[] = [];
  let mergedTaken = 0;
  while (merged.length + unchanged.length > 0) {
    const takeMerged =
      unchanged.length === 0 || (merged.length > 0 && mergedTaken < share * (out.length + 1));
    const next = (takeMerged ? merged.shift() : unchanged.shift()) as NewProvince;
    if (takeMerged) mergedTaken++;
    out.push(next);
  }
  return out;
}

export function nationalPlan(opts: GeneratorOptions): NationalPlan {
  const scale = opts.scale;
  if (!(scale >= 0.001 && scale <= 1))
    throw new RangeError(`scale must be between 0.001 and 1, got ${scale}`);
  const seed = opts.seed ?? 42;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const rng = new Random(seed, "plan");
  const provinceCount = Math.max(1, Math.min(34, Math.round(34 * scale)));
  const density = Math.min(1, (34 * scale) / provinceCount);
  const order = provinceOrder(rng.fork("order"));

  // National allocations at full scale, then thinned.
  const oldCommunesPerNew = apportion(
    OLD_COMMUNES,
    PROVINCES.map((p) => p.communes),
  );
  const wards = apportion(
    NATIONAL_FIGURES.phuong,
    PROVINCES.map((p) => p.wardWeight),
  );
  // Old communes of each old province: the new province's share, split unevenly among its parts.
  const oldSplit = new Map<string, number>();
  PROVINCES.forEach((p, i) => {
    const r = rng.fork(`split:${p.slug}`);
    const weights = p.from.map((_, k) => (k === 0 ? 1.3 : 1) * (0.7 + 0.6 * r.next()));
    const parts = apportion(oldCommunesPerNew[i] as number, weights, 1);
    p.from.forEach((o, k) => {
      oldSplit.set(o.slug, parts[k] as number);
    });
  });
  const oldSlugs = PROVINCES.flatMap((p) => p.from.map((o) => o.slug));
  const districtsPerOld = apportion(
    DISTRICTS,
    oldSlugs.map((s) => oldSplit.get(s) as number),
    1,
  );
  const districtCount = new Map(oldSlugs.map((s, i) => [s, districtsPerOld[i] as number]));

  const provinces = order.slice(0, provinceCount).map((province): ProvincePlan => {
    const i = PROVINCES.indexOf(province);
    const r = rng.fork(`province:${province.slug}`);
    const names = new Names(r.fork("names"));
    const total = Math.max(1, Math.round(province.communes * density));
    const special = province.specialZones.slice(0, total);
    const phuong = Math.min(total - special.length, Math.round((wards[i] as number) * density));
    const communes: CommunePlan[] = [];
    for (let k = 0; k < total; k++) {
      const type = k < special.length ? "dac-khu" : k < special.length + phuong ? "phuong" : "xa";
      communes.push({
        index: k + 1,
        type,
        name: type === "dac-khu" ? (special[k] as string) : names.place(),
      });
    }
    const old = province.from.map((o): OldProvincePlan => {
      const oldCommunes = Math.max(1, Math.round((oldSplit.get(o.slug) as number) * density));
      const districts = Math.max(
        1,
        Math.min(oldCommunes, Math.round((districtCount.get(o.slug) as number) * density)),
      );
      const rd = r.fork(`districts:${o.slug}`);
      const weights = Array.from({ length: districts }, () => 0.5 + rd.next());
      return { province: o, districts: apportion(oldCommunes, weights, 1) };
    });
    // At least one old commune for every new commune.
    const oldTotal = old.reduce((a, o) => a + o.districts.reduce((x, y) => x + y, 0), 0);
    if (oldTotal < communes.length) {
      const first = old[0] as OldProvincePlan;
      first.districts[0] = (first.districts[0] as number) + communes.length - oldTotal;
    }
    return { province, communes, old };
  });
  return { scale, seed, provinceCount, density, provinces };
}

// ---------------------------------------------------------------------------------------------
// Names.

class Names {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Random) {}

  /** A two-syllable place name, unique within its stream while the pool lasts. */
  place(): string {
    let name = "";
    for (let attempt = 0; attempt < 8; attempt++) {
      const a = this.rng.pick(NAME_SYLLABLES);
      const b = this.rng.pick(NAME_SYLLABLES);
      if (a === b) continue;
      name = `${a} ${b}`;
      if (!this.used.has(name)) break;
    }
    if (name === "") name = "An Bình";
    this.used.add(name);
    return name;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

// ---------------------------------------------------------------------------------------------
// The generator.

export function* generateNation(opts: GeneratorOptions): Generator<GeneratedBatch> {
  const plan = nationalPlan(opts);
  const rng = new Random(plan.seed, "nation");
  yield centralChunk(plan, rng.fork("central"));
  for (const p of plan.provinces) yield provinceChunk(p, plan, rng.fork(`province:${p.province.slug}`));
}

export interface NationCounts {
  units: number;
  relations: number;
  events: number;
  eventLinks: number;
}

/** Totals, by generating and dropping each chunk. */
export function countNation(opts: GeneratorOptions): NationCounts {
  const n = { units: 0, relations: 0, events: 0, eventLinks: 0 };
  for (const b of generateNation(opts)) {
    n.units += b.units.length;
    n.relations += b.relations.length;
    n.events += b.events.length;
    for (const e of b.events) n.eventLinks += e.ended.length + e.founded.length;
  }
  return n;
}

interface Committee {
  id: string;
  bch: string;
  btv: string;
}

type Span = { level: UnitLevel; province: string | null; validFrom: string | null; validTo: string | null };

interface OrgContext {
  b: ChunkBuilder;
  rng: Random;
  province: string | null;
  sector: Sector;
  /** The agency it sits in (AGENCY sector only). */
  host: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * A basic organisation: a chi bộ cơ sở, or (with probability `dangBoShare`) a đảng bộ cơ sở with
 * its chi bộ trực thuộc, grouped into đảng bộ bộ phận when there are many. Returns its id; the
 * caller adds its SUBORDINATE_TO relations.
 */
function basicOrganisation(
  ctx: OrgContext,
  id: string,
  subject: string,
  dangBoShare = DANG_BO_SHARE,
): string {
  const { b, rng } = ctx;
  const common = {
    level: "BASIC" as UnitLevel,
    province: ctx.province,
    sector: ctx.sector,
    host: ctx.host,
    validFrom: ctx.validFrom,
    validTo: ctx.validTo,
  };
  if (!rng.chance(dangBoShare)) {
    return b.unit({ id, name: `Chi bộ ${subject}`, kind: "BASIC_PARTY_CELL", ...common });
  }
  b.unit({ id, name: `Đảng bộ ${subject}`, kind: "BASIC_PARTY_COMMITTEE", ...common });
  const cells = rng.skewed(CELLS_PER_DANG_BO, 3, 60);
  const groups = cells >= PARTIAL_FROM_CELLS && rng.chance(0.3) ? Math.max(2, Math.round(cells / 12)) : 0;
  const partials: string[] = [];
  for (let g = 1; g <= groups; g++) {
    const pid = b.unit({
      id: `${id}-p${g}`,
      name: `Đảng bộ bộ phận Khối ${g}, Đảng bộ ${subject}`,
      kind: "PARTIAL_PARTY_COMMITTEE",
      ...common,
    });
    b.rel("SUBORDINATE_TO", pid, id, B.superiorOld);
    partials.push(pid);
  }
  for (let c = 1; c <= cells; c++) {
    const cid = b.unit({
      id: `${id}-c${c}`,
      name: `Chi bộ ${rng.pick(CELL_SUBUNITS)} ${c}, Đảng bộ ${subject}`,
      kind: "SUBORDINATE_PARTY_CELL",
      ...common,
    });
    const parent = partials.length > 0 ? (partials[(c - 1) % partials.length] as string) : id;
    b.rel("SUBORDINATE_TO", cid, parent, B.superiorOld);
  }
  return id;
}

/**
 * The Ban Chấp hành of the organisation (Ban Chấp hành Đảng bộ tỉnh X) and the Ban Thường vụ
 * (and Thường trực) of the committee (Ban Thường vụ Tỉnh ủy X), PART_OF chained as in the seed.
 */
function bodies(
  b: ChunkBuilder,
  id: string,
  organisation: string,
  committee: string,
  common: Span,
  basis: readonly string[],
  standingMembers = false,
): Committee {
  const bch = b.unit({
    id: `${id}-bch`,
    name: `Ban Chấp hành ${organisation}`,
    kind: "EXECUTIVE_COMMITTEE",
    ...common,
  });
  const btv = b.unit({
    id: `${id}-btv`,
    name: `Ban Thường vụ ${committee}`,
    kind: "STANDING_BOARD",
    ...common,
  });
  b.rel("PART_OF", bch, id, basis);
  b.rel("PART_OF", btv, bch, basis);
  if (standingMembers) {
    const tt = b.unit({
      id: `${id}-tt`,
      name: `Thường trực ${committee}`,
      kind: "STANDING_MEMBERS",
      ...common,
    });
    b.rel("PART_OF", tt, btv, basis);
  }
  return { id, bch, btv };
}

/** An organ PART_OF the committee that ADVISES its Ban Thường vụ. */
function organ(
  b: ChunkBuilder,
  c: Committee,
  suffix: string,
  name: string,
  kind: UnitKind,
  common: Span,
  basis: readonly string[],
): string {
  const id = b.unit({ id: `${c.id}-${suffix}`, name, kind, ...common });
  b.rel("PART_OF", id, c.id, basis);
  b.rel("ADVISES", id, c.btv, basis);
  return id;
}

function reportsToProvince(
  b: ChunkBuilder,
  lower: Committee,
  province: Committee,
  validFrom = QD138_DAY,
): void {
  b.rel("REPORTS_TO", lower.btv, province.btv, B.reports, {
    validFrom,
    via: [`${province.id}-btc`],
    frequencies: ["SEMI_ANNUAL", "ANNUAL"],
    subject: "Kết quả thực hiện Quy định 138-QĐ/TW",
    note: REPORT_NOTE,
  });
}

function guidesAndInspects(b: ChunkBuilder, upper: string, lower: string): void {
  const opts = { validFrom: QD138_DAY, subject: "Việc thực hiện Quy định 138-QĐ/TW" };
  b.rel("GUIDES", upper, lower, B.guidesInspects, opts);
  b.rel("INSPECTS", upper, lower, B.guidesInspects, opts);
}

/**
 * An agency (STATE_AGENCY) with its head, its trade union (and often a youth union) and its
 * party organisation (sector AGENCY, hosted in it).
 */
function agencyWithOrganisation(
  b: ChunkBuilder,
  rng: Random,
  id: string,
  name: string,
  span: Span,
  dangBoShare = DANG_BO_SHARE,
): { agency: string; org: string } {
  const rest = { province: span.province, validFrom: span.validFrom, validTo: span.validTo };
  const agency = b.unit({ id, name, kind: "STATE_AGENCY", ...span });
  const head = b.unit({ id: `${id}-tt`, name: `Thủ trưởng ${name}`, kind: "AGENCY_HEAD", ...span });
  b.rel("PART_OF", head, agency, B.agencyHead);
  b.unit({
    id: `${id}-cd`,
    name: `Công đoàn cơ sở ${name}`,
    kind: "LABOUR_FEDERATION",
    host: agency,
    ...rest,
  });
  if (rng.chance(0.5))
    b.unit({ id: `${id}-doan`, name: `Chi đoàn ${name}`, kind: "YOUTH_UNION", host: agency, ...rest });
  const org = basicOrganisation(
    {
      b,
      rng,
      province: span.province,
      sector: "AGENCY",
      host: agency,
      validFrom: span.validFrom,
      validTo: span.validTo,
    },
    `${id}-dang`,
    name,
    dangBoShare,
  );
  return { agency, org };
}

/** SUBORDINATE_TO `before` until the reform and `after` from it (one relation when they are the same). */
function superiorAcrossReform(
  b: ChunkBuilder,
  child: string,
  before: string,
  after: string | null,
  basisBefore: readonly string[],
  basisAfter: readonly string[],
  lastOldDay = LAST_OLD_DAY,
  reformDay = REFORM_DAY,
): void {
  if (after === before) {
    b.rel("SUBORDINATE_TO", child, before, basisBefore);
    return;
  }
  b.rel("SUBORDINATE_TO", child, before, basisBefore, { validTo: lastOldDay });
  if (after) b.rel("SUBORDINATE_TO", child, after, basisAfter, { validFrom: reformDay });
}

// ---------------------------------------------------------------------------------------------
// The centre.

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

const ANCHORS = new Map([["bch-trung-uong", { validFrom: null, validTo: null }]]);

function centralChunk(plan: NationalPlan, rng: Random): GeneratedBatch {
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

// ---------------------------------------------------------------------------------------------
// A province: the old provinces it was formed from (until 30/06/2025) and itself (from 01/07/2025).

interface ProvinceCommittee extends Committee {
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

interface District extends Committee {
  label: string;
}

interface NewCommune extends Committee {
  index: number;
  type: CommunePlan["type"];
  label: string;
}

function provinceChunk(plan: ProvincePlan, nation: NationalPlan, rng: Random): GeneratedBatch {
  const P = plan.province;
  const merged = P.from.length > 1;
  const b = new ChunkBuilder(`province:${P.slug}`, ANCHORS);

  // Provincial committees: one across the reform when the province was not merged.
  const olds = new Map<string, ProvinceCommittee>();
  let after: ProvinceCommittee;
  if (!merged) {
    after = provincialCommittee(b, P, `gen-tu-${P.slug}`, "both");
    olds.set(P.slug, after);
  } else {
    for (const o of P.from) olds.set(o.slug, provincialCommittee(b, o, `gen-tu-${o.slug}`, "old"));
    after = provincialCommittee(b, P, `gen-tu-${P.slug}-2025`, "new");
    b.event({
      id: `gen-ev-tinh-${P.slug}`,
      kind: "PROVINCE_MERGER",
      name: `Hợp nhất ${P.from.map((o) => placeName(o)).join(", ")} thành ${placeName(P)}`,
      date: REFORM_DAY,
      basis: [...B.mergerProvince],
      ended: P.from.map((o) => `gen-tu-${o.slug}`),
      founded: [after.id],
    });
  }

  // New communes (from 01/07/2025).
  const communes = plan.communes.map((c) => newCommune(b, P, after, c));
  const capitalWard = (communes.find((c) => c.type === "phuong") ?? communes[0]) as NewCommune;

  // Old provinces: districts, old communes and their thôn, district basic organisations.
  const oldCommunes: string[] = [];
  /** Units that move to the new commune formed from old commune `oldCommune`. */
  const moving: { id: string; oldCommune: number }[] = [];
  for (const op of plan.old) {
    const o = op.province;
    const oc = olds.get(o.slug) as ProvinceCommittee;
    const ro = rng.fork(`old:${o.slug}`);
    const names = new Names(ro.fork("names"));
    const districtIds: string[] = [];
    op.districts.forEach((communeCount, di) => {
      const rd = ro.fork(`district:${di + 1}`);
      const orgNames = new Names(rd.fork("names"));
      const d = district(b, o, oc, `gen-${o.slug}-h${pad(di + 1)}`, di, names.place());
      districtIds.push(d.id);
      const firstOld = oldCommunes.length;
      for (let xi = 1; xi <= communeCount; xi++) {
        const place = `${xi === 1 ? "thị trấn" : "xã"} ${names.place()}`;
        const xid = b.unit({
          id: `${d.id}-x${pad(xi)}`,
          name: `Đảng ủy ${place}`,
          kind: "COMMUNE_COMMITTEE",
          level: "BASIC",
          province: o.slug,
          sector: "LOCALITY",
          validTo: LAST_OLD_DAY,
        });
        b.rel("SUBORDINATE_TO", xid, d.id, B.superiorOld);
        const idx = oldCommunes.length;
        oldCommunes.push(xid);
        const thon = rd.skewed(THON_PER_OLD_COMMUNE, 2, 25);
        for (let t = 1; t <= thon; t++) {
          const tid = b.unit({
            id: `${xid}-t${t}`,
            name: `Chi bộ thôn ${t}, ${place}`,
            kind: "SUBORDINATE_PARTY_CELL",
            level: "BASIC",
            province: P.slug,
            sector: "LOCALITY",
          });
          b.rel("SUBORDINATE_TO", tid, xid, B.superiorOld, { validTo: LAST_OLD_DAY });
          moving.push({ id: tid, oldCommune: idx });
        }
      }
      // District-level basic organisations, by sector.
      const orgCount = Math.max(1, Math.round(communeCount * DISTRICT_ORGS_PER_OLD_COMMUNE));
      const seat = oldCommunes[firstOld] as string;
      for (let k = 1; k <= orgCount; k++) {
        const rk = rd.fork(`org:${k}`);
        const home = firstOld + rk.int(0, communeCount - 1);
        const u = rk.next();
        const oid = `${d.id}-b${pad(k, 3)}`;
        if (u < 0.25) {
          const office = DISTRICT_AGENCIES[(k - 1) % DISTRICT_AGENCIES.length] as { name: string };
          const round = Math.ceil(k / DISTRICT_AGENCIES.length);
          const { org } = agencyWithOrganisation(
            b,
            rk,
            oid,
            `${office.name} ${d.label}${round > 1 ? ` (${round})` : ""}`,
            { level: "DISTRICT", province: o.slug, validFrom: null, validTo: LAST_OLD_DAY },
          );
          b.rel("SUBORDINATE_TO", org, d.id, B.agencyOrg);
          b.rel("COORDINATES_WITH", org, seat, B.localCommittee, {
            validFrom: QD138_DAY,
            subject: LOCAL_SUBJECT,
          });
        } else {
          const publicService = u < 0.83;
          const what = publicService ? rk.pick(PUBLIC_SERVICE_KINDS) : rk.pick(ENTERPRISE_KINDS);
          const org = basicOrganisation(
            {
              b,
              rng: rk,
              province: P.slug,
              sector: publicService ? "PUBLIC_SERVICE" : "ENTERPRISE",
              host: null,
              validFrom: null,
              validTo: null,
            },
            oid,
            `${what} ${orgNames.place()}`,
          );
          b.rel("SUBORDINATE_TO", org, d.id, B.superiorOld, { validTo: LAST_OLD_DAY });
          moving.push({ id: org, oldCommune: home });
        }
      }
    });
    b.event({
      id: `gen-ev-huyen-${o.slug}`,
      kind: "DISTRICT_LEVEL_ENDED",
      name: `Kết thúc hoạt động đảng bộ cấp huyện, ${placeName(o)}`,
      date: REFORM_DAY,
      basis: [...B.districtsEnded],
      ended: districtIds,
      founded: [],
    });
    provincialOrganisations(
      b,
      o,
      oc,
      after,
      districtIds[0] as string,
      capitalWard.id,
      ro,
      nation.density,
      P.slug,
    );
  }

  // Each new commune is formed from a run of consecutive old communes (mostly of one district).
  const runs = apportion(
    oldCommunes.length,
    communes.map(() => 1),
    1,
  );
  const newOf: number[] = [];
  let cursor = 0;
  runs.forEach((n, ci) => {
    const c = communes[ci] as NewCommune;
    for (let k = 0; k < n; k++) newOf[cursor + k] = ci;
    b.event({
      id: `gen-ev-xa-${P.slug}-${pad(c.index, 3)}`,
      kind: "COMMUNE_MERGER",
      name: `Thành lập Đảng bộ ${c.label}`,
      date: REFORM_DAY,
      basis: [...B.mergerCommune],
      ended: oldCommunes.slice(cursor, cursor + n),
      founded: [c.id],
    });
    cursor += n;
  });
  for (const m of moving) {
    const c = communes[newOf[m.oldCommune] as number] as NewCommune;
    b.rel("SUBORDINATE_TO", m.id, c.id, B.basicInCommune, { validFrom: REFORM_DAY });
  }
  return b.done();
}

/** Sở, provincial enterprises, military and police organisations of one old province. */
function provincialOrganisations(
  b: ChunkBuilder,
  o: OldProvince,
  oc: ProvinceCommittee,
  after: ProvinceCommittee,
  capitalDistrict: string,
  capitalWard: string,
  ro: Random,
  density: number,
  newSlug: string,
): void {
  // The sở of the province that keeps its name continue; those of an absorbed province end.
  const continuing = o.slug === newSlug;
  const count = Math.max(1, Math.round(PROVINCIAL_AGENCY_COUNT * density));
  for (const a of ro.shuffle(PROVINCIAL_AGENCIES).slice(0, count)) {
    const { agency, org } = agencyWithOrganisation(
      b,
      ro.fork(`so:${a.slug}`),
      `gen-${o.slug}-so-${a.slug}`,
      `${a.name.replace(/ tỉnh$/, "")} ${placeName(o)}`,
      { level: "PROVINCIAL", province: o.slug, validFrom: null, validTo: continuing ? null : LAST_OLD_DAY },
    );
    superiorAcrossReform(b, org, oc.agenciesBloc as string, after.government, B.agencyOrg, B.agencyOrg);
    if (oc.cadreCommittee) b.rel("LEADS", oc.cadreCommittee, agency, B.leadsAgency);
    b.rel("COORDINATES_WITH", org, capitalDistrict, B.localCommittee, {
      validFrom: QD138_DAY,
      subject: LOCAL_SUBJECT,
    });
    if (continuing)
      b.rel("COORDINATES_WITH", org, capitalWard, B.localCommittee, {
        validFrom: REFORM_DAY,
        subject: LOCAL_SUBJECT,
      });
  }
  const each = (n: number, key: string, make: (r: Random, i: number) => void) => {
    for (let i = 1; i <= Math.max(1, Math.round(n * density)); i++) make(ro.fork(`${key}:${i}`), i);
  };
  const names = new Names(ro.fork("enterprise-names"));
  each(PROVINCIAL_ENTERPRISES, "dn", (r, i) => {
    const org = basicOrganisation(
      { b, rng: r, province: newSlug, sector: "ENTERPRISE", host: null, validFrom: null, validTo: null },
      `gen-${o.slug}-dn${pad(i)}`,
      `${r.pick(ENTERPRISE_KINDS)} ${names.place()} ${o.name}`,
      0.3,
    );
    superiorAcrossReform(
      b,
      org,
      oc.enterprisesBloc as string,
      after.government,
      B.superiorOld,
      B.superiorNew,
    );
  });
  for (const [n, key, before, next, label] of [
    [PROVINCIAL_MILITARY_ORGS, "qs", oc.military, after.military, "Quân sự"],
    [PROVINCIAL_POLICE_ORGS, "ca", oc.police, after.police, "Công an"],
  ] as const) {
    each(n, key, (r, i) => {
      const org = basicOrganisation(
        { b, rng: r, province: newSlug, sector: "ARMED_FORCES", host: null, validFrom: null, validTo: null },
        `gen-${o.slug}-${key}${pad(i)}`,
        `${r.pick(key === "qs" ? MILITARY_UNIT_KINDS : POLICE_UNIT_KINDS)} ${i} (${label} ${placeName(o)})`,
        0.35,
      );
      superiorAcrossReform(b, org, before, next, B.superiorOld, B.superiorNew);
    });
  }
}

function provincialCommittee(
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

function district(
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

function newCommune(b: ChunkBuilder, P: NewProvince, tu: ProvinceCommittee, c: CommunePlan): NewCommune {
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

/**
 * An estimate of units + relations + events for a plan, for a progress bar's first total
 * (fitted on the generator's output: about 66 per old commune and 1,500 per old province,
 * plus ~18,300 × scale at the centre; within ~1 % nationally). The exact total is known once
 * the generator has run.
 */
export function estimateSize(plan: NationalPlan): number {
  let n = Math.max(300, 18_300 * plan.scale);
  for (const p of plan.provinces) {
    for (const o of p.old) n += 66 * o.districts.reduce((a, b) => a + b, 0) + 1_509;
  }
  return Math.round(n);
}
