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

/** What a row of a workbook may unpack to, all its parts counted (a row of the layout takes about 500 bytes). */
export const BYTES_PER_ROW = 1024;

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
  sheet.eachRow({ includeEmpty: false }, (row) => {
    // Array.from fills the holes exceljs leaves for empty cells.
    const values = Array.from(row.values as unknown[], cellOf).slice(1);
    if (values.some((v) => v !== null && (typeof v !== "string" || v.trim() !== "")))
      records.push({ line: row.number, cells: values });
  });
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
 * Whether the ZIP's parts unpack to at most `limit` bytes in all, counted as they are inflated
 * (the sizes a ZIP declares may lie): each chunk is counted and dropped, and the count stops at
 * the limit.
 */
async function unpackedWithin(buffer: Buffer, limit: number): Promise<"ok" | "too-large" | "malformed"> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch {
    return "malformed";
  }
  let total = 0;
  for (const entry of Object.values(zip.files)) {
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
