/** The sở, enterprises, military and police organisations of an old province. */
import {
  ENTERPRISE_KINDS,
  MILITARY_UNIT_KINDS,
  type OldProvince,
  POLICE_UNIT_KINDS,
  PROVINCIAL_AGENCIES,
  placeName,
} from "../geography.ts";
import type { ChunkBuilder } from "../model.ts";
import type { Random } from "../prng.ts";
import type { ProvinceCommittee } from "./committees.ts";
import {
  B,
  LAST_OLD_DAY,
  LOCAL_SUBJECT,
  PROVINCIAL_AGENCY_COUNT,
  PROVINCIAL_ENTERPRISES,
  PROVINCIAL_MILITARY_ORGS,
  PROVINCIAL_POLICE_ORGS,
  QD138_DAY,
  REFORM_DAY,
} from "./constants.ts";
import { Names, pad } from "./names.ts";
import { agencyWithOrganisation, basicOrganisation, superiorAcrossReform } from "./shapes.ts";

/** What the organisations of one old province hang from, and the stream they draw from. */
interface OldProvinceContext {
  b: ChunkBuilder;
  o: OldProvince;
  /** Its Tỉnh ủy until the reform, and the new province's from it. */
  oc: ProvinceCommittee;
  after: ProvinceCommittee;
  ro: Random;
  density: number;
  newSlug: string;
}

/** Sở, provincial enterprises, military and police organisations of one old province. */
export function provincialOrganisations(
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
  const ctx: OldProvinceContext = { b, o, oc, after, ro, density, newSlug };
  provincialAgencies(ctx, capitalDistrict, capitalWard);
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

/**
 * The sở: the party organisation of each under the Khối các cơ quan, then the Đảng ủy UBND,
 * coordinating with the committee of the capital. Those of the province that keeps its name
 * continue past the reform; those of an absorbed province end with it.
 */
function provincialAgencies(ctx: OldProvinceContext, capitalDistrict: string, capitalWard: string): void {
  const { b, o, oc, after, ro } = ctx;
  const continuing = o.slug === ctx.newSlug;
  const count = Math.max(1, Math.round(PROVINCIAL_AGENCY_COUNT * ctx.density));
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
}
