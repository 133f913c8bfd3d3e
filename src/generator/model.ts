/**
 * What the generator produces: units, relations and merger events in the shapes the store keeps
 * (src/domain/records.ts), plus a builder that keeps every relation's
 * validity within both endpoints' (an omitted validFrom / validTo defaults to the
 * endpoints' common interval, as in the seed).
 */
import { isInOrder } from "../domain/dates.ts";
import { relationId } from "../domain/ids.ts";
import {
  GEN_PREFIX,
  type GenEvent,
  type GeneratedBatch,
  type GenRelation,
  type GenUnit,
  type UnitInput as RecordUnitInput,
  type Sector,
} from "../domain/records.ts";
import type { RelationType } from "../domain/relation-types.ts";
import { foldText } from "../domain/text-folding.ts";
import type { UnitKind, UnitLevel } from "../domain/unit-kinds.ts";

export { GEN_PREFIX } from "../domain/records.ts";

/** The seed units the generated graph hangs from (the seed is loaded first). */
export const ANCHOR_UNITS = ["bch-trung-uong"] as const;

export type {
  GenEvent,
  GeneratedBatch,
  GenRelation,
  GenUnit,
} from "../domain/records.ts";

interface Interval {
  validFrom: string | null;
  validTo: string | null;
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

const foldedWords = new Map<string, string>();

/**
 * foldText (src/domain/text-folding.ts) one word at a time, each distinct word folded once:
 * the generator's names are made of a small vocabulary, so this costs a fraction of folding
 * every name. The unit tests check it against foldText on every generated name.
 */
export function foldName(name: string): string {
  const words = name.split(/\s+/);
  let out = "";
  for (const w of words) {
    if (w === "") continue;
    let f = foldedWords.get(w);
    if (f === undefined) {
      f = foldText(w);
      if (foldedWords.size < 200_000) foldedWords.set(w, f);
    }
    out = out === "" ? f : `${out} ${f}`;
  }
  return out;
}

class GraphError extends Error {
  override name = "GraphError";
}

/** What the generator says of a unit: the writers' UnitInput (src/domain/records.ts), with the domain's own kinds, levels and sectors. */
export interface UnitInput extends Omit<RecordUnitInput, "kind" | "level" | "sector" | "seat"> {
  kind: UnitKind;
  level?: UnitLevel | null;
  sector?: Sector | null;
}

export interface RelationInput {
  validFrom?: string | null;
  validTo?: string | null;
  frequencies?: string[];
  via?: string[];
  subject?: string | null;
  note?: string | null;
}

/** Collects one chunk. Relation validity defaults to, and must lie within, both endpoints' validity. */
export class ChunkBuilder {
  readonly units: GenUnit[] = [];
  readonly relations: GenRelation[] = [];
  readonly events: GenEvent[] = [];
  private readonly intervals = new Map<string, Interval>();

  constructor(
    readonly key: string,
    /** Intervals of units from earlier chunks that this chunk may point at. */
    private readonly known: ReadonlyMap<string, Interval> = new Map(),
  ) {}

  unit(u: UnitInput): string {
    if (!u.id.startsWith(GEN_PREFIX)) throw new GraphError(`generated id without prefix: ${u.id}`);
    const unit: GenUnit = {
      id: u.id,
      synthetic: true,
      name: u.name,
      nameFolded: foldName(u.name),
      kind: u.kind,
      level: u.level ?? null,
      province: u.province ?? null,
      sector: u.sector ?? null,
      host: u.host ?? null,
      validFrom: u.validFrom ?? null,
      validTo: u.validTo ?? null,
      note: u.note ?? null,
    };
    this.units.push(unit);
    this.intervals.set(unit.id, { validFrom: unit.validFrom, validTo: unit.validTo });
    return unit.id;
  }

  interval(id: string): Interval {
    const found = this.intervals.get(id) ?? this.known.get(id);
    if (!found) throw new GraphError(`relation to a unit not generated yet: ${id}`);
    return found;
  }

  /** A relation whose validity is `opts` narrowed to both endpoints; none when they never overlap. */
  rel(
    type: RelationType,
    from: string,
    to: string,
    basis: readonly string[],
    opts: RelationInput = {},
  ): void {
    const a = this.interval(from);
    const b = this.interval(to);
    const validFrom = later(later(a.validFrom, b.validFrom), opts.validFrom ?? null);
    const validTo = earlier(earlier(a.validTo, b.validTo), opts.validTo ?? null);
    if (!isInOrder({ validFrom, validTo })) return;
    this.relations.push({
      // The API's id with the generator's prefix: "gen-reports_to.a.b.2025-07-01".
      id: `${GEN_PREFIX}${relationId({ type, from, to, validFrom })}`,
      type,
      from,
      to,
      validFrom,
      validTo,
      frequencies: opts.frequencies ?? [],
      via: opts.via ?? [],
      subject: opts.subject ?? null,
      basis,
      note: opts.note ?? null,
    });
  }

  event(e: GenEvent): void {
    this.events.push(e);
  }

  done(): GeneratedBatch {
    return { key: this.key, units: this.units, relations: this.relations, events: this.events };
  }

  /** The intervals of this chunk's units, for later chunks that point at them. */
  exportIntervals(ids: readonly string[]): Map<string, Interval> {
    const out = new Map<string, Interval>();
    for (const id of ids) out.set(id, this.interval(id));
    return out;
  }
}
