/**
 * OpenTelemetry tracing (src/observability/tracing.ts), with an in-memory exporter in place of
 * the one OTEL_TRACES_EXPORTER names: one real request with a W3C traceparent gives an
 * operation span in the caller's trace with a child span per Cypher statement, named by the
 * statement and carrying none of its parameters; a mutation's writes are children too.
 */
import { randomBytes } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startTracing } from "../../src/observability/tracing.ts";
import { CREATE, createVariables, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const UNIT = "bch-trung-uong";
const P = "trace-";
const exporter = new InMemorySpanExporter();
let server: TestServer;

beforeAll(async () => {
  const env = { OTEL_TRACES_EXPORTER: "otlp", JWT_SECRET: TEST_SECRET };
  // Registered first, so the server's own start of tracing finds it (tracing is process-wide).
  startTracing(loadConfig(env), undefined, exporter);
  server = await startTestServer(env);
});

afterAll(async () => {
  await removeSandbox(server.db, P);
  await server.close();
});

/** A request in the trace `traceId`, as the child of the caller's span `parentId`. */
async function tracedRequest(query: string, variables: object = {}, authorization?: string) {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  const res = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      traceparent: `00-${traceId}-${parentId}-01`,
      ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[]; extensions?: { cypherRoundTrips?: number } };
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  return { body, spans, parentId };
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanContext().spanId);
}

describe("tracing", () => {
  it("gives an operation span in the caller's trace, with a child span per Cypher statement", async () => {
    const { body, spans, parentId } = await tracedRequest(
      `query TracedUnit($id: ID!) { unit(id: $id) { id name } }`,
      { id: UNIT },
    );
    expect(body.errors).toBeUndefined();
    const operation = spans.find((s) => s.name === "query TracedUnit");
    if (!operation) throw new Error(`no operation span among ${spans.map((s) => s.name).join(", ")}`);
    expect(operation.parentSpanId).toBe(parentId);
    expect(operation.kind).toBe(SpanKind.SERVER);
    expect(operation.attributes["graphql.operation.name"]).toBe("TracedUnit");
    expect(operation.attributes["graphql.operation.type"]).toBe("query");

    const statements = childrenOf(spans, operation);
    // The request's own round trips, plus the graph-version read of the result cache.
    expect(statements.length).toBeGreaterThanOrEqual(body.extensions?.cypherRoundTrips ?? Infinity);
    expect(statements.length).toBe(spans.length - 1);
    for (const s of statements) {
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.name).toMatch(/^[\w-]+(\.[\w.$]+|:\d+)$/);
      expect(s.attributes["db.system.name"]).toBe("neo4j");
      expect(s.attributes["db.query.summary"]).toBe(s.name);
      // Never the statement's parameters.
      expect(JSON.stringify(s.attributes)).not.toContain(UNIT);
      expect(s.endTime[0] * 1e9 + s.endTime[1]).toBeLessThanOrEqual(
        operation.endTime[0] * 1e9 + operation.endTime[1],
      );
    }
    expect(statements.some((s) => s.name.startsWith("unit-repository."))).toBe(true);
  });

  it("puts a mutation's writes under its operation span too", async () => {
    const admin = await token("admin", [], "trace-tester");
    const { body, spans } = await tracedRequest(
      CREATE,
      createVariables({ id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, UNIT),
      admin,
    );
    expect(body.errors).toBeUndefined();
    const operation = spans.find((s) => s.name === "mutation");
    if (!operation) throw new Error(`no operation span among ${spans.map((s) => s.name).join(", ")}`);
    const statements = childrenOf(spans, operation);
    expect(statements.some((s) => s.attributes["db.neo4j.access_mode"] === "WRITE")).toBe(true);
    expect(statements.length).toBe(spans.length - 1);
  });

  it("starts a new trace for a request without traceparent", async () => {
    exporter.reset();
    const res = await server.gql(`query Untraced { unit(id: "${UNIT}") { id } }`);
    expect(res.errors).toBeUndefined();
    const operation = exporter.getFinishedSpans().find((s) => s.name === "query Untraced");
    expect(operation?.parentSpanId).toBeUndefined();
  });
});
