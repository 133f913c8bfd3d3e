/**
 * Reading an import file into rows (pure, no I/O): CSV (RFC 4180, UTF-8 with or without a BOM,
 * comma or semicolon as Excel writes it in Vietnamese locales) or the cells of an .xlsx sheet,
 * in the layout of src/registry/layout.ts. Headers may be the Vietnamese ones or the keys. Each
 * cell is checked here — a formula, a huge cell, a bad date, an unknown kind or level — and each
 * problem names its line (as a spreadsheet numbers it: the header is line 1) and its column.
 */
import { isIsoDate } from "../domain/dates.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { normaliseText, TEXT_RULES, textProblem } from "../domain/text-input.ts";
import { UNIT_KINDS, UNIT_LEVELS } from "../domain/unit-kinds.ts";
import { UNIT_COLUMNS, type UnitColumnKey } from "./layout.ts";

/** What is wrong with one cell, or with the file (line 0 / column "") as a whole. */
export interface Problem {
  line: number;
  column: string;
  rule: string;
  message: string;
}

/** One row of the units sheet, its cells checked and normalised. */
export interface ImportRow {
  line: number;
  id: string | null;
  registryCode: string | null;
  name: string | null;
  kind: string | null;
  level: string | null;
  province: string | null;
  /** The superior as written: a unit id or a registry code. */
  superior: string | null;
  validFrom: string | null;
  validTo: string | null;
  basis: string[];
}

export interface ParsedFile {
  rows: ImportRow[];
  problems: Problem[];
}

/** The longest cell accepted (a name is at most 300 characters; the basis may list a few dozen ids). */
export const MAX_CELL = 2000;

export const REGISTRY_CODE = /^[\p{L}\p{N}][\p{L}\p{N}._/-]{0,63}$/u;

/** The most characters of a cell a problem quotes: a report echoes at most this much of each cell. */
export const QUOTED_CHARS = 60;

/** A cell's text as a problem quotes it: in “”, cut to QUOTED_CHARS with an ellipsis. */
export function quoted(value: string): string {
  return `“${value.length > QUOTED_CHARS ? `${value.slice(0, QUOTED_CHARS)}…` : value}”`;
}

/** A raw cell: text, or a formula the spreadsheet holds (refused), as the readers hand them over. */
export type RawCell = string | null | { formula: string };

/** The lines of a CSV file (its bytes), or a file-level problem when it is not UTF-8 or not CSV. */
/** Columns a line may hold: the layout's, with room for a few unknown ones (ignored). */
export const MAX_COLUMNS = UNIT_COLUMNS.length + 32;

/** The refusal of a file with more rows than `maxRows`, before any of it is planned. */
export function tooManyRows(maxRows: number): Problem {
  return fileProblem(
    "TOO_MANY_ROWS",
    `the file holds more than ${maxRows} rows (REGISTRY_IMPORT_MAX_ROWS): import it in parts`,
  );
}

export function readCsv(
  bytes: Uint8Array,
  /** The most rows, the header not counted (REGISTRY_IMPORT_MAX_ROWS). */
  maxRows: number,
): { records: { line: number; cells: string[] }[] } | Problem {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fileProblem(
      "ENCODING",
      "the file is not UTF-8 text; save it from Excel as “CSV UTF-8 (Comma delimited)” or upload the .xlsx",
    );
  }
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = firstLine.split(";").length > firstLine.split(",").length ? ";" : ",";
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === separator) {
      cells.push(cell);
      cell = "";
      if (cells.length > MAX_COLUMNS)
        return fileProblem("TOO_MANY_COLUMNS", `line ${start} has more than ${MAX_COLUMNS} columns`);
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((x) => x.trim() !== "")) records.push({ line: start, cells });
      // The header and up to maxRows rows.
      if (records.length > maxRows + 1) return tooManyRows(maxRows);
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) return fileProblem("MALFORMED", `a quoted cell opened on line ${start} is never closed`);
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    records.push({ line: start, cells });
    if (records.length > maxRows + 1) return tooManyRows(maxRows);
  }
  return { records: records.filter((r) => r.cells.some((c) => c.trim() !== "")) };
}

function fileProblem(rule: string, message: string): Problem {
  return { line: 0, column: "", rule, message };
}

const HEADER_KEYS = new Map<string, UnitColumnKey>(
  UNIT_COLUMNS.flatMap((c) => [
    [c.header.normalize("NFC").toLowerCase(), c.key],
    [c.key.toLowerCase(), c.key],
  ]),
);

const LEVEL_BY_LABEL = new Map<string, string>(
  Object.entries(UNIT_LEVELS).flatMap(([code, label]) => [
    [code.toLowerCase(), code],
    [label.normalize("NFC").toLowerCase(), code],
  ]),
);

/** A leading apostrophe the exports put before a formula-like value (CSV injection) is taken off. */
const ESCAPED_FORMULA = /^'[=+\-@]/;
const FORMULA_START = /^[=+\-@]/;

