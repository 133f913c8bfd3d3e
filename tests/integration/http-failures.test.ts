/**
 * Every failure is JSON, and the production posture: security
 * headers, a per-client rate limit, introspection and GraphiQL under the operator's control,
 * assets served from any install path.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendInstalledFile } from "../../src/http/graphiql.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

interface JsonFailure {
  error: { code: string; message: string; requestId: string };
}

/** The body of an answer outside /graphql. */
const failureOf = async (res: Response) => (await res.json()) as JsonFailure;

interface GraphQLFailure {
  errors: { message: string; extensions: { code: string } }[];
  data?: { __typename: string };
}

async function post(body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: (await res.json()) as GraphQLFailure,
  };
}

describe("failures on /graphql are GraphQL errors in JSON", () => {
  it.each([
    ["malformed JSON", "{bad"],
    ["a body of null", "null"],
    ["a body that is a number", "5"],
    ["a body that is a string", '"query"'],
  ])("%s → 400 BAD_REQUEST", async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
    expect(res.body.errors[0]?.message).toMatch(/JSON object/);
  });

  it("an unsupported charset → 415", async () => {
    const res = await post('{"query":"{ __typename }"}', {
      "content-type": "application/json; charset=latin9",
    });
    expect(res.status).toBe(415);
    expect(res.body.errors[0]?.extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(res.body.errors[0]?.message).toMatch(/UTF-8/);
  });

  it("an unsupported or broken content-encoding → 415 / 400", async () => {
    const unknown = await post("xx", { "content-encoding": "compress-me" });
    expect(unknown.status).toBe(415);
    expect(unknown.body.errors[0]?.extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const broken = await post("not gzip", { "content-encoding": "gzip" });
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
    // A well-formed gzip body is read.
    const good = await post(gzipSync('{"query":"{ __typename }"}'), { "content-encoding": "gzip" });
    expect(good.status).toBe(200);
    expect(good.body.data?.__typename).toBe("Query");
  });

  it("a body over 1 MB → 413", async () => {
    const res = await post(JSON.stringify({ query: `{ __typename } #${"a".repeat(1_100_000)}` }));
    expect(res.status).toBe(413);
    expect(res.body.errors[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("a method GraphQL does not serve → 405", async () => {
    const res = await fetch(server.url, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(405);
    expect(((await res.json()) as GraphQLFailure).errors[0]?.extensions.code).toBe("BAD_REQUEST");
  });

  it("a wrong content type is refused as a possible CSRF, in JSON", async () => {
    const res = await post('{"query":"{ __typename }"}', { "content-type": "text/plain" });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.errors[0]?.message).toMatch(/Cross-Site Request Forgery/);
  });
});

describe("failures elsewhere are small JSON errors", () => {
  it.each([
    ["GET", "/nope"],
    ["POST", "/nope"],
    ["GET", "/assets/nope.js"],
    ["GET", "/calendar"],
  ])("%s %s → 404", async (method, url) => {
    const res = await fetch(`${server.base}${url}`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await failureOf(res);
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it.each([
    ["DELETE", "/health"],
    ["POST", "/ready"],
    ["PUT", "/calendar/chi-bo-so-noi-vu-quang-ngai.ics"],
    ["POST", "/export/_all.csv"],
    ["POST", "/explorer"],
    ["PUT", "/explorer/assets/explorer.js"],
  ])("%s %s → 405 with Allow", async (method, url) => {
    const res = await fetch(`${server.base}${url}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect((await failureOf(res)).error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("headers over Node's 16 KB limit → 431 in JSON, not a bare status line", async () => {
    const { port } = new URL(server.base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          `GET /health HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${"a".repeat(20_000)}\r\n\r\n`,
        );
      });
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toMatch(/content-type: application\/json/i);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as JsonFailure;
    expect(body.error.code).toBe("HEADERS_TOO_LARGE");
  });

  it("a path that cannot be decoded → 400", async () => {
    const res = await fetch(`${server.base}/calendar/%E0%A4%A.ics`);
    expect(res.status).toBe(400);
    expect((await failureOf(res)).error.code).toBe("BAD_REQUEST");
  });
});

describe("production posture", () => {
  it("sends security headers, and GraphiQL's page runs no inline script", async () => {
    const res = await fetch(`${server.base}/graphiql`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/ src="\/assets\//);
    expect(html).not.toMatch(/<script>/);
    const start = await fetch(`${server.base}/assets/graphiql-start.js`);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain("createFetcher");
  });

  it("limits the requests a minute from one client, answering 429 in JSON", async () => {
    const limited = await startTestServer({ RATE_LIMIT_PER_MINUTE: "3" });
    const limitedPost = () =>
      fetch(limited.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"query":"{ __typename }"}',
      });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limitedPost()).status);
      expect(statuses).toEqual([200, 200, 200]);
      const refused = await limitedPost();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await refused.json()) as GraphQLFailure;
      expect(body.errors[0]?.extensions.code).toBe("RATE_LIMITED");
      expect(body.errors[0]?.message).toContain("RATE_LIMIT_PER_MINUTE");
      // /health is not limited: probes keep working.
      expect((await fetch(`${limited.base}/health`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("EXPOSURE=public turns GraphiQL and introspection off, but not the federation SDL", async () => {
    const exposed = await startTestServer({ EXPOSURE: "public" });
    try {
      const page = await fetch(`${exposed.base}/graphiql`);
      expect(page.status).toBe(404);
      expect((await failureOf(page)).error.code).toBe("NOT_FOUND");
      const introspection = await exposed.gql("{ __schema { queryType { name } } }");
      expect(introspection.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(introspection.errors?.[0]?.message).toMatch(/[Ii]ntrospection/);
      const sdl = await exposed.gql<{ _service: { sdl: string } }>("{ _service { sdl } }");
      expect(sdl.data?._service.sdl).toContain("type Unit");
      const units = await exposed.gql<{ unit: { id: string } }>(
        '{ unit(id: "chi-bo-so-noi-vu-quang-ngai") { id } }',
      );
      expect(units.data?.unit.id).toBe("chi-bo-so-noi-vu-quang-ngai");
    } finally {
      await exposed.close();
    }
  });

  it("INTROSPECTION=true keeps introspection on under EXPOSURE=public", async () => {
    const exposed = await startTestServer({ EXPOSURE: "public", INTROSPECTION: "true" });
    try {
      const res = await exposed.gql<{ __schema: { queryType: { name: string } } }>(
        "{ __schema { queryType { name } } }",
      );
      expect(res.data?.__schema.queryType.name).toBe("Query");
    } finally {
      await exposed.close();
    }
  });

  it("serves installed files from a hidden folder (e.g. ~/.cache/…)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assets-"));
    const hidden = path.join(dir, ".cache", "party-org-graph", "node_modules", "graphiql");
    await mkdir(hidden, { recursive: true });
    await writeFile(path.join(hidden, "graphiql.min.js"), "/* asset */");
    const app = express();
    app.get("/asset", (_req, res) => sendInstalledFile(res, path.join(hidden, "graphiql.min.js")));
    const http = createServer(app).listen(0, "127.0.0.1");
    await new Promise((resolve) => http.once("listening", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/asset`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("/* asset */");
    } finally {
      http.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
