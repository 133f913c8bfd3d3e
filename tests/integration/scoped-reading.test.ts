/**
 * Scoped reading (READ_ACCESS=scoped) on the read paths the security review found open: a unit
 * seen only through its host opens no subtree (children, descendants, units(under), /export,
 * /registry); a relation's `via` outside the reader's part is left out of the .ics feed; the
 * registry names no superior the reader may not see; an event that `event(id)` hides is hidden
 * behind a change and a diff's cause too; and the change feed's cursor names only a change shown.
 * Each check shows first that an unscoped reader does see what the scoped one must not.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BEFORE_ANY_ID } from "../../src/domain/change-feed.ts";
import { UNIT_COLUMNS } from "../../src/registry/layout.ts";
import { csvCells, csvRows } from "./helpers/csv-rows.ts";
import {
  BASIS,
  create,
  fileSandbox,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import { startTestServer } from "./helpers/test-server.ts";

const P = "rsc-";
const { server, admin } = await fileSandbox(P, { READ_ACCESS: "scoped" });
let u: ProvinceIds;
/** A viewer scoped to the province `u.tinh`. */
let reader: string;
const agency = `${P}so`;
const hosted = `${P}dang-uy-so`;
const hostedCell = `${P}chi-bo-so`;

beforeAll(async () => {
  u = await provinceFixture(server, admin, `${P}1`, { otherDistrict: true });
  // An agency of the province, and a party committee under the other province's district that
  // sits in it (visible to the province's reader through its host), with a cell under it.
  await create(server, admin, { id: agency, kind: "STATE_AGENCY" }, u.tinh);
  await create(
    server,
    admin,
    { id: hosted, kind: "BASIC_PARTY_COMMITTEE", sector: "AGENCY", host: agency },
    u.otherHuyen,
  );
  await create(server, admin, { id: hostedCell, kind: "SUBORDINATE_PARTY_CELL", sector: "AGENCY" }, hosted);
  reader = await token("viewer", [u.tinh], "viewer-rsc-tinh");
});

// In the header: an admin's token in a URL is refused (rule QUERY_TOKEN).
const get = (path: string, bearer: string) =>
  fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });

describe("a unit seen only through its host opens no subtree", () => {
  const TREE = `query ($id: ID!) {
    unit(id: $id) { id children { totalCount nodes { id } } descendants { totalCount nodes { id } } }
    units(under: $id) { totalCount nodes { id } }
  }`;
  type Tree = {
    unit: {
      id: string;
      children: { totalCount: number; nodes: { id: string }[] };
      descendants: { totalCount: number; nodes: { id: string }[] };
    };
    units: { totalCount: number; nodes: { id: string }[] };
  };

  it("children, descendants and units(under) leave out the units the reader cannot open", async () => {
    const all = await gqlAs<Tree>(server, admin, TREE, { id: hosted });
    expect(all.errors).toBeUndefined();
    expect(all.data?.unit.children.nodes.map((n) => n.id)).toEqual([hostedCell]);
    expect(all.data?.units.nodes.map((n) => n.id)).toEqual([hostedCell]);

    const cell = await gqlAs(server, reader, `{ unit(id: "${hostedCell}") { id } }`);
    expect(cell.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const mine = await gqlAs<Tree>(server, reader, TREE, { id: hosted });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.unit.id).toBe(hosted);
    expect(mine.data?.unit.children).toEqual({ totalCount: 0, nodes: [] });
    expect(mine.data?.unit.descendants).toEqual({ totalCount: 0, nodes: [] });
    expect(mine.data?.units).toEqual({ totalCount: 0, nodes: [] });
  });

  it("inside the reader's subtree the lists stay whole", async () => {
    const mine = await gqlAs<Tree>(server, reader, TREE, { id: u.huyen });
    const all = await gqlAs<Tree>(server, admin, TREE, { id: u.huyen });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.unit.children.nodes.map((n) => n.id)).toEqual([u.xa, u.xa2]);
    expect(mine.data).toEqual(all.data);
  });

  it("/export and /registry of that unit leave them out too", async () => {
    for (const path of [`/export/${hosted}.json`, `/registry/${hosted}.csv`]) {
      const whole = await get(path, admin);
      expect(whole.status).toBe(200);
      expect(await whole.text()).toContain(hostedCell);
      const res = await get(path, reader);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(hosted);
      expect(body).not.toContain(hostedCell);
    }
  });
});

