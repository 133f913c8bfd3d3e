/**
 * An uploaded import file's bytes into checked rows: an .xlsx (recognised by its ZIP signature,
 * read with exceljs; the sheet "Đơn vị", else the first) or else CSV (src/registry/parse.ts).
 * Cells become text — a date cell as yyyy-mm-dd, rich text as its plain text, a formula as a
 * formula (refused row by row).
 */
import ExcelJS from "exceljs";
import { UNITS_SHEET } from "./layout.ts";
import { type ParsedFile, type RawCell, readCsv, rowsFromRecords } from "./parse.ts";

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export function isXlsx(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

export async function readImportFile(bytes: Uint8Array): Promise<ParsedFile> {
  if (!isXlsx(bytes)) {
    const csv = readCsv(bytes);
    return "records" in csv ? rowsFromRecords(csv.records) : { rows: [], problems: [csv] };
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    return {
      rows: [],
      problems: [
        { line: 0, column: "", rule: "MALFORMED", message: "the file is not a readable .xlsx workbook" },
      ],
    };
  }
  const sheet = workbook.getWorksheet(UNITS_SHEET) ?? workbook.worksheets[0];
  if (!sheet)
    return {
      rows: [],
      problems: [{ line: 0, column: "", rule: "EMPTY", message: "the workbook has no sheet" }],
    };
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
