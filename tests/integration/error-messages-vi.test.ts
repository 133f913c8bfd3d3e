/**
 * Every error a client may meet carries a Vietnamese message for end users beside the English one:
 * `extensions.messageVi` on GraphQL errors, `messageVi` on the JSON errors of the other routes. One
 * failing request of each kind, sent to the real server.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const CELL = "chi-bo-so-noi-vu-quang-ngai";

interface Failure {
  status: number;
  code: unknown;
  message: unknown;
  messageVi: unknown;
}

/** The errors of an answer, whatever its shape: GraphQL's `errors`, or the routes' `error`. */
async function failuresOf(res: Response): Promise<Failure[]> {
  const body = (await res.json()) as {
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    error?: Record<string, unknown>;
  };
  if (body.error)
    return [
      {
        status: res.status,
        code: body.error.code,
        message: body.error.message,
        messageVi: body.error.messageVi,
      },
    ];
  return (body.errors ?? []).map((e) => ({
    status: res.status,
    code: e.extensions?.code,
    message: e.message,
    messageVi: e.extensions?.messageVi,
  }));
}

const json = { "content-type": "application/json" };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { ...json, ...headers }, body: JSON.stringify(body) });

function expectVietnamese(failures: Failure[], code: string, status: number): void {
  expect(failures.length).toBeGreaterThan(0);
  for (const f of failures) {
    expect(f.code).toBe(code);
    expect(f.status).toBe(status);
    expect(typeof f.messageVi).toBe("string");
    expect((f.messageVi as string).length).toBeGreaterThan(10);
    expect(f.messageVi).not.toBe(f.message);
  }
}

