/**
 * Registry codes and an editor's scope (review s10 #4), over HTTP against the real Neo4j: a code
 * held by a unit outside the editor's subtrees answers exactly as a code nobody holds — for the
 * row's own unit, for its superior, and as a duplicate — and refusals of a unit the row gave by
 * its code name the code, not the id. An admin still resolves every code.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASIS, fileSandbox, token } from "./helpers/sandbox.ts";

const P = "rcs-";
const ON = "2026-01-01";
const HEADER = "Mã định danh,Mã đơn vị,Tên đơn vị,Loại,Cấp,Mã cấp trên trực tiếp,Hiệu lực đến,Căn cứ";
const SECRET = "RCS-SECRET-9";
const NOPE = "RCS-NOPE-0";
const OUTSIDE = `${P}tinh-ngoai`;
const { server, admin } = await fileSandbox(P);
let editor = "";

interface Problem {
  line: number;
  column: string;
  rule: string;
  message: string;
}
interface Answer {
  status: number;
  body: {
    applied?: boolean;
    problems?: Problem[];
    diff?: { create: { id: string }[]; change: { id: string }[] };
    error?: { code: string; rule: string; message: string };
  };
}

const csv = (...lines: string[]) => [HEADER, ...lines].join("\r\n");

async function upload(file: string, bearer: string, dryRun = true, on = ON): Promise<Answer> {
  const form = new FormData();
  form.append("file", new Blob([`\uFEFF${file}`]), "units.csv");
  const res = await fetch(`${server.base}/registry/import?dryRun=${dryRun}&effectiveOn=${on}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** The problems of a dry run with `code` written in place of the code the file used. */
async function problemsWith(code: string, row: (code: string) => string): Promise<Problem[]> {
  const { body } = await upload(csv(row(code)), editor);
  return (body.problems ?? []).map((p) => ({ ...p, message: p.message.replaceAll(code, "<code>") }));
}

beforeAll(async () => {
  const setup = csv(
    `${OUTSIDE},${SECRET},Tỉnh ủy ngoài,PROVINCIAL_COMMITTEE,,bch-trung-uong,,${BASIS[0]}`,
    `${P}tinh,RCS-T01,Tỉnh ủy trong,PROVINCIAL_COMMITTEE,,bch-trung-uong,,${BASIS[0]}`,
    `${P}xa,RCS-X01,Đảng ủy xã,COMMUNE_COMMITTEE,,${P}tinh,,${BASIS[0]}`,
    `${P}thon,RCS-C01,Chi bộ Thôn,BASIC_PARTY_CELL,,${P}xa,,${BASIS[0]}`,
  );
  const res = await upload(setup, admin, false, "2025-08-01");
  expect(res.body).toMatchObject({ applied: true });
  editor = await token("editor", [`${P}xa`], "bien-tap-rcs");
});

describe("registry codes outside an editor's scope", () => {
  it("a row named by an outside code answers as an unknown code: no id, no existence", async () => {
    const row = (code: string) => `,${code},Tên X,PROVINCIAL_COMMITTEE,,,,${BASIS[0]}`;
    const held = await problemsWith(SECRET, row);
    expect(held).toEqual(await problemsWith(NOPE, row));
    expect(held.map((p) => p.rule)).toEqual(["MISSING_ID"]);
    expect(JSON.stringify(held)).not.toContain(OUTSIDE);
  });

  it("a superior named by an outside code answers as an unknown one, naming the code", async () => {
    const row = (code: string) => `${P}moi,RCS-FREE-1,Chi bộ Mới,BASIC_PARTY_CELL,,${code},,${BASIS[0]}`;
    const held = await problemsWith(SECRET, row);
    expect(held).toEqual(await problemsWith(NOPE, row));
    expect(held.map((p) => [p.column, p.rule])).toEqual([["Mã cấp trên trực tiếp", "EDITOR_SCOPE"]]);
    expect(held[0]?.message).toContain('"<code>"');
    expect(JSON.stringify(held)).not.toContain(OUTSIDE);
  });

  it("a code held outside is no DUPLICATE_CODE in a dry run; applying it is a conflict that names nothing", async () => {
    const row = (code: string) => `${P}moi-2,${code},Chi bộ Hai,BASIC_PARTY_CELL,,${P}xa,,${BASIS[0]}`;
    expect(await problemsWith(SECRET, row)).toEqual(await problemsWith(NOPE, row));
    expect(await problemsWith(SECRET, row)).toEqual([]);
    const applied = await upload(csv(row(SECRET)), editor, false);
    expect(applied.status).toBe(409);
    expect(applied.body.error?.rule).toBe("IMPORT_CONFLICT");
    expect(applied.body.error?.message).not.toContain(SECRET);
    expect(applied.body.error?.message).not.toContain(OUTSIDE);
    const rows = await server.db.read("MATCH (u:Unit {id: $id}) RETURN count(u) AS n", { id: `${P}moi-2` });
    expect(rows[0]?.n).toBe(0);
  });

  it("codes within the scope still resolve and clash; a refusal of a unit given by code names the code", async () => {
    const { body } = await upload(
      csv(
        `,RCS-C01,Chi bộ Thôn Một,BASIC_PARTY_CELL,,,,${BASIS[0]}`,
        `${P}moi-3,RCS-C01,Chi bộ Ba,BASIC_PARTY_CELL,,RCS-X01,,${BASIS[0]}`,
        `,RCS-X01,Đảng ủy xã,COMMUNE_COMMITTEE,,,2026-06-30,${BASIS[0]}`,
      ),
      editor,
    );
    expect(body.diff?.change.map((c) => c.id)).toEqual([`${P}thon`]);
    expect(body.problems?.map((p) => [p.line, p.rule])).toEqual([
      [3, "DUPLICATE_CODE"],
      [4, "SCOPE_ROOT"],
    ]);
    expect(body.problems?.[1]?.message).toContain('Mã định danh "RCS-X01" is the root of your scope');
  });

  it("an admin resolves every code", async () => {
    const { body } = await upload(
      csv(`,${SECRET},Tỉnh ủy ngoài mới,PROVINCIAL_COMMITTEE,,,,${BASIS[0]}`),
      admin,
    );
    expect(body.problems).toEqual([]);
    expect(body.diff?.change.map((c) => c.id)).toEqual([OUTSIDE]);
  });
});
