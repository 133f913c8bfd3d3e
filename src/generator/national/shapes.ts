/**
 * The building blocks every part of the country is made of: basic organisations, a committee's
 * bodies and organs, an agency with its party organisation, and the relations between levels.
 */
import type { Sector } from "../../domain/records.ts";
import type { UnitKind, UnitLevel } from "../../domain/unit-kinds.ts";
import { CELL_SUBUNITS } from "../geography.ts";
import type { ChunkBuilder } from "../model.ts";
import type { Random } from "../prng.ts";
import {
  B,
  CELLS_PER_DANG_BO,
  DANG_BO_SHARE,
  LAST_OLD_DAY,
  PARTIAL_FROM_CELLS,
  QD138_DAY,
  REFORM_DAY,
  REPORT_NOTE,
} from "./constants.ts";

export interface Committee {
  id: string;
  bch: string;
  btv: string;
}

export type Span = {
  level: UnitLevel;
  province: string | null;
  validFrom: string | null;
  validTo: string | null;
};

export interface OrgContext {
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
export function basicOrganisation(
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
export function bodies(
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
export function organ(
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

export function reportsToProvince(
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

export function guidesAndInspects(b: ChunkBuilder, upper: string, lower: string): void {
  const opts = { validFrom: QD138_DAY, subject: "Việc thực hiện Quy định 138-QĐ/TW" };
  b.rel("GUIDES", upper, lower, B.guidesInspects, opts);
  b.rel("INSPECTS", upper, lower, B.guidesInspects, opts);
}

/**
 * An agency (STATE_AGENCY) with its head, its trade union (and often a youth union) and its
 * party organisation (sector AGENCY, hosted in it).
 */
export function agencyWithOrganisation(
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
export function superiorAcrossReform(
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
