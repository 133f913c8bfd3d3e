/**
 * The export formats, as pieces of text written one after the other (so the route can stream):
 * GraphML (Gephi, yEd) with typed node and edge attributes, CSV (nodes.csv / edges.csv, UTF-8
 * with a BOM so that Excel shows Vietnamese) and JSON. Pure: no I/O.
 */
import { citationLabel } from "../domain/citations.ts";
import { type Frequency, frequencyLabel } from "../domain/frequencies.ts";
import { RELATION_TYPES, type RelationType } from "../domain/relation-types.ts";
import { UNIT_KINDS, type UnitKind } from "../domain/unit-kinds.ts";
import type { ExportRelation, ExportUnit } from "../store/export-repository.ts";

export const FORMATS = ["graphml", "csv", "json"] as const;
export type ExportFormat = (typeof FORMATS)[number];
export const CSV_PARTS = ["nodes", "edges"] as const;
export type CsvPart = (typeof CSV_PARTS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  graphml: "application/graphml+xml; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** A unit row as exported: its properties with the Vietnamese labels added. */
export function nodeRecord(u: ExportUnit): Record<string, string | boolean | null> {
  const kind = UNIT_KINDS[u.kind as UnitKind];
  return {
    id: u.id,
    label: u.name,
    kind: u.kind,
    kindLabel: kind?.label ?? u.kind,
    category: kind?.category ?? null,
    level: u.level,
    province: u.province,
    sector: u.sector,
    host: u.host,
    validFrom: u.validFrom,
    validTo: u.validTo,
    synthetic: u.synthetic,
  };
}

/** A relation row as exported: frequencies and basis as labels too, lists joined with "; ". */
export function edgeRecord(r: ExportRelation): Record<string, string | boolean | null> {
  return {
    id: r.id,
    source: r.from,
    target: r.to,
    type: r.type,
    typeLabel: RELATION_TYPES[r.type as RelationType]?.label ?? r.type,
    frequencies: r.frequencies.join("; "),
    frequencyLabels: r.frequencies.map((f) => frequencyLabel(f as Frequency)).join("; "),
    via: r.via.join("; "),
    subject: r.subject,
    basis: r.basis.join("; "),
    basisLabels: r.citations.map((c) => citationLabel(c, c.document)).join("; "),
    validFrom: r.validFrom,
    validTo: r.validTo,
    synthetic: r.synthetic,
  };
}

const NODE_KEYS = [
  "label",
  "kind",
  "kindLabel",
  "category",
  "level",
  "province",
  "sector",
  "host",
  "validFrom",
  "validTo",
  "synthetic",
];
const EDGE_KEYS = [
  "type",
  "typeLabel",
  "frequencies",
  "frequencyLabels",
  "via",
  "subject",
  "basis",
  "basisLabels",
  "validFrom",
  "validTo",
  "synthetic",
];
export const NODE_COLUMNS = ["id", ...NODE_KEYS];
export const EDGE_COLUMNS = ["id", "source", "target", ...EDGE_KEYS];

const xml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );

export function graphmlHeader(description: string): string {
  const key = (forWhat: "node" | "edge", name: string) =>
    `  <key id="${forWhat[0]}_${name}" for="${forWhat}" attr.name="${name}" attr.type="${name === "synthetic" ? "boolean" : "string"}"/>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
  <desc>${xml(description)}</desc>
${NODE_KEYS.map((k) => key("node", k)).join("")}${EDGE_KEYS.map((k) => key("edge", k)).join("")}  <graph id="G" edgedefault="directed">
`;
}

const dataOf = (prefix: "n" | "e", keys: string[], rec: Record<string, string | boolean | null>) =>
  keys
    .filter((k) => rec[k] !== null && rec[k] !== "")
    .map((k) => `<data key="${prefix}_${k}">${xml(String(rec[k]))}</data>`)
    .join("");

export function graphmlNode(u: ExportUnit): string {
  const rec = nodeRecord(u);
  return `    <node id="${xml(u.id)}">${dataOf("n", NODE_KEYS, rec)}</node>\n`;
}

export function graphmlEdge(r: ExportRelation): string {
  const rec = edgeRecord(r);
  return `    <edge id="${xml(r.id)}" source="${xml(r.from)}" target="${xml(r.to)}">${dataOf("e", EDGE_KEYS, rec)}</edge>\n`;
}

export const GRAPHML_FOOTER = "  </graph>\n</graphml>\n";

/** The byte order mark Excel needs to read UTF-8. */
export const BOM = "\uFEFF";

/**
 * A cell that Excel or LibreOffice would run as a formula (=, +, -, @, or a tab or carriage
 * return before one) gets a leading apostrophe, which they show as text (OWASP "CSV
 * injection"): names and subjects are free text that writers type.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A separator inside a value starts a new cell there (OWASP: "take care of the field separator"):
 * Excel opens a .csv with the system list separator, `;` in Vietnamese locales, and reads a quote
 * as a quote only at a cell's start, so a value after the line's first cell is split at each `;`
 * whatever our quoting. A `;` followed (after spaces) by a formula character gets an apostrophe
 * after it, so the cell it would start is text.
 */
const FORMULA_AFTER_SEMICOLON = /;(?=[ ]*[=+\-@\t\r])/g;

/** What makes a field quoted: RFC 4180's comma, quote and line breaks, and `;` and tab (one cell for readers that honour quotes). */
const QUOTED_FIELD = /[",;\t\r\n]/;

/** One CSV line (RFC 4180), escaped against formulas as FORMULA_START and FORMULA_AFTER_SEMICOLON say. */
export function csvLine(values: (string | boolean | null)[]): string {
  return `${values
    .map((v) => {
      const raw = (v === null ? "" : String(v)).replace(FORMULA_AFTER_SEMICOLON, ";'");
      const s = FORMULA_START.test(raw) ? `'${raw}` : raw;
      return QUOTED_FIELD.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",")}\r\n`;
}

export const csvNode = (u: ExportUnit) => {
  const rec = nodeRecord(u);
  return csvLine(NODE_COLUMNS.map((c) => rec[c] ?? null));
};

export const csvEdge = (r: ExportRelation) => {
  const rec = edgeRecord(r);
  return csvLine(EDGE_COLUMNS.map((c) => rec[c] ?? null));
};
