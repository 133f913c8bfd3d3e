/**
 * Limits (README, "Limits"): three known attacks are refused before execution, with a
 * code and the limit named, without a single Cypher round trip, while small queries keep being
 * answered; the queries the README, the tests and the benchmark ask pass; identical reads are
 * merged; a request has a time budget and an answer a size cap.
 */
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODE_MESSAGES_VI } from "../../src/domain/error-messages-vi.ts";
import { RequestTimeoutError, RoundTripCounter } from "../../src/store/database.ts";
import { bumpGraphVersion } from "../../src/store/graph-version.ts";
import { create, gqlAs, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { requestId?: string; cypherRoundTrips?: number };
}

async function post(server: TestServer, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const aliases = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`;

/** Three attacks that were costly on the 38,600-unit national graph. */
const NESTED = `{ unit(id:"gen-tu-ho-chi-minh-2025"){ children(first:500){ nodes { id superior { children(first:500){ nodes { id superior { children(first:500){ nodes { id superior { id name } } } } } } } } } } }`;
const DESCENDANTS_500 = aliases(
  500,
  `unit(id: "tinh-uy-quang-ngai") { descendants(first: 500) { nodes { id name } } }`,
);
const CACHED_PAGE_2000 = aliases(
  2000,
  `unit(id: "tinh-uy-quang-ngai") { children(first: 50) { nodes { id } } }`,
);

/** The refusal every limit gives: HTTP 400, QUERY_TOO_COMPLEX naming the limit, nothing read. */
function expectRefused(answer: Answer, limit: string) {
  expect(answer.status).toBe(400);
  expect(answer.data).toBeUndefined();
  expect(answer.errors).toHaveLength(1);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit });
  expect(answer.errors?.[0]?.message).toContain(limit);
  expect(answer.extensions?.cypherRoundTrips).toBe(0);
}

let server: TestServer;
let manyTokens: TestServer;
let manyAliases: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  // The same attacks past one limit meet the next.
  manyTokens = await startTestServer({ MAX_TOKENS: "100000" });
  manyAliases = await startTestServer({ MAX_TOKENS: "100000", MAX_ALIASES: "100000" });
});
afterAll(async () => {
  await Promise.all([server.close(), manyTokens.close(), manyAliases.close()]);
});

describe("three known attacks", () => {
  it("refuses children → superior → children three levels deep by its cost", async () => {
    const answer = await post(server, NESTED);
    expectRefused(answer, "MAX_QUERY_COST");
    expect(answer.errors?.[0]?.message).toMatch(/^query cost [\d,]+ exceeds MAX_QUERY_COST 100,000$/);
    expect(answer.errors?.[0]?.extensions?.value).toBeGreaterThan(100_000_000);
  });

  it("refuses 500 aliases of descendants(first: 500): tokens, then aliases, then cost", async () => {
    const byTokens = await post(server, DESCENDANTS_500);
    expectRefused(byTokens, "MAX_TOKENS");
    expect(byTokens.errors?.[0]?.message).toBe("token count exceeds MAX_TOKENS 2,000");
    const byAliases = await post(manyTokens, DESCENDANTS_500);
    expectRefused(byAliases, "MAX_ALIASES");
    expect(byAliases.errors?.[0]?.message).toBe("alias count 500 exceeds MAX_ALIASES 30");
    expectRefused(await post(manyAliases, DESCENDANTS_500), "MAX_QUERY_COST");
  });

  it("refuses 2,000 aliases of a cached page: tokens, then aliases, then cost", async () => {
    expectRefused(await post(server, CACHED_PAGE_2000), "MAX_TOKENS");
    expectRefused(await post(manyTokens, CACHED_PAGE_2000), "MAX_ALIASES");
    expectRefused(await post(manyAliases, CACHED_PAGE_2000), "MAX_QUERY_COST");
  });

  it("keeps answering a small query while a stream of attacks runs", async () => {
    const attacks = [NESTED, DESCENDANTS_500, CACHED_PAGE_2000];
    let refused = 0;
    let running = true;
    const stream = async (k: number) => {
      for (let i = k; running; i++) {
        const answer = await post(server, attacks[i % attacks.length] as string);
        expect(answer.status).toBe(400);
        refused++;
      }
    };
    const clients = Array.from({ length: 8 }, (_, k) => stream(k));
    try {
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        const answer = await post(server, `{ unit(id: "tinh-uy-lam-dong") { id name } }`);
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.unit).toEqual({ id: "tinh-uy-lam-dong", name: expect.any(String) });
        // Liveness, not speed (the clients share this process with the server, on a busy machine):
        // before the limits such a query starved for 15 s.
        expect(Date.now() - started).toBeLessThan(10_000);
      }
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(refused).toBeGreaterThan(10);
  });
});

describe("each limit", () => {
  it("refuses a query deeper than MAX_QUERY_DEPTH", async () => {
    const deep = `{ unit(id: "tinh-uy-lam-dong") { ${"superior { ".repeat(11)}id${" }".repeat(11)} } }`;
    const answer = await post(server, deep);
    expectRefused(answer, "MAX_QUERY_DEPTH");
    expect(answer.errors?.[0]?.message).toBe("query depth 13 exceeds MAX_QUERY_DEPTH 12");
  });

  it("refuses more directives than MAX_DIRECTIVES", async () => {
    const answer = await post(server, `{ ${"__typename @include(if: true) ".repeat(51)} }`);
    expectRefused(answer, "MAX_DIRECTIVES");
    expect(answer.errors?.[0]?.message).toBe("directive count 51 exceeds MAX_DIRECTIVES 50");
  });

  it("refuses fragments that expand past what the cost can price", async () => {
    // F16 spreads F15 twice, … F0 is two fields: 2^17 selections from about 200 tokens.
    const fragments = Array.from(
      { length: 16 },
      (_, i) => `fragment F${i + 1} on Unit { ...F${i} ...F${i} }`,
    );
    const bomb = `{ unit(id: "tinh-uy-lam-dong") { ...F16 } } fragment F0 on Unit { id name } ${fragments.join(" ")}`;
    const answer = await post(server, bomb);
    expectRefused(answer, "MAX_QUERY_COST");
    expect(answer.errors?.[0]?.message).toMatch(/^selection count with fragments expanded exceeds 10,000/);
  });

  it("prices a document again when a variable its cost depends on changes (page size, @include)", async () => {
    // Each document is priced once per value of the variables its cost reads; the unit id does not count.
    const paged = `query P($id: ID!, $n: Int) { unit(id: $id) { children(first: $n) { nodes { id
      superior { children(first: 500) { nodes { id } } } } } } }`;
    const small = await post(server, paged, { id: "tinh-uy-lam-dong", n: 1 });
    expect(small.errors).toBeUndefined();
    expect(small.status).toBe(200);
    expectRefused(await post(server, paged, { id: "tinh-uy-quang-ngai", n: 500 }), "MAX_QUERY_COST");
    const included = `query I($id: ID!, $all: Boolean!) { unit(id: $id) { id children(first: 500) @include(if: $all) {
      nodes { id superior { children(first: 500) { nodes { id } } } } } } }`;
    const without = await post(server, included, { id: "tinh-uy-lam-dong", all: false });
    expect(without.errors).toBeUndefined();
    expectRefused(await post(server, included, { id: "tinh-uy-lam-dong", all: true }), "MAX_QUERY_COST");
  });

  it("refuses a third whole-subtree read in one operation, whatever its cost", async () => {
    const reports = (n: number) =>
      aliases(n, `integrityReport(under: "tinh-uy-lam-dong") { counts { count } }`);
    const two = await post(server, reports(2));
    expect(two.errors).toBeUndefined();
    const three = await post(server, reports(3));
    expectRefused(three, "MAX_QUERY_COST");
    expect(three.errors?.[0]?.message).toMatch(/^3 whole-subtree reads .* at most 2/);
  });

  it("prices entity representations however deep a value one of them carries", async () => {
    // A value too deep to serialise once turned pricing off: the operation ran unpriced.
    const r = Array.from({ length: 150 }, () => ({ __typename: "Unit", id: "tinh-uy-lam-dong" }));
    const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
      ... on Unit { descendants(first: 500) { totalCount nodes { id name } } } } }`;
    expectRefused(await post(server, ENTITIES, { r }), "MAX_QUERY_COST");
    // Written out by hand: too deep for JSON.stringify here too.
    const body = JSON.stringify({
      query: ENTITIES,
      variables: { r: [{ ...r[0], x: "DEEP" }, ...r.slice(1)] },
    });
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body.replace('"DEEP"', `${"[".repeat(8_000)}${"]".repeat(8_000)}`),
    });
    expectRefused({ status: res.status, ...((await res.json()) as object) }, "MAX_QUERY_COST");
  });

  it("refuses an operation with an argument pricing cannot read, instead of running it unpriced", async () => {
    // An explicit null for a defaulted nullable variable in an ID! position passes validation and
    // variable coercion; graphql-js would fail only `bad` and run the expensive rest unpriced.
    const costly = `query ($x: ID = "tinh-uy-quang-ngai") { bad: unit(id: $x) { id }
      units(under: "tinh-uy-quang-ngai", first: 500) { nodes { id descendants(first: 500, maxDepth: 10) { nodes { id } } } } }`;
    const priced = await post(server, costly, { x: "tinh-uy-quang-ngai" });
    expectRefused(priced, "MAX_QUERY_COST");
    const unread = await post(server, `${costly} # not priced before`, { x: null });
    expect(unread.status).toBe(400);
    expect(unread.data).toBeUndefined();
    expect(unread.errors).toHaveLength(1);
    expect(unread.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "id" });
    expect(unread.errors?.[0]?.message).toMatch(/^Argument "id" of non-null type "ID!" must not be null/);
    expect(unread.extensions?.cypherRoundTrips).toBe(0);
  });

  it("refuses more aliases than MAX_ALIASES, and lets as many through", async () => {
    expectRefused(await post(server, aliases(31, "stats { units }")), "MAX_ALIASES");
    const answer = await post(server, aliases(30, "stats { units }"));
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data ?? {})).toHaveLength(30);
  });
});

