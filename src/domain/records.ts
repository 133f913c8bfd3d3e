/**
 * The shapes the store keeps units, relations and rules in (dates as ISO strings), shared by
 * every writer — the seed loader, the mutations, the generator and its bulk import — and by the
 * repositories that read them back. One home for each: a property added to a unit is added to
 * UNIT_PROPERTY_NAMES, and every writer writes it.
 */
import type { RelationFact, RuleFact } from "./obligations.ts";
import type { RelationType } from "./relation-types.ts";
import { foldText } from "./text-folding.ts";
import type { UnitKind, UnitLevel } from "./unit-kinds.ts";

/** A unit's stored properties, as every writer sets them (besides `origin`, which says who wrote it). */
export interface UnitProperties {
  id: string;
  name: string;
  /** The name folded for search (src/domain/text-folding.ts). */
  nameFolded: string;
  kind: string;
  level: string | null;
  province: string | null;
  sector: string | null;
  host: string | null;
  /** The local committee of the place where the unit (an agency) sits: 138-QĐ/TW Điều 13. */
  seat: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** An invented illustration that no document states. */
  synthetic: boolean;
  /** Provision ids the unit rests on. */
  source: readonly string[];
  note: string | null;
}

/** The stored properties of a unit besides its id, in the order the writers set them. */
export const UNIT_PROPERTY_NAMES = [
  "name",
  "nameFolded",
  "kind",
  "level",
  "province",
  "sector",
  "host",
  "seat",
  "validFrom",
  "validTo",
  "synthetic",
  "source",
  "note",
] as const satisfies readonly (keyof UnitProperties)[];

export type UnitPropertyName = (typeof UNIT_PROPERTY_NAMES)[number];

/** The unit properties stored as dates. */
export const UNIT_DATE_PROPERTIES: ReadonlySet<UnitPropertyName> = new Set(["validFrom", "validTo"]);

/** What a writer knows of a new unit; the rest defaults to null. */
export interface UnitInput {
  id: string;
  name: string;
  kind: string;
  level?: string | null;
  province?: string | null;
  sector?: string | null;
  host?: string | null;
  seat?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  note?: string | null;
}

/** A unit's stored properties from what a writer knows of it. */
export function unitProperties(
  u: UnitInput,
  origin: { synthetic: boolean; source: readonly string[] },
): UnitProperties {
  return {
    id: u.id,
    name: u.name,
    nameFolded: foldText(u.name),
    kind: u.kind,
    level: u.level ?? null,
    province: u.province ?? null,
    sector: u.sector ?? null,
    host: u.host ?? null,
    seat: u.seat ?? null,
    validFrom: u.validFrom ?? null,
    validTo: u.validTo ?? null,
    synthetic: origin.synthetic,
    source: origin.source,
    note: u.note ?? null,
  };
}

/** A relation as stored: the domain's own shape (src/domain/obligations.ts). */
export type RelationRecord = RelationFact;

/** A reporting rule as stored: the facts obligations are derived from, with what it is called and whom it covers. */
export interface RuleRecord extends RuleFact {
  title: string;
  kinds: string[];
  sectors: string[] | null;
}

// ---------------------------------------------------------------------------------------------
// The synthetic national graph (src/generator) as the bulk import (src/store/bulk-import.ts) takes it.

/** Every generated id starts with this; no seed id does. */
export const GEN_PREFIX = "gen-";

/** The origin the bulk import writes on everything it stores (the seed writes 'seed', the mutations 'api'). */
export const GENERATED_ORIGIN = "generated";

export type Sector = "AGENCY" | "ENTERPRISE" | "PUBLIC_SERVICE" | "ARMED_FORCES" | "LOCALITY";

/** A generated unit: synthetic, without a source or a seat (the importer writes those). */
export interface GenUnit
  extends Omit<UnitProperties, "kind" | "level" | "sector" | "seat" | "synthetic" | "source"> {
  synthetic: true;
  kind: UnitKind;
  level: UnitLevel | null;
  sector: Sector | null;
}

export interface GenRelation extends Omit<RelationRecord, "type" | "basis" | "synthetic"> {
  type: RelationType;
  /** Provision ids; shared between relations, never mutated. */
  basis: readonly string[];
}

type MergerKind = "PROVINCE_MERGER" | "COMMUNE_MERGER" | "DISTRICT_LEVEL_ENDED";

/** A reorganisation on one date: the units it ended and the units it founded. */
export interface GenEvent {
  id: string;
  kind: MergerKind;
  name: string;
  date: string;
  basis: string[];
  ended: string[];
  founded: string[];
}

/** One chunk of the graph: every relation's endpoints are in this chunk, an earlier one, or the anchors. */
export interface GeneratedBatch {
  key: string;
  units: GenUnit[];
  relations: GenRelation[];
  events: GenEvent[];
}
