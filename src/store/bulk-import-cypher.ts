/**
 * The statements of the bulk import (bulk-import.ts) and the rows they take. Relationship types
 * are interpolated only from the closed lists here, never from input.
 */
import {
  GENERATED_ORIGIN,
  type GenEvent,
  type GenRelation,
  type GenUnit,
  UNIT_PROPERTY_NAMES,
  type UnitPropertyName,
} from "../domain/records.ts";
import { RELATION_TYPE_NAMES, type RelationType } from "../domain/relation-types.ts";
import { unitAssignments } from "./cypher-fragments.ts";
import type { Row } from "./database.ts";

const EVENT_LINKS = ["ENDED", "FOUNDED"] as const;

/**
 * Rows travel as one string per statement: fields separated by U+001F, rows by U+001E, list
 * items by U+001D, an empty field for null. The driver encodes one string far faster than
 * thousands of maps (measured: 20,000 unit rows as maps 0.5–1 s of encoding and transfer, as
 * one string 0.1–0.25 s), and Neo4j splits it cheaply. Generated values never contain these
 * separators (the unit tests check; field() replaces them anyway).
 */
const FIELD = "\u001f";
const RECORD = "\u001e";
const ITEM = "\u001d";

/** What the generator leaves to the importer: every generated unit is synthetic and has no source. */
const FIXED_UNIT_PROPERTIES: Partial<Record<UnitPropertyName, string>> = { synthetic: "true", source: "[]" };

/** The unit columns: the id, then every stored property the generator sets (a seat it never sets travels empty). */
const UNIT_FIELDS = ["id", ...UNIT_PROPERTY_NAMES.filter((p) => !(p in FIXED_UNIT_PROPERTIES))] as const;
const RELATION_FIELDS = [
  "id",
  "from",
  "to",
  "validFrom",
  "validTo",
  "frequencies",
  "via",
  "subject",
  "basis",
  "note",
] as const satisfies readonly (keyof GenRelation)[];

type Value = string | null | undefined | readonly string[];

function field(value: Value): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string")
    return value.includes(FIELD) || value.includes(RECORD) || value.includes(ITEM)
      ? value.replaceAll(FIELD, " ").replaceAll(RECORD, " ").replaceAll(ITEM, " ")
      : value;
  return value.map((v) => field(v)).join(ITEM);
}

function encode<T>(rows: readonly T[], fields: readonly string[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, Value>;
    let line = "";
    for (let k = 0; k < fields.length; k++) {
      if (k > 0) line += FIELD;
      line += field(row[fields[k] as string]);
    }
    lines[i] = line;
  }
  return lines.join(RECORD);
}

/** The parameters of a units statement. */
export function unitParameters(rows: readonly GenUnit[]): Row {
  return { rows: encode(rows, UNIT_FIELDS), record: RECORD, field: FIELD, item: ITEM };
}

/** The parameters of a relations statement. */
export function relationParameters(rows: readonly GenRelation[]): Row {
  return { rows: encode(rows, RELATION_FIELDS), record: RECORD, field: FIELD, item: ITEM };
}

/** The parameters of an events statement (few rows: plain maps). */
export function eventParameters(rows: readonly GenEvent[]): Row {
  return { rows: [...rows] };
}

/** Cypher for field i of row r: null for an empty field. */
const col = (r: string, i: number) => `CASE ${r}[${i}] WHEN '' THEN null ELSE ${r}[${i}] END`;
const list = (r: string, i: number) => `CASE ${r}[${i}] WHEN '' THEN [] ELSE split(${r}[${i}], $item) END`;
const U = (name: (typeof UNIT_FIELDS)[number]) => UNIT_FIELDS.indexOf(name);
const R = (name: (typeof RELATION_FIELDS)[number]) => RELATION_FIELDS.indexOf(name);

/** Properties every generated unit has: taken as they are, without the empty-field test. */
const REQUIRED_UNIT_PROPERTIES: ReadonlySet<UnitPropertyName> = new Set(["name", "nameFolded", "kind"]);

