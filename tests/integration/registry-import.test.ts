/**
 * The registry import over HTTP against the real Neo4j: the dry run's diff and its problems with
 * line and column; applying (one Event with Change records under the importer's name), twice
 * (nothing the second time); nothing written on a problem or on an invariant the plan cannot see;
 * renames, moves and closes; registry codes unique and found by unitByRegistryCode; an export
 * re-imported changes nothing; an editor's scope; encodings, formulas, size and method.
 */
import net from "node:net";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { importRegistry } from "../../src/registry/import-service.ts";
import type { Database, Row, TransactionRunner } from "../../src/store/database.ts";
import { BASIS, create, fileSandbox, gqlAs, token } from "./helpers/sandbox.ts";

const P = "rgi-";
const ON = "2026-01-01";
const LATER = "2026-02-01";
const HEADER = "Mã định danh,Mã đơn vị,Tên đơn vị,Loại,Cấp,Mã cấp trên trực tiếp,Hiệu lực đến,Căn cứ";
const { server, admin } = await fileSandbox(P, {
  REGISTRY_IMPORT_MAX_BYTES: "65536",
  REGISTRY_IMPORT_MAX_ROWS: "100",
});

beforeAll(async () => {
  await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
});

interface Report {
  applied: boolean;
  eventId: string | null;
  summary: Record<string, number>;
  diff: {
    create: { line: number; id: string; superiorId: string | null }[];
    change: { line: number; id: string; changes: Record<string, { from: string | null; to: string }> }[];
    move: { line: number; id: string; from: string | null; to: string }[];
    close: { line: number; id: string; lastDay: string }[];
  };
  problems: { line: number; column: string; rule: string; message: string }[];
}

async function upload(
  body: Uint8Array | string,
  o: { dryRun?: boolean; bearer?: string; name?: string; on?: string } = {},
): Promise<{ status: number; body: Report & { error?: Report & { code: string; rule: string } } }> {
  const form = new FormData();
  form.append("file", new Blob([typeof body === "string" ? `\uFEFF${body}` : body]), o.name ?? "units.csv");
  const res = await fetch(
    `${server.base}/registry/import?dryRun=${o.dryRun ?? true}&effectiveOn=${o.on ?? ON}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${o.bearer ?? admin}` },
      body: form,
    },
  );
  return { status: res.status, body: (await res.json()) as never };
}

const csv = (...lines: string[]) => [HEADER, ...lines].join("\r\n");

const FIRST = csv(
  `${P}tinh-uy,RG-T01,${P}tinh-uy,PROVINCIAL_COMMITTEE,,bch-trung-uong,,${BASIS[0]}`,
  `${P}xa-1,RG-X01,Đảng ủy xã Một,COMMUNE_COMMITTEE,COMMUNE,${P}tinh-uy,,${BASIS[0]}`,
  `${P}xa-2,RG-X02,Đảng ủy xã Hai,COMMUNE_COMMITTEE,Cấp xã,RG-T01,,${BASIS[0]}`,
  `${P}xa-3,RG-X03,"Đảng ủy xã Ba, cũ",COMMUNE_COMMITTEE,COMMUNE,${P}tinh-uy,,${BASIS[0]}`,
  `${P}chi-bo,RG-C01,Chi bộ Thôn 1,BASIC_PARTY_CELL,BASIC,RG-X01,,${BASIS[0]}`,
);

async function count(cypher: string): Promise<number> {
  const rows = await server.db.read(cypher, { prefix: P });
  return rows[0]?.n as number;
}

