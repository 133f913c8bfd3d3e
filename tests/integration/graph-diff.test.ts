/**
 * graphDiff on the seed across the 2025 reform in Lâm Đồng (the province and its two merged
 * neighbours): the units the seed ends on 30/06/2025 and begins on 01/07/2025 are the diff's
 * closed and opened units (read from seed/lam-dong.yaml, and named), moves carry the reporting
 * obligations gained and lost, a recorded event is named with its basis and actor, paging is
 * stable, a scoped reader sees only its subtrees, bad input names its argument, a too costly
 * query is refused before it runs, and the CSV / JSON exports hold the same changes.
 */
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DiffChange } from "../../src/domain/diff.ts";
import { diffBatches, planDiff } from "../../src/graphql/services/graph-diff.ts";
import { warmDiffStatements } from "../../src/store/diff-repository.ts";
import { readGraphVersion } from "../../src/store/graph-version.ts";
import { closeSandbox, create, gqlAs, openSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const WINDOW = { from: "2025-06-30", to: "2025-07-01" };
/** The new Tỉnh ủy: the seed's merger event gives its three predecessors. */
const ROOT = "tinh-uy-lam-dong-2025";
const ROOTS = [ROOT];
const OLD = ["tinh-uy-binh-thuan", "tinh-uy-dak-nong", "tinh-uy-lam-dong"];
const MERGER = "hop-nhat-tinh-lam-dong-2025";
const PROVINCES = new Set(["lam-dong", "dak-nong", "binh-thuan"]);
const P = "diff-t-";
/** The first query on a cold throwaway database plans every statement: generous, for liveness only. */
const SLOW = 240_000;

let server: TestServer;
let scoped: TestServer;
let admin: string;

beforeAll(async () => {
  ({ server, admin } = await openSandbox());
  scoped = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
}, SLOW);

afterAll(async () => {
  await scoped?.close();
  if (server) await closeSandbox(server, P);
});

interface Change {
  type: string;
  date: string;
  unit: { id: string };
  kind: string;
  province: string | null;
  oldSuperior: { id: string } | null;
  newSuperior: { id: string } | null;
  relationType: string | null;
  relationFrom: { id: string } | null;
  relationTo: { id: string } | null;
  obligations: { gained: { recipient: { id: string } }[]; lost: { recipient: { id: string } }[] } | null;
  cause: {
    kind: string;
    eventId: string | null;
    actor: string | null;
    direct: boolean;
    basis: { id: string }[];
  };
}

interface Diff {
  predecessors: { id: string }[];
  summary: {
    total: number;
    headline: string;
    partyOrganisationsMoved: number;
    byType: { key: string; label: string; count: number }[];
    byKind: { key: string; label: string; total: number; byType: { key: string; count: number }[] }[];
    byProvince: { key: string; label: string; total: number }[];
  };
  nodes: Change[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const FIELDS = `type date unit { id } kind province oldSuperior { id } newSuperior { id }
  relationType relationFrom { id } relationTo { id }
  cause { kind eventId actor direct basis { id } }`;

const QUERY = `query($from: Date!, $to: Date!, $under: [ID!], $types: [DiffChangeType!], $first: Int, $after: String,
  $withObligations: Boolean = false) {
  graphDiff(from: $from, to: $to, under: $under, types: $types, first: $first, after: $after) {
    predecessors { id }
    summary { total headline partyOrganisationsMoved byType { key label count }
      byKind { key label total byType { key count } } byProvince { key label total } }
    nodes { ${FIELDS} obligations @include(if: $withObligations) { gained { recipient { id } } lost { recipient { id } } } }
    pageInfo { hasNextPage endCursor }
  } }`;

async function diff(vars: Record<string, unknown>, on = server, bearer: string | null = null): Promise<Diff> {
  const r = await gqlAs<{ graphDiff: Diff }>(on, bearer, QUERY, { ...WINDOW, first: 200, ...vars });
  expect(r.errors).toBeUndefined();
  return r.data?.graphDiff as Diff;
}

/** The seed's own record of the reform: units of the three provinces ending 30/06 or beginning 01/07/2025, in every seed file. */
async function seedHistory(kind: string): Promise<{ closed: string[]; opened: string[] }> {
  const files = (await readdir("seed")).filter((f) => f.endsWith(".yaml"));
  const units = (
    await Promise.all(
      files.map(async (f) => {
        const doc = parse(await readFile(`seed/${f}`, "utf8")) as { units?: SeedUnit[] } | null;
        return doc?.units ?? [];
      }),
    )
  ).flat();
  const ours = units.filter((u) => u.kind === kind && PROVINCES.has(u.province ?? ""));
  return {
    closed: ours
      .filter((u) => String(u.validTo) === "2025-06-30")
      .map((u) => u.id)
      .sort(),
    opened: ours
      .filter((u) => String(u.validFrom) === "2025-07-01")
      .map((u) => u.id)
      .sort(),
  };
}

interface SeedUnit {
  id: string;
  kind: string;
  province?: string;
  validFrom?: string;
  validTo?: string;
}

const ids = (changes: Change[], type: string, kind: string) =>
  changes
    .filter((c) => c.type === type && c.kind === kind)
    .map((c) => c.unit.id)
    .sort();

describe("graphDiff across the 2025 reform in Lâm Đồng (seed)", () => {
  let d: Diff;
  beforeAll(async () => {
    d = await diff({ under: ROOTS, first: 500 });
  }, SLOW);

  it("closes and opens exactly the committees the seed ends and begins, and names them", async () => {
    expect(d.pageInfo.hasNextPage).toBe(false);
    expect(d.nodes.length).toBe(d.summary.total);
    for (const kind of ["PROVINCIAL_COMMITTEE", "DISTRICT_COMMITTEE", "COMMUNE_COMMITTEE"]) {
      const history = await seedHistory(kind);
      expect(ids(d.nodes, "UNIT_CLOSED", kind)).toEqual(history.closed);
      expect(ids(d.nodes, "UNIT_OPENED", kind)).toEqual(history.opened);
    }
    expect(ids(d.nodes, "UNIT_CLOSED", "PROVINCIAL_COMMITTEE")).toEqual([
      "tinh-uy-binh-thuan",
      "tinh-uy-dak-nong",
      "tinh-uy-lam-dong",
    ]);
    expect(ids(d.nodes, "UNIT_OPENED", "PROVINCIAL_COMMITTEE")).toEqual(["tinh-uy-lam-dong-2025"]);
    expect(ids(d.nodes, "UNIT_CLOSED", "DISTRICT_COMMITTEE")).toEqual(
      expect.arrayContaining([
        "huyen-uy-lac-duong-lam-dong",
        "huyen-uy-minh-hoa-lam-dong",
        "huyen-uy-dak-mil-dak-nong",
      ]),
    );
    expect(ids(d.nodes, "UNIT_OPENED", "COMMUNE_COMMITTEE")).toEqual([
      "dang-uy-dac-khu-phu-quy-lam-dong",
      "dang-uy-phuong-xuan-huong-da-lat-lam-dong",
      "dang-uy-xa-minh-hoa-a-lam-dong",
    ]);
    expect(new Set(d.nodes.map((c) => c.date))).toEqual(new Set(["2025-07-01"]));
  });

  it("finds the three old Tỉnh ủy from the seed's merger event: one root answers as the four did", async () => {
    expect(d.predecessors.map((p) => p.id).sort()).toEqual(OLD);
    const four = await diff({ under: [ROOT, ...OLD], first: 500 });
    const key = (c: Change) => `${c.type} ${c.unit.id} ${c.relationFrom?.id ?? ""}>${c.relationTo?.id ?? ""}`;
    expect(d.nodes.map(key)).toEqual(four.nodes.map(key));
    expect(d.summary).toEqual(four.summary);
  });

  it("names the merger as the cause of the Tỉnh ủy's ending and founding, with its basis; the rest came from the seed", async () => {
    const committees = d.nodes.filter((c) => c.kind === "PROVINCIAL_COMMITTEE" && c.type.startsWith("UNIT_"));
    expect(committees.map((c) => c.unit.id).sort()).toEqual([...OLD, ROOT].sort());
    for (const c of committees)
      expect(c.cause).toMatchObject({
        kind: "MERGE",
        eventId: MERGER,
        direct: true,
        basis: [{ id: "nq-60-2025-whole" }, { id: "nq-202-2025-qh15-whole" }],
      });
    // Below them a change inherits the merger only from a Tỉnh ủy it left or joined; the end of
    // the district level is the seed's other event (next test); every other change came from the seed.
    const tinhUy = new Set([...OLD, ROOT]);
    const underMerged = (c: Change) =>
      tinhUy.has(c.oldSuperior?.id ?? "") ||
      tinhUy.has(c.newSuperior?.id ?? "") ||
      c.type.startsWith("RELATION_");
    const inherited = d.nodes.filter((c) => c.cause.kind === "MERGE" && !c.cause.direct);
    expect(inherited.length).toBeGreaterThan(0);
    for (const c of inherited) expect(underMerged(c)).toBe(true);
    const others = d.nodes.filter((c) => c.cause.kind !== "MERGE" && c.cause.kind !== "ABOLISHED_LEVEL");
    expect(new Set(others.map((c) => c.cause.kind))).toEqual(new Set(["SEED"]));
  });

  it("names the end of the district level, not the merger, for the district committees and what left them", async () => {
    const { closed } = await seedHistory("DISTRICT_COMMITTEE");
    const districts = d.nodes.filter((c) => c.type === "UNIT_CLOSED" && c.kind === "DISTRICT_COMMITTEE");
    expect(districts.map((c) => c.unit.id).sort()).toEqual(closed);
    for (const c of districts) {
      expect(c.cause).toMatchObject({
        kind: "ABOLISHED_LEVEL",
        direct: true,
        basis: [{ id: "hd-31-2025-whole" }],
      });
      expect(c.cause.eventId).toMatch(/^ket-thuc-cap-huyen-(lam-dong|dak-nong|binh-thuan)-2025$/);
    }
    const left = d.nodes.filter((c) => closed.includes(c.oldSuperior?.id ?? ""));
    expect(left.length).toBeGreaterThan(0);
    for (const c of left) expect(c.cause).toMatchObject({ kind: "ABOLISHED_LEVEL", direct: false });
    // Nothing else names it: each such change is a district's, or of a unit or relation that left one.
    const touchesDistrict = (c: Change) =>
      [c.unit.id, c.oldSuperior?.id, c.relationFrom?.id, c.relationTo?.id].some((id) =>
        closed.includes(id ?? ""),
      );
    for (const c of d.nodes.filter((x) => x.cause.kind === "ABOLISHED_LEVEL"))
      expect(touchesDistrict(c), JSON.stringify(c)).toBe(true);
  });

  it(
    "moves the agency cell from the bloc committee to the Đảng ủy UBND tỉnh, with the obligations that follow",
    async () => {
      const moves = await diff({ under: ROOTS, types: ["UNIT_MOVED"], withObligations: true });
      const moved = d.nodes.filter((c) => c.type === "UNIT_MOVED").map((c) => c.unit.id);
      expect(moves.nodes.map((c) => c.unit.id)).toEqual(moved);
      const move = moves.nodes.find((c) => c.unit.id === "chi-bo-so-noi-vu-lam-dong");
      expect(move?.oldSuperior?.id).toBe("dang-uy-khoi-co-quan-lam-dong");
      expect(move?.newSuperior?.id).toBe("dang-uy-ubnd-tinh-lam-dong-2025");
      expect(move?.obligations?.lost.map((o) => o.recipient.id)).toContain("dang-uy-khoi-co-quan-lam-dong");
      expect(move?.obligations?.gained.map((o) => o.recipient.id)).toContain(
        "dang-uy-ubnd-tinh-lam-dong-2025",
      );
      expect(moves.summary.total).toBe(moves.nodes.length);
      expect(d.summary.partyOrganisationsMoved).toBe(
        moves.nodes.filter((c) => c.obligations !== null).length,
      );
    },
    SLOW,
  );

  it("summarises in Vietnamese: counts agree with the changes, and the headline reads the reform", async () => {
    const districts = (await seedHistory("DISTRICT_COMMITTEE")).closed.length;
    const communes = await seedHistory("COMMUNE_COMMITTEE");
    expect(d.summary.headline).toBe(
      `3 tỉnh ủy → 1; ${districts} huyện ủy kết thúc hoạt động; ${communes.closed.length} đảng ủy xã, phường → ${communes.opened.length}; ${d.summary.partyOrganisationsMoved} tổ chức đảng đổi cấp trên trực tiếp`,
    );
    for (const t of d.summary.byType) expect(t.count).toBe(d.nodes.filter((c) => c.type === t.key).length);
    const provincial = d.summary.byKind.find((k) => k.key === "PROVINCIAL_COMMITTEE");
    expect(provincial?.label).toBe("Tỉnh ủy / Thành ủy");
    expect(d.summary.byProvince.map((p) => p.key).sort()).toEqual(["binh-thuan", "dak-nong", "lam-dong"]);
    expect(d.summary.byProvince.find((p) => p.key === "lam-dong")?.label).toBe("Lâm Đồng");
    expect(d.summary.byType.find((t) => t.key === "UNIT_CLOSED")?.label).toBe("kết thúc hoạt động");
  });

  it(
    "pages with an opaque cursor: small pages put together are the whole answer",
    async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: Diff = await diff({ under: ROOTS, first: 40, after });
        seen.push(
          ...page.nodes.map(
            (c) => `${c.type} ${c.unit.id} ${c.relationFrom?.id ?? ""}>${c.relationTo?.id ?? ""}`,
          ),
        );
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(
        d.nodes.map((c) => `${c.type} ${c.unit.id} ${c.relationFrom?.id ?? ""}>${c.relationTo?.id ?? ""}`),
      );
    },
    SLOW,
  );
});

describe("graphDiff names the recorded event", () => {
  it(
    "a move by setSuperior: MOVE, with the event's id, basis and actor",
    async () => {
      await create(server, admin, { id: `${P}tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      await create(server, admin, { id: `${P}huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh`);
      await create(server, admin, { id: `${P}xa`, kind: "COMMUNE_COMMITTEE" }, `${P}huyen`);
      const moved = await gqlAs<{ setSuperior: { id: string } }>(
        server,
        admin,
        `mutation { setSuperior(unitId: "${P}xa", superiorId: "${P}tinh", effectiveOn: "2025-08-01", basis: ["dieu-le-dang-whole"]) { id } }`,
      );
      expect(moved.errors).toBeUndefined();
      // As an admin: an anonymous reader is not shown the actor (anonymous-reader.test.ts).
      const d = await diff({ from: "2025-07-31", to: "2025-08-01", under: [`${P}tinh`] }, server, admin);
      const move = d.nodes.find((c) => c.type === "UNIT_MOVED");
      expect(move).toMatchObject({
        unit: { id: `${P}xa` },
        oldSuperior: { id: `${P}huyen` },
        newSuperior: { id: `${P}tinh` },
      });
      expect(move?.cause).toMatchObject({
        kind: "MOVE",
        eventId: moved.data?.setSuperior.id,
        actor: "admin-tester",
        direct: true,
        basis: [{ id: "dieu-le-dang-whole" }],
      });
    },
    SLOW,
  );
});

describe("graphDiff names, for each change of one day, the event that recorded it", () => {
  it(
    "a move, a rename and a new relation of one unit on one day each cite their own event",
    async () => {
      const t = `${P}cause-tinh`;
      const h = `${P}cause-huyen`;
      const x = `${P}cause-xa`;
      await create(server, admin, { id: t, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      await create(server, admin, { id: h, kind: "DISTRICT_COMMITTEE" }, t);
      await create(server, admin, { id: x, kind: "COMMUNE_COMMITTEE" }, h);
      const on = `effectiveOn: "2025-08-01", basis: ["dieu-le-dang-whole"]`;
      const eventOf = async (mutation: string) => {
        const r = await gqlAs<Record<string, { id: string }>>(
          server,
          admin,
          `mutation { m: ${mutation} { id } }`,
        );
        expect(r.errors).toBeUndefined();
        return r.data?.m?.id;
      };
      const move = await eventOf(`setSuperior(unitId: "${x}", superiorId: "${t}", ${on})`);
      const rename = await eventOf(`updateUnit(input: { id: "${x}", name: "Đảng ủy xã Đổi Tên", ${on} })`);
      const relation = await eventOf(
        `addRelation(input: { type: REPORTS_TO, fromId: "${x}", toId: "${t}", validFrom: "2025-08-01", basis: ["dieu-le-dang-whole"] })`,
      );
      const d = await diff({ from: "2025-07-31", to: "2025-08-01", under: [t] }, server, admin);
      const causeOf = (type: string, relationType: string | null = null) =>
        d.nodes.find((c) => c.unit.id === x && c.type === type && c.relationType === relationType)?.cause
          .eventId;
      expect(causeOf("UNIT_MOVED")).toBe(move);
      expect(causeOf("UNIT_RENAMED")).toBe(rename);
      expect(causeOf("RELATION_STARTED", "REPORTS_TO")).toBe(relation);
      expect(new Set([move, rename, relation]).size).toBe(3);
    },
    SLOW,
  );
});

describe("graphDiff lists a unit opened and closed inside the window", () => {
  it(
    "once, as UNIT_OPENED_AND_CLOSED, dated its first day, under the superior it was opened under",
    async () => {
      await create(server, admin, { id: `${P}tinh2`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      await create(server, admin, { id: `${P}tam`, kind: "COMMUNE_COMMITTEE" }, `${P}tinh2`, "2025-09-10");
      const closed = await gqlAs(
        server,
        admin,
        `mutation { closeUnit(id: "${P}tam", lastDay: "2025-09-20", basis: ["dieu-le-dang-whole"]) { id } }`,
      );
      expect(closed.errors).toBeUndefined();
      const d = await diff({ from: "2025-09-01", to: "2025-10-01", under: [`${P}tinh2`] });
      const brief = d.nodes.filter((c) => c.unit.id === `${P}tam`);
      expect(brief.map((c) => c.type)).toEqual(["UNIT_OPENED_AND_CLOSED"]);
      expect(brief[0]).toMatchObject({ date: "2025-09-10", newSuperior: { id: `${P}tinh2` } });
      expect(d.summary.byType.find((t) => t.key === "UNIT_OPENED_AND_CLOSED")?.count).toBe(1);
      // A window that holds only its opening sees it opened (and its relation to the superior
      // started); one that holds only its closing, closed (and that relation ended).
      const of = (x: Diff) => x.nodes.filter((c) => c.unit.id === `${P}tam`).map((c) => c.type);
      const opening = await diff({ from: "2025-09-01", to: "2025-09-15", under: [`${P}tinh2`] });
      expect(of(opening)).toEqual(["UNIT_OPENED", "RELATION_STARTED"]);
      const closing = await diff({ from: "2025-09-15", to: "2025-10-01", under: [`${P}tinh2`] });
      expect(of(closing)).toEqual(["UNIT_CLOSED", "RELATION_ENDED"]);
    },
    SLOW,
  );
});

describe("graphDiff finds units opened and closed inside the window at any depth", () => {
  it(
    "a cell opened under a commune committee itself opened and closed in the window: both listed",
    async () => {
      await create(server, admin, { id: `${P}tinh3`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      await create(server, admin, { id: `${P}tam-xa`, kind: "COMMUNE_COMMITTEE" }, `${P}tinh3`, "2025-09-10");
      await create(server, admin, { id: `${P}tam-cb`, kind: "BASIC_PARTY_CELL" }, `${P}tam-xa`, "2025-09-11");
      for (const [id, lastDay] of [
        [`${P}tam-cb`, "2025-09-18"],
        [`${P}tam-xa`, "2025-09-20"],
      ]) {
        const closed = await gqlAs(
          server,
          admin,
          `mutation { closeUnit(id: "${id}", lastDay: "${lastDay}", basis: ["dieu-le-dang-whole"]) { id } }`,
        );
        expect(closed.errors).toBeUndefined();
      }
      const d = await diff({ from: "2025-09-01", to: "2025-10-01", under: [`${P}tinh3`] });
      const brief = d.nodes.filter((c) => c.type === "UNIT_OPENED_AND_CLOSED");
      expect(brief.map((c) => [c.unit.id, c.date, c.newSuperior?.id])).toEqual([
        [`${P}tam-cb`, "2025-09-11", `${P}tam-xa`],
        [`${P}tam-xa`, "2025-09-10", `${P}tinh3`],
      ]);
      expect(d.summary.total).toBe(d.nodes.length);
    },
    SLOW,
  );
});

describe("graphDiff's summary kept between requests", () => {
  it(
    "is counted again after a write, and the page asked with it is the page asked alone",
    async () => {
      await create(server, admin, { id: `${P}tinh4`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      const window = { from: "2025-10-31", to: "2025-11-01", under: [`${P}tinh4`] };
      const before = await diff(window);
      expect(before.summary.total).toBe(0);
      // Asked again: the same answer (kept under the graph's version).
      expect((await diff(window)).summary).toEqual(before.summary);
      await create(server, admin, { id: `${P}moi-xa`, kind: "COMMUNE_COMMITTEE" }, `${P}tinh4`, "2025-11-01");
      const after = await diff(window);
      expect(after.summary.byType.map((t) => [t.key, t.count])).toEqual([
        ["UNIT_OPENED", 1],
        ["RELATION_STARTED", 1],
      ]);
      // The summary now held: the page in the same request is read on its own, and equals the page alone.
      const both = await diff({ ...window, first: 1 });
      const alone = await gqlAs<{ graphDiff: Pick<Diff, "nodes" | "pageInfo"> }>(
        server,
        null,
        `query($from: Date!, $to: Date!, $under: [ID!]) { graphDiff(from: $from, to: $to, under: $under, first: 1) {
          nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        window,
      );
      expect(alone.errors).toBeUndefined();
      expect(both.nodes).toEqual(alone.data?.graphDiff.nodes);
      expect(both.pageInfo).toEqual(alone.data?.graphDiff.pageInfo);
      expect(both.nodes.map((c) => c.unit.id)).toEqual([`${P}moi-xa`]);
    },
    SLOW,
  );
});

describe("graphDiff's statements planned at start", () => {
  it("plans each statement, plain and as the result cache wraps it, on empty inputs, and writes nothing", async () => {
    const version = await readGraphVersion(server.db);
    expect(await warmDiffStatements(server.db, { wrapped: false })).toBe(6);
    expect(await warmDiffStatements(server.db, { wrapped: true })).toBe(12);
    expect(await readGraphVersion(server.db)).toBe(version);
  });
});

describe("graphDiff's events read with the units", () => {
  const everything = async (size: number) => {
    const plan = await planDiff(server.db, { ...WINDOW, under: ROOTS, maxSpanDays: 3660, scopes: null });
    const changes: DiffChange[] = [];
    for await (const batch of diffBatches(server.db, plan, null, undefined, { size, ahead: 1 }))
      changes.push(...batch.changes);
    return changes;
  };

  it(
    "names the same causes whatever the batches: a superior's events come with its row in this batch or an earlier one, or are read apart",
    async () => {
      // One unit a batch: every superior's events come from an earlier batch or are read apart.
      const [one, all] = [await everything(1), await everything(5000)];
      expect(one.length).toBeGreaterThan(100);
      expect(one).toEqual(all);
      // Among them, causes inherited from a superior's restructuring.
      expect(one.filter((c) => !c.cause.direct && c.cause.eventId !== null).length).toBeGreaterThan(0);
    },
    SLOW,
  );
});

describe("graphDiff for a scoped reader, bad input and cost", () => {
  it(
    "a scoped reader sees only changes inside its subtrees, and not a root outside them",
    async () => {
      const reader = await token("viewer", ["tinh-uy-lam-dong-2025"], "viewer-diff");
      const d = await diff({ under: ["tinh-uy-lam-dong-2025"], first: 500 }, scoped, reader);
      const inside = await gqlAs<{ units: { nodes: { id: string }[] } }>(
        scoped,
        reader,
        `{ units(under: "tinh-uy-lam-dong-2025", first: 500) { nodes { id } } }`,
      );
      expect(ids(d.nodes, "UNIT_OPENED", "COMMUNE_COMMITTEE").length).toBe(3);
      const named = d.nodes.flatMap((c) =>
        [c.unit, c.oldSuperior, c.newSuperior, c.relationFrom, c.relationTo].flatMap((u) =>
          u ? [u.id] : [],
        ),
      );
      expect(named).not.toContain("tinh-uy-dak-nong");
      expect(named).not.toContain("dang-uy-khoi-co-quan-lam-dong");
      expect(inside.errors).toBeUndefined();
      const outside = await gqlAs(scoped, reader, QUERY, { ...WINDOW, under: ["tinh-uy-dak-nong"] });
      expect(outside.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", argument: "under" });
    },
    SLOW,
  );

  it("refuses from after to, too long a window, an unknown root and a forged cursor, naming the argument", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ from: "2025-07-02", to: "2025-07-01" }, "BAD_USER_INPUT", "from"],
      [{ from: "1990-01-01", to: "2025-07-01" }, "BAD_USER_INPUT", "to"],
      [{ under: ["khong-co-don-vi-nay"] }, "NOT_FOUND", "under"],
      [{ after: "bm90LWEtY3Vyc29y" }, "BAD_USER_INPUT", "after"],
    ];
    for (const [vars, code, argument] of cases) {
      const r = await gqlAs(server, null, QUERY, { ...WINDOW, ...vars });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code, argument });
    }
  });

  it("prices the page by its first: a page of 500 with obligations is refused before anything is read", async () => {
    const r = await gqlAs(
      server,
      null,
      `{ graphDiff(from: "2025-06-30", to: "2025-07-01", first: 500) { nodes { ${FIELDS}
        obligations { gained { recipient { id name } via { id name } basis { id label } } } } } }`,
    );
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX" });
    expect((r as { extensions?: { cypherRoundTrips?: number } }).extensions?.cypherRoundTrips ?? 0).toBe(0);
  });
});