/** Rows from a sheet's records (CSV lines or .xlsx rows), the first being the header. */
export function rowsFromRecords(records: { line: number; cells: RawCell[] }[]): ParsedFile {
  const [header, ...body] = records;
  if (!header)
    return { rows: [], problems: [fileProblem("EMPTY", "the file has no header line and no rows")] };
  const problems: Problem[] = [];
  const columns: (UnitColumnKey | null)[] = header.cells.map((c) =>
    typeof c === "string" ? (HEADER_KEYS.get(normaliseText(c).toLowerCase()) ?? null) : null,
  );
  const missing = (["name", "kind"] as const).filter((k) => !columns.includes(k));
  if (!columns.includes("id") && !columns.includes("registryCode")) missing.unshift("id" as never);
  if (missing.length > 0) {
    const headers = missing.map((k) => `“${UNIT_COLUMNS.find((c) => c.key === k)?.header}”`).join(", ");
    problems.push({
      ...fileProblem("MISSING_COLUMN", `the header (line ${header.line}) lacks ${headers}`),
      line: header.line,
    });
    return { rows: [], problems };
  }
  const rows = body.map((r) => readRow(r, columns, problems));
  return { rows, problems };
}

function headerOf(key: UnitColumnKey): string {
  return UNIT_COLUMNS.find((c) => c.key === key)?.header ?? key;
}

/** One row's cells, checked one by one; each problem is recorded and the cell read as empty. */
function readRow(
  record: { line: number; cells: RawCell[] },
  columns: (UnitColumnKey | null)[],
  problems: Problem[],
): ImportRow {
  const raw = new Map<UnitColumnKey, string>();
  const problem = (key: UnitColumnKey, rule: string, message: string): void => {
    problems.push({ line: record.line, column: headerOf(key), rule, message });
  };
  for (const [i, cell] of record.cells.entries()) {
    const key = columns[i];
    if (!key || cell === null || cell === undefined) continue;
    const value = cellText(cell, (rule, message) => problem(key, rule, message));
    if (value !== null) raw.set(key, value);
  }
  const get = (key: UnitColumnKey) => raw.get(key) ?? null;
  return {
    line: record.line,
    id: checked(
      get("id"),
      (v) =>
        UNIT_ID.test(v)
          ? null
          : `${quoted(v)} is not a unit id (lower-case letters, digits, dots and hyphens)`,
      (m) => problem("id", "BAD_ID", m),
    ),
    registryCode: checked(
      get("registryCode"),
      (v) =>
        REGISTRY_CODE.test(v)
          ? null
          : `${quoted(v)} is not a registry code (letters, digits, . _ / -, at most 64)`,
      (m) => problem("registryCode", "BAD_CODE", m),
    ),
    name: checked(
      get("name"),
      (v) => textProblem(v, TEXT_RULES.name),
      (m) => problem("name", "BAD_NAME", m),
    ),
    kind: checked(
      get("kind"),
      (v) =>
        v in UNIT_KINDS
          ? null
          : `unknown kind ${quoted(v)}; use one of the UnitKind codes, e.g. BASIC_PARTY_CELL`,
      (m) => problem("kind", "UNKNOWN_KIND", m),
    ),
    level: levelOf(get("level"), (m) => problem("level", "UNKNOWN_LEVEL", m)),
    province: checked(
      get("province"),
      (v) => textProblem(v, TEXT_RULES.name),
      (m) => problem("province", "BAD_TEXT", m),
    ),
    superior: get("superiorId"),
    validFrom: dateOf(get("validFrom"), (m) => problem("validFrom", "BAD_DATE", m)),
    validTo: dateOf(get("validTo"), (m) => problem("validTo", "BAD_DATE", m)),
    basis: (get("basis") ?? "")
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** A cell's text, normalised; null (and a problem reported) for a formula, a huge cell or an empty one. */
function cellText(cell: RawCell, report: (rule: string, message: string) => void): string | null {
  if (typeof cell !== "string") {
    report(
      "FORMULA",
      `the cell holds a formula (${quoted(`=${cell?.formula ?? ""}`)}); write the value itself`,
    );
    return null;
  }
  if (cell.length > MAX_CELL) {
    report("CELL_TOO_LONG", `the cell has ${cell.length} characters; at most ${MAX_CELL}`);
    return null;
  }
  const value = normaliseText(cell);
  if (value === "") return null;
  if (FORMULA_START.test(value)) {
    report(
      "FORMULA",
      `${quoted(value)} starts like a formula; write the value itself, or put an apostrophe before it`,
    );
    return null;
  }
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

function checked(
  value: string | null,
  why: (v: string) => string | null,
  report: (m: string) => void,
): string | null {
  if (value === null) return null;
  const message = why(value);
  if (message === null) return value;
  report(message);
  return null;
}

function levelOf(value: string | null, report: (m: string) => void): string | null {
  if (value === null) return null;
  const code = LEVEL_BY_LABEL.get(value.toLowerCase());
  if (code) return code;
  report(
    `unknown level ${quoted(value)}; use ${Object.keys(UNIT_LEVELS).join(", ")} (or ${Object.values(UNIT_LEVELS).join(", ")})`,
  );
  return null;
}

/** yyyy-mm-dd, or dd/mm/yyyy as Vietnamese spreadsheets show dates. */
export function dateOf(value: string | null, report: (m: string) => void): string | null {
  if (value === null) return null;
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = vn
    ? `${vn[3]}-${(vn[2] as string).padStart(2, "0")}-${(vn[1] as string).padStart(2, "0")}`
    : value;
  if (isIsoDate(iso)) return iso;
  report(`${quoted(value)} is not a date; write yyyy-mm-dd (2025-07-01) or dd/mm/yyyy (01/07/2025)`);
  return null;
}
