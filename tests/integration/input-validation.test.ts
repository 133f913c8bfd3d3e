/**
 * Inputs validated at the edge: every bad input a hostile tester tried is a
 * BAD_USER_INPUT (or CONFLICT for a duplicate relation) naming the argument or rule, never a
 * masked internal error, and a refused mutation leaves the graph exactly as it was.
 *
 * The server is started with an explicit JWT_SECRET and tokens carry `exp` (helpers/sandbox.ts),
 * so nothing here rests on a built-in development secret.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";
import { BASIS, CREATE, create, fileSandbox, gqlAs } from "./helpers/sandbox.ts";

const P = "iv-";
const FROM = "2025-07-01";
const { server, admin } = await fileSandbox(P);

beforeAll(async () => {
  // Communes hang directly under a province from the 2025 reform on.
  await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong", FROM);
  for (const x of ["a", "b"])
    await create(server, admin, { id: `${P}xa-${x}`, kind: "COMMUNE_COMMITTEE" }, `${P}tinh-uy`, FROM);
  const cell = { id: `${P}chi-bo`, kind: "BASIC_PARTY_CELL", sector: "AGENCY" };
  await create(server, admin, cell, `${P}xa-a`, FROM);
});

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

/** The first error has this code and names this argument; nothing was masked. */
function expectNamed(errors: Errors, code: string, argument: string): void {
  expect(errors?.[0]?.extensions?.code).toBe(code);
  expect(errors?.[0]?.extensions?.argument).toBe(argument);
  expect(errors?.[0]?.message).toContain(argument);
  expect(JSON.stringify(errors)).not.toMatch(/INTERNAL_SERVER_ERROR|stacktrace/);
}

