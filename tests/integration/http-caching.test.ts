/** HTTP caching of reads over GET: ETag from the graph's version and the request, 304, Cache-Control, Vary. */
import { describe, expect, it } from "vitest";
import { create, fileSandbox, token } from "./helpers/sandbox.ts";
import { startTestServer } from "./helpers/test-server.ts";

const P = "etag-";
// No subscription poller: the statement count below is the requests' own.
const { server, admin } = await fileSandbox(P, { LIVE_MAX_CONNECTIONS_PER_CLIENT: "0" });

const UNIT = "query Unit($id: ID!) { unit(id: $id) { id name } }";

function get(params: Record<string, string>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams(params);
  return fetch(`${server.url}?${search}`, { headers: { "apollo-require-preflight": "1", ...headers } });
}

const unitParams = (id: string) => ({ query: UNIT, variables: JSON.stringify({ id }) });

describe("reads over GET", () => {
  it("carry a weak ETag, public revalidated caching and Vary; a matching If-None-Match is a 304 without a body", async () => {
    const first = await get(unitParams("chi-bo-so-noi-vu-quang-ngai"));
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"[\w-]{32}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(first.headers.get("vary")).toMatch(/Authorization/);
    expect(first.headers.get("vary")).toMatch(/Origin/);
    expect(((await first.json()) as { data: { unit: { id: string } } }).data.unit.id).toBe(
      "chi-bo-so-noi-vu-quang-ngai",
    );

    const again = await get(unitParams("chi-bo-so-noi-vu-quang-ngai"), { "if-none-match": etag as string });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(await again.text()).toBe("");
  });

  it("has another ETag for other variables, and for another reader; a token's read is private", async () => {
    const a = await get(unitParams("chi-bo-so-noi-vu-quang-ngai"));
    const b = await get(unitParams("bch-trung-uong"));
    const viewer = await token("viewer", [], "etag-viewer");
    const withToken = await get(unitParams("chi-bo-so-noi-vu-quang-ngai"), {
      authorization: `Bearer ${viewer}`,
    });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get("cache-control")).toBe("private, no-cache");
    const tags = [a, b, withToken].map((r) => r.headers.get("etag"));
    expect(new Set(tags).size).toBe(3);
    // The anonymous tag does not make the token's read fresh.
    const crossed = await get(unitParams("chi-bo-so-noi-vu-quang-ngai"), {
      authorization: `Bearer ${viewer}`,
      "if-none-match": tags[0] as string,
    });
    expect(crossed.status).toBe(200);
  });

  it("answers 200 with a new ETag once a write has changed the graph's version", async () => {
    const before = await get(unitParams("bch-trung-uong"));
    const etag = before.headers.get("etag") as string;
    await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
    const after = await get(unitParams("bch-trung-uong"), { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.headers.get("etag")).toMatch(/^W\/"[\w-]{32}"$/);
  });

  it("gives an answer with errors no ETag and no-store", async () => {
    const res = await get(unitParams("no-such-unit-anywhere"));
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(res.headers.get("etag")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("other requests", () => {
  it("POST answers carry no ETag (Express's body hash is off for /graphql)", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ stats { units } }" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeNull();
  });

  it("a mutation over GET is refused (405) and nothing is written", async () => {
    const id = `${P}over-get`;
    const mutation = `mutation { createUnit(input: { unit: { id: "${id}", name: "x", kind: PROVINCIAL_COMMITTEE }, superiorId: "bch-trung-uong", effectiveOn: "2020-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
    const res = await get({ query: mutation }, { authorization: `Bearer ${admin}` });
    expect(res.status).toBe(405);
    expect(res.headers.get("etag")).toBeNull();
    const body = (await res.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/only support query/);
    const check = await server.gql<{ unit: unknown }>(`{ unit(id: "${id}") { id } }`);
    expect(check.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("gives a reader who may not read no ETag and no 304, not even for If-None-Match: *", async () => {
    const closed = await startTestServer({
      READ_ACCESS: "authenticated",
      LIVE_MAX_CONNECTIONS_PER_CLIENT: "0",
    });
    try {
      const search = new URLSearchParams(unitParams("bch-trung-uong"));
      const res = await fetch(`${closed.url}?${search}`, {
        headers: { "apollo-require-preflight": "1", "if-none-match": "*" },
      });
      expect(res.status).not.toBe(304);
      expect(res.headers.get("etag")).toBeNull();
      const body = (await res.json()) as { errors?: { extensions?: { code?: string; rule?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(body.errors?.[0]?.extensions?.rule).toBe("READ_ACCESS");
    } finally {
      await closed.close();
    }
  });
});

/** Cypher statements this server has run so far (its /metrics counter). */
async function statementsRun(): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("party_org_graph_cypher_statements_total{"))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

describe("a GET whose answer is held", () => {
  it("costs one statement: the versions read for its ETag also serve the result cache's check", async () => {
    // Other test files write to the same database meanwhile, and a write between the two GETs
    // makes the second a miss (two statements): the fewest over a few tries is the held case.
    const costs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const params = unitParams("chi-bo-so-noi-vu-quang-ngai");
      expect((await get(params)).status).toBe(200);
      const before = await statementsRun();
      const res = await get(params);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        data: { unit: { id: string } };
        extensions?: { cypherRoundTrips?: number };
      };
      expect(body.data.unit.id).toBe("chi-bo-so-noi-vu-quang-ngai");
      costs.push((await statementsRun()) - before);
    }
    expect(Math.min(...costs)).toBe(1);
  });
});
