/**
 * A province's chunk: the old provinces it was formed from (until 30/06/2025), with their
 * districts, old communes, thôn and district organisations, and itself (from 01/07/2025) with
 * its new communes, which take over the thôn and organisations of the old communes they were
 * formed from. The order of the steps is the order of the random draws: keep it, or the same
 * seed no longer gives the same graph.
 */
import type { GeneratedBatch } from "../../domain/records.ts";
import {
  DISTRICT_AGENCIES,
  ENTERPRISE_KINDS,
  type NewProvince,
  type OldProvince,
  PUBLIC_SERVICE_KINDS,
  placeName,
} from "../geography.ts";
import { ChunkBuilder } from "../model.ts";
import { apportion, type Random } from "../prng.ts";
import {
  type District,
  district,
  type NewCommune,
  newCommune,
  type ProvinceCommittee,
  provincialCommittee,
} from "./committees.ts";
import {
  ANCHORS,
  B,
  DISTRICT_ORGS_PER_OLD_COMMUNE,
  LAST_OLD_DAY,
  LOCAL_SUBJECT,
  QD138_DAY,
  REFORM_DAY,
  THON_PER_OLD_COMMUNE,
} from "./constants.ts";
import { Names, pad } from "./names.ts";
import type { NationalPlan, OldProvincePlan, ProvincePlan } from "./plan.ts";
import { provincialOrganisations } from "./provincial-organisations.ts";
import { agencyWithOrganisation, basicOrganisation } from "./shapes.ts";

/** What the old provinces leave to the new communes. */
interface OldCommunes {
  /** Old commune committees, in order: each new commune is formed from a run of them. */
  ids: string[];
  /** Units that move to the new commune formed from old commune `oldCommune` (an index into ids). */
  moving: { id: string; oldCommune: number }[];
}

export function provinceChunk(plan: ProvincePlan, nation: NationalPlan, rng: Random): GeneratedBatch {
  const P = plan.province;
  const b = new ChunkBuilder(`province:${P.slug}`, ANCHORS);
  const { olds, after } = provincialCommittees(b, P);

  // New communes (from 01/07/2025).
  const communes = plan.communes.map((c) => newCommune(b, P, after, c));
  const capitalWard = (communes.find((c) => c.type === "phuong") ?? communes[0]) as NewCommune;

  const old: OldCommunes = { ids: [], moving: [] };
  for (const op of plan.old) {
    const ro = rng.fork(`old:${op.province.slug}`);
    const oc = olds.get(op.province.slug) as ProvinceCommittee;
    const districtIds = oldProvince(b, P, op, oc, ro, old);
    provincialOrganisations(
      b,
      op.province,
      oc,
      after,
      districtIds[0] as string,
      capitalWard.id,
      ro,
      nation.density,
      P.slug,
    );
  }
  communeMergers(b, P, communes, old);
  return b.done();
}

/** Provincial committees: one across the reform when the province was not merged, else the old ones and a new one. */
function provincialCommittees(
  b: ChunkBuilder,
  P: NewProvince,
): { olds: Map<string, ProvinceCommittee>; after: ProvinceCommittee } {
  const olds = new Map<string, ProvinceCommittee>();
  if (P.from.length <= 1) {
    const after = provincialCommittee(b, P, `gen-tu-${P.slug}`, "both");
    olds.set(P.slug, after);
    return { olds, after };
  }
  for (const o of P.from) olds.set(o.slug, provincialCommittee(b, o, `gen-tu-${o.slug}`, "old"));
  const after = provincialCommittee(b, P, `gen-tu-${P.slug}-2025`, "new");
  b.event({
    id: `gen-ev-tinh-${P.slug}`,
    kind: "PROVINCE_MERGER",
    name: `Hợp nhất ${P.from.map((o) => placeName(o)).join(", ")} thành ${placeName(P)}`,
    date: REFORM_DAY,
    basis: [...B.mergerProvince],
    ended: P.from.map((o) => `gen-tu-${o.slug}`),
    founded: [after.id],
  });
  return { olds, after };
}

/** An old province's districts, old communes and their thôn, and district basic organisations; returns the districts. */
function oldProvince(
  b: ChunkBuilder,
  P: NewProvince,
  op: OldProvincePlan,
  oc: ProvinceCommittee,
  ro: Random,
  old: OldCommunes,
): string[] {
  const o = op.province;
  const names = new Names(ro.fork("names"));
  const districtIds: string[] = [];
  op.districts.forEach((communeCount, di) => {
    const rd = ro.fork(`district:${di + 1}`);
    const orgNames = new Names(rd.fork("names"));
    const d = district(b, o, oc, `gen-${o.slug}-h${pad(di + 1)}`, di, names.place());
    districtIds.push(d.id);
    const firstOld = old.ids.length;
    for (let xi = 1; xi <= communeCount; xi++) oldCommune(b, P, o, d, xi, names, rd, old);
    const home = { first: firstOld, count: communeCount };
    districtOrganisations(b, P, o, d, home, rd, orgNames, old);
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
  return districtIds;
}

/** An old commune's committee (until the reform) and the chi bộ of its thôn, which move to a new commune. */
function oldCommune(
  b: ChunkBuilder,
  P: NewProvince,
  o: OldProvince,
  d: District,
  xi: number,
  names: Names,
  rd: Random,
  old: OldCommunes,
): void {
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
  const idx = old.ids.length;
  old.ids.push(xid);
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
    old.moving.push({ id: tid, oldCommune: idx });
  }
}

/**
 * District-level basic organisations, by sector: a quarter in district agencies (which end with
 * the district), the rest in schools, health and enterprises (which move to a new commune).
 */
function districtOrganisations(
  b: ChunkBuilder,
  P: NewProvince,
  o: OldProvince,
  d: District,
  home: { first: number; count: number },
  rd: Random,
  orgNames: Names,
  old: OldCommunes,
): void {
  const orgCount = Math.max(1, Math.round(home.count * DISTRICT_ORGS_PER_OLD_COMMUNE));
  const seat = old.ids[home.first] as string;
  for (let k = 1; k <= orgCount; k++) {
    const rk = rd.fork(`org:${k}`);
    const oldCommune = home.first + rk.int(0, home.count - 1);
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
      old.moving.push({ id: org, oldCommune });
    }
  }
}

/** Each new commune is formed from a run of consecutive old communes (mostly of one district), which it takes over. */
function communeMergers(b: ChunkBuilder, P: NewProvince, communes: NewCommune[], old: OldCommunes): void {
  const runs = apportion(
    old.ids.length,
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
      ended: old.ids.slice(cursor, cursor + n),
      founded: [c.id],
    });
    cursor += n;
  });
  for (const m of old.moving) {
    const c = communes[newOf[m.oldCommune] as number] as NewCommune;
    b.rel("SUBORDINATE_TO", m.id, c.id, B.basicInCommune, { validFrom: REFORM_DAY });
  }
}