/** The mutation is refused with `code` naming `argument`, and the graph is unchanged. */
async function expectRefused(
  query: string,
  variables: Record<string, unknown>,
  argument: string,
  code = "BAD_USER_INPUT",
): Promise<Errors> {
  const before = await graphSnapshot(server.db);
  const res = await gqlAs(server, admin, query, variables);
  expect(res.data ?? null).toBeNull();
  expectNamed(res.errors, code, argument);
  expect(await graphSnapshot(server.db)).toEqual(before);
  return res.errors;
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("dates", () => {
  it("changes(since:) takes a real date or a date-time with an offset, and names `since` otherwise", async () => {
    for (const since of ["2025-02-30", "March 7, 2024", "1", "2025-07-01T08:00:00"]) {
      const res = await server.gql(`query ($s: String) { changes(since: $s) { nodes { id } } }`, {
        s: since,
      });
      expectNamed(res.errors, "BAD_USER_INPUT", "since");
    }
    for (const since of ["2000-01-01", "2000-01-01T00:00:00+07:00"]) {
      const res = await server.gql<{ changes: { nodes: { id: string }[] } }>(
        `query ($s: String) { changes(since: $s, first: 1) { nodes { id } } }`,
        { s: since },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.changes.nodes).toHaveLength(1);
    }
  });

  it("names the date argument of reads and of the calendar feed", async () => {
    const read = await server.gql(`{ unit(id: "bch-trung-uong") { superior(asOf: "2025-02-30") { id } } }`);
    expectNamed(read.errors, "BAD_USER_INPUT", "asOf");
    const feed = await fetch(`${server.base}/calendar/${P}xa-a.ics?from=2025-02-30`);
    expect(feed.status).toBe(400);
    expect(((await feed.json()) as { error: { parameter: string } }).error.parameter).toBe("from");
  });

  it("refuses effective dates outside the configured range, for every mutation date", async () => {
    await expectRefused(
      CREATE,
      {
        input: {
          unit: { id: `${P}far`, name: "Xa", kind: "BASIC_PARTY_CELL" },
          superiorId: `${P}xa-a`,
          effectiveOn: "9999-12-31",
          basis: BASIS,
        },
      },
      "input.effectiveOn",
    );
    await expectRefused(
      `mutation { closeUnit(id: "${P}chi-bo", lastDay: "1900-01-01", basis: ["dieu-le-dang-whole"]) { id } }`,
      {},
      "lastDay",
    );
    await expectRefused(
      ADD,
      { input: { ...relation("REPORTS_TO", `${P}xa-a`, `${P}tinh-uy`), validTo: "9999-12-31" } },
      "input.validTo",
    );
    await expectRefused(
      `mutation { setSuperior(unitId: "${P}chi-bo", superiorId: "${P}xa-b", effectiveOn: "2025-02-30", basis: ["dieu-le-dang-whole"]) { id } }`,
      {},
      "effectiveOn",
    );
  });
});

describe("cursors", () => {
  const forged = [
    raw({ id: `${P}xa-a`, depth: 1e308 }),
    raw({ id: "X'; DROP", depth: 1 }),
    "bm90IGpzb24",
    "x",
  ];

  it("refuses forged descendants and units(under:) cursors, naming `after`", async () => {
    for (const after of forged) {
      const d = await server.gql(
        `query ($a: String) { unit(id: "${P}tinh-uy") { descendants(after: $a) { edges { cursor } } } }`,
        { a: after },
      );
      expectNamed(d.errors, "BAD_USER_INPUT", "after");
      const u = await server.gql(
        `query ($a: String) { units(under: "${P}tinh-uy", after: $a) { totalCount } }`,
        {
          a: after,
        },
      );
      expectNamed(u.errors, "BAD_USER_INPUT", "after");
    }
  });

  it("refuses forged children, units and changes cursors, naming `after`", async () => {
    for (const after of [raw({ id: 5 }), raw({ id: "a", more: 1 }), ...forged]) {
      const c = await server.gql(
        `query ($a: String) { unit(id: "${P}tinh-uy") { children(after: $a) { totalCount } } }`,
        { a: after },
      );
      expectNamed(c.errors, "BAD_USER_INPUT", "after");
      const u = await server.gql(`query ($a: String) { units(after: $a) { totalCount } }`, { a: after });
      expectNamed(u.errors, "BAD_USER_INPUT", "after");
    }
    for (const after of [
      raw({ at: "2025-02-30T00:00:00Z", id: "chg-0b6f5a53-8f0e-4d36-9a57-0c2b6f2b9d11" }),
      raw({ at: "2026-01-01T00:00:00Z", id: "chg-x" }),
      raw({ at: "not a time", id: "chg-0b6f5a53-8f0e-4d36-9a57-0c2b6f2b9d11" }),
      "%%%",
    ]) {
      const res = await server.gql(`query ($a: String) { changes(after: $a) { nodes { id } } }`, {
        a: after,
      });
      expectNamed(res.errors, "BAD_USER_INPUT", "after");
    }
  });

  it("still pages with the cursors the service gives", async () => {
    const first = await server.gql<{
      unit: { descendants: { edges: { cursor: string; node: { id: string } }[] } };
    }>(`{ unit(id: "${P}tinh-uy") { descendants(first: 1) { edges { cursor node { id } } } } }`);
    const cursor = first.data?.unit.descendants.edges[0]?.cursor;
    const next = await server.gql<{ unit: { descendants: { edges: { node: { id: string } }[] } } }>(
      `query ($a: String) { unit(id: "${P}tinh-uy") { descendants(first: 10, after: $a) { edges { node { id } } } } }`,
      { a: cursor },
    );
    expect(next.errors).toBeUndefined();
    expect(next.data?.unit.descendants.edges.map((e) => e.node.id)).toEqual([`${P}xa-b`, `${P}chi-bo`]);
    const changes = await server.gql<{ changes: { pageInfo: { endCursor: string } } }>(
      `{ changes(since: "2000-01-01", first: 1) { pageInfo { endCursor } } }`,
    );
    const more = await server.gql(`query ($a: String) { changes(first: 1, after: $a) { nodes { id } } }`, {
      a: changes.data?.changes.pageInfo.endCursor,
    });
    expect(more.errors).toBeUndefined();
  });
});

describe("_entities", () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id } } }`;

  it("refuses representations that are not entity references, naming `representations` and the index", async () => {
    const cases: [unknown[], number][] = [
      [[{}], 0],
      [[123], 0],
      [[{ __typename: "Nope" }], 0],
      [[{ __typename: "Unit" }], 0],
      [[{ __typename: "Unit", id: 5 }], 0],
      [
        [
          { __typename: "Unit", id: `${P}xa-a` },
          { __typename: "Unit", id: null },
        ],
        1,
      ],
    ];
    for (const [representations, index] of cases) {
      const res = await server.gql(ENTITIES, { r: representations });
      expectNamed(res.errors, "BAD_USER_INPUT", "representations");
      expect(res.errors?.[0]?.extensions?.index).toBe(index);
    }
  });

  it("refuses them written as literals too, and resolves good ones", async () => {
    const literal = await server.gql(`{ _entities(representations: [{}]) { ... on Unit { id } } }`);
    expectNamed(literal.errors, "BAD_USER_INPUT", "representations");
    const good = await server.gql<{ _entities: { id: string }[] }>(ENTITIES, {
      r: [{ __typename: "Unit", id: `${P}xa-a` }],
    });
    expect(good.data?._entities).toEqual([{ id: `${P}xa-a` }]);
  });
});

const ADD = `mutation ($input: AddRelationInput!) { addRelation(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateUnitInput!) { updateUnit(input: $input) { id } }`;
const MERGE = `mutation ($input: MergeUnitsInput!) { mergeUnits(input: $input) { id } }`;
const SPLIT = `mutation ($input: SplitUnitInput!) { splitUnit(input: $input) { id } }`;

const relation = (type: string, fromId: string, toId: string, validFrom = "2025-08-01") => ({
  type,
  fromId,
  toId,
  validFrom,
  basis: BASIS,
});

const newUnit = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  input: {
    unit: { id, name, kind: "BASIC_PARTY_CELL", sector: "AGENCY", ...extra },
    superiorId: `${P}xa-a`,
    effectiveOn: "2025-08-01",
    basis: BASIS,
  },
});

describe("free text", () => {
  it("bounds names and refuses control and bidirectional-override characters", async () => {
    await expectRefused(CREATE, newUnit(`${P}long`, "x".repeat(200_000)), "input.unit.name");
    await expectRefused(CREATE, newUnit(`${P}nul`, "Chi bộ\u0000 A"), "input.unit.name");
    await expectRefused(CREATE, newUnit(`${P}rlo`, "Chi bộ \u202Egnod maL"), "input.unit.name");
    await expectRefused(CREATE, newUnit(`${P}iso`, "Chi bộ \u2067A\u2069"), "input.unit.name");
    await expectRefused(CREATE, newUnit(`${P}note`, "Chi bộ", { note: "a\u202Db" }), "input.unit.note");
    await expectRefused(
      CREATE,
      newUnit(`${P}prov`, "Chi bộ", { province: "Lâm Đồng" }),
      "input.unit.province",
    );
    const huge = newUnit(`${P}sup`, "Chi bộ");
    await expectRefused(
      CREATE,
      { input: { ...huge.input, superiorId: "x".repeat(100_000) } },
      "input.superiorId",
    );
    await expectRefused(
      UPDATE,
      { input: { id: `${P}chi-bo`, effectiveOn: "2025-09-01", basis: BASIS, name: "Tên\nmới" } },
      "input.name",
    );
    await expectRefused(
      ADD,
      { input: { ...relation("REPORTS_TO", `${P}xa-a`, `${P}tinh-uy`), subject: "x".repeat(2001) } },
      "input.subject",
    );
    await expectRefused(
      `mutation ($n: String) { closeUnit(id: "${P}chi-bo", lastDay: "2025-09-01", basis: ["dieu-le-dang-whole"], note: $n) { id } }`,
      { n: "\u0007" },
      "note",
    );
  });

  it("keeps a clean name, in NFC", async () => {
    const res = await gqlAs<{ createUnit: { units: { id: string }[] } }>(
      server,
      admin,
      CREATE,
      newUnit(`${P}nfc`, "  Chi bộ Đằng  ".normalize("NFD")),
    );
    expect(res.errors).toBeUndefined();
    const unit = await server.gql<{ unit: { name: string } }>(`{ unit(id: "${P}nfc") { name } }`);
    expect(unit.data?.unit.name).toBe("Chi bộ Đằng");
  });
});

describe("relations", () => {
  it("refuses a relation from a unit to itself (NO_SELF_RELATION)", async () => {
    const errors = await expectRefused(
      ADD,
      { input: relation("COORDINATES_WITH", `${P}xa-a`, `${P}xa-a`) },
      "input.toId",
    );
    expect(errors?.[0]?.extensions?.rule).toBe("NO_SELF_RELATION");
  });

  it("refuses a duplicate overlapping relation (CONFLICT, DUPLICATE_RELATION, naming the existing one)", async () => {
    const first = await gqlAs(server, admin, ADD, {
      input: { ...relation("COORDINATES_WITH", `${P}xa-a`, `${P}xa-b`), validTo: "2025-12-31" },
    });
    expect(first.errors).toBeUndefined();
    const before = await graphSnapshot(server.db);
    const res = await gqlAs(server, admin, ADD, {
      input: relation("COORDINATES_WITH", `${P}xa-a`, `${P}xa-b`, "2025-10-01"),
    });
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "CONFLICT",
      rule: "DUPLICATE_RELATION",
      relations: [`coordinates_with.${P}xa-a.${P}xa-b.2025-08-01`],
    });
    expect(await graphSnapshot(server.db)).toEqual(before);
    // After the first one ends, the same relation may begin again.
    const later = await gqlAs(server, admin, ADD, {
      input: relation("COORDINATES_WITH", `${P}xa-a`, `${P}xa-b`, "2026-01-01"),
    });
    expect(later.errors).toBeUndefined();
  });

  it("refuses a channel that names a unit twice", async () => {
    await expectRefused(
      ADD,
      { input: { ...relation("REPORTS_TO", `${P}chi-bo`, `${P}tinh-uy`), via: [`${P}xa-a`, `${P}xa-a`] } },
      "input.via",
    );
  });
});

describe("repeated ids in restructurings", () => {
  it("refuses a merge that names a source twice", async () => {
    await expectRefused(
      MERGE,
      {
        input: {
          sourceIds: [`${P}xa-a`, `${P}xa-a`],
          into: { id: `${P}xa-ab`, name: "Xã AB", kind: "COMMUNE_COMMITTEE" },
          effectiveOn: "2026-01-01",
          basis: BASIS,
        },
      },
      "input.sourceIds",
    );
  });

  it("refuses a merge whose subordinatesBasis names an unknown provision", async () => {
    await expectRefused(
      MERGE,
      {
        input: {
          sourceIds: [`${P}xa-a`, `${P}xa-b`],
          into: { id: `${P}xa-ab`, name: "Xã AB", kind: "COMMUNE_COMMITTEE" },
          effectiveOn: "2026-01-01",
          basis: BASIS,
          subordinatesBasis: ["no-such-provision"],
        },
      },
      "input.subordinatesBasis",
    );
  });

  it("refuses a split with two parts of one id, or a child assigned twice", async () => {
    const part = (id: string) => ({ id, name: id, kind: "COMMUNE_COMMITTEE" });
    await expectRefused(
      SPLIT,
      {
        input: {
          sourceId: `${P}xa-a`,
          parts: [part(`${P}xa-a1`), part(`${P}xa-a1`)],
          effectiveOn: "2026-01-01",
          basis: BASIS,
        },
      },
      "input.parts",
    );
    await expectRefused(
      SPLIT,
      {
        input: {
          sourceId: `${P}xa-a`,
          parts: [part(`${P}xa-a1`), part(`${P}xa-a2`)],
          assignments: [
            { childId: `${P}chi-bo`, partId: `${P}xa-a1` },
            { childId: `${P}chi-bo`, partId: `${P}xa-a2` },
          ],
          effectiveOn: "2026-01-01",
          basis: BASIS,
        },
      },
      "input.assignments",
    );
  });
});

describe("numbers", () => {
  const cases: [string, string][] = [
    [`query ($n: Int) { unit(id: "${P}tinh-uy") { children(first: $n) { totalCount } } }`, "first"],
    [`query ($n: Int) { unit(id: "${P}tinh-uy") { descendants(first: $n) { totalCount } } }`, "first"],
    [`query ($n: Int) { unit(id: "${P}tinh-uy") { descendants(maxDepth: $n) { totalCount } } }`, "maxDepth"],
    [`query ($n: Int) { units(first: $n) { totalCount } }`, "first"],
    [`query ($n: Int) { searchUnits(text: "lam dong", first: $n) { id } }`, "first"],
    [`query ($n: Int) { changes(first: $n) { nodes { id } } }`, "first"],
    [`query ($n: Int) { neighbourhood(unitId: "${P}tinh-uy", depth: $n) { nodes { id } } }`, "depth"],
  ];

  it("names every Int argument given a negative or a huge value", async () => {
    for (const [query, argument] of cases)
      for (const n of [-1, 2_147_483_647]) {
        const res = await server.gql(query, { n });
        expectNamed(res.errors, "BAD_USER_INPUT", argument);
      }
  });

  it("refuses values beyond 32 bits before execution", async () => {
    for (const [query] of cases) {
      const res = await server.gql(query, { n: 1e308 });
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(res.errors?.[0]?.message).toMatch(/\$n/);
    }
  });
});
