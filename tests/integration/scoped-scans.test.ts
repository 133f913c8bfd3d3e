/**
 * What a scoped reader's walks and scans may not reveal or multiply (READ_ACCESS=scoped):
 * - `neighbourhood` goes out only through units the reader may see, hop by hop: two visible units
 *   linked only through a hidden one are not neighbours;
 * - a `changes` page cut by CHANGES_SCAN_MAX resumes from a sealed cursor that shows nothing of
 *   the (perhaps hidden) record it stopped at, and paging on with it loses nothing;
 * - no cursor of the feed passes the commit horizon, so a reader resuming from any of it later
 *   still gets a change committed late;
 * - its `changes` is priced by the scan bound, so 30 aliases are refused before they run.
 * A fresh province `ss-tinh` (districts ss-huyen, ss-huyen2, communes ss-xa, ss-xa2) and another,
 * `ss-khac`, linked to ss-xa and to ss-huyen2 by COORDINATES_WITH.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealCursor } from "../../src/graphql/sealed-cursor.ts";
import {
  BASIS,
  fileSandbox,
  type GqlResult,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

/** CHANGES_SCAN_MAX on the server whose pages are cut: a few records, so a short feed is cut several times. */
const SCAN = 3;
const { server, admin } = await fileSandbox("ss-", { READ_ACCESS: "scoped", CHANGES_SCAN_MAX: String(SCAN) });
/**
 * The readers' servers have a write budget of 100 ms: their commit lag (src/domain/change-feed.ts)
 * is 10.1 s, short enough to wait out, so that the feed's pages follow on exactly through the
 * fixture's records (no cursor passes the horizon, and younger records come on the last page only).
 * They only read; the sandbox's server writes.
 */
const WRITE_TIMEOUT_MS = 100;
const LAG_MS = WRITE_TIMEOUT_MS + 10_000;
/** As the sandbox's server: pages cut by CHANGES_SCAN_MAX. */
let cut: TestServer;
/** Scoped too, with the default CHANGES_SCAN_MAX: pages are never cut by this feed, and costs are priced at 5,000 a scan. */
let whole: TestServer;
let ids: ProvinceIds;

const ADD = `mutation ($a: ID!, $b: ID!) { addRelation(input: { type: COORDINATES_WITH, fromId: $a, toId: $b, validFrom: "2024-01-01", basis: ${JSON.stringify(BASIS)} }) { id } }`;

beforeAll(async () => {
  const readers = {
    JWT_SECRET: TEST_SECRET,
    READ_ACCESS: "scoped",
    WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
  };
  cut = await startTestServer({ ...readers, CHANGES_SCAN_MAX: String(SCAN) });
  whole = await startTestServer(readers);
  ids = await provinceFixture(server, admin, "ss");
  for (const [a, b] of [
    [ids.xa, ids.other],
    [ids.other, ids.huyen2],
  ]) {
    const res = await gqlAs(server, admin, ADD, { a, b });
    expect(res.errors).toBeUndefined();
  }
  // Every record of the fixture older than the readers' horizon.
  await new Promise((r) => setTimeout(r, LAG_MS));
}, 180_000);
afterAll(async () => {
  await cut?.close();
  await whole?.close();
});

const NEIGHBOURS = `query ($id: ID!, $depth: Int) { neighbourhood(unitId: $id, depth: $depth, asOf: "2025-01-01") { nodes { id } edges { from { id } to { id } } } }`;

async function neighbourhood(bearer: string, depth: number) {
  const res = await gqlAs<{
    neighbourhood: { nodes: { id: string }[]; edges: { from: { id: string }; to: { id: string } }[] };
  }>(server, bearer, NEIGHBOURS, { id: ids.xa, depth });
  expect(res.errors).toBeUndefined();
  const n = res.data?.neighbourhood;
  return {
    nodes: (n?.nodes ?? []).map((u) => u.id),
    ends: (n?.edges ?? []).flatMap((e) => [e.from.id, e.to.id]),
  };
}

