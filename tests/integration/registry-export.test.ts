/**
 * The registry export over HTTP against the seed: the .xlsx parsed back with exceljs (two
 * sheets, Vietnamese headers, as many unit rows as `units` counts on the date, as many relation
 * rows as the export's edges), the CSV parts with a BOM, a subtree against `descendants`, each
 * row's superior against `Unit.superior`, scoped reading, and the JSON errors.
 */
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { RELATION_COLUMNS, UNIT_COLUMNS } from "../../src/registry/layout.ts";
import { csvRows } from "./helpers/csv-rows.ts";
import { readerServersForFile } from "./helpers/reader-servers.ts";
import { token } from "./helpers/sandbox.ts";

const servers = readerServersForFile();

const ROOT = "tinh-uy-lam-dong-2025";
const DATE = "2025-07-01";

async function workbook(res: Response): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb;
}

/** The values of a sheet's rows, as strings (null for an empty cell), the header first. */
function sheetRows(wb: ExcelJS.Workbook, name: string): (string | null)[][] {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  const rows: (string | null)[][] = [];
  ws.eachRow((row) => {
    // Array.from fills the holes exceljs leaves for empty cells.
    const values = Array.from(row.values as unknown[]).slice(1);
    rows.push(values.map((v) => (v === undefined || v === null ? null : String(v))));
  });
  return rows;
}

describe("registry export", () => {
  it("the whole graph as .xlsx: two sheets with Vietnamese headers, a row per unit and per relation", async () => {
    const res = await fetch(`${servers.server.base}/registry/_all.xlsx?asOf=${DATE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const wb = await workbook(res);
    const units = sheetRows(wb, "Đơn vị");
    const relations = sheetRows(wb, "Quan hệ");
    expect(units[0]).toEqual(UNIT_COLUMNS.map((c) => c.header));
    expect(relations[0]).toEqual(RELATION_COLUMNS.map((c) => c.header));
    const count = await servers.server.gql<{ units: { totalCount: number } }>(
      `{ units(asOf: "${DATE}", first: 1) { totalCount } }`,
    );
    expect(units.length - 1).toBe(count.data?.units.totalCount);
    const edges = await fetch(`${servers.server.base}/export/_all.csv?part=edges&asOf=${DATE}`);
    expect(relations.length - 1).toBe(csvRows(await edges.text()).length);
  });

  it("a subtree as CSV: BOM, one row per unit of descendants, each with its superior and kind label", async () => {
    const res = await fetch(`${servers.server.base}/registry/${ROOT}.csv?asOf=${DATE}`);
    expect(res.status).toBe(200);
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(body.startsWith("\uFEFF")).toBe(true);
    const d = await servers.server.gql<{
      unit: { descendants: { totalCount: number; nodes: { id: string; superior: { id: string } | null }[] } };
    }>(
      `{ unit(id: "${ROOT}") { descendants(asOf: "${DATE}", first: 500) { totalCount nodes { id superior(asOf: "${DATE}") { id } } } } }`,
    );
    const rows = csvRows(body);
    expect(rows).toHaveLength((d.data?.unit.descendants.totalCount ?? -1) + 1);
    const wb = await workbook(await fetch(`${servers.server.base}/registry/${ROOT}.xlsx?asOf=${DATE}`));
    const units = sheetRows(wb, "Đơn vị").slice(1);
    const superiorOf = new Map(units.map((r) => [r[0], r[7]]));
    for (const n of d.data?.unit.descendants.nodes ?? [])
      expect(superiorOf.get(n.id)).toBe(n.superior?.id ?? null);
    const root = units.find((r) => r[0] === ROOT);
    expect(root?.[4]).toBe("Tỉnh ủy / Thành ủy");
    const rels = await fetch(`${servers.server.base}/registry/${ROOT}.csv?asOf=${DATE}&part=relations`);
    expect(csvRows(await rels.text()).length).toBe(sheetRows(wb, "Quan hệ").length - 1);
  });

  it("gives a scoped reader its subtree only, and NOT_FOUND outside it", async () => {
    expect((await fetch(`${servers.scoped.base}/registry/_all.csv`)).status).toBe(403);
    const viewer = await token("viewer", [ROOT]);
    // One download at a time per client: each is read whole before the next is asked for.
    const all = await fetch(`${servers.scoped.base}/registry/_all.csv?asOf=${DATE}&access_token=${viewer}`);
    const allRows = csvRows(await all.text());
    const mine = await fetch(`${servers.scoped.base}/registry/${ROOT}.csv?asOf=${DATE}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    // The reader's whole part of the graph holds its subtree on the date, and also the units it
    // sees that hang by no link in force that day (as exportMembers has it for /export).
    const mineRows = csvRows(await mine.text());
    expect(mineRows.length).toBeGreaterThan(0);
    expect(allRows).toEqual(expect.arrayContaining(mineRows));
    expect(allRows.filter((r) => /lang-son|quang-ngai/.test(r.split(",")[0] ?? ""))).toEqual([]);
    const outside = await fetch(
      `${servers.scoped.base}/registry/tinh-uy-lang-son.csv?access_token=${viewer}`,
    );
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("answers bad parameters with one line of JSON naming them", async () => {
    const cases: [string, string][] = [
      ["/registry/_all.pdf", "format"],
      ["/registry/Bad_Id.csv", "unitId"],
      ["/registry/_all.csv?asOf=2025-13-01", "asOf"],
      ["/registry/_all.csv?part=edges", "part"],
      ["/registry/_all.xlsx?part=units", "part"],
    ];
    for (const [path, parameter] of cases) {
      const res = await fetch(`${servers.server.base}${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { parameter: string } }).error.parameter, path).toBe(parameter);
    }
    expect((await fetch(`${servers.server.base}/registry/no-such-unit.csv`)).status).toBe(404);
  });
});
