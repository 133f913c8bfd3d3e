/**
 * Persisted queries with real requests: automatic persisted queries (APQ, bounded by APQ_CACHE_MB)
 * and the trusted-documents mode (TRUSTED_DOCUMENTS).
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLResponse, startTestServer, type TestServer } from "./helpers/test-server.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const apq = (hash: string) => JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });

/** GET with only the hash, as Apollo Client's persisted-query link sends it first. */
async function getByHash(url: string, hash: string) {
  const params = new URLSearchParams({ extensions: apq(hash) });
  const res = await fetch(`${url}?${params}`, { headers: { "apollo-require-preflight": "1" } });
  return { status: res.status, body: (await res.json()) as GraphQLResponse<{ stats: { units: number } }> };
}

async function post(url: string, payload: Record<string, unknown>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse<{ stats: { units: number } }> };
}

describe("automatic persisted queries", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers an unknown hash PERSISTED_QUERY_NOT_FOUND, registers it with the query, then runs it by hash", async () => {
    const query = "query ApqStats { stats { units } }";
    const hash = sha256(query);
    const miss = await getByHash(server.url, hash);
    expect(miss.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(miss.body.data).toBeUndefined();

    const register = await post(server.url, { query, extensions: JSON.parse(apq(hash)) });
    expect(register.status).toBe(200);
    const units = register.body.data?.stats.units;
    expect(units).toBeGreaterThan(0);

    const hit = await getByHash(server.url, hash);
    expect(hit.status).toBe(200);
    expect(hit.body.errors).toBeUndefined();
    expect(hit.body.data?.stats.units).toBe(units);
  });

  it("refuses a query sent with a hash that is not its own", async () => {
    const query = "query ApqWrong { stats { units } }";
    const res = await post(server.url, { query, extensions: JSON.parse(apq(sha256(`${query} `))) });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    expect(res.body.data).toBeUndefined();
  });
});

describe("automatic persisted queries, bounded", () => {
  let server: TestServer;
  beforeAll(async () => {
    // About 1 KB: three queries of ~400 bytes do not fit together.
    server = await startTestServer({ APQ_CACHE_MB: "0.001" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("forgets the least recently used query once APQ_CACHE_MB is full", async () => {
    const queries = [1, 2, 3, 4].map((n) => `query Bounded${n} { stats { units } } # ${"x".repeat(350)}`);
    for (const query of queries) {
      const res = await post(server.url, { query, extensions: JSON.parse(apq(sha256(query))) });
      expect(res.body.data?.stats.units).toBeGreaterThan(0);
    }
    const oldest = await getByHash(server.url, sha256(queries[0] as string));
    expect(oldest.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const newest = await getByHash(server.url, sha256(queries[3] as string));
    expect(newest.body.data?.stats.units).toBeGreaterThan(0);
  });
});

describe("APQ_CACHE_MB=0", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ APQ_CACHE_MB: "0" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a hash PERSISTED_QUERY_NOT_SUPPORTED", async () => {
    const res = await getByHash(server.url, sha256("{ stats { units } }"));
    expect(res.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
  });
});

describe("trusted documents (TRUSTED_DOCUMENTS)", () => {
  let server: TestServer;
  let dir: string;
  const statsQuery = "query TrustedStats { stats { units } }";
  const statsHash = sha256(statsQuery);
  // GraphQL Code Generator's client preset may hash with sha1 or its own function: ids are opaque.
  const otherId = "b7e1c0ffee";
  const otherQuery = "query TrustedUnit($id: ID!) { unit(id: $id) { id name } }";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "trusted-documents-"));
    const manifest = path.join(dir, "persisted-documents.json");
    await writeFile(manifest, JSON.stringify({ [statsHash]: statsQuery, [otherId]: otherQuery }));
    server = await startTestServer({ TRUSTED_DOCUMENTS: manifest });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs a manifest document named by its APQ hash, over GET and POST", async () => {
    const get = await getByHash(server.url, statsHash);
    expect(get.status).toBe(200);
    expect(get.body.data?.stats.units).toBeGreaterThan(0);
    const viaPost = await post(server.url, { extensions: JSON.parse(apq(statsHash)) });
    expect(viaPost.body.data?.stats.units).toBe(get.body.data?.stats.units);
  });

  it("runs a manifest document named by documentId, with its variables", async () => {
    const res = await post(server.url, {
      documentId: otherId,
      variables: { id: "chi-bo-so-noi-vu-quang-ngai" },
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect((res.body.data as unknown as { unit: { id: string } }).unit.id).toBe(
      "chi-bo-so-noi-vu-quang-ngai",
    );
  });

  it("accepts the full text of a manifest document", async () => {
    const res = await post(server.url, { query: statsQuery });
    expect(res.body.data?.stats.units).toBeGreaterThan(0);
  });

  it("refuses any other query, an unknown id and an unknown hash with FORBIDDEN before execution", async () => {
    const other = await post(server.url, { query: "{ stats { units relations } }" });
    const unknownId = await post(server.url, { documentId: "nope" });
    const unknownHash = await getByHash(server.url, sha256("{ stats { relations } }"));
    for (const res of [other, unknownId, unknownHash]) {
      expect(res.status).toBe(403);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(res.body.errors?.[0]?.extensions?.rule).toBe("TRUSTED_DOCUMENTS");
    }
  });

  it("refuses to start with a manifest it cannot read", async () => {
    await expect(startTestServer({ TRUSTED_DOCUMENTS: path.join(dir, "missing.json") })).rejects.toThrow(
      /TRUSTED_DOCUMENTS cannot be read/,
    );
  });
});
