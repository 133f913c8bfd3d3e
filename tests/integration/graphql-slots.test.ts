/**
 * GRAPHQL_CONCURRENCY's slots are taken only once a request's body has arrived: clients that send
 * their headers and then trickle (or withhold) the body hold connections, never the slots every
 * other GraphQL request waits for (review s12).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
const stalled: net.Socket[] = [];

beforeAll(async () => {
  server = await startTestServer({ GRAPHQL_CONCURRENCY: "2" });
});

afterAll(async () => {
  for (const s of stalled) s.destroy();
  await server?.close();
});

/** A POST /graphql whose headers promise a body that never comes. */
async function stallBody(): Promise<net.Socket> {
  const { hostname, port } = new URL(server.base);
  const s = await new Promise<net.Socket>((resolve, reject) => {
    const c = net.connect(Number(port), hostname, () => resolve(c));
    c.once("error", reject);
  });
  s.on("error", () => {});
  s.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":`,
  );
  stalled.push(s);
  return s;
}

describe("GraphQL slots", () => {
  it("requests whose bodies have not arrived hold no slot: a whole request is answered meanwhile", async () => {
    for (let i = 0; i < 4; i++) await stallBody();
    // Let the server take in the headers and the first bytes of each.
    await new Promise((r) => setTimeout(r, 300));
    // A liveness bound, not a timing: without the fix this waits for the stalled bodies' timeout (minutes).
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toEqual({ __typename: "Query" });
  });
});
