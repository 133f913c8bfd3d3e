/**
 * An uploaded import file's bytes into checked rows: an .xlsx (recognised by its ZIP signature,
 * read with exceljs; the sheet "Đơn vị", else the first) or else CSV (src/registry/parse.ts),
 * at most `maxRows` rows (REGISTRY_IMPORT_MAX_ROWS). A workbook is unpacked once, counting, before
 * exceljs reads it: its parts may unpack to at most BYTES_PER_ROW a row, since exceljs holds a
 * whole workbook in memory at about ten times its XML (a few MB of .xlsx can unpack to gigabytes).
 * Cells become text — a date cell as yyyy-mm-dd, rich text as its plain text, a formula as a
 * formula (refused row by row).
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { UNITS_SHEET } from "./layout.ts";
import {
  type ParsedFile,
  type Problem,
  type RawCell,
  readCsv,
  rowsFromRecords,
  tooManyRows,
} from "./parse.ts";

/**
 * What a row of a workbook may unpack to, all its parts counted (a row of the layout takes about
 * 500 bytes); its cells' text, shared strings counted at each cell that uses one, is bounded alike.
 */
export const BYTES_PER_ROW = 1024;

/** The most entries a workbook's ZIP may hold: an .xlsx has 10–20; each is walked before loading. */
export const MAX_ZIP_ENTRIES = 300;

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export function isXlsx(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

export async function readImportFile(bytes: Uint8Array, maxRows: number): Promise<ParsedFile> {
  if (!isXlsx(bytes)) {
    const csv = readCsv(bytes, maxRows);
    return "records" in csv ? rowsFromRecords(csv.records) : { rows: [], problems: [csv] };
  }
  const refused = (problem: Problem): ParsedFile => ({ rows: [], problems: [problem] });
  const malformed = refused({
    line: 0,
    column: "",
    rule: "MALFORMED",
    message: "the file is not a readable .xlsx workbook",
  });
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const unpacked = await unpackedWithin(buffer, maxRows * BYTES_PER_ROW);
  if (unpacked === "malformed") return malformed;
  if (unpacked === "too-large") return refused(tooManyRows(maxRows));
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as never);
  } catch {
    return malformed;
  }
  const sheet = workbook.getWorksheet(UNITS_SHEET) ?? workbook.worksheets[0];
  if (!sheet)
    return {
      rows: [],
      problems: [{ line: 0, column: "", rule: "EMPTY", message: "the workbook has no sheet" }],
    };
  if (sheet.actualRowCount > maxRows + 1) return refused(tooManyRows(maxRows));
  const records: { line: number; cells: RawCell[] }[] = [];
  // A shared string is stored once and may be used by every cell: its text counts at each use.
  let text = 0;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    // Array.from fills the holes exceljs leaves for empty cells.
    const values = Array.from(row.values as unknown[], cellOf).slice(1);
    for (const v of values) text += typeof v === "string" ? v.length : (v?.formula.length ?? 0);
    if (values.some((v) => v !== null && (typeof v !== "string" || v.trim() !== "")))
      records.push({ line: row.number, cells: values });
  });
  if (text > maxRows * BYTES_PER_ROW) return refused(tooManyRows(maxRows));
  return rowsFromRecords(records);
}

function cellOf(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const v = value as {
    formula?: string;
    sharedFormula?: string;
    richText?: { text: string }[];
    text?: unknown;
    error?: string;
  };
  if (typeof v.formula === "string" || typeof v.sharedFormula === "string")
    return { formula: v.formula ?? v.sharedFormula ?? "" };
  if (Array.isArray(v.richText)) return v.richText.map((t) => t.text).join("");
  if (typeof v.text === "string") return v.text;
  if (typeof v.error === "string") return { formula: v.error };
  return null;
}

/**
 * Whether the ZIP holds at most MAX_ZIP_ENTRIES entries and its parts unpack to at most `limit`
 * bytes in all, counted as they are inflated (the sizes a ZIP declares may lie): each chunk is
 * counted and dropped, and the count stops at the limit.
 */
async function unpackedWithin(buffer: Buffer, limit: number): Promise<"ok" | "too-large" | "malformed"> {
  const counted = centralEntries(buffer);
  if (counted === "malformed") return "malformed";
  if (counted > MAX_ZIP_ENTRIES) return "too-large";
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch {
    return "malformed";
  }
  const entries = Object.values(zip.files);
  if (entries.length > MAX_ZIP_ENTRIES) return "too-large";
  let total = 0;
  for (const entry of entries) {
    if (entry.dir) continue;
    const verdict = await new Promise<"ok" | "too-large" | "malformed">((resolve) => {
      const stream = entry.nodeStream("nodebuffer");
      stream
        .on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > limit) {
            stream.pause();
            resolve("too-large");
          }
        })
        .on("error", () => resolve("malformed"))
        .on("end", () => resolve("ok"));
    });
    if (verdict !== "ok") return verdict;
  }
  return "ok";
}

/**
 * The entries of the ZIP's central directory, counted by walking it ourselves before JSZip does
 * (JSZip reads central headers for as long as their signature goes on, whatever the end record
 * declares, and names entries by their local headers, so a lying count or many central entries
 * pointing at one local header passed its own checks: review s12). Stops at MAX_ZIP_ENTRIES + 1.
 * "malformed" when there is no end record, the directory lies outside the file, the walk does not
 * end where the end record says, the count differs from the declared one, or two entries share a
 * local header.
 */
function centralEntries(buffer: Buffer): number | "malformed" {
  // The end record (22 bytes, signature PK\x05\x06) is last, followed by a comment of at most 64 KiB.
  const from = Math.max(0, buffer.length - 22 - 0xffff);
  const at = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (at < from || at + 22 > buffer.length) return "malformed";
  const declared = buffer.readUInt16LE(at + 10);
  const size = buffer.readUInt32LE(at + 12);
  const start = buffer.readUInt32LE(at + 16);
  if (start + size !== at) return "malformed";
  const locals = new Set<number>();
  let offset = start;
  let count = 0;
  while (offset < at) {
    if (offset + 46 > at || buffer.readUInt32LE(offset) !== 0x02014b50) return "malformed";
    if (++count > MAX_ZIP_ENTRIES) return count;
    const local = buffer.readUInt32LE(offset + 42);
    if (locals.has(local)) return "malformed";
    locals.add(local);
    offset +=
      46 +
      buffer.readUInt16LE(offset + 28) +
      buffer.readUInt16LE(offset + 30) +
      buffer.readUInt16LE(offset + 32);
  }
  return offset === at && count === declared ? count : "malformed";
}
