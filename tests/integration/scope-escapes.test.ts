/**
 * Scopes that hold: every unit a change names or moves must lie in the editor's
 * subtrees; a scope root stays where it is; an outside id answers as a missing one; and with
 * READ_ACCESS=scoped, history, the change feed and stats show only what lies inside. Each refused
 * change is checked against a snapshot of the whole graph.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";
import {
  fileSandbox,
  type GqlResult,
  gqlAs,
  provinceFixture,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "sx-";
const { server, admin } = await fileSandbox(P);

let n = 0;
/** A fresh province and another with its district `otherHuyen` (helpers/sandbox.ts). */
const fixture = () => provinceFixture(server, admin, `${P}${++n}`, { otherDistrict: true });

const CREATE = `mutation ($id: ID!, $s: ID, $host: ID) { createUnit(input: { unit: { id: $id, name: "Xã mới", kind: COMMUNE_COMMITTEE, host: $host }, superiorId: $s, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
const UPDATE = `mutation ($id: ID!, $host: ID) { updateUnit(input: { id: $id, host: $host, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
const CLOSE = `mutation ($id: ID!) { closeUnit(id: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { id } }`;
const MOVE = `mutation ($u: ID!, $s: ID!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"]) { id } }`;
const ADD = `mutation ($type: RelationType!, $a: ID!, $b: ID!, $via: [ID!]) { addRelation(input: { type: $type, fromId: $a, toId: $b, via: $via, validFrom: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id changes { entity entityId } } }`;
const END = `mutation ($id: ID!) { endRelation(relationId: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { id } }`;
const MERGE = `mutation ($sources: [ID!]!, $into: ID!, $s: ID) { mergeUnits(input: { sourceIds: $sources, into: { id: $into, name: "Hợp nhất", kind: COMMUNE_COMMITTEE }, superiorId: $s, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
const SPLIT = `mutation ($s: ID!, $p1: ID!, $p2: ID!) { splitUnit(input: { sourceId: $s, parts: [{ id: $p1, name: "Bắc", kind: COMMUNE_COMMITTEE }, { id: $p2, name: "Nam", kind: COMMUNE_COMMITTEE }], effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
const ABOLISH = `mutation ($u: ID!) { abolishLevel(input: { underId: $u, kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { id } }`;

/** Runs a change that must be refused: FORBIDDEN, the message naming `names`, the graph unchanged. */
async function refused(
  bearer: string,
  query: string,
  variables: Record<string, unknown>,
  expected: { rule: "EDITOR_SCOPE" | "SCOPE_ROOT"; names: string[] },
): Promise<GqlResult> {
  const before = await graphSnapshot(server.db);
  const res = await gqlAs(server, bearer, query, variables);
  expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  expect(res.errors?.[0]?.extensions?.rule).toBe(expected.rule);
  for (const name of expected.names) expect(res.errors?.[0]?.message).toContain(name);
  expect(await graphSnapshot(server.db)).toEqual(before);
  return res;
}

const editor = (scopes: string[]) => token("editor", scopes, "editor-tester");

describe("an editor cannot reach outside their subtrees", () => {
  it("endRelation: not Tỉnh ủy Lâm Đồng's link to the Ban Chấp hành Trung ương, as an editor of Lâm Đồng", async () => {
    const [rel] = await server.db.read(
      `MATCH (:Unit {id: 'tinh-uy-lam-dong'})-[r:SUBORDINATE_TO]->(:Unit {id: 'bch-trung-uong'}) RETURN r.id AS id`,
    );
    expect(rel?.id).toBeTruthy();
    await refused(
      await editor(["tinh-uy-lam-dong"]),
      END,
      { id: rel?.id },
      {
        rule: "EDITOR_SCOPE",
        names: [`relationId "${rel?.id}"`, "outside your scope"],
      },
    );
  });

  it("endRelation: not a relation from inside to outside, nor one whose upper end lies outside", async () => {
    const u = await fixture();
    const added = await gqlAs<{ addRelation: { changes: { entity: string; entityId: string }[] } }>(
      server,
      admin,
      ADD,
      { type: "COORDINATES_WITH", a: u.huyen, b: u.otherHuyen },
    );
    const relationId = added.data?.addRelation.changes.find((c) => c.entity === "RELATION")?.entityId;
    expect(relationId).toBeTruthy();
    await refused(
      await editor([u.tinh]),
      END,
      { id: relationId },
      {
        rule: "EDITOR_SCOPE",
        names: [`relationId "${relationId}"`],
      },
    );
    const link = `subordinate_to.${u.xa}.${u.huyen}.2020-01-01`;
    await refused(
      await editor([u.xa]),
      END,
      { id: link },
      { rule: "EDITOR_SCOPE", names: [`relationId "${link}"`] },
    );
  });

  it("mergeUnits: not under a superior outside, nor with a source outside", async () => {
    const u = await fixture();
    const bearer = await editor([u.tinh]);
    await refused(
      bearer,
      MERGE,
      { sources: [u.xa, u.xa2], into: `${u.tinh}-moi`, s: u.otherHuyen },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.superiorId "${u.otherHuyen}"`],
      },
    );
    await refused(
      bearer,
      MERGE,
      { sources: [u.xa, u.otherHuyen], into: `${u.tinh}-moi` },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.sourceIds "${u.otherHuyen}"`],
      },
    );
  });

  it("addRelation: not LEADS to another province, nor REPORTS_TO via an outside unit", async () => {
    const u = await fixture();
    const bearer = await editor([u.tinh]);
    await refused(
      bearer,
      ADD,
      { type: "LEADS", a: u.tinh, b: u.other },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.toId "${u.other}"`],
      },
    );
    await refused(
      bearer,
      ADD,
      { type: "REPORTS_TO", a: u.xa, b: u.tinh, via: [u.huyen, u.otherHuyen] },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.via "${u.otherHuyen}"`],
      },
    );
    await refused(
      bearer,
      ADD,
      { type: "COORDINATES_WITH", a: u.other, b: u.huyen },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.fromId "${u.other}"`],
      },
    );
  });

  it("createUnit and updateUnit: not with a host outside", async () => {
    const u = await fixture();
    const bearer = await editor([u.tinh]);
    await refused(
      bearer,
      CREATE,
      { id: `${u.huyen}-xa-moi`, s: u.huyen, host: u.other },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.unit.host "${u.other}"`],
      },
    );
    await refused(
      bearer,
      UPDATE,
      { id: u.xa, host: u.otherHuyen },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.host "${u.otherHuyen}"`],
      },
    );
  });

  it("setSuperior and abolishLevel: not under or over a unit outside", async () => {
    const u = await fixture();
    await refused(
      await editor([u.tinh]),
      MOVE,
      { u: u.xa, s: u.otherHuyen },
      {
        rule: "EDITOR_SCOPE",
        names: [`superiorId "${u.otherHuyen}"`],
      },
    );
    await refused(
      await editor([u.huyen]),
      ABOLISH,
      { u: u.tinh },
      {
        rule: "EDITOR_SCOPE",
        names: [`input.underId "${u.tinh}"`],
      },
    );
  });

  it("answers an outside id and a missing one alike (no existence leak)", async () => {
    const u = await fixture();
    const bearer = await editor([u.tinh]);
    const same = async (
      query: string,
      vars: (id: string) => Record<string, unknown>,
      outside: string,
      missing: string,
    ) => {
      const a = await gqlAs(server, bearer, query, vars(outside));
      const b = await gqlAs(server, bearer, query, vars(missing));
      expect(a.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(a.status).toBe(b.status);
      expect(JSON.stringify(b.errors).replaceAll(missing, "ID")).toBe(
        JSON.stringify(a.errors).replaceAll(outside, "ID"),
      );
    };
    await same(CREATE, (id) => ({ id: `${u.huyen}-xa-moi`, s: id }), u.otherHuyen, u.missing);
    await same(MOVE, (id) => ({ u: u.xa, s: id }), u.otherHuyen, u.missing);
    await same(ADD, (id) => ({ type: "LEADS", a: u.tinh, b: id }), u.other, u.missing);
    await same(CLOSE, (id) => ({ id }), u.otherHuyen, u.missing);
    const outsideLink = `subordinate_to.${u.otherHuyen}.${u.other}.2020-01-01`;
    await same(END, (id) => ({ id }), outsideLink, `subordinate_to.${u.missing}.${u.other}.2020-01-01`);
    // An admin still learns that an id names nothing.
    const forAdmin = await gqlAs(server, admin, MOVE, { u: u.xa, s: u.missing });
    expect(forAdmin.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("a unit that left the scope on a day is not the editor's from that day", () => {
  const ON = "2024-06-01";
  /** A fresh province whose commune `xa` moved to the other province's district on ON. */
  async function movedOut() {
    const ids = await fixture();
    const moved = await gqlAs(server, admin, MOVE.replace('"2024-01-01"', `"${ON}"`), {
      u: ids.xa,
      s: ids.otherHuyen,
    });
    expect(moved.errors).toBeUndefined();
    return ids;
  }

  it("updateUnit and addRelation dated the day it left are refused, as after it", async () => {
    const ids = await movedOut();
    const mine = await editor([ids.tinh]);
    const rename = (on: string) =>
      `mutation { updateUnit(input: { id: "${ids.xa}", name: "Đổi tên", effectiveOn: "${on}", basis: ["dieu-le-dang-whole"] }) { id } }`;
    await refused(mine, rename("2024-06-02"), {}, { rule: "EDITOR_SCOPE", names: [ids.xa] });
    await refused(mine, rename(ON), {}, { rule: "EDITOR_SCOPE", names: [ids.xa] });
    await refused(
      mine,
      ADD.replace('"2024-01-01"', `"${ON}"`),
      { type: "REPORTS_TO", a: ids.xa, b: ids.tinh },
      { rule: "EDITOR_SCOPE", names: [ids.xa] },
    );
    // It is the other province's editor's from that day.
    const theirs = await gqlAs(server, await editor([ids.other]), rename(ON));
    expect(theirs.errors).toBeUndefined();
  });

  it("a structural link FROM it dated the day it left is refused: it gains a link, it leaves nothing (review s12)", async () => {
    const ids = await movedOut();
    const mine = await editor([ids.tinh]);
    // PART_OF from the commune that left to a district still inside would hang it (and its subtree)
    // back below the editor's root for good: ONE_WHOLE and ONE_DIRECT_SUPERIOR are per type.
    await refused(
      mine,
      ADD.replace('"2024-01-01"', `"${ON}"`),
      { type: "PART_OF", a: ids.xa, b: ids.huyen2 },
      { rule: "EDITOR_SCOPE", names: [ids.xa] },
    );
    await refused(
      mine,
      `mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id } }`,
      {
        input: {
          relations: [
            {
              type: "PART_OF",
              fromId: ids.xa,
              toId: ids.huyen2,
              validFrom: ON,
              basis: ["dieu-le-dang-whole"],
            },
          ],
          basis: ["dieu-le-dang-whole"],
        },
      },
      { rule: "EDITOR_SCOPE", names: [ids.xa] },
    );
  });

  it("closing it on the day it left is refused for scope before any rule can name what hangs below it now (review s12)", async () => {
    const ids = await movedOut();
    const cell = `${ids.xa}-chi-bo-moi`;
    const created = await gqlAs(
      server,
      admin,
      `mutation { createUnit(input: { unit: { id: "${cell}", name: "Chi bộ mới", kind: BASIC_PARTY_CELL }, superiorId: "${ids.xa}", effectiveOn: "2024-07-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(created.errors).toBeUndefined();
    const mine = await editor([ids.tinh]);
    for (const query of [
      `mutation { closeUnit(id: "${ids.xa}", lastDay: "${ON}", basis: ["dieu-le-dang-whole"]) { id } }`,
      `mutation { closeUnits(input: { ids: ["${ids.xa}"], lastDay: "${ON}", basis: ["dieu-le-dang-whole"] }) { id } }`,
    ]) {
      const res = await refused(mine, query, {}, { rule: "EDITOR_SCOPE", names: [] });
      expect(JSON.stringify(res.errors)).not.toContain(cell);
    }
  });

  it("a registry import dated the day it left finds it outside (dry run)", async () => {
    const ids = await movedOut();
    const form = new FormData();
    form.append(
      "file",
      new Blob([`id,name,kind,basis\n${ids.xa},Đổi tên,COMMUNE_COMMITTEE,dieu-le-dang-whole\n`]),
      "u.csv",
    );
    const res = await fetch(`${server.base}/registry/import?dryRun=true&effectiveOn=${ON}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await editor([ids.tinh])}` },
      body: form,
    });
    const body = (await res.json()) as { applied: boolean; problems: { rule: string }[] };
    expect(body.applied).toBe(false);
    expect(body.problems.map((p) => p.rule)).toEqual(["EDITOR_SCOPE"]);
  });
});

