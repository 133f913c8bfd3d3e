/**
 * The reform of 01/07/2025 as a list of public mutations, per province, derived from the
 * generator's own model (its merger events and the validity of its units and relations), so that
 * replaying it on the pre-reform cut (reform-cut.ts) gives the graph the bulk import holds from
 * 01/07/2025 — with the same ids. Pure.
 *
 * Per province (one generated chunk), in this order:
 * 1. in a merged province, mergeUnits of the old Tỉnh ủy into the new one (PROVINCE_MERGER) with
 *    abolishLevel DISTRICT_COMMITTEE (their DISTRICT_LEVEL_ENDED events): the districts end with
 *    their organs in the same change, their communes and organisations move once, straight to the
 *    new Tỉnh ủy (the kind pairings allow no district under a Tỉnh ủy of 01/07/2025, so the
 *    merger cannot take the districts along, even for a moment);
 * 2. mergeUnits of each run of old communes into its new commune (COMMUNE_MERGER; a run of one
 *    is createUnit, setSuperior of its thôn and closeUnit, since a merge needs two sources) — in
 *    an unmerged province while they are still under their districts, so never moved;
 * 2b. in an unmerged province, abolishLevel under its Tỉnh ủy: only the districts' organisations
 *    move up;
 * 3. createUnit of every other unit founded on 01/07/2025 (organs, Đảng ủy UBND…), parents first;
 * 4. setSuperior of the organisations that change superior (schools and enterprises to their new
 *    commune or the Đảng ủy UBND tỉnh, the armed forces to the new Tỉnh ủy's committees);
 * 5. closeUnit of every unit that ended on 30/06/2025 and is not closed yet, lowest first;
 * 6. endRelation / addRelation for the relations that end or start with the reform and were not
 *    ended or made by the steps above.
 *
 * The planner simulates what each mutation does to the relations in force on 01/07/2025 (as
 * src/store/mutation-repository.ts does it: moves, carried relations, closing with organs), and
 * reports what it could not make equal (`problems`, e.g. a relation that a merge carried over and
 * no later step removes): a correct plan has none.
 */
import type { GeneratedBatch, GenRelation, GenUnit, UnitProperties } from "../../domain/records.ts";
import { isStructural, structuralType } from "../../domain/relation-types.ts";
import { LAST_OLD_DAY, REFORM_DAY } from "./constants.ts";
import { batchSteps } from "./reform-batches.ts";

/** A unit as the plan creates it: its stored properties (src/domain/records.ts), less those a change dates or derives. */
export type ReformUnit = Pick<
  UnitProperties,
  "id" | "name" | "kind" | "level" | "province" | "sector" | "host" | "note"
>;

export interface ReformRelation {
  type: string;
  fromId: string;
  toId: string;
  validFrom: string;
  validTo: string | null;
  frequencies: string[];
  via: string[];
  subject: string | null;
  basis: string[];
  note: string | null;
}

/** What one single-unit mutation does (the planner's unit of simulation). */
export type SingleStep =
  | { op: "abolishLevel"; underId: string; kind: string; basis: string[] }
  | {
      op: "mergeUnits";
      sourceIds: string[];
      into: ReformUnit;
      superiorId: string;
      basis: string[];
      subordinatesBasis: string[] | null;
      /** A level below the sources that ends with them (a merged province's districts). */
      abolishLevel?: { kind: string; basis: string[] } | null;
    }
  | { op: "createUnit"; unit: ReformUnit; superiorId: string | null; basis: string[] }
  | { op: "setSuperior"; unitId: string; superiorId: string; basis: string[] }
  | { op: "closeUnit"; id: string; basis: string[] }
  | { op: "endRelation"; relationId: string; basis: string[] }
  | { op: "addRelation"; input: ReformRelation };

/** A unit to create or move in a batch, with the provisions it rests on. */
export interface BatchCreation {
  unit: ReformUnit;
  superiorId: string | null;
  basis: string[];
}

/**
 * What one mutation does: the restructurings, and the batch mutations that carry the many
 * single-unit steps of one wave (createUnits, moveUnits, closeUnits, addRelations), and the
 * mergers of one wave (mergeMany); reform-batches.ts groups them.
 */
