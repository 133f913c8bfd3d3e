/**
 * The registry import's report stays small whatever the workbook (review s11 #2), against the real
 * Neo4j over HTTP: a cell is quoted by at most 60 characters, the problems listed are capped (the
 * summary still counts them all, `truncated` says so), a workbook whose cells all use one long
 * shared string counts that string at every use, and a ZIP of many entries is refused before it is
 * walked. The workbooks are built here with exceljs (which stores a repeated string once) and JSZip.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { MAX_PROBLEMS_LISTED } from "../../src/registry/import-service.ts";
import { fileSandbox } from "./helpers/sandbox.ts";

const P = "rgb-";
const MAX_ROWS = 2000;
const { server, admin } = await fileSandbox(P, {
  REGISTRY_IMPORT_MAX_ROWS: String(MAX_ROWS),
  REGISTRY_IMPORT_MAX_BYTES: "1048576",
});

const HEADER = [
  "id",
  "registryCode",
  "name",
  "kind",
  "level",
  "province",
  "superiorId",
  "validFrom",
  "validTo",
];

interface Report {
  summary: { problems: number };
  truncated: boolean;
  problems: { line: number; column: string; rule: string; message: string }[];
}

async function upload(bytes: Uint8Array): Promise<{ status: number; text: string; body: Report }> {
  const form = new FormData();
  form.append("file", new Blob([bytes]), "units.xlsx");
  const res = await fetch(`${server.base}/registry/import?dryRun=true&effectiveOn=2026-01-01`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Report };
}

/** `rows` rows whose id, code, kind, level and both dates all hold `value` (one shared string). */
async function workbook(rows: number, value: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("Đơn vị");
  sheet.addRow(HEADER);
  for (let i = 0; i < rows; i++) sheet.addRow([value, value, null, value, value, null, null, value, value]);
  return new Uint8Array(await wb.xlsx.writeBuffer({ zip: { compression: "DEFLATE" } } as never));
}

describe("registry import report bounds", () => {
  it("quotes at most 60 characters of a cell and lists at most the first problems, counting them all", async () => {
    const value = "ầ".repeat(200);
    const bytes = await workbook(300, value);
    // Stored once: the workbook is far smaller than its cells' text.
    expect(bytes.byteLength).toBeLessThan(300 * 6 * 200);
    const { status, body } = await upload(bytes);
    expect(status).toBe(200);
    expect(body.summary.problems).toBe(300 * 6);
    expect(body.truncated).toBe(true);
    expect(body.problems).toHaveLength(MAX_PROBLEMS_LISTED);
    expect(new Set(body.problems.map((p) => p.rule))).toEqual(
      new Set(["BAD_ID", "BAD_CODE", "UNKNOWN_KIND", "UNKNOWN_LEVEL", "BAD_DATE"]),
    );
    expect(body.problems.filter((p) => p.message.includes("ầ".repeat(61)))).toEqual([]);
    expect(body.problems.every((p) => p.message.includes(`${"ầ".repeat(60)}…`))).toBe(true);
  });

  it("quotes at most 60 characters of a formula", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("Đơn vị");
    sheet.addRow(HEADER);
    sheet.addRow([`${P}f`, null, { formula: `"${"x".repeat(1500)}"` }, "BASIC_PARTY_CELL"]);
    const { body } = await upload(new Uint8Array(await wb.xlsx.writeBuffer()));
    const formula = body.problems.filter((p) => p.rule === "FORMULA");
    expect(formula.map((p) => [p.line, p.column])).toEqual([[2, "Tên đơn vị"]]);
    expect(formula[0]?.message).toContain(`“="${"x".repeat(58)}…”`);
    expect(formula[0]?.message).not.toContain("x".repeat(59));
    expect(body.truncated).toBe(false);
  });

  it("counts a shared string at each cell that uses it: a workbook small unpacked but huge in text is refused", async () => {
    // 1,500 rows × 6 cells × 2,000 characters = 18 M characters, from one string stored once.
    const bytes = await workbook(1500, "ầ".repeat(2000));
    expect(bytes.byteLength).toBeLessThan(200_000);
    const { status, text, body } = await upload(bytes);
    expect(status).toBe(200);
    expect(body.problems.map((p) => p.rule)).toEqual(["TOO_MANY_ROWS"]);
    expect(text.length).toBeLessThan(2000);
  });

  it("refuses a workbook of hundreds of ZIP entries before walking them, with the bounds' rule", async () => {
    const zip = await JSZip.loadAsync(await workbook(1, `${P}ok`));
    for (let i = 0; i < 400; i++) zip.file(`m/${i.toString(16)}`, "");
    const bytes = new Uint8Array(await zip.generateAsync({ type: "uint8array" }));
    const { status, body } = await upload(bytes);
    expect(status).toBe(200);
    expect(body.problems.map((p) => p.rule)).toEqual(["TOO_MANY_ROWS"]);
  });
});
