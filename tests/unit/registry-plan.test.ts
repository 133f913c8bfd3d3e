/**
 * The registry import's pure parts: CSV reading (BOM, quotes, semicolons, encodings), cell checks
 * with line and column, and the diff against a snapshot — create, change, move, close, cycles,
 * double superiors, codes, scope — and that a row matching the graph changes nothing.
 */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import { MAX_CELL, readCsv, rowsFromRecords } from "../../src/registry/parse.ts";
import { type ExistingUnit, isEmptyPlan, planImport, type Snapshot } from "../../src/registry/plan.ts";

const ADMIN: Principal = { role: "admin", subject: "a", scopes: [] };
const ON = "2026-01-01";
const HEADER = "Mã định danh;Mã đơn vị;Tên đơn vị;Loại;Mã cấp trên trực tiếp;Hiệu lực đến;Căn cứ";

function parse(...lines: string[]) {
  const csv = readCsv(new TextEncoder().encode(`\uFEFF${[HEADER, ...lines].join("\n")}`), 100);
  if (!("records" in csv)) throw new Error(csv.message);
  return rowsFromRecords(csv.records);
}

function unit(id: string, superiorId: string | null, more: Partial<ExistingUnit> = {}): ExistingUnit {
  return {
    id,
    registryCode: null,
    name: id,
    kind: "COMMUNE_COMMITTEE",
    level: null,
    province: null,
    validFrom: "2025-07-01",
    validTo: null,
    superiorId,
    children: [],
    props: { validFrom: "2025-07-01" },
    ...more,
  };
}

function snapshot(units: ExistingUnit[], scope: Snapshot["scope"] = null): Snapshot {
  return {
    units: new Map(units.map((u) => [u.id, u])),
    byCode: new Map(units.filter((u) => u.registryCode).map((u) => [u.registryCode as string, u.id])),
    parentOf: new Map(units.filter((u) => u.superiorId).map((u) => [u.id, u.superiorId as string])),
    provisions: new Set(["p1"]),
    scope,
  };
}

const GRAPH = [
  unit("tinh", null, { kind: "PROVINCIAL_COMMITTEE", registryCode: "T1" }),
  unit("xa-a", "tinh", { children: ["cb"] }),
  unit("xa-b", "tinh"),
  unit("cb", "xa-a", { kind: "BASIC_PARTY_CELL" }),
];

describe("reading CSV", () => {
  it("reads quoted cells with separators and line breaks, and numbers lines as a spreadsheet does", () => {
    const { rows, problems } = parse(
      'x;;"Xã; ""mới""";COMMUNE_COMMITTEE;tinh;;p1',
      "y;;Y;COMMUNE_COMMITTEE;tinh;01/07/2026;p1",
    );
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.line, r.name, r.validTo])).toEqual([
      [2, 'Xã; "mới"', null],
      [3, "Y", "2026-07-01"],
    ]);
  });

  it("refuses a file that is not UTF-8, and an unclosed quote", () => {
    expect(readCsv(new Uint8Array([0x61, 0xe3, 0x62]), 100)).toMatchObject({ rule: "ENCODING" });
    expect(readCsv(new TextEncoder().encode('a,b\n"x,y'), 100)).toMatchObject({ rule: "MALFORMED" });
  });

  it("refuses more rows than the limit, and a line of endless columns, before reading on", () => {
    const lines = (n: number) =>
      ["id,name", ...Array.from({ length: n }, (_, i) => `u${i},X`), "", ""].join("\n");
    expect(readCsv(new TextEncoder().encode(lines(3)), 3)).toMatchObject({ records: { length: 4 } });
    const unended = ["id,name", "a,X", "b,X", "c,X", "d,X"].join("\n");
    expect(readCsv(new TextEncoder().encode(unended), 3)).toMatchObject({ rule: "TOO_MANY_ROWS" });
    expect(readCsv(new TextEncoder().encode(lines(4)), 3)).toMatchObject({
      rule: "TOO_MANY_ROWS",
      message: expect.stringContaining("more than 3 rows (REGISTRY_IMPORT_MAX_ROWS)"),
    });
    expect(readCsv(new TextEncoder().encode(`id,name\n${",".repeat(100_000)}`), 3)).toMatchObject({
      rule: "TOO_MANY_COLUMNS",
    });
  });

  it("names the line and column of a formula, an unknown kind, a bad id and a bad date", () => {
    const { problems } = parse(
      "Bad Id;;=1+1;NOPE;tinh;2026-02-30;p1",
      "ok;;'=kept;COMMUNE_COMMITTEE;tinh;;p1",
    );
    expect(problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, "Tên đơn vị", "FORMULA"],
      [2, "Mã định danh", "BAD_ID"],
      [2, "Loại", "UNKNOWN_KIND"],
      [2, "Hiệu lực đến", "BAD_DATE"],
    ]);
    expect(parse("ok;;'=kept;COMMUNE_COMMITTEE;tinh;;p1").rows[0]?.name).toBe("=kept");
  });

  it("refuses a UTF-16 file (Excel's “Unicode text”) as a wrong encoding", () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from("Mã định danh;Tên", "utf16le")]);
    expect(readCsv(utf16, 100)).toMatchObject({ rule: "ENCODING" });
  });

  it("refuses a huge cell and every formula start (=, +, -, @) in CSV, naming line and column", () => {
    const { problems } = parse(
      `a1;;${"x".repeat(MAX_CELL + 1)};COMMUNE_COMMITTEE;tinh;;p1`,
      "a2;;+1;COMMUNE_COMMITTEE;tinh;;p1",
      "a3;;-2+3;COMMUNE_COMMITTEE;tinh;;p1",
      "a4;;@SUM(A1);COMMUNE_COMMITTEE;tinh;;p1",
    );
    expect(problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, "Tên đơn vị", "CELL_TOO_LONG"],
      [3, "Tên đơn vị", "FORMULA"],
      [4, "Tên đơn vị", "FORMULA"],
      [5, "Tên đơn vị", "FORMULA"],
    ]);
  });

  it("refuses a header without the required columns", () => {
    const csv = readCsv(new TextEncoder().encode("foo,bar\n1,2"), 100);
    if (!("records" in csv)) throw new Error(csv.message);
    expect(rowsFromRecords(csv.records).problems.map((p) => p.rule)).toEqual(["MISSING_COLUMN"]);
  });
});