describe("neighbourhood of a scoped reader", () => {
  it("does not go through a hidden unit: two visible units linked only through it are not neighbours", async () => {
    // An admin sees the path ss-xa — ss-khac — ss-huyen2 (two hops).
    const all = await neighbourhood(admin, 2);
    expect(all.nodes).toEqual(expect.arrayContaining([ids.xa, ids.other, ids.huyen2]));
    const viewer = await token("viewer", [ids.tinh]);
    const seen = await neighbourhood(viewer, 2);
    expect(seen.nodes).toEqual(expect.arrayContaining([ids.xa, ids.huyen]));
    expect(seen.nodes).not.toContain(ids.other);
    expect(seen.nodes).not.toContain(ids.huyen2);
    expect(seen.ends).not.toContain(ids.other);
    expect(seen.ends).not.toContain(ids.huyen2);
  });

  it("still reaches a visible unit by a path of visible units", async () => {
    // ss-xa — ss-huyen — ss-tinh — ss-huyen2: three hops, all inside the reader's subtree.
    const seen = await neighbourhood(await token("viewer", [ids.tinh]), 3);
    expect(seen.nodes).toEqual(expect.arrayContaining([ids.xa, ids.huyen, ids.tinh, ids.huyen2]));
    expect(seen.nodes).not.toContain(ids.other);
  });
});

const CHANGES = `query ($first: Int, $after: String) { changes(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
type ChangesPage = {
  changes: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

/** Every page of the feed as `bearer` sees it on `on`, `first` at a time, following endCursor. */
async function walk(on: TestServer, bearer: string, first: number) {
  const pages: ChangesPage["changes"][] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await gqlAs<ChangesPage>(on, bearer, CHANGES, { first, after });
    expect(res.errors).toBeUndefined();
    const page = res.data?.changes as ChangesPage["changes"];
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return pages;
}

describe("a scoped changes page cut by CHANGES_SCAN_MAX", () => {
  it("hands out a sealed cursor naming no change, which pages on to the end", async () => {
    const feed = (await walk(cut, admin, 500)).flatMap((p) => p.nodes.map((n) => n.id));
    expect(feed.length).toBeGreaterThan(SCAN);
    // Lạng Sơn's reader sees none of the sandbox's changes: every page is cut after SCAN records.
    const outsider = await token("viewer", ["tinh-uy-lang-son"]);
    const pages = await walk(cut, outsider, 1);
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.nodes).toEqual([]);
    const cursors = pages.flatMap((p) => (p.pageInfo.hasNextPage ? [p.pageInfo.endCursor as string] : []));
    expect(cursors.length).toBeGreaterThan(0);
    for (const cursor of cursors) {
      const decoded = Buffer.from(cursor.replace(/^s\./, ""), "base64url").toString("latin1");
      for (const id of feed) {
        expect(cursor).not.toContain(id);
        expect(decoded).not.toContain(id);
      }
      expect(decoded).not.toMatch(/chg-|"at"|\d{4}-\d\d-\d\dT/);
    }
  });

  it("loses and repeats nothing: cut pages followed to the end give the reader's whole feed", async () => {
    const viewer = await token("viewer", [ids.tinh]);
    const paged = (await walk(cut, viewer, 1)).flatMap((p) => p.nodes.map((n) => n.id));
    const uncut = (await walk(whole, viewer, 500)).flatMap((p) => p.nodes.map((n) => n.id));
    expect(uncut.length).toBeGreaterThan(0);
    expect(paged).toEqual(uncut);
  });

  it("refuses a tampered or foreign sealed cursor as BAD_USER_INPUT naming after; plain cursors still work", async () => {
    const outsider = await token("viewer", ["tinh-uy-lang-son"]);
    const first = await gqlAs<ChangesPage>(cut, outsider, CHANGES, { first: 1 });
    const sealed = first.data?.changes.pageInfo.endCursor as string;
    expect(sealed.startsWith("s.")).toBe(true);
    const tampered = `${sealed.slice(0, 10)}${sealed[10] === "A" ? "B" : "A"}${sealed.slice(11)}`;
    const foreign = sealCursor(
      { at: new Date().toISOString(), id: "chg-00000000-0000-4000-8000-000000000000" },
      { JWT_SECRET: randomBytes(32).toString("base64url"), FEED_TOKEN_SECRET: undefined },
    );
    for (const after of [tampered, foreign]) {
      const res = await gqlAs(cut, outsider, CHANGES, { first: 1, after });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
    }
    // A page that is not cut ends at its last visible change, a plain cursor, and pages on from it.
    const viewer = await token("viewer", [ids.tinh]);
    const page = await gqlAs<ChangesPage>(whole, viewer, CHANGES, { first: 1 });
    const plain = page.data?.changes.pageInfo.endCursor as string;
    expect(JSON.parse(Buffer.from(plain, "base64url").toString("utf8"))).toMatchObject({
      id: page.data?.changes.nodes[0]?.id,
    });
    const next = await gqlAs<ChangesPage>(whole, viewer, CHANGES, { first: 1, after: plain });
    expect(next.errors).toBeUndefined();
    expect(next.data?.changes.nodes[0]?.id).not.toBe(page.data?.changes.nodes[0]?.id);
  });
});

describe("the price of a scoped reader's scans", () => {
  const aliased = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `c${i}: changes(first: 1) { nodes { id } }`).join(" ")} }`;

  it("refuses 30 aliases of changes(first: 1) before they run, and runs one", async () => {
    const viewer = await token("viewer", [ids.tinh]);
    const refused = await gqlAs(whole, viewer, aliased(30));
    expect(refused.status).toBe(400);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "MAX_QUERY_COST",
    });
    expect(refused.errors?.[0]?.message).toMatch(/^query cost [\d,]+ exceeds MAX_QUERY_COST 100,000$/);
    const one = await gqlAs<Record<string, unknown>>(whole, viewer, aliased(1));
    expect(one.status).toBe(200);
    expect(one.errors).toBeUndefined();
    expect(one.data).toHaveProperty("c0");
  });

  it("prices the same 30 aliases as pages for an admin, whose pages read what they return", async () => {
    const res = await gqlAs<Record<string, unknown>>(whole, admin, aliased(30));
    expect(res.errors).toBeUndefined();
    expect(Object.keys(res.data ?? {})).toHaveLength(30);
  });
});

