/**
 * mergeMany: many independent mergers in one change. It leaves the graph as the same mergers
 * sent one by one as mergeUnits (units, relations, as-of answers), with one event; every unit it
 * touches is scope-checked; its limits, bad items and any failure refuse the whole change and
 * leave the graph as it was.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeSandbox, create, gqlAs, openSandbox, refusedUnchanged, token } from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

// Each test builds its own provinces through the API first: on a loaded machine that alone may take a minute.
vi.setConfig({ testTimeout: 600_000 });

const P = "mm-";
const BASIS = ["dieu-le-dang-whole"];
// Before the reform: from 01/07/2025 no kind pairing puts a commune under a district.
const ON = "2025-01-01";
let server: TestServer;
let admin: string;

beforeAll(async () => {
  // A generous write budget: the first changes of a cold server on a loaded machine are slow.
  ({ server, admin } = await openSandbox({ WRITE_TIMEOUT_MS: "120000" }));
});
afterAll(() => closeSandbox(server, P));

const MERGE_MANY = `mutation ($input: MergeManyInput!) { mergeMany(input: $input) { id kind units { id } } }`;
const MERGE_UNITS = `mutation ($input: MergeUnitsInput!) { mergeUnits(input: $input) { id } }`;
const ADD_RELATION = `mutation ($a: ID!, $b: ID!) { addRelation(input: { type: COORDINATES_WITH, fromId: $a, toId: $b, validFrom: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;

let n = 0;

/**
 * A province `t` with a district `h` and four communes `x1`–`x4` (cells `c1` under x1, `c3` under
 * x3; x1 coordinates with x3), and another province `o` with a district `od` and its commune `ox`.
 */
async function fixture() {
  const t = `${P}${++n}`;
  const u = {
    t: `${t}-tinh`,
    h: `${t}-huyen`,
    x1: `${t}-xa1`,
    x2: `${t}-xa2`,
    x3: `${t}-xa3`,
    x4: `${t}-xa4`,
    c1: `${t}-cb1`,
    c3: `${t}-cb3`,
    o: `${t}-khac`,
    od: `${t}-khac-huyen`,
    ox: `${t}-khac-xa`,
    m1: `${t}-moi1`,
    m2: `${t}-moi2`,
  };
  const units: [string, string, string][] = [
    [u.t, "PROVINCIAL_COMMITTEE", "bch-trung-uong"],
    [u.h, "DISTRICT_COMMITTEE", u.t],
    [u.x1, "COMMUNE_COMMITTEE", u.h],
    [u.x2, "COMMUNE_COMMITTEE", u.h],
    [u.x3, "COMMUNE_COMMITTEE", u.h],
    [u.x4, "COMMUNE_COMMITTEE", u.h],
    [u.c1, "BASIC_PARTY_CELL", u.x1],
    [u.c3, "BASIC_PARTY_CELL", u.x3],
    [u.o, "PROVINCIAL_COMMITTEE", "bch-trung-uong"],
    [u.od, "DISTRICT_COMMITTEE", u.o],
    [u.ox, "COMMUNE_COMMITTEE", u.od],
  ];
  for (const [id, kind, superior] of units) await create(server, admin, { id, kind }, superior);
  const rel = await gqlAs(server, admin, ADD_RELATION, { a: u.x1, b: u.x3 });
  expect(rel.errors).toBeUndefined();
  return u;
}

type Ids = Awaited<ReturnType<typeof fixture>>;
interface Merger {
  sourceIds: string[];
  into: { id: string; name: string; kind: string };
  superiorId?: string;
}

/** The two mergers of a fixture: x1 + x2 under h, x3 + x4 under their first source's superior. */
const mergers = (u: Ids): [Merger, Merger] => [
  {
    sourceIds: [u.x1, u.x2],
    into: { id: u.m1, name: "Xã mới 1", kind: "COMMUNE_COMMITTEE" },
    superiorId: u.h,
  },
  { sourceIds: [u.x3, u.x4], into: { id: u.m2, name: "Xã mới 2", kind: "COMMUNE_COMMITTEE" } },
];

const input = (merges: unknown[]) => ({ input: { merges, effectiveOn: ON, basis: BASIS } });

/** The units and relations of a fixture, its prefix removed: what two ways of merging must leave alike. */
async function dump(prefix: string) {
  const strip = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(prefix, "#"));
  const units = await server.db.read(
    `MATCH (u:Unit) WHERE u.id STARTS WITH $p
     RETURN u.id AS id, u.kind AS kind, toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo, u.source AS source
     ORDER BY id`,
    { p: prefix },
  );
  const relations = await server.db.read(
    `MATCH (a:Unit)-[r]->(b:Unit) WHERE a.id STARTS WITH $p OR b.id STARTS WITH $p
     RETURN r.id AS id, type(r) AS type, a.id AS from, b.id AS to, toString(r.validFrom) AS validFrom,
            toString(r.validTo) AS validTo, r.basis AS basis
     ORDER BY id`,
    { p: prefix },
  );
  return strip({ units, relations });
}

/** Superior and reporting chain of the fixture's cells and communes, before and after the mergers. */
async function answers(u: Ids) {
  const prefix = u.t.replace(/-tinh$/, "");
  const out: Record<string, unknown> = {};
  for (const asOf of ["2024-12-31", ON])
    for (const id of [u.c1, u.c3, u.x1, u.x3]) {
      const res = await gqlAs(
        server,
        admin,
        `query ($id: ID!, $d: Date!) { unit(id: $id) { superior(asOf: $d) { id } } reportingChain(unitId: $id, asOf: $d) { to { id } } }`,
        { id, d: asOf },
      );
      expect(res.errors).toBeUndefined();
      out[`${id.replace(prefix, "#")}@${asOf}`] = JSON.parse(
        JSON.stringify(res.data).replaceAll(prefix, "#"),
      );
    }
  return out;
}