export type StepBody =
  | Extract<SingleStep, { op: "abolishLevel" | "mergeUnits" | "endRelation" }>
  | { op: "createUnits"; units: BatchCreation[]; basis: string[] }
  | { op: "moveUnits"; moves: { unitId: string; superiorId: string; basis: string[] }[]; basis: string[] }
  | { op: "closeUnits"; ids: string[]; basis: string[] }
  | { op: "addRelations"; relations: ReformRelation[]; basis: string[] }
  | { op: "mergeMany"; merges: MergeSpec[]; basis: string[] };

/** One merger of a mergeMany: a mergeUnits step without its op. */
export type MergeSpec = Omit<Extract<SingleStep, { op: "mergeUnits" }>, "op" | "abolishLevel">;

/**
 * A step with its wave: the steps of a province run in the order of their waves, and those of one
 * wave do not depend on each other (different communes, units or relations), so they may run at once.
 */
export type ReformStep = StepBody & { wave: number };

/** A single-unit step with its wave. */
export type SingleReformStep = SingleStep & { wave: number };

export interface ProvinceReform {
  key: string;
  steps: ReformStep[];
  /** How many single-unit mutations the batches stand for. */
  singleSteps: number;
  /** Units ended, founded and moved by the reform (for sampling). */
  ended: string[];
  founded: string[];
  moved: string[];
  /** Relations in force from 01/07/2025 whose basis differs (as a set) from the history's: recorded with the restructuring's basis. */
  basisDiffers: number;
  /** What the plan could not make equal to the history; empty for a correct plan. */
  problems: string[];
}

/** The districts under one Tỉnh ủy that end on 30/06/2025, and the basis of their end. */
interface DistrictLevel {
  basis: readonly string[];
  ended: string[];
}
/** The basis of unit creations that hang from nothing (state bodies): the commune reform's guidance. */
const ROOT_BASIS = ["hd-31-2025-whole"];

const key = (type: string, from: string, to: string) => `${type}|${from}|${to}`;
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

interface Live {
  type: string;
  from: string;
  to: string;
  /** The generated relation's id when it came from the cut; null when a step made it. */
  genId: string | null;
  basis: readonly string[];
}

const inForceOn = (x: { validFrom: string | null; validTo: string | null }, day: string) =>
  (x.validFrom === null || x.validFrom <= day) && (x.validTo === null || x.validTo >= day);

function unitSpec(u: GenUnit): ReformUnit {
  return {
    id: u.id,
    name: u.name,
    kind: u.kind,
    level: u.level,
    province: u.province,
    sector: u.sector,
    host: u.host,
    note: u.note,
  };
}

function relationSpec(r: GenRelation): ReformRelation {
  return {
    type: r.type,
    fromId: r.from,
    toId: r.to,
    validFrom: r.validFrom ?? REFORM_DAY,
    validTo: r.validTo,
    frequencies: [...r.frequencies],
    via: [...r.via],
    subject: r.subject,
    basis: [...r.basis],
    note: r.note,
  };
}