function unitValue(p: UnitPropertyName): string {
  const fixed = FIXED_UNIT_PROPERTIES[p];
  if (fixed !== undefined) return fixed;
  const i = U(p as (typeof UNIT_FIELDS)[number]);
  return REQUIRED_UNIT_PROPERTIES.has(p) ? `u[${i}]` : col("u", i);
}

const UNIT_PROPERTIES = `SET ${unitAssignments("n", unitValue)}, n.origin = '${GENERATED_ORIGIN}'`;

export const UNITS_MERGE_CYPHER = `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS u
MERGE (n:Unit {id: u[${U("id")}]})
${UNIT_PROPERTIES}`;

/**
 * Units are CREATEd first, and MERGEd only when that fails: the unique constraint on Unit.id
 * rejects a batch holding a unit that is already there (rolled back whole; a re-run fails on its
 * first row), and the batch is then written with MERGE. MERGE costs a locking index seek per
 * row: in three fresh full imports each way the unit lane was busy 42.6-46.6 s with MERGE and
 * 36.7-43.1 s with CREATE.
 */
export const UNITS_CREATE_CYPHER = `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS u
CREATE (n:Unit {id: u[${U("id")}]})
${UNIT_PROPERTIES}`;

/**
 * Not MERGE: for `MERGE (a)-[x:T {id}]->(b)`, and for a plain OPTIONAL MATCH too, the planner
 * picks, while T has few relationships (early in a fresh import), a full scan of T's id index
 * filtered per row, and keeps that plan until it replans (PROFILE of the first 5,000-row MERGE
 * batch: 25.9 million db hits, 21 s). USING INDEX SEEK makes the lookup a seek on the id
 * (the relationship id indexes come with migration 001) whatever the statistics say; a missing
 * relationship is then created. What MERGE's locks did against a concurrent import,
 * RELATIONS_LOCK does, once per transaction.
 */
export function relationsCypher(type: RelationType): string {
  if (!RELATION_TYPE_NAMES.includes(type)) throw new Error(`unknown relation type ${type}`);
  return `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS r
MATCH (a:Unit {id: r[${R("from")}]})
MATCH (b:Unit {id: r[${R("to")}]})
OPTIONAL MATCH (a)-[old:${type}]->(b) USING INDEX SEEK old:${type}(id) WHERE old.id = r[${R("id")}]
CALL (a, b, r, old) {
  WITH * WHERE old IS NULL
  CREATE (a)-[x:${type} {id: r[${R("id")}]}]->(b)
  RETURN x
  UNION ALL
  WITH * WHERE old IS NOT NULL
  RETURN old AS x
}
SET x.validFrom = date(${col("r", R("validFrom"))}), x.validTo = date(${col("r", R("validTo"))}),
    x.frequencies = ${list("r", R("frequencies"))}, x.via = ${list("r", R("via"))},
    x.subject = ${col("r", R("subject"))}, x.basis = ${list("r", R("basis"))},
    x.note = ${col("r", R("note"))}, x.origin = '${GENERATED_ORIGIN}'`;
}

/**
 * Run first in every relation transaction: takes the write lock of the hierarchy node that
 * structural writers serialise on (migration 005; a property set and removed, no change left).
 * Two imports at once then write relations one transaction at a time, and each looks for a
 * relationship only once the other has committed it, so neither adds a twin.
 */
export const RELATIONS_LOCK =
  "MATCH (l:WriteLock {id: 'hierarchy'}) SET l.importLock = true REMOVE l.importLock";

export const EVENTS_CYPHER = `UNWIND $rows AS e
MERGE (n:MergerEvent {id: e.id})
SET n.kind = e.kind, n.name = e.name, n.date = date(e.date), n.basis = e.basis,
    n.synthetic = true, n.origin = '${GENERATED_ORIGIN}'
WITH n, e
CALL (n, e) {
  UNWIND e.ended AS uid
  MATCH (u:Unit {id: uid})
  MERGE (n)-[x:${EVENT_LINKS[0]}]->(u)
  SET x.origin = '${GENERATED_ORIGIN}'
}
CALL (n, e) {
  UNWIND e.founded AS uid
  MATCH (u:Unit {id: uid})
  MERGE (n)-[x:${EVENT_LINKS[1]}]->(u)
  SET x.origin = '${GENERATED_ORIGIN}'
}`;
