/**
 * GET /metrics (src/observability/metrics.ts): scraped before and after a few real requests, the
 * counters of those requests moved by what they did; the route is guarded by METRICS_TOKEN and
 * absent on a public service without one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomSecret } from "../support/secrets.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "party_org_graph_";
const UNIT = "bch-trung-uong";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(`${server.base}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe("GET /metrics", () => {
  it("counts requests, errors, Cypher statements, cache use and route requests as they happen", async () => {
    const before = await scrape(server);
    const named = `query MetricsUnit { unit(id: "${UNIT}") { id name } }`;
    const first = await server.gql(named);
    const second = await server.gql(named);
    expect(first.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect((await server.gql(`{ unit(id: "${UNIT}") { id } }`)).errors).toBeUndefined();
    const invalid = await server.gql("query MetricsInvalid { noSuchField }");
    expect(invalid.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const feed = await fetch(`${server.base}/calendar/${UNIT}.ics?from=2026-01-01&to=2026-03-31`);
    expect(feed.status).toBe(200);
    await feed.text();
    const after = await scrape(server);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);

    const ok = { operation: "MetricsUnit", type: "query", outcome: "success" };
    expect(moved(`${P}graphql_requests_total`, ok)).toBe(2);
    expect(moved(`${P}graphql_requests_total`, { operation: "anonymous", outcome: "success" })).toBe(1);
    expect(moved(`${P}graphql_requests_total`, { operation: "unknown", outcome: "error" })).toBe(1);
    expect(moved(`${P}graphql_request_duration_seconds_count`, { operation: "MetricsUnit" })).toBe(2);
    expect(moved(`${P}graphql_errors_total`, { code: "GRAPHQL_VALIDATION_FAILED" })).toBe(1);
    // The round trips the two answers reported in their extensions, as a histogram.
    const reported = (first.extensions?.cypherRoundTrips ?? 0) + (second.extensions?.cypherRoundTrips ?? 0);
    expect(reported).toBeGreaterThan(0);
    expect(moved(`${P}graphql_request_cypher_round_trips_sum`, { operation: "MetricsUnit" })).toBe(reported);

    // Every statement is counted once and timed once, under a module.function name.
    const statements = moved(`${P}cypher_statements_total`);
    expect(statements).toBeGreaterThanOrEqual(reported);
    expect(moved(`${P}cypher_statement_duration_seconds_count`)).toBe(statements);
    const names = new Set(
      after.filter((s) => s.name === `${P}cypher_statements_total`).map((s) => s.labels.statement),
    );
    expect([...names].every((n) => /^[\w-]+(\.[\w.$]+|:\d+)$/.test(n ?? ""))).toBe(true);
    expect([...names].some((n) => n?.startsWith("unit-repository."))).toBe(true);

    // The second MetricsUnit was answered from the cache.
    expect(moved(`${P}result_cache_hits_total`)).toBeGreaterThan(0);
    expect(moved(`${P}result_cache_misses_total`)).toBeGreaterThan(0);
    expect(total(after, `${P}result_cache_entries`)).toBeGreaterThan(0);

    expect(moved(`${P}http_route_requests_total`, { route: "/calendar", method: "GET", status: "200" })).toBe(
      1,
    );
    expect(moved(`${P}http_route_request_duration_seconds_count`, { route: "/calendar" })).toBe(1);
  });

  it("reports Neo4j's state, restarts, pool use and the process", async () => {
    const samples = await scrape(server);
    expect(total(samples, `${P}neo4j_up`)).toBe(1);
    expect(total(samples, `${P}neo4j_state`, { state: "up" })).toBe(1);
    expect(total(samples, `${P}neo4j_state`, { state: "down" })).toBe(0);
    expect(total(samples, `${P}neo4j_embedded`)).toBe(0); // the tests' Neo4j is a NEO4J_URI
    expect(total(samples, `${P}neo4j_pool_max_connections`)).toBe(50);
    expect(samples.some((s) => s.name === `${P}neo4j_sessions_in_use`)).toBe(true);
    expect(total(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(total(samples, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);

    // What the supervisor does on a JVM exit, then the probe that finds it back.
    server.db.health.set("restarting");
    const restarting = await scrape(server);
    expect(total(restarting, `${P}neo4j_up`)).toBe(0);
    expect(total(restarting, `${P}neo4j_state`, { state: "restarting" })).toBe(1);
    expect(total(restarting, `${P}neo4j_restarts_total`) - total(samples, `${P}neo4j_restarts_total`)).toBe(
      1,
    );
    expect(await server.db.health.probe()).toBe(true);
    expect(total(await scrape(server), `${P}neo4j_up`)).toBe(1);
  });

  it("answers 405 with Allow for another method", async () => {
    const res = await fetch(`${server.base}/metrics`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
  });
});

describe("/metrics access", () => {
  const TOKEN = randomSecret();

  it("needs METRICS_TOKEN as a bearer token when it is set, and counts requests refused before their operation", async () => {
    const guarded = await startTestServer({ METRICS_TOKEN: TOKEN, READ_ACCESS: "authenticated" });
    try {
      const refused = await guarded.gql(`query NeedsAToken { unit(id: "${UNIT}") { id } }`);
      const code = refused.errors?.[0]?.extensions?.code as string;
      expect(code).toBe("FORBIDDEN");
      const bare = await fetch(`${guarded.base}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
      const wrong = await fetch(`${guarded.base}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      expect(wrong.status).toBe(401);
      const samples = await scrape(guarded, { authorization: `Bearer ${TOKEN}` });
      expect(total(samples, `${P}graphql_requests_total`, { operation: "unknown", outcome: "error" })).toBe(
        1,
      );
      expect(total(samples, `${P}graphql_requests_total`, { operation: "NeedsAToken" })).toBe(0);
      expect(total(samples, `${P}graphql_errors_total`, { code })).toBe(1);
    } finally {
      await guarded.close();
    }
  });

  it("is not served on a public service without a token, nor with METRICS=off", async () => {
    const hidden = await startTestServer({ EXPOSURE: "public" });
    const off = await startTestServer({ METRICS: "off" });
    try {
      expect((await fetch(`${hidden.base}/metrics`)).status).toBe(404);
      expect((await fetch(`${off.base}/metrics`)).status).toBe(404);
      // No statement observer either: metrics off costs the database nothing.
      expect(off.db.observer).toBeUndefined();
    } finally {
      await Promise.all([hidden.close(), off.close()]);
    }
  });
});
