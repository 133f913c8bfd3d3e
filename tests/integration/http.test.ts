/** The HTTP surface: health, readiness, GraphiQL from local assets, and a query answered from Neo4j. */

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startServer } from "../../src/server.ts";
import { Database } from "../../src/store/database.ts";
import { randomSecret } from "../support/secrets.ts";
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
    expect(await (await fetch(`${server.base}/health`)).json()).toEqual({
      status: "ok",
      database: { state: "up", since: expect.any(String) },
    });
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
      // The packages' builds are large; our own start script and page style are small.
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(
        asset.includes(".min.") ? 1000 : 20,
      );
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
    // A unit written behind the service's back with a kind the schema does not know: serialising
    // it fails inside execution, an error no code path expects.
    const id = "http-test-corrupt-unit";
    await server.db.write(
      "CREATE (:Unit {id: $id, name: 'Corrupt', kind: 'NOT_A_KIND', level: 'BASIC', validFrom: date('2020-01-01')})",
      { id },
    );
    try {
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "req-unexpected-1" },
        body: JSON.stringify({ query: `{ unit(id: "${id}") { id kind } }` }),
      });
      const body = (await res.json()) as {
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      };
      expect(body.errors?.[0]).toMatchObject({
        message: "Internal server error (request id req-unexpected-1)",
        extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-unexpected-1" },
      });
      expect(JSON.stringify(body)).not.toMatch(/NOT_A_KIND|UnitKind|stacktrace|at .*\.ts:\d+/);
    } finally {
      await server.db.write("MATCH (u:Unit {id: $id}) DETACH DELETE u", { id });
    }
  });

  it("passes a query the schema refuses through with its own code, and no stack trace", async () => {
    const res = await server.gql("{ stats { units nope } }");
    expect(res.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it("answers SERVICE_UNAVAILABLE with the request id when Neo4j is unreachable, and logs it under that id", async () => {
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => lines.push(line) });
    const unused = randomSecret();
    // Retried for 1 s rather than the driver's 30 s: the answer is the same, only sooner.
    const db = new Database({
      uri: "bolt://127.0.0.1:1",
      user: "neo4j",
      password: unused,
      maxTransactionRetryMs: 1000,
    });
    const config = loadConfig({
      NEO4J_URI: "bolt://127.0.0.1:1",
      NEO4J_PASSWORD: unused,
      LOG_LEVEL: "error",
    });
    const down = await startServer({ db, config, log, port: 0, host: "127.0.0.1" });
    try {
      const res = await fetch(down.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "req-unreachable-1" },
        body: JSON.stringify({ query: "{ stats { units } }" }),
      });
      const body = (await res.json()) as {
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      };
      expect(res.headers.get("x-request-id")).toBe("req-unreachable-1");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(body.errors?.[0]).toMatchObject({
        message: "The database is unavailable (request id req-unreachable-1)",
        extensions: { code: "SERVICE_UNAVAILABLE", retryable: true, requestId: "req-unreachable-1" },
      });
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stacktrace|\.ts:\d+/);
      const logged = lines.map((l) => JSON.parse(l) as { requestId?: string; msg?: string; err?: unknown });
      expect(logged).toContainEqual(
        expect.objectContaining({
          requestId: "req-unreachable-1",
          msg: "request failed",
          err: expect.anything(),
        }),
      );
    } finally {
      await down.stop();
      await db.close();
    }
  });
});