describe("messageVi on every error", () => {
  let server: TestServer;
  let limited: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "public" });
    limited = await startTestServer({ RATE_LIMIT_PER_MINUTE: "1" });
  });
  afterAll(async () => {
    await server?.close();
    await limited?.close();
  });

  it("on a domain error naming its argument (BAD_USER_INPUT), in Vietnamese and naming the argument", async () => {
    const failures = await failuresOf(
      await post(server.url, { query: `{ unit(id: "${CELL}", asOf: "2024-13-45") { id } }` }),
    );
    expectVietnamese(failures, "BAD_USER_INPUT", 200);
    expect(failures[0]?.messageVi).toContain("asOf");
  });

  it("on GraphQL's own parse and validation errors", async () => {
    expectVietnamese(await failuresOf(await post(server.url, { query: "{" })), "GRAPHQL_PARSE_FAILED", 400);
    expectVietnamese(
      await failuresOf(await post(server.url, { query: "{ noSuchField }" })),
      "GRAPHQL_VALIDATION_FAILED",
      400,
    );
  });

  it("on a limit refusal, naming the limit", async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: stats { units }`).join(" ");
    const failures = await failuresOf(await post(server.url, { query: `{ ${aliases} }` }));
    expectVietnamese(failures, "QUERY_TOO_COMPLEX", 400);
    expect(failures[0]?.messageVi).toContain("MAX_ALIASES");
  });

  it("on a refused change (FORBIDDEN, rule ROLE), a bad token (401) and a conflicting change (CONFLICT)", async () => {
    const mutation = `mutation { setSuperior(unitId: "${CELL}", superiorId: "${CELL}", effectiveOn: "2025-07-01", basis: ["dieu-le-dang-whole"]) { id } }`;
    expectVietnamese(await failuresOf(await post(server.url, { query: mutation })), "FORBIDDEN", 200);
    const badToken = await post(
      server.url,
      { query: "{ stats { units } }" },
      { authorization: "Bearer nope" },
    );
    expectVietnamese(await failuresOf(badToken), "FORBIDDEN", 401);
    const admin = await token("admin");
    const cycle = await post(server.url, { query: mutation }, { authorization: `Bearer ${admin}` });
    const failures = await failuresOf(cycle);
    expectVietnamese(failures, "CONFLICT", 200);
    expect(failures[0]?.messageVi).toContain("cấp trên của chính nó");
  });

  it("on persisted-query errors and a hash that is not the query's", async () => {
    const hash = createHash("sha256").update("{ stats { relations } }").digest("hex");
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    const miss = await fetch(`${server.url}?${new URLSearchParams({ extensions })}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expectVietnamese(await failuresOf(miss), "PERSISTED_QUERY_NOT_FOUND", 200);
    const wrong = await post(server.url, {
      query: "{ stats { units } }",
      extensions: JSON.parse(extensions),
    });
    expectVietnamese(await failuresOf(wrong), "BAD_REQUEST", 400);
  });

  it("on HTTP refusals under /graphql: CSRF, a mutation over GET, bad JSON, a charset, a large body", async () => {
    const csrf = await fetch(`${server.url}?query=${encodeURIComponent("{ stats { units } }")}`);
    expectVietnamese(await failuresOf(csrf), "BAD_REQUEST", 400);
    const getMutation = await fetch(`${server.url}?query=${encodeURIComponent("mutation { __typename }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expectVietnamese(await failuresOf(getMutation), "BAD_REQUEST", 405);
    const badJson = await fetch(server.url, { method: "POST", headers: json, body: "{" });
    expectVietnamese(await failuresOf(badJson), "BAD_REQUEST", 400);
    const latin1 = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=latin1" },
      body: "{}",
    });
    expectVietnamese(await failuresOf(latin1), "UNSUPPORTED_MEDIA_TYPE", 415);
    const large = await post(server.url, { query: `{ stats { units } } # ${"x".repeat(1_100_000)}` });
    expectVietnamese(await failuresOf(large), "PAYLOAD_TOO_LARGE", 413);
  });

  it("on the JSON errors of /registry, /export, /calendar and unknown paths", async () => {
    expectVietnamese(
      await failuresOf(await fetch(`${server.base}/registry/no-such-unit.csv`)),
      "NOT_FOUND",
      404,
    );
    const exportFailures = await failuresOf(await fetch(`${server.base}/export/${CELL}.csv?asOf=2024-02-30`));
    expectVietnamese(exportFailures, "BAD_USER_INPUT", 400);
    expect(exportFailures[0]?.messageVi).toContain("asOf");
    const calendar = await fetch(`${server.base}/calendar/${CELL}.ics?from=2026-12-31&to=2026-01-01`);
    expectVietnamese(await failuresOf(calendar), "BAD_USER_INPUT", 400);
    expectVietnamese(await failuresOf(await fetch(`${server.base}/no-such-path`)), "NOT_FOUND", 404);
    const put = await fetch(`${server.base}/registry/${CELL}.csv`, { method: "PUT" });
    expectVietnamese(await failuresOf(put), "METHOD_NOT_ALLOWED", 405);
  });

  it("on a rate-limited request", async () => {
    const query = { query: "{ stats { units } }" };
    await post(limited.url, query);
    expectVietnamese(await failuresOf(await post(limited.url, query)), "RATE_LIMITED", 429);
    const route = await fetch(`${limited.base}/export/${CELL}.csv`);
    expectVietnamese(await failuresOf(route), "RATE_LIMITED", 429);
  });

  it("on a request Node refuses before Express (headers over 16 KB)", async () => {
    const { port } = new URL(server.url);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        path: "/graphql",
        headers: { "x-big": "x".repeat(20_000) },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve(`${res.statusCode} ${text}`));
      });
      req.on("error", reject);
      req.end();
    });
    expect(body.startsWith("431 ")).toBe(true);
    const error = (JSON.parse(body.slice(4)) as { error: Record<string, unknown> }).error;
    expect(error.code).toBe("HEADERS_TOO_LARGE");
    expect(typeof error.messageVi).toBe("string");
    expect((error.messageVi as string).length).toBeGreaterThan(10);
  });
});