describe("what clients ask", () => {
  it("answers the README's example, the benchmark's questions and GraphiQL's introspection", async () => {
    const units = await post(server, `{ units(first: 100) { nodes { id } } }`);
    const ids = ((units.data?.units as { nodes: { id: string }[] } | undefined)?.nodes ?? []).map(
      (n) => n.id,
    );
    expect(ids.length).toBeGreaterThan(50);
    const asked: [string, Record<string, unknown>?][] = [
      [
        `{ reportingObligations(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2024-06-01") {
            recipient { name kindLabel } frequencyLabels via { name } basis { label excerpt } rule { title } }
          reportingChain(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2025-07-01") {
            from { name } to { name } relation frequencyLabels basis { label } } }`,
      ],
      ...[100, 500].map((first): [string, Record<string, unknown>] => [
        `query Nested($id: ID!, $asOf: Date) { unit(id: $id) { id name children(asOf: $asOf, first: ${first}) {
          totalCount nodes { id name kind superior(asOf: $asOf) { id } reportingObligations(asOf: $asOf) {
            type recipient { id name } frequencies basis { id } rule { id } } } } } }`,
        { id: "tinh-uy-quang-ngai", asOf: "2024-06-01" },
      ]),
      [
        `query Descendants($id: ID!, $asOf: Date) { unit(id: $id) { descendants(asOf: $asOf, first: 50) {
          totalCount edges { depth node { id name kind } } pageInfo { hasNextPage endCursor } } } }`,
        { id: "tinh-uy-quang-ngai", asOf: "2024-06-01" },
      ],
      [
        `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id name kind province validFrom validTo } } }`,
        { r: ids.map((id) => ({ __typename: "Unit", id })) },
      ],
      [getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true })],
    ];
    for (const [query, variables] of asked) {
      const answer = await post(server, query, variables);
      expect(answer.errors, query.slice(0, 60)).toBeUndefined();
      expect(answer.status).toBe(200);
    }
  });
});