describe("the registry names no superior the reader may not see", () => {
  /** The superior columns of the unit's row (our CSV cells hold no commas here). */
  const superiorOf = (csv: string, id: string) => {
    const cells = csvRows(csv)
      .map((r) => r.split(","))
      .find((r) => r[0] === id);
    expect(cells).toBeDefined();
    const at = (key: string) => cells?.[UNIT_COLUMNS.findIndex((c) => c.key === key)];
    return { id: at("superiorId"), name: at("superiorName") };
  };

  it("a reader scoped to a district gets its row without the province above it", async () => {
    const path = `/registry/${u.huyen}.csv`;
    expect(superiorOf(await (await get(path, admin)).text(), u.huyen)).toEqual({ id: u.tinh, name: u.tinh });
    const res = await get(path, await token("viewer", [u.huyen], "viewer-rsc-huyen"));
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(superiorOf(csv, u.huyen)).toEqual({ id: "", name: "" });
    // The superior inside the reader's part is still named.
    expect(superiorOf(csv, u.xa)).toEqual({ id: u.huyen, name: u.huyen });
  });
});

describe("the .ics feed names no `via` unit outside", () => {
  beforeAll(async () => {
    const res = await gqlAs(
      server,
      admin,
      `mutation ($a: ID!, $b: ID!, $via: [ID!]) { addRelation(input: { type: REPORTS_TO, fromId: $a, toId: $b, via: $via, frequencies: [MONTHLY], validFrom: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
      { a: u.huyen, b: u.tinh, via: [u.otherHuyen] },
    );
    expect(res.errors).toBeUndefined();
  });

  it("Qua: lists only the channel units the reader may see", async () => {
    const path = `/calendar/${u.huyen}.ics?from=2026-01-01&to=2026-03-31`;
    const whole = await get(path, admin);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toContain(u.otherHuyen);
    const res = await get(path, reader);
    expect(res.status).toBe(200);
    // Unfolded: iCalendar folds long lines.
    const ics = (await res.text()).replace(/\r\n[ \t]/g, "");
    expect(ics).toContain(`Nơi nhận: ${u.tinh}`);
    expect(ics).not.toContain(u.otherHuyen);
  });
});

describe("events that event(id) hides stay hidden behind changes and causes", () => {
  const outsideCommune = `${P}xa-khac`;
  const merged = `${P}xa-hop`;
  beforeAll(async () => {
    await create(server, admin, { id: outsideCommune, kind: "COMMUNE_COMMITTEE" }, u.otherHuyen);
    const res = await gqlAs(
      server,
      admin,
      `mutation ($sources: [ID!]!, $into: ID!, $s: ID, $basis: [ID!]!) { mergeUnits(input: { sourceIds: $sources, into: { id: $into, name: "Xã hợp nhất", kind: COMMUNE_COMMITTEE }, superiorId: $s, effectiveOn: "2024-01-01", basis: $basis }) { id } }`,
      { sources: [u.xa2, outsideCommune], into: merged, s: u.huyen, basis: BASIS },
    );
    expect(res.errors).toBeUndefined();
  });

  /** Whether `event(id)` shows the event to the bearer. */
  async function eventShown(bearer: string, id: string): Promise<boolean> {
    const res = await gqlAs<{ event: { id: string } | null }>(
      server,
      bearer,
      `query ($id: ID!) { event(id: $id) { id } }`,
      {
        id,
      },
    );
    expect(res.errors).toBeUndefined();
    return res.data?.event != null;
  }

  const HISTORY = `query ($id: ID!) { history(unitId: $id) { entityId event { id kind actor basis { id } } } }`;
  type History = { history: { entityId: string; event: { id: string; kind: string } | null }[] };

  it("Change.event is null for the reader when event(id) is", async () => {
    const all = await gqlAs<History>(server, admin, HISTORY, { id: merged });
    const mergeEvent = all.data?.history.find((c) => c.event?.kind === "MERGE_UNITS")?.event?.id;
    expect(mergeEvent).toBeTruthy();
    expect(await eventShown(reader, mergeEvent ?? "")).toBe(false);

    const mine = await gqlAs<History>(server, reader, HISTORY, { id: merged });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.history.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine.data)).not.toContain("MERGE_UNITS");
    const shown = mine.data?.history.flatMap((c) => (c.event ? [c.event.id] : [])) ?? [];
    for (const id of shown) expect(await eventShown(reader, id)).toBe(true);
    expect(mine.data?.history.filter((c) => c.event === null).length).toBeGreaterThan(0);
  });

  it("a diff's cause names no event, note or actor that event(id) hides", async () => {
    const DIFF = `query ($under: [ID!]) { graphDiff(from: "2023-12-01", to: "2024-02-01", under: $under) {
      nodes { type unit { id } cause { kind eventId name actor basis { id } event { id } } } } }`;
    type Diff = {
      graphDiff: {
        nodes: {
          type: string;
          unit: { id: string };
          cause: { kind: string; eventId: string | null; name: string | null; actor: string | null };
        }[];
      };
    };
    const all = await gqlAs<Diff>(server, admin, DIFF, { under: [u.tinh] });
    const added = (d: Diff | null | undefined) => d?.graphDiff.nodes.find((n) => n.unit.id === merged);
    expect(added(all.data)?.cause).toMatchObject({ kind: "MERGE", actor: "admin-tester" });
    expect(added(all.data)?.cause.eventId).toBeTruthy();

    const mine = await gqlAs<Diff>(server, reader, DIFF, { under: [u.tinh] });
    expect(mine.errors).toBeUndefined();
    expect(added(mine.data)?.cause).toMatchObject({ kind: "MERGE", eventId: null, name: null, actor: null });
    for (const n of mine.data?.graphDiff.nodes ?? [])
      if (n.cause.eventId !== null) expect(await eventShown(reader, n.cause.eventId)).toBe(true);
    // The diff export likewise.
    const path = `/export/diff/${u.tinh}.csv?from=2023-12-01&to=2024-02-01`;
    const eventId = added(all.data)?.cause.eventId ?? "";
    expect(await (await get(path, admin)).text()).toContain(eventId);
    const csv = await (await get(path, reader)).text();
    expect(csv).toContain(merged);
    expect(csv).not.toContain(eventId);
    // An actor only beside an event the reader may see.
    const header = csvCells(csv.split("\r\n")[0] ?? "");
    const rows = csvRows(csv).map(csvCells);
    const cell = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
    expect(rows.find((r) => cell(r, "unitId") === merged && cell(r, "type") === "UNIT_OPENED")).toBeDefined();
    for (const row of rows) {
      if (cell(row, "eventId") === "") expect(cell(row, "actor"), row.join(",")).toBe("");
      else expect(await eventShown(reader, cell(row, "eventId")), row.join(",")).toBe(true);
    }
  });
});

describe("the change feed's page ends at a change it shows, or at the commit horizon", () => {
  it("endCursor and hasNextPage say nothing of a hidden change", async () => {
    const since = new Date(Date.now() - 1).toISOString();
    for (const id of [u.huyen2, u.otherHuyen]) {
      const res = await gqlAs(
        server,
        admin,
        `mutation ($id: ID!) { updateUnit(input: { id: $id, note: "Ghi chú mới", effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
        { id },
      );
      expect(res.errors).toBeUndefined();
    }
    const FEED = `query ($since: String, $after: String) { changes(since: $since, first: 2, after: $after) {
      nodes { entityId at } pageInfo { hasNextPage endCursor } } }`;
    type Feed = {
      changes: {
        nodes: { entityId: string; at: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const all = await gqlAs<Feed>(server, admin, FEED, { since });
    expect(all.data?.changes.nodes.map((n) => n.entityId)).toEqual([u.huyen2, u.otherHuyen]);

    const mine = await gqlAs<Feed>(server, reader, FEED, { since });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.changes.nodes.map((n) => n.entityId)).toEqual([u.huyen2]);
    expect(mine.data?.changes.pageInfo.hasNextPage).toBe(false);
    // The last page's cursor stops at the commit horizon (src/domain/change-feed.ts): a time only,
    // before both changes — it names neither the hidden change nor the shown one.
    const end = JSON.parse(
      Buffer.from(mine.data?.changes.pageInfo.endCursor as string, "base64url").toString("utf8"),
    ) as { at: string; id: string };
    expect(end.id).toBe(BEFORE_ANY_ID);
    expect(Date.parse(end.at)).toBeLessThan(Date.parse(all.data?.changes.nodes[1]?.at as string));
    // Polling on from it: the shown change again (at least once near the end), still nothing of the hidden one.
    const rest = await gqlAs<Feed>(server, reader, FEED, {
      since,
      after: mine.data?.changes.pageInfo.endCursor,
    });
    expect(rest.data?.changes.nodes.map((n) => n.entityId)).toEqual([u.huyen2]);
    expect(rest.data?.changes.pageInfo.hasNextPage).toBe(false);
  });
});

describe("a subtree's history holds only what was below its root on one day", () => {
  // y was a commune of the other province's district until it joined the reader's district in
  // 2023; x, a cell of y in 2021 only, left for z in 2022: no day had x below the reader's
  // province. w joined y after y joined the district, so it was.
  const y = `${P}hist-y`;
  const z = `${P}hist-z`;
  const x = `${P}hist-x`;
  const w = `${P}hist-w`;
  const MOVE = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
  beforeAll(async () => {
    await create(server, admin, { id: y, kind: "COMMUNE_COMMITTEE" }, u.otherHuyen, "2021-01-01");
    await create(server, admin, { id: z, kind: "COMMUNE_COMMITTEE" }, u.otherHuyen, "2021-01-01");
    await create(server, admin, { id: x, kind: "BASIC_PARTY_CELL" }, y, "2021-01-01");
    for (const [unit, superior, d] of [
      [x, z, "2022-01-01"],
      [y, u.huyen, "2023-01-01"],
    ]) {
      const res = await gqlAs(server, admin, MOVE, { u: unit, s: superior, d });
      expect(res.errors).toBeUndefined();
    }
    await create(server, admin, { id: w, kind: "BASIC_PARTY_CELL" }, y, "2024-01-01");
  });

  it("a unit that left before its superior joined the reader's part stays hidden", async () => {
    const seen = async (bearer: string, id: string) =>
      (await gqlAs<{ unit: { id: string } | null }>(server, bearer, `{ unit(id: "${id}") { id } }`)).data
        ?.unit?.id;
    expect(await seen(admin, x)).toBe(x);
    expect(await seen(reader, y)).toBe(y);
    expect(await seen(reader, w)).toBe(w);
    const hidden = await gqlAs(server, reader, `{ unit(id: "${x}") { id } }`);
    expect(hidden.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("the province's export over its whole history leaves it out, for every reader", async () => {
    for (const bearer of [admin, reader]) {
      const res = await get(`/export/${u.tinh}.json`, bearer);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(w);
      expect(body).not.toContain(x);
    }
  });
});

describe("a unit that left the reader's part opens no subtree after it left", () => {
  // v was a commune of the reader's district until it left for the other province on 2024-06-01;
  // its cell c1 was below it before, c2 joined it after: c2 was never inside the reader's part.
  const v = `${P}left-v`;
  const c1 = `${P}left-c1`;
  const c2 = `${P}left-c2`;
  const TREE = `query ($id: ID!, $asOf: Date) {
    unit(id: $id) { id children(asOf: $asOf) { totalCount nodes { id } } descendants(asOf: $asOf) { totalCount nodes { id } } }
    units(under: $id, asOf: $asOf) { totalCount nodes { id } }
  }`;
  type Ids = { totalCount: number; nodes: { id: string }[] };
  type Tree = { unit: { id: string; children: Ids; descendants: Ids }; units: Ids };
  const ids = (list: Ids | undefined) => list?.nodes.map((n) => n.id);
  beforeAll(async () => {
    await create(server, admin, { id: v, kind: "COMMUNE_COMMITTEE" }, u.huyen, "2021-01-01");
    await create(server, admin, { id: c1, kind: "BASIC_PARTY_CELL" }, v, "2021-01-01");
    const MOVE = `mutation { setSuperior(unitId: "${v}", superiorId: "${u.otherHuyen}", effectiveOn: "2024-06-01", basis: ["dieu-le-dang-whole"]) { id } }`;
    expect((await gqlAs(server, admin, MOVE)).errors).toBeUndefined();
    await create(server, admin, { id: c2, kind: "BASIC_PARTY_CELL" }, v, "2024-09-01");
  });

  it("children, descendants and units(under) list only what was below it while it was inside", async () => {
    const all = await gqlAs<Tree>(server, admin, TREE, { id: v });
    expect(all.errors).toBeUndefined();
    expect(ids(all.data?.unit.children)).toEqual([c1, c2]);
    const mine = await gqlAs<Tree>(server, reader, TREE, { id: v });
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.unit.id).toBe(v);
    for (const list of [mine.data?.unit.children, mine.data?.unit.descendants, mine.data?.units])
      expect(list).toEqual({ totalCount: 1, nodes: [{ id: c1 }] });
    // While it was inside, its tree is the reader's whole.
    const then = await gqlAs<Tree>(server, reader, TREE, { id: v, asOf: "2024-03-01" });
    const thenAll = await gqlAs<Tree>(server, admin, TREE, { id: v, asOf: "2024-03-01" });
    expect(ids(then.data?.unit.descendants)).toEqual([c1]);
    expect(then.data).toEqual(thenAll.data);
  });

  it("what such pages read below it counts against the request's SCOPED_SUBTREE_SCAN_MAX (review s12)", async () => {
    // Each of the three pages reads v's whole subtree (2 units) before keeping what the reader may see.
    const tight = await startTestServer({
      JWT_SECRET: TEST_SECRET,
      READ_ACCESS: "scoped",
      SCOPED_SUBTREE_SCAN_MAX: "5",
    });
    try {
      const one = await gqlAs<Tree>(tight, reader, `{ unit(id: "${v}") { children { totalCount } } }`);
      expect(one.errors).toBeUndefined();
      const three = await gqlAs<Tree>(tight, reader, TREE, { id: v });
      expect(three.errors?.[0]?.extensions).toMatchObject({
        code: "QUERY_TOO_COMPLEX",
        limit: "SCOPED_SUBTREE_SCAN_MAX",
        max: 5,
        value: 6,
      });
      // The admin's pages (and a root's) read no more than they answer: not counted.
      expect((await gqlAs<Tree>(tight, admin, TREE, { id: v })).errors).toBeUndefined();
    } finally {
      await tight.close();
    }
  });

  it("/export and /registry of it leave out what joined it after it left", async () => {
    for (const path of [`/export/${v}.json`, `/registry/${v}.csv`]) {
      const auth = (bearer: string) => ({ headers: { authorization: `Bearer ${bearer}` } });
      const whole = await fetch(`${server.base}${path}`, auth(admin));
      expect(whole.status).toBe(200);
      expect(await whole.text()).toContain(c2);
      const res = await fetch(`${server.base}${path}`, auth(reader));
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(c1);
      expect(body).not.toContain(c2);
    }
  });
});
