/** The traversal API over HTTP: units, pages, search, relations, tasks, errors, and bounded round trips. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  // Round-trip counts here describe the queries themselves, so the result cache is off; with it
  // on, a request first reads the graph's version (tests/integration/result-cache.test.ts).
  server = await startTestServer({ RESULT_CACHE_MB: "0" });
});
afterAll(async () => {
  await server.close();
});

describe("units", () => {
  it("reads a unit with its kind label, superior and source", async () => {
    const res = await server.gql<{ unit: Record<string, unknown> }>(
      `{ unit(id: "tinh-uy-lam-dong") { id name kind kindLabel level synthetic validTo superior(asOf: "2024-01-01") { id } source { label } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit).toMatchObject({
      id: "tinh-uy-lam-dong",
      kind: "PROVINCIAL_COMMITTEE",
      kindLabel: "Tỉnh ủy / Thành ủy",
      synthetic: false,
      validTo: "2025-06-30",
      superior: { id: "bch-trung-uong" },
    });
  });

  it("returns null for a unit not in force on asOf, and NOT_FOUND for an unknown id", async () => {
    const gone = await server.gql<{ unit: unknown }>(
      `{ unit(id: "tinh-uy-lam-dong", asOf: "2025-07-01") { id } }`,
    );
    expect(gone.data?.unit).toBeNull();
    const unknown = await server.gql(`{ unit(id: "khong-co") { id } }`);
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: "NOT_FOUND", id: "khong-co" } });
    expect(unknown.errors?.[0]?.message).toContain('"khong-co"');
  });

  it("pages children with cursors and a total count", async () => {
    const q = `query ($after: String) { unit(id: "tinh-uy-quang-ngai") {
      children(asOf: "2024-06-01", first: 3, after: $after) { totalCount edges { cursor relation node { id } } pageInfo { hasNextPage endCursor } }
    } }`;
    type Page = {
      unit: {
        children: {
          totalCount: number;
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const res: { data?: Page | null; errors?: unknown } = await server.gql<Page>(q, { after });
      expect(res.errors).toBeUndefined();
      const page = res.data?.unit.children;
      if (!page) break;
      total = page.totalCount;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(3);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
  });

  it("lists descendants breadth-first with their depth", async () => {
    const res = await server.gql<{
      unit: { descendants: { totalCount: number; edges: { depth: number; node: { id: string } }[] } };
    }>(
      `{ unit(id: "tinh-uy-quang-ngai") { descendants(asOf: "2024-06-01", maxDepth: 3, first: 200) { totalCount edges { depth node { id } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const edges = res.data?.unit.descendants.edges ?? [];
    expect(edges.length).toBeGreaterThan(5);
    const depths = edges.map((e) => e.depth);
    expect([...depths].sort((a, b) => a - b)).toEqual(depths);
    expect(edges.map((e) => e.node.id)).toContain("chi-bo-so-noi-vu-quang-ngai");
  });

  it("lists units of a kind under an ancestor", async () => {
    const res = await server.gql<{ units: { nodes: { id: string; kind: string }[] } }>(
      `{ units(kinds: [BASIC_PARTY_CELL], under: "tinh-uy-quang-ngai", asOf: "2024-06-01", first: 100) { nodes { id kind } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.units.nodes.length).toBeGreaterThan(0);
    for (const u of res.data?.units.nodes ?? []) expect(u.kind).toBe("BASIC_PARTY_CELL");
  });
});

describe("searchUnits", () => {
  const search = async (text: string, asOf?: string) => {
    const res = await server.gql<{ searchUnits: { id: string; name: string }[] }>(
      `query ($text: String!, $asOf: Date) { searchUnits(text: $text, first: 10, asOf: $asOf) { id name } }`,
      { text, asOf },
    );
    expect(res.errors).toBeUndefined();
    return res.data?.searchUnits ?? [];
  };

  it('finds "Tỉnh ủy Lâm Đồng" from "tinh uy lam dong", first', async () => {
    const found = await search("tinh uy lam dong", "2024-06-01");
    expect(found[0]?.id).toBe("tinh-uy-lam-dong");
  });

  it('finds the bloc committees from "ĐẢNG ỦY KHỐI"', async () => {
    const found = await search("ĐẢNG ỦY KHỐI", "2024-06-01");
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((u) => u.id.startsWith("dang-uy-khoi"))).toBe(true);
  });

  it("finds partial words", async () => {
    const found = await search("quang ng", "2024-06-01");
    expect(found.some((u) => u.id === "tinh-uy-quang-ngai")).toBe(true);
  });

  it("honours asOf", async () => {
    const after = await search("tinh uy lam dong", "2025-08-01");
    expect(after.map((u) => u.id)).not.toContain("tinh-uy-lam-dong");
    expect(after.map((u) => u.id)).toContain("tinh-uy-lam-dong-2025");
  });
});

describe("relations", () => {
  // One named relation of each type in the seed: its source unit and a day it is in force.
  const RELATION_FIXTURES: [type: string, unitId: string, asOf: string][] = [
    ["SUBORDINATE_TO", "tinh-uy-lam-dong", "2024-06-01"],
    ["PART_OF", "bo-chinh-tri", "2024-06-01"],
    ["LEADS", "ban-can-su-dang-ubnd-tinh-lam-dong", "2024-06-01"],
    ["REPORTS_TO", "ban-to-chuc-tinh-uy-lam-dong-2025", "2025-09-01"],
    ["COORDINATES_WITH", "ban-to-chuc-tinh-uy-lam-dong-2025", "2025-09-01"],
    ["ADVISES", "ban-to-chuc-trung-uong", "2024-06-01"],
    ["INSPECTS", "tinh-uy-lam-dong", "2024-06-01"],
    ["GUIDES", "tinh-uy-lam-dong", "2024-06-01"],
    ["NOTIFIES", "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong", "2024-06-01"],
  ];

  it.each(RELATION_FIXTURES)("returns %s relations of %s, each with a basis", async (type, id, asOf) => {
    const res = await server.gql<{ relations: { type: string; basis: { id: string }[] }[] }>(
      `query ($id: ID!, $types: [RelationType!], $asOf: Date) { relations(unitId: $id, types: $types, direction: OUT, asOf: $asOf) { type basis { id } } }`,
      { id, types: [type], asOf },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.relations.length).toBeGreaterThan(0);
    for (const r of res.data?.relations ?? []) {
      expect(r.type).toBe(type);
      expect(r.basis.length).toBeGreaterThan(0);
    }
  });

  it("includes relations derived from kind-level rules, naming the rule", async () => {
    const res = await server.gql<{
      relations: { type: string; to: { id: string }; rule: { id: string } | null }[];
    }>(
      `{ relations(unitId: "chi-bo-so-noi-vu-quang-ngai", direction: OUT, asOf: "2024-06-01") { type to { id } rule { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    const derived = res.data?.relations.filter((r) => r.rule) ?? [];
    expect(
      derived.some((r) => r.type === "REPORTS_TO" && r.to.id === "dang-uy-khoi-co-quan-quang-ngai"),
    ).toBe(true);
  });

  it("finds a path between two units and none to a unit out of force", async () => {
    const res = await server.gql<{
      pathBetween: { type: string; from: { id: string }; to: { id: string } }[] | null;
    }>(
      `{ pathBetween(fromId: "chi-bo-so-noi-vu-quang-ngai", toId: "bch-trung-uong", types: [SUBORDINATE_TO], asOf: "2024-06-01") { type from { id } to { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.pathBetween?.map((r) => r.type)).toEqual([
      "SUBORDINATE_TO",
      "SUBORDINATE_TO",
      "SUBORDINATE_TO",
    ]);
    const none = await server.gql<{ pathBetween: unknown }>(
      `{ pathBetween(fromId: "tinh-uy-lam-dong", toId: "tinh-uy-lam-dong-2025", types: [SUBORDINATE_TO], asOf: "2024-06-01") { type } }`,
    );
    expect(none.data?.pathBetween).toBeNull();
  });

  it("draws a neighbourhood whose edges stay among its nodes", async () => {
    const res = await server.gql<{
      neighbourhood: { nodes: { id: string }[]; edges: { from: { id: string }; to: { id: string } }[] };
    }>(
      `{ neighbourhood(unitId: "tinh-uy-quang-ngai", depth: 2, asOf: "2024-06-01") { nodes { id } edges { from { id } to { id } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const ids = new Set(res.data?.neighbourhood.nodes.map((n) => n.id));
    expect(ids.has("tinh-uy-quang-ngai")).toBe(true);
    expect(ids.size).toBeGreaterThan(5);
    for (const e of res.data?.neighbourhood.edges ?? []) {
      expect(ids.has(e.from.id)).toBe(true);
      expect(ids.has(e.to.id)).toBe(true);
    }
  });
});

describe("tasks", () => {
  it("lists the tasks a unit leads the advice on, with deadlines and every role", async () => {
    const res = await server.gql<{
      tasks: {
        role: string;
        roleLabel: string;
        task: { code: string; deadline: { type: string; text: string }; assignments: { role: string }[] };
      }[];
    }>(
      `{ tasks(unitId: "ban-to-chuc-tinh-uy-quang-ngai", role: LEADS_ADVICE) { role roleLabel task { code deadline { type text } assignments { role } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const list = res.data?.tasks ?? [];
    expect(list.length).toBeGreaterThan(0);
    for (const a of list) {
      expect(a.role).toBe("LEADS_ADVICE");
      expect(a.roleLabel).toBe("chủ trì tham mưu");
      expect(a.task.assignments.some((x) => x.role === "LEADS_ADVICE")).toBe(true);
    }
  });

  // A unit the Quảng Ngãi plan names in each task role (task 2.1.1.a and its neighbours).
  const ROLE_FIXTURES: [role: string, unitId: string][] = [
    ["DIRECTS", "ban-thuong-vu-tinh-uy-quang-ngai"],
    ["LEADS_ADVICE", "ban-to-chuc-tinh-uy-quang-ngai"],
    ["COORDINATES", "ban-tuyen-giao-tinh-uy-quang-ngai"],
    ["CARRIES_OUT", "ban-thuong-vu-dang-uy-khoi-co-quan-quang-ngai"],
  ];

  it.each(ROLE_FIXTURES)("lists the tasks %s names %s in", async (role, id) => {
    const res = await server.gql<{
      tasks: { role: string; unit: { id: string }; task: { code: string } }[];
    }>(
      `query ($id: ID!, $role: TaskRole) { tasks(unitId: $id, role: $role) { role unit { id } task { code } } }`,
      { id, role },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.tasks.length).toBeGreaterThan(0);
    for (const a of res.data?.tasks ?? []) expect(a).toMatchObject({ role, unit: { id } });
  });

  it("reads a task by code with its quarter deadline", async () => {
    const res = await server.gql<{
      task: {
        deadline: { type: string; year: number; quarter: number; dueDate: string; recurring: boolean };
      };
    }>(
      `query ($code: String!) { task(code: $code) { deadline { type year quarter dueDate recurring } overdue(asOf: "2030-01-01") } }`,
      { code: "2.1.1.a" }, // Quý III/2022
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.task.deadline).toMatchObject({
      type: "QUARTER",
      year: 2022,
      quarter: 3,
      dueDate: "2022-09-30",
      recurring: false,
    });
  });

  it("leaves a deadline relative to an unrecorded event pending, with no due date", async () => {
    const res = await server.gql<{
      task: {
        deadline: { type: string; pending: boolean; dueDate: string | null; after: { title: string } | null };
      };
    }>(
      `query ($code: String!) { task(code: $code) { deadline { type pending dueDate after { title } } } }`,
      { code: "2.1.2.a" }, // 3 months after the Centre's model working rules
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.task.deadline).toMatchObject({ type: "RELATIVE", pending: true, dueDate: null });
    expect(res.data?.task.deadline.after?.title).toEqual(expect.any(String));
  });
});

describe("bad input", () => {
  const cases: [string, string, RegExp][] = [
    [
      "a malformed date",
      `{ reportingChain(unitId: "tinh-uy-lam-dong", asOf: "2025-13-01") { relation } }`,
      /asOf/,
    ],
    [
      "a negative first",
      `{ unit(id: "tinh-uy-quang-ngai") { children(first: -1) { totalCount } } }`,
      /first/,
    ],
    [
      "a depth over the limit",
      `{ neighbourhood(unitId: "tinh-uy-quang-ngai", depth: 9) { nodes { id } } }`,
      /depth/,
    ],
    [
      "an unknown cursor",
      `{ unit(id: "tinh-uy-quang-ngai") { children(after: "not-a-cursor") { totalCount } } }`,
      /after/,
    ],
    [
      "a maxDepth of zero",
      `{ unit(id: "tinh-uy-quang-ngai") { descendants(maxDepth: 0) { totalCount } } }`,
      /maxDepth/,
    ],
    ["an empty search", `{ searchUnits(text: "  ") { id } }`, /text/],
  ];
  for (const [name, query, argument] of cases) {
    it(`gives BAD_USER_INPUT naming the argument for ${name}`, async () => {
      const res = await server.gql(query);
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(res.errors?.[0]?.message).toMatch(argument);
      expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace/);
    });
  }

  it("rejects a malformed date passed as a variable, naming the argument", async () => {
    const res = await server.gql(
      `query ($d: Date) { reportingObligations(unitId: "tinh-uy-lam-dong", asOf: $d) { type } }`,
      {
        d: "30/06/2025",
      },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.message).toMatch(/asOf/);
  });
});

describe("round trips", () => {
  it("a unit → its children → each child's obligations and superior costs at most 3 Cypher round trips", async () => {
    const res = await server.gql<{ unit: { children: { nodes: unknown[] } } }>(
      `{ unit(id: "tinh-uy-quang-ngai") {
          children(asOf: "2024-06-01", first: 100) { nodes {
            id superior(asOf: "2024-06-01") { id name }
            reportingObligations(asOf: "2024-06-01") { recipient { id name } frequencies via { id } basis { label excerpt document { number } } rule { id title } }
          } }
      } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.children.nodes.length).toBeGreaterThan(5);
    expect(res.extensions?.cypherRoundTrips).toBeLessThanOrEqual(3);
  });

  it("the cost does not grow with the number of children", async () => {
    const q = (
      first: number,
    ) => `{ units(kinds: [BASIC_PARTY_CELL, SUBORDINATE_PARTY_CELL, BASIC_PARTY_COMMITTEE, COMMUNE_COMMITTEE], asOf: "2024-06-01", first: ${first}) {
      nodes { id superior(asOf: "2024-06-01") { id } reportingObligations(asOf: "2024-06-01") { recipient { name } basis { label } } }
    } }`;
    const one = await server.gql(q(1));
    const many = await server.gql(q(100));
    expect(many.errors).toBeUndefined();
    expect(many.extensions?.cypherRoundTrips).toBe(one.extensions?.cypherRoundTrips);
  });
});