describe("merged reads", () => {
  const PAGE = `unit(id: "tinh-uy-quang-ngai") { descendants(first: 200) { totalCount nodes { id } } }`;

  it("reads a page that 25 aliases ask for once, with the result cache off", async () => {
    const uncached = await startTestServer({ RESULT_CACHE_MB: "0" });
    try {
      const one = await post(uncached, `{ ${PAGE} }`);
      const many = await post(uncached, aliases(25, PAGE));
      expect(many.errors).toBeUndefined();
      expect(Object.keys(many.data ?? {})).toHaveLength(25);
      // The unit, then its page: as many round trips as for one alias.
      expect(one.extensions?.cypherRoundTrips).toBe(2);
      expect(many.extensions?.cypherRoundTrips).toBe(2);
    } finally {
      await uncached.close();
    }
  });

  it("reads what 20 concurrent requests ask for once: each reads the graph's version, one reads the rest", async () => {
    // All 20 at once (GRAPHQL_CONCURRENCY's queue would start the last 12 while the first read is
    // under way, issued before they arrived, which they may not join: a read of their own).
    const wide = await startTestServer({ GRAPHQL_CONCURRENCY: "32" });
    try {
      // A new version: nothing is held for it yet.
      await bumpGraphVersion(wide.db);
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(wide, `{ ${PAGE} }`)));
      for (const a of answers) expect(a.errors).toBeUndefined();
      const total = answers.reduce((n, a) => n + (a.extensions?.cypherRoundTrips ?? 0), 0);
      // 20 version reads (shared where they can be, counted for each request), then the unit and
      // its page once (one statement or two, as the loaders batch them): never once per request.
      expect(total - 20).toBeGreaterThanOrEqual(1);
      expect(total - 20).toBeLessThanOrEqual(2);
    } finally {
      await wide.close();
    }
  });
});