/** The relations in force on 01/07/2025 in the replayed graph, as the steps change them. */
class Simulation {
  readonly live = new Map<string, Live>();
  private readonly byUnit = new Map<string, Set<string>>();
  readonly closed = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    readonly units: ReadonlyMap<string, GenUnit>,
    cut: readonly GenRelation[],
  ) {
    for (const r of cut) this.put({ type: r.type, from: r.from, to: r.to, genId: r.id, basis: r.basis });
  }

  private put(r: Live): void {
    const k = key(r.type, r.from, r.to);
    this.live.set(k, r);
    for (const id of [r.from, r.to]) {
      const set = this.byUnit.get(id) ?? new Set<string>();
      set.add(k);
      this.byUnit.set(id, set);
    }
  }

  touching(id: string): Live[] {
    return [...(this.byUnit.get(id) ?? [])].map((k) => this.live.get(k) as Live);
  }

  add(type: string, from: string, to: string, basis: readonly string[]): void {
    this.put({ type, from, to, genId: null, basis });
  }

  remove(r: Live): void {
    const k = key(r.type, r.from, r.to);
    this.live.delete(k);
    this.byUnit.get(r.from)?.delete(k);
    this.byUnit.get(r.to)?.delete(k);
  }

  /** Current structural parent by `type`. */
  parentOf(id: string, type: string): string | null {
    for (const r of this.touching(id)) if (r.from === id && r.type === type) return r.to;
    return null;
  }

  private into(id: string, type: string): string[] {
    return this.touching(id)
      .filter((r) => r.type === type && r.to === id && !this.closed.has(r.from))
      .map((r) => r.from);
  }

  subordinates(id: string): string[] {
    return this.into(id, "SUBORDINATE_TO").sort();
  }

  move(child: string, parent: string, basis: readonly string[], type?: string): void {
    const unit = this.units.get(child);
    const edge = type ?? structuralType(unit?.kind ?? "");
    for (const r of this.touching(child)) if (r.from === child && r.type === edge) this.remove(r);
    this.add(edge, child, parent, basis);
  }

  /** The unit and its organs (PART_OF, up to six steps), as closeWithOrgans finds them. */
  withOrgans(id: string): string[] {
    const out = [id];
    let frontier = [id];
    for (let depth = 0; depth < 6 && frontier.length > 0; depth++) {
      const next = frontier.flatMap((f) => this.into(f, "PART_OF")).filter((x) => !out.includes(x));
      out.push(...next);
      frontier = next;
    }
    return out;
  }

  /** Subordinates of the unit or its organs from outside them. */
  outsiders(ids: readonly string[]): string[] {
    return ids.flatMap((x) => this.subordinates(x)).filter((c) => !ids.includes(c));
  }

  close(id: string, ended: ReadonlySet<string>): string[] {
    const ids = this.withOrgans(id);
    for (const c of this.outsiders(ids)) this.problems.push(`closing ${id} leaves ${c} under it`);
    for (const x of ids) {
      if (!ended.has(x)) this.problems.push(`closing ${id} closes ${x}, which the history keeps`);
      for (const r of this.touching(x)) this.remove(r);
      this.closed.add(x);
    }
    return ids;
  }

  /** mergeUnits' carryRelations: the sources' other relations go over to the merged unit. */
  carry(sources: readonly string[], target: string, basis: readonly string[]): void {
    for (const source of sources)
      for (const r of this.touching(source)) {
        if (isStructural(r.type)) continue;
        const other = r.from === source ? r.to : r.from;
        this.remove(r);
        if (sources.includes(other) || other === target) continue;
        const [a, b] = r.from === source ? [target, other] : [other, target];
        if (!this.live.has(key(r.type, a, b))) this.add(r.type, a, b, [...new Set([...r.basis, ...basis])]);
      }
  }
}

