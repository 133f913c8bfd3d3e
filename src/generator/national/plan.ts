/** The plan: which provinces, how many communes and districts, decided before any unit is made. */
import { type NewProvince, type OldProvince, PROVINCES } from "../geography.ts";
import { apportion, Random } from "../prng.ts";
import { DISTRICTS, NATIONAL_FIGURES, OLD_COMMUNES } from "./constants.ts";
import { Names } from "./names.ts";

export interface GeneratorOptions {
  /** 0.001 … 1; 1 is the whole country. */
  scale: number;
  /** PRNG seed; default 42. */
  seed?: number;
}

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
  const shares = nationalShares(rng);
  const provinces = order
    .slice(0, provinceCount)
    .map((province) => provincePlan(province, shares, density, rng.fork(`province:${province.slug}`)));
  return { scale, seed, provinceCount, density, provinces };
}

/** The national allocations at full scale, before thinning. */
interface Shares {
  /** Phường of each new province (by index in PROVINCES). */
  wards: number[];
  /** Old communes and districts of each old province, by slug. */
  oldCommunes: Map<string, number>;
  districts: Map<string, number>;
}

function nationalShares(rng: Random): Shares {
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
  const districts = new Map(oldSlugs.map((s, i) => [s, districtsPerOld[i] as number]));
  return { wards, oldCommunes: oldSplit, districts };
}

/** One province's communes (its special zones first, then phường, then xã) and its old provinces' districts, thinned by `density`. */
function provincePlan(province: NewProvince, shares: Shares, density: number, r: Random): ProvincePlan {
  const i = PROVINCES.indexOf(province);
  const names = new Names(r.fork("names"));
  const total = Math.max(1, Math.round(province.communes * density));
  const special = province.specialZones.slice(0, total);
  const phuong = Math.min(total - special.length, Math.round((shares.wards[i] as number) * density));
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
    const oldCommunes = Math.max(1, Math.round((shares.oldCommunes.get(o.slug) as number) * density));
    const districts = Math.max(
      1,
      Math.min(oldCommunes, Math.round((shares.districts.get(o.slug) as number) * density)),
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