describe("a scope root stays where it is", () => {
  it("cannot be split, closed, moved or merged away by an editor of that scope", async () => {
    const u = await fixture();
    await refused(
      await editor([u.xa]),
      SPLIT,
      { s: u.xa, p1: `${u.xa}-bac`, p2: `${u.xa}-nam` },
      {
        rule: "SCOPE_ROOT",
        names: [`input.sourceId "${u.xa}"`],
      },
    );
    await refused(await editor([u.xa]), CLOSE, { id: u.xa }, { rule: "SCOPE_ROOT", names: [`id "${u.xa}"`] });
    await refused(
      await editor([u.xa, u.huyen2]),
      MOVE,
      { u: u.xa, s: u.huyen2 },
      {
        rule: "SCOPE_ROOT",
        names: [`unitId "${u.xa}"`],
      },
    );
    // Nor hung under another of the editor's units by a new structural link (that would make it movable).
    await refused(
      await editor([u.xa, u.huyen2]),
      ADD,
      { type: "PART_OF", a: u.xa, b: u.huyen2 },
      { rule: "SCOPE_ROOT", names: [`input.fromId "${u.xa}"`] },
    );
    await refused(
      await editor([u.xa, u.xa2]),
      MERGE,
      { sources: [u.xa, u.xa2], into: `${u.xa}-moi` },
      {
        rule: "SCOPE_ROOT",
        names: [`input.sourceIds "${u.xa}", "${u.xa2}"`],
      },
    );
    await refused(
      await editor([u.tinh]),
      SPLIT,
      { s: u.tinh, p1: `${u.tinh}-bac`, p2: `${u.tinh}-nam` },
      {
        rule: "SCOPE_ROOT",
        names: [`input.sourceId "${u.tinh}"`],
      },
    );
  });

  it("can be changed inside, by an editor of the level above, and by an admin", async () => {
    const u = await fixture();
    // Renaming a root is not a structural change.
    const rename = await gqlAs(
      server,
      await editor([u.xa]),
      `mutation ($id: ID!) { updateUnit(input: { id: $id, name: "Tên mới", effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
      { id: u.xa },
    );
    expect(rename.errors).toBeUndefined();
    const above = await gqlAs(server, await editor([u.huyen]), CLOSE, { id: u.xa });
    expect(above.errors).toBeUndefined();
    const byAdmin = await gqlAs(server, admin, SPLIT, {
      s: u.xa2,
      p1: `${u.xa2}-bac`,
      p2: `${u.xa2}-nam`,
    });
    expect(byAdmin.errors).toBeUndefined();
  });
});

describe("scoped reading of history and stats (READ_ACCESS=scoped)", () => {
  let scoped: TestServer;
  let u: Awaited<ReturnType<typeof fixture>>;
  let reader: string;
  let since: string;
  beforeAll(async () => {
    since = new Date(Date.now() - 1000).toISOString();
    scoped = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
    u = await fixture();
    // Two changes that name a unit outside `tinh`: a relation to it, and a relation through it.
    for (const vars of [
      { type: "COORDINATES_WITH", a: u.huyen, b: u.otherHuyen },
      { type: "REPORTS_TO", a: u.huyen, b: u.tinh, via: [u.otherHuyen] },
    ]) {
      const res = await gqlAs(server, admin, ADD, vars);
      expect(res.errors).toBeUndefined();
    }
    reader = await token("viewer", [u.tinh], "viewer-tinh");
  });
  afterAll(async () => {
    await scoped.close();
  });

  const HISTORY = `query ($id: ID!) { history(unitId: $id) { entityId before after event { units { id } changes { entityId after } } } }`;

  it("history leaves out the change records that name a unit outside", async () => {
    const all = await gqlAs<{ history: unknown[] }>(scoped, admin, HISTORY, { id: u.huyen });
    expect(JSON.stringify(all.data)).toContain(u.otherHuyen);
    const mine = await gqlAs<{ history: { entityId: string }[] }>(scoped, reader, HISTORY, { id: u.huyen });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.history.map((c) => c.entityId)).toContain(u.huyen);
    expect(mine.data?.history.length).toBeLessThan(all.data?.history.length ?? 0);
    expect(JSON.stringify(mine.data)).not.toContain(u.other);
  });

  it("the change feed and events leave them out too", async () => {
    const feed = await gqlAs<{ changes: { nodes: { entityId: string }[] } }>(
      scoped,
      reader,
      `query ($since: String) { changes(since: $since, first: 500) { nodes { entityId before after event { changes { after } } } } }`,
      { since },
    );
    expect(feed.errors).toBeUndefined();
    expect(feed.data?.changes.nodes.map((c) => c.entityId)).toContain(u.huyen);
    expect(JSON.stringify(feed.data)).not.toContain(u.other);
  });

  it("stats counts only the reader's subtrees", async () => {
    const STATS = "{ stats { units relations documents } }";
    const mine = await gqlAs<{ stats: { units: number; relations: number; documents: number } }>(
      scoped,
      reader,
      STATS,
    );
    const all = await gqlAs<{ stats: { units: number; relations: number; documents: number } }>(
      scoped,
      admin,
      STATS,
    );
    // tinh, huyen, huyen2, xa, xa2; their four structural links and the REPORTS_TO inside (the
    // link of tinh to the Central Committee and the relation to khac-huyen cross the edge).
    expect(mine.data?.stats.units).toBe(5);
    expect(mine.data?.stats.relations).toBe(5);
    expect(mine.data?.stats.documents).toBe(all.data?.stats.documents);
    expect(all.data?.stats.units).toBeGreaterThan(5);
  });
});