describe("diff exports", () => {
  it(
    "streams the same changes as CSV and JSON, the JSON with its summary",
    async () => {
      const d = await diff({ under: ["tinh-uy-lam-dong-2025"], first: 500 });
      const q = `from=${WINDOW.from}&to=${WINDOW.to}`;
      const csv = await fetch(`${server.base}/export/diff/tinh-uy-lam-dong-2025.csv?${q}`);
      expect(csv.status).toBe(200);
      const lines = (await csv.text()).split("\r\n").filter((l) => l !== "");
      expect(
        lines[0]
          ?.replace(/^\uFEFF/, "")
          .split(",")
          .slice(0, 4),
      ).toEqual(["date", "type", "typeLabel", "unitId"]);
      expect(lines.length - 1).toBe(d.summary.total);
      const json = (await (
        await fetch(`${server.base}/export/diff/tinh-uy-lam-dong-2025.json?${q}`)
      ).json()) as {
        changes: { type: string; unitId: string }[];
        summary: { total: number; headline: string };
      };
      expect(json.changes.map((c) => `${c.type} ${c.unitId}`)).toEqual(
        d.nodes.map((c) => `${c.type} ${c.unit.id}`),
      );
      expect(json.summary).toMatchObject({ total: d.summary.total, headline: d.summary.headline });
    },
    SLOW,
  );

  it("answers one line of JSON naming the parameter for bad input", async () => {
    const missing = await fetch(`${server.base}/export/diff/_all.csv?to=2025-07-01`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("from");
    const unknown = await fetch(
      `${server.base}/export/diff/khong-co.json?${`from=${WINDOW.from}&to=${WINDOW.to}`}`,
    );
    expect(unknown.status).toBe(404);
    const format = await fetch(`${server.base}/export/diff/_all.graphml?from=2025-06-30&to=2025-07-01`);
    expect(format.status).toBe(400);
  });
});