describe("mergeMany", () => {
  it("leaves what the same mergers sent one by one leave, in one event", async () => {
    const singles = await fixture();
    for (const m of mergers(singles)) {
      const res = await gqlAs(server, admin, MERGE_UNITS, {
        input: { ...m, effectiveOn: ON, basis: BASIS },
      });
      expect(res.errors).toBeUndefined();
    }
    const batch = await fixture();
    const res = await gqlAs<{ mergeMany: { kind: string; units: { id: string }[] } }>(
      server,
      admin,
      MERGE_MANY,
      input(mergers(batch)),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.mergeMany.kind).toBe("MERGE_MANY");
    expect(res.data?.mergeMany.units.map((x) => x.id).sort()).toEqual(
      expect.arrayContaining([
        batch.m1,
        batch.m2,
        batch.x1,
        batch.x2,
        batch.x3,
        batch.x4,
        batch.c1,
        batch.c3,
      ]),
    );
    const prefixOf = (u: Ids) => u.t.replace(/-tinh$/, "");
    const after = await dump(prefixOf(batch));
    expect(after).toEqual(await dump(prefixOf(singles)));
    // The relation between two mergers' sources joins their new units.
    expect(after.relations).toContainEqual(
      expect.objectContaining({ type: "COORDINATES_WITH", from: "#-moi1", to: "#-moi2" }),
    );
    expect(await answers(batch)).toEqual(await answers(singles));
  });

  it("refuses a viewer", async () => {
    const u = await fixture();
    expect(
      await refusedUnchanged(server, await token("viewer"), MERGE_MANY, input(mergers(u))),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("refuses an editor a merger outside their scope, naming it", async () => {
    const u = await fixture();
    const editor = await token("editor", [u.t]);
    const [first, second] = mergers(u);
    expect(
      await refusedUnchanged(
        server,
        editor,
        MERGE_MANY,
        input([first, { ...second, sourceIds: [u.x3, u.ox] }]),
      ),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.merges[1].sourceIds" });
    expect(
      await refusedUnchanged(server, editor, MERGE_MANY, input([first, { ...second, superiorId: u.o }])),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.merges[1].superiorId" });
    // Closing a merged unit deletes its link dated later to a superior outside: not the editor's to end.
    const moved = await gqlAs(
      server,
      admin,
      `mutation ($u: ID!, $s: ID!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: "2025-09-01", basis: ["dieu-le-dang-whole"]) { id } }`,
      { u: u.x2, s: u.o },
    );
    expect(moved.errors).toBeUndefined();
    expect(await refusedUnchanged(server, editor, MERGE_MANY, input([second, first]))).toMatchObject({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "input.merges[1].sourceIds",
    });
  });

  it("refuses more mergers, or more units merged, than one change may carry", async () => {
    const u = await fixture();
    const many = Array.from({ length: 501 }, (_, i) => ({
      sourceIds: [`${u.x1}-${i}a`, `${u.x1}-${i}b`],
      into: { id: `${u.m1}-${i}`, name: "Xã", kind: "COMMUNE_COMMITTEE" },
    }));
    expect(await refusedUnchanged(server, admin, MERGE_MANY, input(many))).toMatchObject({
      code: "BAD_USER_INPUT",
      rule: "BATCH_LIMIT",
      argument: "input.merges",
    });
    const wide = Array.from({ length: 100 }, (_, i) => ({
      sourceIds: Array.from({ length: 21 }, (__, j) => `${u.x1}-${i}-${j}`),
      into: { id: `${u.m1}-${i}`, name: "Xã", kind: "COMMUNE_COMMITTEE" },
    }));
    expect(await refusedUnchanged(server, admin, MERGE_MANY, input(wide))).toMatchObject({
      code: "BAD_USER_INPUT",
      rule: "BATCH_LIMIT",
      argument: "input.merges",
    });
  });

  it("refuses a bad merger, naming it", async () => {
    const u = await fixture();
    const [first, second] = mergers(u);
    const refused = (merges: unknown[]) => refusedUnchanged(server, admin, MERGE_MANY, input(merges));
    expect(await refused([first, { ...second, sourceIds: [u.x3] }])).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.merges[1].sourceIds",
    });
    expect(await refused([first, { ...second, sourceIds: [u.x3, u.x2] }])).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.merges[1].sourceIds",
    });
    expect(await refused([first, { ...second, into: { ...second.into, id: u.m1 } }])).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.merges[1].into.id",
    });
    expect(await refused([first, { ...second, superiorId: u.x1 }])).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.merges[1].superiorId",
    });
    expect(await refused([first, { ...second, sourceIds: [u.x3, `${u.t}-khong-co`] }])).toMatchObject({
      code: "NOT_FOUND",
      argument: "input.merges[1].sourceIds",
    });
    expect(await refused([first, { ...second, basis: ["khong-co-van-ban"] }])).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.merges[1].basis",
    });
  });

  it("is all or none: a merger that breaks a rule undoes the others", async () => {
    const u = await fixture();
    const [first, second] = mergers(u);
    // The second new unit takes the id of a unit that exists: the first merger must not stay.
    expect(
      await refusedUnchanged(
        server,
        admin,
        MERGE_MANY,
        input([first, { ...second, into: { ...second.into, id: u.ox } }]),
      ),
    ).toMatchObject({ code: "CONFLICT", rule: "UNIQUE_ID" });
  });
});
