/** The HTTP surface: health, readiness, GraphiQL from local assets, and a query answered from Neo4j. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Database } from "../../src/store/database.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("HTTP", () => {
  it("answers /health and /ready", async () => {
    expect(await (await fetch(`${server.base}/health`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  it("serves GraphiQL and its assets locally, with no CDN", async () => {
    const page = await fetch(`${server.base}/graphiql`);
    const html = await page.text();
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of html.match(/\/assets\/[\w.-]+/g) ?? []) {
      const res = await fetch(`${server.base}${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
    const browser = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(await browser.text()).toContain("GraphiQL");
  });

  it("answers a GraphQL query from Neo4j, reporting its request id and round trips", async () => {
    const res = await server.gql<{ stats: { units: number; relations: number } }>(
      "{ stats { units relations documents provisions } }",
    );
    expect(res.errors).toBeUndefined();
    const direct = await server.db.read("MATCH (u:Unit) RETURN count(u) AS n");
    expect(res.data?.stats.units).toBe(direct[0]?.n);
    expect(res.data?.stats.units).toBeGreaterThan(50);
    expect(res.extensions?.cypherRoundTrips).toBe(1);
    expect(res.extensions?.requestId).toMatch(/^[\w-]+$/);
  });

  it("talks to Neo4j through a routing neo4j:// URI as well as bolt://", async () => {
    const neo4j = inject("neo4j");
    const routed = new Database({ ...neo4j, uri: neo4j.uri.replace(/^bolt:/, "neo4j:") });
    try {
      await routed.verify();
      const rows = await routed.read("MATCH (u:Unit) RETURN count(u) AS n");
      expect(rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await routed.close();
    }
  });

  it("masks unexpected errors and never sends a stack trace", async () => {
    const res = await server.gql("{ stats { units nope } }");
    expect(res.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