describe("the import's diff", () => {
  it("creates, renames, sets codes, moves and closes, and a row like the graph changes nothing", () => {
    const { rows } = parse(
      "tinh;T1;tinh;PROVINCIAL_COMMITTEE;;;p1",
      "xa-c;C3;Xã C;COMMUNE_COMMITTEE;T1;;p1",
      "xa-a;A1;Xã A mới;COMMUNE_COMMITTEE;tinh;;p1",
      "cb;;cb;BASIC_PARTY_CELL;xa-b;;p1",
      "xa-b;;xa-b;COMMUNE_COMMITTEE;tinh;2026-06-30;p1",
    );
    const plan = planImport(rows, snapshot(GRAPH), ADMIN, ON);
    expect(plan.problems).toEqual([]);
    expect(plan.create.map((c) => [c.id, c.superiorId])).toEqual([["xa-c", "tinh"]]);
    expect(plan.change.map((c) => [c.id, c.changes])).toEqual([
      ["xa-a", { name: { from: "xa-a", to: "Xã A mới" }, registryCode: { from: null, to: "A1" } }],
    ]);
    expect(plan.move.map((m) => [m.id, m.from, m.to])).toEqual([["cb", "xa-a", "xa-b"]]);
    expect(plan.close.map((c) => [c.id, c.lastDay])).toEqual([["xa-b", "2026-06-30"]]);
    expect(
      isEmptyPlan(
        planImport(parse("tinh;T1;tinh;PROVINCIAL_COMMITTEE;;;p1").rows, snapshot(GRAPH), ADMIN, ON),
      ),
    ).toBe(true);
  });

  it("finds the cycle, the second superior, a taken code, an orphan and an unknown superior", () => {
    const { rows } = parse(
      "tinh;;tinh;PROVINCIAL_COMMITTEE;cb;;p1",
      "xa-b;;xa-b;COMMUNE_COMMITTEE;tinh;;p1",
      "xa-b;;xa-b;COMMUNE_COMMITTEE;xa-a;;p1",
      "xa-d;T1;Xã D;COMMUNE_COMMITTEE;tinh;;p1",
      "xa-a;;xa-a;COMMUNE_COMMITTEE;;2026-03-31;p1",
      "xa-e;;Xã E;COMMUNE_COMMITTEE;nowhere;;p1",
    );
    const plan = planImport(rows, snapshot(GRAPH), ADMIN, ON);
    expect(plan.problems.map((p) => [p.line, p.rule])).toEqual([
      [2, "NO_CYCLE"],
      [4, "DOUBLE_SUPERIOR"],
      [5, "DUPLICATE_CODE"],
      [6, "NO_ORPHANS"],
      [7, "UNKNOWN_SUPERIOR"],
    ]);
  });

  it("counts a child moved away only if the move leaves no day under nothing after the closure", () => {
    // The move takes effect on ON (2026-01-01): its old link ends on 2025-12-31.
    const closeOn = (lastDay: string) =>
      planImport(
        parse("cb;;cb;BASIC_PARTY_CELL;xa-b;;p1", `xa-a;;xa-a;COMMUNE_COMMITTEE;;${lastDay};p1`).rows,
        snapshot(GRAPH),
        ADMIN,
        ON,
      );
    expect(closeOn("2025-12-31").problems).toEqual([]);
    const early = closeOn("2025-12-30");
    expect(early.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [3, "Hiệu lực đến", "NO_ORPHANS"],
    ]);
    expect(early.problems[0]?.message).toMatch(
      /a move takes effect on 2026-01-01: close it no earlier than the day before/,
    );
  });

  it("refuses an editor's rows outside the scope, answering an unknown superior alike", () => {
    const editor: Principal = { role: "editor", subject: "e", scopes: ["xa-a"] };
    const { rows } = parse(
      "cb;;Chi bộ mới;BASIC_PARTY_CELL;;;p1",
      "xa-b;;Xã B mới;COMMUNE_COMMITTEE;;;p1",
      "new;;Mới;BASIC_PARTY_CELL;nowhere;;p1",
      "xa-a;;xa-a;COMMUNE_COMMITTEE;;2026-03-31;p1",
    );
    const scope = { within: new Set(["xa-a", "cb"]), below: new Set(["cb"]) };
    const plan = planImport(rows, snapshot(GRAPH, scope), editor, ON);
    expect(plan.change.map((c) => c.id)).toEqual(["cb"]);
    expect(plan.problems.map((p) => [p.line, p.rule])).toEqual([
      [3, "EDITOR_SCOPE"],
      [4, "EDITOR_SCOPE"],
      [5, "SCOPE_ROOT"],
    ]);
    expect(plan.problems[1]?.message).toMatch(/outside your scope/);
  });
});