describe("the change feed's order", () => {
  // Two records a few milliseconds apart whose times print with fractions of different lengths:
  // Neo4j's toString drops trailing zeros, so ".12Z" (earlier) sorts after ".123Z" as text.
  const early = { id: "chg-00000000-0000-4000-8000-0000000e0001", at: "1907-01-01T00:00:00.120Z" };
  const late = { id: "chg-00000000-0000-4000-8000-0000000e0002", at: "1907-01-01T00:00:00.123Z" };
  /** A record stamped before the newest change but visible only after a reader reached the end (a later commit). */
  const LATE_COMMIT = "chg-00000000-0000-4000-8000-0000000e0003";

  beforeAll(async () => {
    await server.db.write(
      `UNWIND $records AS r
       CREATE (:Change {id: r.id, eventId: 'evt-ss-order', at: datetime(r.at), actor: 'test', entity: 'Unit',
                        entityId: 'ss-order', operation: 'UPDATE', before: null, after: null, unitIds: []})`,
      { records: [late, early] },
    );
  });
  afterAll(async () => {
    await server.db.write("MATCH (c:Change) WHERE c.id IN $ids DETACH DELETE c", {
      ids: [early.id, late.id, LATE_COMMIT],
    });
  });

  it("pages by time, not by printed time: one at a time, the earlier record comes first and neither is skipped", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 2; i++) {
      const res: GqlResult<ChangesPage> = await gqlAs<ChangesPage>(
        server,
        admin,
        `query ($after: String) {
        changes(since: "1907-01-01", first: 1, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        {
          after,
        },
      );
      expect(res.errors).toBeUndefined();
      ids.push(...(res.data?.changes.nodes.map((n) => n.id) ?? []));
      after = res.data?.changes.pageInfo.endCursor ?? null;
    }
    expect(ids).toEqual([early.id, late.id]);
  });
  it("a reader at the end of the feed still gets a change stamped before the last one it read that commits later", async () => {
    const res = await gqlAs(server, admin, ADD, { a: ids.xa2, b: ids.other });
    expect(res.errors).toBeUndefined();
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const feed = `query ($after: String) { changes(since: "${today}", first: 500, after: $after) {
      nodes { id at } pageInfo { hasNextPage endCursor } } }`;
    type Feed = {
      changes: { nodes: { id: string; at: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };
    const first = await gqlAs<Feed>(server, admin, feed, {});
    expect(first.errors).toBeUndefined();
    const newest = first.data?.changes.nodes.at(-1) as { id: string; at: string };
    expect(first.data?.changes.pageInfo.hasNextPage).toBe(false);
    // Stamped a second before the newest record, committed only now.
    await server.db.write(
      `CREATE (:Change {id: $id, eventId: 'evt-ss-late', at: datetime($at) - duration({seconds: 1}), actor: 'test',
                        entity: 'Unit', entityId: 'ss-late', operation: 'UPDATE', before: null, after: null, unitIds: []})`,
      { id: LATE_COMMIT, at: newest.at },
    );
    const next = await gqlAs<Feed>(server, admin, feed, { after: first.data?.changes.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    const got = next.data?.changes.nodes.map((n) => n.id) ?? [];
    expect(got).toContain(LATE_COMMIT);
    // At least once: the young records come again; the reader skips the ids it has.
    expect(got).toContain(newest.id);
  });
});

describe("the change feed's horizon holds for every cursor, not only the last page's", () => {
  const first = "chg-00000000-0000-4000-8000-0000000f0001";
  const second = "chg-00000000-0000-4000-8000-0000000f0002";
  /** Stamped a second before `first`, committed after a reader has read `first`: a legal late commit. */
  const late = "chg-00000000-0000-4000-8000-0000000f0003";
  const FEED = `query ($since: String, $after: String) { changes(since: $since, first: 1, after: $after) {
    nodes { id cursor } pageInfo { hasNextPage endCursor } } }`;
  type Feed = {
    changes: {
      nodes: { id: string; cursor: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };

  afterAll(async () => {
    await server.db.write("MATCH (c:Change) WHERE c.id IN $ids DETACH DELETE c", {
      ids: [first, second, late],
    });
  });

  const write = (records: { id: string; at: string }[]) =>
    server.db.write(
      `UNWIND $records AS r
       CREATE (:Change {id: r.id, eventId: 'evt-ss-horizon', at: datetime(r.at), actor: 'test', entity: 'Unit',
                        entityId: 'ss-horizon', operation: 'UPDATE', before: null, after: null, unitIds: []})`,
      { records },
    );

  /** Every id a reader resuming from `after` gets: pages followed to the end, then one more poll. */
  async function readOn(since: string, after: string | null) {
    const got: string[] = [];
    let cursor = after;
    for (let polls = 0, more = true; polls < 50; polls++) {
      const res: GqlResult<Feed> = await gqlAs<Feed>(whole, admin, FEED, { since, after: cursor });
      expect(res.errors).toBeUndefined();
      const page = res.data?.changes as Feed["changes"];
      got.push(...page.nodes.map((n) => n.id));
      cursor = page.pageInfo.endCursor ?? cursor;
      if (!more) break;
      more = page.pageInfo.hasNextPage;
    }
    return got;
  }

  it("a reader resuming from a stored endCursor or node cursor after the lag still gets a change committed late", async () => {
    // No other record of this file lies in the window read.
    await new Promise((r) => setTimeout(r, 1_100));
    const t0 = Date.now();
    const since = new Date(t0 - 1_000).toISOString();
    await write([
      { id: first, at: new Date(t0).toISOString() },
      { id: second, at: new Date(t0 + 1).toISOString() },
    ]);
    const page = await gqlAs<Feed>(whole, admin, FEED, { since });
    expect(page.errors).toBeUndefined();
    expect(page.data?.changes.nodes.map((n) => n.id)).toEqual([first]);
    // The reader stores where it is: the page's endCursor, or the cursor of the last node it handled.
    const stored = [
      page.data?.changes.pageInfo.endCursor as string,
      page.data?.changes.nodes[0]?.cursor as string,
    ];
    await write([{ id: late, at: new Date(t0 - 1_000).toISOString() }]);
    // Resumed after the lag (a restart, a deploy): every record that will ever be stamped before `first` exists.
    await new Promise((r) => setTimeout(r, LAG_MS + 500));
    for (const after of stored) {
      const got = await readOn(since, after);
      expect(got).toContain(late);
      expect(got).toContain(second);
    }
  }, 60_000);
});