/** The reform steps of one generated chunk (the full history's, not the cut's). */
export function provinceReform(batch: GeneratedBatch): ProvinceReform {
  const units = new Map(batch.units.map((u) => [u.id, u]));
  const cut = batch.relations.filter(
    (r) =>
      inForceOn({ validFrom: r.validFrom, validTo: null }, LAST_OLD_DAY) &&
      (r.validTo === null || r.validTo >= LAST_OLD_DAY),
  );
  const target = batch.relations.filter((r) => inForceOn(r, REFORM_DAY));
  const targetByKey = new Map(target.map((r) => [key(r.type, r.from, r.to), r]));
  const ended = batch.units.filter((u) => u.validTo === LAST_OLD_DAY).map((u) => u.id);
  const endedSet = new Set(ended);
  const founded = batch.units.filter((u) => u.validFrom === REFORM_DAY);
  const sim = new Simulation(units, cut);
  const steps: SingleReformStep[] = [];
  const push = (wave: number, step: SingleStep) => steps.push({ ...step, wave });
  const created = new Set<string>();

  /** The structural relation a unit hangs by from the reform in the history. */
  const targetParent = (id: string): GenRelation | undefined =>
    target.find((r) => r.from === id && isStructural(r.type) && r.validFrom === REFORM_DAY);

  const merge = (
    wave: number,
    sources: string[],
    intoId: string,
    basis: readonly string[],
    childBasis: string[] | null,
    level?: DistrictLevel,
  ) => {
    const into = units.get(intoId);
    const hang = targetParent(intoId);
    if (!into || !hang) {
      sim.problems.push(`merge into ${intoId}: unknown unit or superior`);
      return;
    }
    created.add(intoId);
    if (level && sources.length < 2)
      sim.problems.push(`merge into ${intoId}: a level abolished by no merger`);
    if (sources.length < 2) {
      push(wave, { op: "createUnit", unit: unitSpec(into), superiorId: hang.to, basis: [...basis] });
      sim.add(structuralType(into.kind), intoId, hang.to, basis);
      for (const source of sources) {
        for (const child of sim.subordinates(source)) {
          push(wave + 1, {
            op: "setSuperior",
            unitId: child,
            superiorId: intoId,
            basis: childBasis ?? [...basis],
          });
          sim.move(child, intoId, childBasis ?? basis, "SUBORDINATE_TO");
        }
        push(wave + 2, { op: "closeUnit", id: source, basis: [...basis] });
        sim.close(source, endedSet);
      }
      return;
    }
    push(wave, {
      op: "mergeUnits",
      sourceIds: sources,
      into: unitSpec(into),
      superiorId: hang.to,
      basis: [...basis],
      subordinatesBasis: childBasis,
      ...(level ? { abolishLevel: { kind: "DISTRICT_COMMITTEE", basis: [...level.basis] } } : {}),
    });
    sim.add(structuralType(into.kind), intoId, hang.to, basis);
    // The level's units end with the sources; what was under them goes straight to the new unit.
    for (const d of level?.ended ?? []) {
      for (const child of sim.subordinates(d)) sim.move(child, intoId, childBasis ?? basis, "SUBORDINATE_TO");
      sim.close(d, endedSet);
    }
    for (const source of sources)
      for (const child of sim.subordinates(source))
        sim.move(child, intoId, childBasis ?? basis, "SUBORDINATE_TO");
    sim.carry(sources, intoId, basis);
    for (const source of sources) sim.close(source, endedSet);
  };

  // Districts: the districts of each Tỉnh ủy's DISTRICT_LEVEL_ENDED events, by Tỉnh ủy.
  const districtLevels = (): Map<string, DistrictLevel> => {
    const levels = new Map<string, DistrictLevel>();
    for (const e of batch.events.filter((x) => x.kind === "DISTRICT_LEVEL_ENDED")) {
      const first = e.ended[0];
      const under = first ? sim.parentOf(first, "SUBORDINATE_TO") : null;
      if (!under) {
        sim.problems.push(`${e.id}: no Tỉnh ủy above ${first}`);
        continue;
      }
      const level = levels.get(under) ?? { basis: e.basis, ended: [] };
      if (!sameSet(level.basis, e.basis))
        sim.problems.push(`${e.id}: another basis than the other districts under ${under}`);
      level.ended.push(...e.ended);
      levels.set(under, level);
    }
    return levels;
  };

  // One abolishLevel under each Tỉnh ủy: what is left under its districts moves to it, and they
  // end with their organs.
  const abolishDistricts = (wave: number, levels: ReadonlyMap<string, DistrictLevel>) => {
    for (const [under, level] of levels) {
      push(wave, { op: "abolishLevel", underId: under, kind: "DISTRICT_COMMITTEE", basis: [...level.basis] });
      for (const d of level.ended) {
        for (const child of sim.subordinates(d)) sim.move(child, under, level.basis, "SUBORDINATE_TO");
        sim.close(d, endedSet);
      }
    }
  };

  // 1. A merged province: each old Tỉnh ủy merged into the new one, its districts abolished in
  //    the same change (mergeUnits' abolishLevel), so that their communes and organisations move
  //    once, straight to the new Tỉnh ủy — a district may not hang under a Tỉnh ủy of 01/07/2025
  //    even for a moment (kind pairings), so the merger could not take the districts along.
  const levels = districtLevels();
  const mergers = batch.events.filter((x) => x.kind === "PROVINCE_MERGER");
  const merged = mergers.length > 0;
  const mergedAway = new Set(mergers.flatMap((e) => e.ended));
  // Districts under a Tỉnh ủy no merger ends (none in a merged province of the generator's) first.
  if (merged) abolishDistricts(0, new Map([...levels].filter(([under]) => !mergedAway.has(under))));
  for (const e of mergers) {
    const parts = e.ended.flatMap((id) => levels.get(id) ?? []);
    const first = parts[0];
    if (first && parts.some((l) => !sameSet(l.basis, first.basis)))
      sim.problems.push(`${e.id}: its provinces' districts end on different bases`);
    const level = first ? { basis: first.basis, ended: parts.flatMap((l) => l.ended) } : undefined;
    merge(5, [...e.ended], e.founded[0] as string, e.basis, null, level);
  }

  // 2. Communes merged into the new ones under the (new) Tỉnh ủy — in a province that was not
  //    merged, still under their districts, so that they are never moved on their own; the thôn
  //    move with the basis the history gives their new superior relation.
  for (const e of batch.events.filter((x) => x.kind === "COMMUNE_MERGER")) {
    const into = e.founded[0] as string;
    const childBasis = target.find(
      (r) =>
        r.type === "SUBORDINATE_TO" &&
        r.to === into &&
        e.ended.some((s) => sim.subordinates(s).includes(r.from)),
    )?.basis;
    merge(10, [...e.ended], into, e.basis, childBasis ? [...childBasis] : null);
  }

  // 2b. An unmerged province's districts, now that their communes are merged away: only their
  //    organisations move up.
  if (!merged) abolishDistricts(20, levels);

  // 3. Other founded units, parents (and host agencies) first.
  const pending = founded.filter((u) => !created.has(u.id));
  // Its wave: one past the deepest unit it needs that this step creates (units made by merges are there).
  const depth = new Map<string, number>();
  const visit = (u: GenUnit, path: Set<string>): number => {
    if (created.has(u.id)) return depth.get(u.id) ?? -1;
    if (path.has(u.id)) {
      sim.problems.push(`dependency cycle at ${u.id}`);
      return 0;
    }
    path.add(u.id);
    const hang = targetParent(u.id);
    let level = 0;
    for (const dep of [hang?.to, u.host]) {
      const d = dep ? units.get(dep) : undefined;
      if (d && d.validFrom === REFORM_DAY) level = Math.max(level, visit(d, path) + 1);
    }
    created.add(u.id);
    depth.set(u.id, level);
    const direct = hang && hang.type === structuralType(u.kind) ? hang : undefined;
    push(40 + Math.min(level, 20), {
      op: "createUnit",
      unit: unitSpec(u),
      superiorId: direct?.to ?? null,
      basis: [...(direct?.basis ?? ROOT_BASIS)],
    });
    if (direct) sim.add(direct.type, u.id, direct.to, direct.basis);
    return level;
  };
  for (const u of pending) visit(u, new Set());

  // 4. Moves of the units that outlive the reform.
  const moved: string[] = [];
  for (const r of target) {
    if (!isStructural(r.type) || r.validFrom !== REFORM_DAY || endedSet.has(r.from)) continue;
    if (units.get(r.from)?.validFrom === REFORM_DAY) continue;
    moved.push(r.from);
    if (sim.parentOf(r.from, r.type) === r.to && sim.live.get(key(r.type, r.from, r.to))?.genId === null)
      continue;
    push(70, { op: "setSuperior", unitId: r.from, superiorId: r.to, basis: [...r.basis] });
    sim.move(r.from, r.to, r.basis, r.type);
  }

  // 5. Closures, lowest first: a unit closes once nothing outside its organs hangs under it.
  const endBasis = ["hd-31-2025-whole"];
  let open = ended.filter((id) => !sim.closed.has(id));
  for (let round = 0; open.length > 0; round++) {
    const ready = open.filter((id) => {
      const organParent = sim.parentOf(id, "PART_OF");
      if (organParent && endedSet.has(organParent) && !sim.closed.has(organParent)) return false;
      return sim.outsiders(sim.withOrgans(id)).length === 0;
    });
    if (ready.length === 0) {
      sim.problems.push(`cannot close ${open.slice(0, 5).join(", ")}: subordinates outlive them`);
      break;
    }
    for (const id of ready) {
      if (sim.closed.has(id)) continue;
      push(80 + round, { op: "closeUnit", id, basis: endBasis });
      sim.close(id, endedSet);
    }
    open = open.filter((id) => !sim.closed.has(id));
  }

  // 6. Relations: end those the history ends, add those it starts.
  let basisDiffers = 0;
  for (const r of [...sim.live.values()]) {
    const wanted = targetByKey.get(key(r.type, r.from, r.to));
    if (wanted) {
      if (!sameSet(wanted.basis, r.basis)) basisDiffers++;
      continue;
    }
    if (r.genId) {
      push(100, { op: "endRelation", relationId: r.genId, basis: endBasis });
      sim.remove(r);
    } else sim.problems.push(`a step made ${r.type} ${r.from} → ${r.to}, which the history does not have`);
  }
  for (const r of target) {
    if (sim.live.has(key(r.type, r.from, r.to))) continue;
    if (r.validFrom !== REFORM_DAY)
      sim.problems.push(`${r.id} held before the reform and was lost on the way`);
    push(101, { op: "addRelation", input: relationSpec(r) });
    sim.add(r.type, r.from, r.to, r.basis);
  }

  return {
    key: batch.key,
    steps: batchSteps(steps.sort((a, b) => a.wave - b.wave)),
    singleSteps: steps.length,
    ended,
    founded: founded.map((u) => u.id),
    moved,
    basisDiffers,
    problems: sim.problems,
  };
}
