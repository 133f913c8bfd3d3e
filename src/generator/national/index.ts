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
import type { GeneratedBatch } from "../../domain/records.ts";
import { Random } from "../prng.ts";
import { centralChunk } from "./central.ts";
import { type GeneratorOptions, nationalPlan } from "./plan.ts";
import { provinceChunk } from "./province.ts";

export {
  CENTRAL_LAST_OLD_DAY,
  CENTRAL_REFORM_DAY,
  CITED_PROVISIONS,
  LAST_OLD_DAY,
  NATIONAL_FIGURES,
  REFORM_DAY,
} from "./constants.ts";
export {
  type CommunePlan,
  estimateSize,
  type GeneratorOptions,
  type NationalPlan,
  nationalPlan,
  type OldProvincePlan,
  type ProvincePlan,
} from "./plan.ts";

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
