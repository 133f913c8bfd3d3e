import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { randomSecret } from "../support/secrets.ts";

describe("loadConfig", () => {
  it("has defaults for the embedded start", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 4000,
      NEO4J_BOLT_PORT: 7687,
      SEED_ON_START: "auto",
      NEO4J_USER: "neo4j",
    });
    expect(c.NEO4J_URI).toBeUndefined();
  });

  it("accepts bolt:// and routing neo4j:// URIs", () => {
    const password = { NEO4J_PASSWORD: randomSecret() };
    expect(loadConfig({ NEO4J_URI: "bolt://db:7687", ...password }).NEO4J_URI).toBe("bolt://db:7687");
    expect(loadConfig({ NEO4J_URI: "neo4j+s://x.databases.neo4j.io", ...password }).NEO4J_URI).toBe(
      "neo4j+s://x.databases.neo4j.io",
    );
  });

  it("names every bad variable in one line", () => {
    expect(() => loadConfig({ PORT: "http", NEO4J_URI: "localhost:7687", NEO4J_PASSWORD: "short" })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: "http", NEO4J_URI: "localhost:7687" });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/NEO4J_URI must look like bolt:\/\/host:7687/);
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("refuses TRUST_PROXY=true: the client would choose the address it is counted by", () => {
    expect(() => loadConfig({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY must not be true/);
    expect(loadConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe("1");
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toBe("loopback, 10.0.0.0/8");
  });

  it("refuses a FEED_TOKEN_SECRET equal to JWT_SECRET", () => {
    const secret = randomSecret();
    const other = randomSecret();
    expect(() => loadConfig({ JWT_SECRET: secret, FEED_TOKEN_SECRET: secret })).toThrow(
      /FEED_TOKEN_SECRET must differ from JWT_SECRET/,
    );
    expect(loadConfig({ JWT_SECRET: secret, FEED_TOKEN_SECRET: other }).FEED_TOKEN_SECRET).toBe(other);
  });

  it("takes a JWKS only over https (http on localhost) and with an audience", () => {
    const jwks = "https://id.example.vn/.well-known/jwks.json";
    expect(() => loadConfig({ JWT_JWKS_URL: jwks })).toThrow(/JWT_AUDIENCE must be set when JWT_JWKS_URL is/);
    expect(() => loadConfig({ JWT_JWKS_URL: "http://id.example.vn/jwks.json", JWT_AUDIENCE: "a" })).toThrow(
      /JWT_JWKS_URL must be an https: address/,
    );
    expect(loadConfig({ JWT_JWKS_URL: jwks, JWT_AUDIENCE: "a" }).JWT_JWKS_URL).toBe(jwks);
    expect(loadConfig({ JWT_JWKS_URL: "http://127.0.0.1:9/jwks.json", JWT_AUDIENCE: "a" }).JWT_AUDIENCE).toBe(
      "a",
    );
  });

  it("retries transient errors for the driver's 30 s unless told otherwise", () => {
    expect(loadConfig({}).NEO4J_MAX_RETRY_MS).toBe(30_000);
    expect(loadConfig({ NEO4J_MAX_RETRY_MS: "2000" }).NEO4J_MAX_RETRY_MS).toBe(2000);
    expect(() => loadConfig({ NEO4J_MAX_RETRY_MS: "soon" })).toThrow(/NEO4J_MAX_RETRY_MS/);
  });

  it("checks HEAP_GROWING_PERCENT (applied before anything loads by src/runtime.ts)", () => {
    expect(loadConfig({}).HEAP_GROWING_PERCENT).toBe(50);
    expect(loadConfig({ HEAP_GROWING_PERCENT: "0" }).HEAP_GROWING_PERCENT).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: "-5" })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: "fast" })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it("has limits before execution, a time budget and a response cap, each configurable", () => {
    expect(loadConfig({})).toMatchObject({
      MAX_TOKENS: 2000,
      MAX_QUERY_DEPTH: 12,
      MAX_ALIASES: 30,
      MAX_DIRECTIVES: 50,
      MAX_QUERY_COST: 100_000,
      REQUEST_TIMEOUT_MS: 15_000,
      MAX_RESPONSE_BYTES: 5 * 1024 * 1024,
    });
    expect(loadConfig({ MAX_QUERY_COST: "5000", REQUEST_TIMEOUT_MS: "2000" })).toMatchObject({
      MAX_QUERY_COST: 5000,
      REQUEST_TIMEOUT_MS: 2000,
    });
    expect(() => loadConfig({ MAX_QUERY_COST: "0" })).toThrow(/MAX_QUERY_COST/);
    expect(() => loadConfig({ MAX_ALIASES: "many" })).toThrow(/MAX_ALIASES/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: "-1" })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});

describe("observability settings", () => {
  it("serves /metrics on an internal service, and on a public one only with a token or METRICS=on", () => {
    expect(loadConfig({}).METRICS).toBe(true);
    expect(loadConfig({ EXPOSURE: "public" }).METRICS).toBe(false);
    expect(loadConfig({ EXPOSURE: "public", METRICS_TOKEN: randomSecret() }).METRICS).toBe(true);
    expect(loadConfig({ EXPOSURE: "public", METRICS: "on" }).METRICS).toBe(true);
    expect(loadConfig({ METRICS: "off", METRICS_TOKEN: randomSecret() }).METRICS).toBe(false);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 16/);
    expect(() => loadConfig({ METRICS: "yes please" })).toThrow(/METRICS/);
  });

  it("traces only when OTEL_TRACES_EXPORTER names an exporter and the SDK is not disabled", () => {
    expect(loadConfig({}).TRACING).toBe(false);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "none" }).TRACING).toBe(false);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "otlp" }).TRACING).toBe(true);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "console" }).TRACING).toBe(true);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" }).TRACING).toBe(false);
    expect(loadConfig({}).OTEL_SERVICE_NAME).toBe("party-org-graph");
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
