/** A persisted-query hash that does not match the query is the client's error, not a masked one. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

describe("persisted-query hash", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a hash that does not match the query with BAD_REQUEST (400)", async () => {
    const params = new URLSearchParams({
      query: "{ stats { units } }",
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "abc" } }),
    });
    const res = await fetch(`${server.url}?${params}`, { headers: { "apollo-require-preflight": "1" } });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    expect(body.errors?.[0]?.message).toMatch(/sha does not match/);
  });
});