describe("registry import", () => {
  it("a dry run answers the diff and writes nothing", async () => {
    const { status, body } = await upload(FIRST);
    expect(status).toBe(200);
    expect(body.problems).toEqual([]);
    expect(body.applied).toBe(false);
    expect(body.diff.create.map((c) => [c.line, c.id, c.superiorId])).toEqual([
      [3, `${P}xa-1`, `${P}tinh-uy`],
      [4, `${P}xa-2`, `${P}tinh-uy`],
      [5, `${P}xa-3`, `${P}tinh-uy`],
      [6, `${P}chi-bo`, `${P}xa-1`],
    ]);
    expect(body.diff.change).toEqual([
      { line: 2, id: `${P}tinh-uy`, changes: { registryCode: { from: null, to: "RG-T01" } } },
    ]);
    expect(await count("MATCH (u:Unit) WHERE u.id STARTS WITH $prefix RETURN count(u) AS n")).toBe(1);
  });

  it("reports every problem with its line and column, and applying such a file writes nothing", async () => {
    const file = csv(
      `${P}ok,,Đảng ủy xã Tốt,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}a,,Xã A,COMMUNE_COMMITTEE,,no-such-unit,,${BASIS[0]}`,
      `${P}b,,Xã B,NOT_A_KIND,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}c,,Xã C,COMMUNE_COMMITTEE,,${P}tinh-uy,2026-02-30,${BASIS[0]}`,
      `${P}tinh-uy,,${P}tinh-uy,PROVINCIAL_COMMITTEE,,${P}d,,${BASIS[0]}`,
      `${P}d,,Xã D,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}e,,Xã E,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}e,,Xã E,COMMUNE_COMMITTEE,,${P}d,,${BASIS[0]}`,
      `${P}f,,=HYPERLINK("x"),COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}g,,Xã G,COMMUNE_COMMITTEE,,${P}tinh-uy,,no-such-provision`,
    );
    const { body } = await upload(file);
    expect(body.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [3, "Mã cấp trên trực tiếp", "UNKNOWN_SUPERIOR"],
      [4, "Loại", "UNKNOWN_KIND"],
      [5, "Hiệu lực đến", "BAD_DATE"],
      [6, "Mã cấp trên trực tiếp", "NO_CYCLE"],
      [7, "Mã cấp trên trực tiếp", "NO_CYCLE"],
      [9, "Mã cấp trên trực tiếp", "DOUBLE_SUPERIOR"],
      [10, "Tên đơn vị", "FORMULA"],
      [11, "Căn cứ", "UNKNOWN_PROVISION"],
    ]);
    const applied = await upload(file, { dryRun: false });
    expect(applied.status).toBe(400);
    expect(applied.body.error?.rule).toBe("IMPORT_PROBLEMS");
    expect(applied.body.error?.problems).toHaveLength(8);
    expect(await count("MATCH (u:Unit) WHERE u.id STARTS WITH $prefix RETURN count(u) AS n")).toBe(1);
  });

  it("applies as one Event with Change records under the importer's name, and a second time changes nothing", async () => {
    const importer = await token("admin", [], "nguoi-nhap-so");
    const first = await upload(FIRST, { dryRun: false, bearer: importer });
    expect(first.status).toBe(200);
    expect(first.body.applied).toBe(true);
    const event = await gqlAs<{
      event: { kind: string; actor: string; changes: { entity: string; operation: string }[] };
    }>(server, admin, `query ($id: ID!) { event(id: $id) { kind actor changes { entity operation } } }`, {
      id: first.body.eventId,
    });
    expect(event.data?.event.kind).toBe("REGISTRY_IMPORT");
    expect(event.data?.event.actor).toBe("nguoi-nhap-so");
    const ops = event.data?.event.changes.map((c) => `${c.entity}:${c.operation}`) ?? [];
    expect(ops.filter((o) => o === "UNIT:CREATED")).toHaveLength(4);
    expect(ops.filter((o) => o === "RELATION:CREATED")).toHaveLength(4);
    const found = await server.gql<{
      unitByRegistryCode: { id: string; registryCode: string; superior: { id: string } };
    }>(`{ unitByRegistryCode(code: "RG-C01") { id registryCode superior(asOf: "${ON}") { id } } }`);
    expect(found.data?.unitByRegistryCode).toEqual({
      id: `${P}chi-bo`,
      registryCode: "RG-C01",
      superior: { id: `${P}xa-1` },
    });
    const events =
      "MATCH (e:Event)-[:AFFECTED]->(u:Unit) WHERE u.id STARTS WITH $prefix RETURN count(DISTINCT e) AS n";
    const before = await count(events);
    const again = await upload(FIRST, { dryRun: false, bearer: importer });
    expect(again.status).toBe(200);
    expect(again.body.applied).toBe(false);
    expect(again.body.summary).toEqual({ create: 0, change: 0, move: 0, close: 0, problems: 0 });
    expect(await count(events)).toBe(before);
  });

  it("renames, moves and closes, and the export re-imported changes nothing", async () => {
    const file = csv(
      `${P}xa-2,,Đảng ủy xã Hai Mới,COMMUNE_COMMITTEE,,,,${BASIS[0]}`,
      `${P}chi-bo,,Chi bộ Thôn 1,BASIC_PARTY_CELL,,RG-X02,,${BASIS[0]}`,
      `,RG-X03,"Đảng ủy xã Ba, cũ",COMMUNE_COMMITTEE,,,2026-03-31,${BASIS[0]}`,
    );
    const dry = await upload(file, { on: LATER });
    expect(dry.body.problems).toEqual([]);
    expect(dry.body.diff.change).toEqual([
      { line: 2, id: `${P}xa-2`, changes: { name: { from: "Đảng ủy xã Hai", to: "Đảng ủy xã Hai Mới" } } },
    ]);
    expect(dry.body.diff.move).toMatchObject([
      { line: 3, id: `${P}chi-bo`, from: `${P}xa-1`, to: `${P}xa-2` },
    ]);
    expect(dry.body.diff.close).toMatchObject([{ line: 4, id: `${P}xa-3`, lastDay: "2026-03-31" }]);
    expect((await upload(file, { dryRun: false, on: LATER })).body.applied).toBe(true);
    const after = await server.gql<{
      a: { name: string; nameOn: string };
      b: { superior: { id: string } };
      c: { validTo: string };
    }>(
      `{ a: unit(id: "${P}xa-2") { name nameOn(date: "2026-01-31") }
         b: unit(id: "${P}chi-bo") { superior(asOf: "${LATER}") { id } }
         c: unit(id: "${P}xa-3") { validTo } }`,
    );
    expect(after.data).toEqual({
      a: { name: "Đảng ủy xã Hai Mới", nameOn: "Đảng ủy xã Hai" },
      b: { superior: { id: `${P}xa-2` } },
      c: { validTo: "2026-03-31" },
    });
    expect((await upload(file, { on: LATER })).body.summary).toEqual({
      create: 0,
      change: 0,
      move: 0,
      close: 0,
      problems: 0,
    });
    const xlsx = await fetch(`${server.base}/registry/${P}tinh-uy.xlsx?asOf=${LATER}`);
    const roundTrip = await upload(new Uint8Array(await xlsx.arrayBuffer()), {
      name: "units.xlsx",
      on: LATER,
    });
    expect(roundTrip.body.problems).toEqual([]);
    expect(roundTrip.body.summary).toEqual({ create: 0, change: 0, move: 0, close: 0, problems: 0 });
  });

  it("writes nothing when an invariant the diff cannot see fails (a kind pairing)", async () => {
    const file = csv(
      `${P}xa-4,,Đảng ủy xã Bốn,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}tinh-2,,Tỉnh ủy sai chỗ,PROVINCIAL_COMMITTEE,,${P}xa-4,,${BASIS[0]}`,
    );
    expect((await upload(file)).body.problems).toEqual([]);
    const res = await upload(file, { dryRun: false });
    expect(res.status).toBe(400);
    expect(res.body.error?.rule).toBe("KIND_PAIRING");
    expect(
      await count(`MATCH (u:Unit) WHERE u.id IN [$prefix + 'xa-4', $prefix + 'tinh-2'] RETURN count(u) AS n`),
    ).toBe(0);
  });

  it("keeps registry codes unique", async () => {
    const file = csv(
      `${P}xa-5,RG-X01,Xã Năm,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}xa-6,RG-NEW,Xã Sáu,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
      `${P}xa-7,RG-NEW,Xã Bảy,COMMUNE_COMMITTEE,,${P}tinh-uy,,${BASIS[0]}`,
    );
    const { body } = await upload(file);
    expect(body.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, "Mã đơn vị", "DUPLICATE_CODE"],
      [4, "Mã đơn vị", "DUPLICATE_CODE"],
    ]);
  });

  it("refuses, row by row, what lies outside an editor's scope", async () => {
    const editor = await token("editor", [`${P}xa-1`], "bien-tap-xa");
    const file = csv(
      `${P}thon-2,,Chi bộ Thôn 2,BASIC_PARTY_CELL,,${P}xa-1,,${BASIS[0]}`,
      `tinh-uy-lam-dong-2025,,Tên khác,PROVINCIAL_COMMITTEE,,,,${BASIS[0]}`,
      `${P}thon-3,,Chi bộ Thôn 3,BASIC_PARTY_CELL,,${P}xa-2,,${BASIS[0]}`,
      `${P}xa-1,,Đảng ủy xã Một,COMMUNE_COMMITTEE,,,2026-06-30,${BASIS[0]}`,
    );
    const { body } = await upload(file, { bearer: editor });
    expect(body.diff.create.map((c) => c.id)).toEqual([`${P}thon-2`]);
    expect(body.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [3, "Mã định danh", "EDITOR_SCOPE"],
      [4, "Mã cấp trên trực tiếp", "EDITOR_SCOPE"],
      [5, "Mã định danh", "SCOPE_ROOT"],
    ]);
    const viewer = await token("viewer", [`${P}xa-1`]);
    expect((await upload(file, { bearer: viewer })).status).toBe(403);
  });

  it("refuses an editor's closure that would end a relation with a unit outside its scope, as closeUnit does (review s14 K)", async () => {
    const x = `${P}k-x`;
    const outside = `${P}k-outside`;
    await create(server, admin, { id: x, kind: "BASIC_PARTY_COMMITTEE" }, `${P}tinh-uy`);
    await create(server, admin, { id: outside, kind: "STATE_AGENCY" }, null);
    const added = await gqlAs(
      server,
      admin,
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${x}", toId: "${outside}", validFrom: "2025-09-01", frequencies: [QUARTERLY], basis: ["${BASIS[0]}"] }) { id } }`,
    );
    expect(added.errors).toBeUndefined();
    const editor = await token("editor", [`${P}tinh-uy`], "bien-tap-tinh");
    const refused = await gqlAs(
      server,
      editor,
      `mutation { closeUnit(id: "${x}", lastDay: "2026-03-31", basis: ["${BASIS[0]}"]) { id } }`,
    );
    expect(refused.errors?.[0]?.extensions?.rule).toBe("EDITOR_SCOPE");
    const file = csv(`${x},,${x},BASIC_PARTY_COMMITTEE,,,2026-03-31,${BASIS[0]}`);
    const { status, body } = await upload(file, { bearer: editor, dryRun: false, on: LATER });
    expect({ status, code: body.error?.code, rule: body.error?.rule }).toEqual({
      status: 403,
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
    });
    const [row] = await server.db.read(
      `MATCH (u:Unit {id: $x})-[r:REPORTS_TO]->(:Unit {id: $o})
       RETURN r.validTo IS NULL AS relationOpen, u.validTo IS NULL AS unitOpen`,
      { x, o: outside },
    );
    expect(row).toEqual({ relationOpen: true, unitOpen: true });
  });

  it("refuses a closure, under its locks, of a unit a change committed after the plan's read hung a unit under (review s14 I)", async () => {
    const closing = `${P}i-xa`;
    const late = `${P}i-chi-bo-late`;
    await create(server, admin, { id: closing, kind: "COMMUNE_COMMITTEE" }, `${P}tinh-uy`, "2025-07-01");
    // The import's transaction reads its snapshot; a createUnit under the unit it closes commits
    // just after (before the import takes any lock), as a concurrent editor's would.
    let hung = false;
    const db = Object.create(server.db) as Database;
    db.boundedWriteTransaction = (work, committed) =>
      server.db.boundedWriteTransaction(
        (tx: TransactionRunner) =>
          work({
            run: async (cypher: string, params?: Row) => {
              const rows = await tx.run(cypher, params);
              if (!hung && cypher.includes("UNWIND $refs AS ref")) {
                hung = true;
                await create(server, admin, { id: late, kind: "BASIC_PARTY_CELL" }, closing, "2025-08-01");
              }
              return rows;
            },
          }),
        committed,
      );
    const ADMIN: Principal = { role: "admin", subject: "admin-tester", scopes: [] };
    const file = csv(`${closing},,${closing},COMMUNE_COMMITTEE,,${P}tinh-uy,2026-03-31,${BASIS[0]}`);
    const failure = await importRegistry(db, ADMIN, new TextEncoder().encode(`\uFEFF${file}`), {
      effectiveOn: LATER,
      dates: { min: "1930-01-01", max: "2100-01-01" },
      dryRun: false,
      maxRows: 100,
    }).catch((e: unknown) => e);
    expect(hung).toBe(true);
    expect(failure).toBeInstanceOf(DomainError);
    expect({ ...(failure as DomainError).details, code: (failure as DomainError).code }).toMatchObject({
      code: "CONFLICT",
      rule: "NO_ORPHANS",
      argument: "file",
    });
    const [row] = await server.db.read(
      `MATCH (c:Unit {id: $late})-[r:SUBORDINATE_TO]->(u:Unit {id: $closing})
       RETURN r.validTo IS NULL AS linkOpen, u.validTo IS NULL AS unitOpen`,
      { late, closing },
    );
    expect(row).toEqual({ linkOpen: true, unitOpen: true });
  });

  it("answers a wrong encoding, a malformed workbook, a huge file and a wrong method clearly", async () => {
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode(`${HEADER}\r\n${P}x,,`),
      0xd0,
      0xe3,
      0x6e,
      0x67,
    ]);
    const enc = await upload(latin1);
    expect(enc.body.problems.map((p) => p.rule)).toEqual(["ENCODING"]);
    const zip = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), { name: "x.xlsx" });
    expect(zip.body.problems.map((p) => p.rule)).toEqual(["MALFORMED"]);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Đơn vị").addRow(["Mã định danh", "Tên đơn vị", "Loại"]);
    wb.getWorksheet("Đơn vị")?.addRow([`${P}y`, { formula: "1+1" }, "x".repeat(3000)]);
    const cells = await upload(new Uint8Array(await wb.xlsx.writeBuffer()), { name: "x.xlsx" });
    expect(cells.body.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, "Tên đơn vị", "FORMULA"],
      [2, "Loại", "CELL_TOO_LONG"],
    ]);
    const huge = await upload("x".repeat(70_000));
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.base}/registry/import`)).status).toBe(405);
  });

  it("keeps its dates in the range mutations allow: effectiveOn (400) and a row's end date (a problem naming the column), writing nothing (review s12)", async () => {
    const far = await upload(csv(`${P}tinh-uy,,Tên năm 9999,,,,,${BASIS[0]}`), {
      dryRun: false,
      on: "9999-12-31",
    });
    expect(far.status).toBe(400);
    expect(far.body.error).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(JSON.stringify(far.body.error)).toContain("effectiveOn");
    const early = await upload(csv(`${P}tinh-uy,,Tên cũ,,,,,${BASIS[0]}`), { on: "1900-01-01" });
    expect(early.status).toBe(400);
    const row = await upload(
      csv(`${P}xa-9,,Đảng ủy xã Chín,COMMUNE_COMMITTEE,COMMUNE,${P}tinh-uy,9999-12-31,${BASIS[0]}`),
      {
        dryRun: false,
      },
    );
    expect(row.status).toBe(400);
    expect(row.body.error?.problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, "Hiệu lực đến", "EFFECTIVE_DATE"],
    ]);
    expect(
      await count(
        `MATCH (u:Unit) WHERE u.id = '${P}xa-9' OR u.name STARTS WITH 'Tên năm' RETURN count(u) AS n`,
      ),
    ).toBe(0);
  });

  it("refuses more rows than REGISTRY_IMPORT_MAX_ROWS, and a workbook that unpacks past them, before reading it", async () => {
    const rows = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `${P}r${i},,Chi bộ ${i},BASIC_PARTY_CELL,BASIC,${P}tinh-uy,,${BASIS[0]}`,
      );
    expect((await upload(csv(...rows(100)))).body.problems.filter((p) => p.rule === "TOO_MANY_ROWS")).toEqual(
      [],
    );
    const many = await upload(csv(...rows(101)));
    expect(many.body.problems.map((p) => p.rule)).toEqual(["TOO_MANY_ROWS"]);
    expect(many.body.problems[0]?.message).toContain("more than 100 rows (REGISTRY_IMPORT_MAX_ROWS)");
    // A few KB that unpack to 3 MB (a cell of one letter repeated): refused before exceljs holds it.
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("Đơn vị");
    sheet.addRow(["Mã định danh", "Tên đơn vị", "Loại"]);
    for (let i = 0; i < 3; i++) sheet.addRow([`${P}b${i}`, "x".repeat(1_000_000 + i), "BASIC_PARTY_CELL"]);
    const bomb = new Uint8Array(await wb.xlsx.writeBuffer({ zip: { compression: "DEFLATE" } } as never));
    expect(bomb.byteLength).toBeLessThan(65_536);
    const packed = await upload(bomb, { name: "bomb.xlsx" });
    expect(packed.status).toBe(200);
    expect(packed.body.problems.map((p) => p.rule)).toEqual(["TOO_MANY_ROWS"]);
  });

  it("refuses a viewer before reading the upload: the answer comes while the body is still unsent", async () => {
    const viewer = await token("viewer", [`${P}xa-1`]);
    const { hostname, port } = new URL(server.base);
    const socket = net.connect(Number(port), hostname);
    const answer = new Promise<{ status: string; body: string }>((resolve, reject) => {
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString("utf8");
        const [head, body = ""] = text.split("\r\n\r\n");
        if (body.trim().endsWith("}")) resolve({ status: head?.split(" ")[1] ?? "", body });
      });
      socket.once("error", reject);
    });
    // A 60 KB upload announced, 1 KB of it sent: a server that reads the body first never answers.
    socket.write(
      `POST /registry/import?dryRun=true HTTP/1.1\r\nHost: ${hostname}\r\n` +
        `authorization: Bearer ${viewer}\r\ncontent-type: multipart/form-data; boundary=b\r\n` +
        `content-length: 60000\r\n\r\n--b\r\ncontent-disposition: form-data; name="file"; filename="u.csv"\r\n\r\n${"x".repeat(1000)}`,
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("no answer within 5 s while the body was unsent")), 5000),
    );
    const { status, body } = await Promise.race([answer, timeout]).finally(() => socket.destroy());
    expect(status).toBe("403");
    expect((JSON.parse(body) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  });

  it("frees the import slot of an upload cut off midway: the next imports still run", async () => {
    const editor = await token("editor", [`${P}xa-1`], "bien-tap-cat");
    const { hostname, port } = new URL(server.base);
    // Two (EXPORT_CONCURRENCY) uploads announced at 60 KB, 1 KB sent, then the client goes away.
    for (let i = 0; i < 2; i++) {
      const socket = net.connect(Number(port), hostname);
      await new Promise((r) => socket.once("connect", r));
      socket.write(
        `POST /registry/import?dryRun=true HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `authorization: Bearer ${editor}\r\ncontent-type: multipart/form-data; boundary=b\r\n` +
          `content-length: 60000\r\n\r\n--b\r\ncontent-disposition: form-data; name="file"; filename="u.csv"\r\n\r\n${"x".repeat(1000)}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      socket.destroy();
    }
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 2; i++) expect((await upload(FIRST)).status).toBe(200);
  });
});