describe("time budget", () => {
  it("answers TIMEOUT (503) naming REQUEST_TIMEOUT_MS when a query outlives it", async () => {
    const hurried = await startTestServer({ REQUEST_TIMEOUT_MS: "1", RESULT_CACHE_MB: "0" });
    try {
      const answer = await post(
        hurried,
        `{ unit(id: "bch-trung-uong") { descendants(first: 500) { nodes { id reportingObligations { recipient { id } } } } } }`,
      );
      expect(answer.status).toBe(503);
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: "TIMEOUT",
        limit: "REQUEST_TIMEOUT_MS",
        max: 1,
        messageVi: expect.stringContaining(CODE_MESSAGES_VI.TIMEOUT),
      });
      expect(answer.errors?.[0]?.message).toBe(
        "The request took longer than REQUEST_TIMEOUT_MS 1 ms and was stopped",
      );
      // The service is still there for the next request.
      expect((await post(server, `{ stats { units } }`)).errors).toBeUndefined();
    } finally {
      await hurried.close();
    }
  });

  it("gives a read the rest of its budget as a Neo4j transaction timeout, and starts none after it", async () => {
    const counter = new RoundTripCounter();
    counter.budget = { ms: 300, deadline: Date.now() + 300, enforced: true, answered: false };
    const started = Date.now();
    // Ten billion rows: minutes of work, unless Neo4j stops it.
    await expect(
      server.db.read(
        "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n",
        {},
        counter,
      ),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(20_000);
    const before = counter.count;
    await expect(server.db.read("RETURN 1 AS one", {}, counter)).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(counter.count).toBe(before);
  });

  it("never cuts a mutation short: it is answered when its transaction ends", async () => {
    // 200 ms is less than a write takes here, and more than the request needs before it starts.
    const writer = await startTestServer({ REQUEST_TIMEOUT_MS: "200", JWT_SECRET: TEST_SECRET });
    try {
      const admin = await token("admin", [], "limits-tester");
      await create(writer, admin, { id: "lim-tinh-uy", kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      const answer = await gqlAs(writer, null, `{ unit(id: "lim-tinh-uy") { id } }`);
      expect(answer.data?.unit).toEqual({ id: "lim-tinh-uy" });
    } finally {
      await removeSandbox(server.db, "lim-");
      await writer.close();
    }
  });
});

describe("response size cap", () => {
  it("replaces an answer larger than MAX_RESPONSE_BYTES with RESPONSE_TOO_LARGE naming it", async () => {
    const capped = await startTestServer({ MAX_RESPONSE_BYTES: "2000" });
    try {
      const big = await post(capped, `{ units(first: 100) { nodes { id name } } }`);
      expect(big.status).toBe(400);
      expect(big.data).toBeUndefined();
      expect(big.errors?.[0]?.extensions).toMatchObject({
        code: "RESPONSE_TOO_LARGE",
        limit: "MAX_RESPONSE_BYTES",
        max: 2000,
      });
      expect(big.errors?.[0]?.extensions?.value).toBeGreaterThan(2000);
      expect(big.errors?.[0]?.message).toMatch(/^answer of [\d,]+ bytes exceeds MAX_RESPONSE_BYTES 2,000/);
      expect((await post(capped, `{ stats { units } }`)).errors).toBeUndefined();
    } finally {
      await capped.close();
    }
  });
});
