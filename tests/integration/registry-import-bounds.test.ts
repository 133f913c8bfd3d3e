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

  it("counts the ZIP's central directory itself: a count the end record understates, or entries sharing one local header, are refused before JSZip walks them (review s12)", async () => {
    const tooMany = await upload(lyingZip(400));
    expect(tooMany.status).toBe(200);
    expect(tooMany.body.problems.map((p) => p.rule)).toEqual(["TOO_MANY_ROWS"]);
    const shared = await upload(lyingZip(5, true));
    expect(shared.status).toBe(200);
    expect(shared.body.problems.map((p) => p.rule)).toEqual(["MALFORMED"]);
  });

  it("a multipart body cut off inside the file part is refused, 400 JSON, and the service goes on (review s12)", async () => {
    const res = await fetch(`${server.base}/registry/import?dryRun=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "multipart/form-data; boundary=zz" },
      body: '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid\r\n',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_USER_INPUT", parameter: "file" } });
    expect((await fetch(`${server.base}/ready`)).status).toBe(200);
  });
});

/**
 * A ZIP of `entries` empty stored entries whose end record declares one — what JSZip reads without
 * complaint; `shared`: every central header points at the first local header (JSZip then sees one file).
 */
function lyingZip(entries: number, shared = false): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = Buffer.from(`e${i}`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(shared ? 0 : offset, 42);
    centrals.push(Buffer.concat([central, name]));
    if (shared && i > 0) continue;
    locals.push(Buffer.concat([local, name]));
    offset += 30 + name.length;
  }
  const localPart = Buffer.concat(locals);
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return new Uint8Array(Buffer.concat([localPart, directory, end]));
}
