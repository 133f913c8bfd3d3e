/**
 * The registry's file layout, shared by the export and the import (pure, no I/O): the columns
 * of the units sheet and of the relations sheet, each with its key and Vietnamese header, and
 * the record a unit or relation becomes. CSV holds one sheet per file (`part=units|relations`);
 * .xlsx holds both, as the sheets "Đơn vị" and "Quan hệ".
 */
import type { RelationFact } from "../domain/obligations.ts";
import { RELATION_TYPES, type RelationType } from "../domain/relation-types.ts";
import { UNIT_KINDS, type UnitKind } from "../domain/unit-kinds.ts";

/** A unit as the registry lists it, as of a date. */
export interface RegistryUnit {
  id: string;
  registryCode: string | null;
  name: string;
  kind: string;
  level: string | null;
  province: string | null;
  superiorId: string | null;
  superiorName: string | null;
  validFrom: string | null;
  validTo: string | null;
  basis: string[];
}

/** A stored relation as the registry lists it (the fields' types: RelationFact). */
export type RegistryRelation = Pick<
  RelationFact,
  "id" | "type" | "from" | "to" | "validFrom" | "validTo" | "basis"
>;

export interface Column<K extends string = string> {
  key: K;
  header: string;
  /** Read back by the import; the others (labels, names) are there for people and ignored. */
  imported: boolean;
}

export const UNIT_COLUMNS = [
  { key: "id", header: "Mã định danh", imported: true },
  { key: "registryCode", header: "Mã đơn vị", imported: true },
  { key: "name", header: "Tên đơn vị", imported: true },
  { key: "kind", header: "Loại", imported: true },
  { key: "kindLabel", header: "Tên loại", imported: false },
  { key: "level", header: "Cấp", imported: true },
  { key: "province", header: "Tỉnh", imported: true },
  { key: "superiorId", header: "Mã cấp trên trực tiếp", imported: true },
  { key: "superiorName", header: "Tên cấp trên trực tiếp", imported: false },
  { key: "validFrom", header: "Hiệu lực từ", imported: true },
  { key: "validTo", header: "Hiệu lực đến", imported: true },
  { key: "basis", header: "Căn cứ", imported: true },
] as const satisfies readonly Column[];

export type UnitColumnKey = (typeof UNIT_COLUMNS)[number]["key"];

export const RELATION_COLUMNS = [
  { key: "id", header: "Mã quan hệ", imported: false },
  { key: "type", header: "Loại quan hệ", imported: false },
  { key: "typeLabel", header: "Tên loại quan hệ", imported: false },
  { key: "from", header: "Từ đơn vị", imported: false },
  { key: "to", header: "Đến đơn vị", imported: false },
  { key: "validFrom", header: "Hiệu lực từ", imported: false },
  { key: "validTo", header: "Hiệu lực đến", imported: false },
  { key: "basis", header: "Căn cứ", imported: false },
] as const satisfies readonly Column[];

export const UNITS_SHEET = "Đơn vị";
export const RELATIONS_SHEET = "Quan hệ";

/** Lists in one cell (basis) are joined with this, and split on ";" when read back. */
export const LIST_SEPARATOR = "; ";

export function unitCells(u: RegistryUnit): (string | null)[] {
  const rec: Record<UnitColumnKey, string | null> = {
    id: u.id,
    registryCode: u.registryCode,
    name: u.name,
    kind: u.kind,
    kindLabel: UNIT_KINDS[u.kind as UnitKind]?.label ?? u.kind,
    level: u.level,
    province: u.province,
    superiorId: u.superiorId,
    superiorName: u.superiorName,
    validFrom: u.validFrom,
    validTo: u.validTo,
    basis: u.basis.join(LIST_SEPARATOR),
  };
  return UNIT_COLUMNS.map((c) => rec[c.key]);
}

export function relationCells(r: RegistryRelation): (string | null)[] {
  return [
    r.id,
    r.type,
    RELATION_TYPES[r.type as RelationType]?.label ?? r.type,
    r.from,
    r.to,
    r.validFrom,
    r.validTo,
    r.basis.join(LIST_SEPARATOR),
  ];
}
