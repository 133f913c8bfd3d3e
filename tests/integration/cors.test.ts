/** CORS for browser frontends (CORS_ORIGINS …) and CSRF prevention, with real preflights and requests. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const APP = "https://app.example.org";
const QUERY = JSON.stringify({ query: "{ stats { units } }" });

function preflight(
  url: string,
  origin: string,
  headers = "content-type,authorization,apollo-require-preflight",
) {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": headers,
    },
  });
}

describe("CORS with CORS_ORIGINS set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      CORS_ORIGINS: `${APP}, http://localhost:5173`,
      CORS_CREDENTIALS: "true",
      CORS_MAX_AGE_S: "900",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a preflight from an allowed origin with the methods, headers and max-age", async () => {
    const res = await preflight(
      server.url,
      APP,
      "content-type,authorization,x-apollo-operation-name,traceparent",
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")?.split(",")).toEqual(
      expect.arrayContaining(["GET", "POST"]),
    );
    const allowed = res.headers.get("access-control-allow-headers")?.split(",") ?? [];
    expect(allowed).toEqual(
      expect.arrayContaining([
        "content-type",
        "authorization",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "traceparent",
        "if-none-match",
      ]),
    );
    expect(res.headers.get("access-control-max-age")).toBe("900");
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  it("gives no CORS header to a preflight from another origin", async () => {
    const res = await preflight(server.url, "https://evil.example.net");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("answers the actual request with the origin, credentials and the exposed headers", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json" },
      body: QUERY,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const exposed = res.headers.get("access-control-expose-headers")?.split(",") ?? [];
    expect(exposed).toEqual(expect.arrayContaining(["etag", "x-request-id"]));
    const body = (await res.json()) as { data?: { stats?: { units?: number } } };
    expect(body.data?.stats?.units).toBeGreaterThan(0);
  });

  it("covers the registry routes too: the import's preflight and an export's answer", async () => {
    const origin = new URL(server.url).origin;
    const pre = await preflight(`${origin}/registry/import`, APP, "authorization");
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(APP);
    const res = await fetch(`${origin}/registry/_all.csv`, { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    await res.arrayBuffer();
  });

  it("keeps CSRF prevention: a GET or POST a browser sends without a preflight is refused", async () => {
    const simpleGet = await fetch(`${server.url}?query=${encodeURIComponent("{ stats { units } }")}`, {
      headers: { origin: APP },
    });
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/CSRF/);
    const formPost = await fetch(server.url, {
      method: "POST",
      headers: { origin: APP, "content-type": "text/plain" },
      body: QUERY,
    });
    expect(formPost.status).toBe(400);
    expect(await formPost.text()).toMatch(/CSRF/);
    const preflighted = await fetch(`${server.url}?query=${encodeURIComponent("{ stats { units } }")}`, {
      headers: { origin: APP, "apollo-require-preflight": "true" },
    });
    expect(preflighted.status).toBe(200);
  });
});

describe("CORS by default (no CORS_ORIGINS)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sends no CORS header to any origin", async () => {
    const pre = await preflight(server.url, APP);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await fetch(server.url, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json" },
      body: QUERY,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
