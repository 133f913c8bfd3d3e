/**
 * The pure parts of src/observability: bounded label values, statement names from the caller's
 * stack frame, and the result cache's eviction count that /metrics reports.
 */
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { ResultCache } from "../../src/graphql/result-cache.ts";
import { createLogger } from "../../src/logger.ts";
import { ANONYMOUS_OPERATION, LabelBounds, OTHER } from "../../src/observability/labels.ts";
import { createObservability } from "../../src/observability/observability.ts";
import { callerName, OTHER_STATEMENT, StatementNames } from "../../src/observability/statement-names.ts";
import type { Database } from "../../src/store/database.ts";

describe("label bounds", () => {
  it("keeps operation names up to a bound, then folds new ones into 'other'", () => {
    const labels = new LabelBounds();
    expect(labels.operation("UnitFacts")).toBe("UnitFacts");
    expect(labels.operation(null)).toBe(ANONYMOUS_OPERATION);
    expect(labels.operation("")).toBe(ANONYMOUS_OPERATION);
    expect(labels.operation("not a GraphQL name")).toBe(OTHER);
    expect(labels.operation("x".repeat(65))).toBe(OTHER);
    const flood = Array.from({ length: 500 }, (_, i) => labels.operation(`Op${i}`));
    expect(new Set(flood).size).toBeLessThanOrEqual(200);
    expect(flood.at(-1)).toBe(OTHER);
    // A name admitted before the flood keeps its label.
    expect(labels.operation("UnitFacts")).toBe("UnitFacts");
  });

  it("keeps error codes that look like codes, up to a bound", () => {
    const labels = new LabelBounds();
    expect(labels.code("BAD_USER_INPUT")).toBe("BAD_USER_INPUT");
    expect(labels.code(undefined)).toBe(OTHER);
    expect(labels.code("Something went wrong for user 42")).toBe(OTHER);
    const flood = Array.from({ length: 200 }, (_, i) => labels.code(`CODE_${i}`));
    expect(new Set(flood).size).toBeLessThanOrEqual(51);
  });
});

describe("statement names", () => {
  const stack = (...frames: string[]) => ["Error", ...frames.map((f) => `    at ${f}`)].join("\n");

  it("names a statement by the first function outside the database module and this folder", () => {
    expect(
      callerName(
        stack(
          "StatementNames.of (/app/src/observability/statement-names.ts:30:5)",
          "observed (/app/src/store/database.ts:101:27)",
          "Database.read (/app/src/store/database.ts:170:17)",
          "reportingChain (file:///app/src/store/relation-repository.ts:352:22)",
          "async Promise.all (index 0)",
        ),
      ),
    ).toBe("relation-repository.reportingChain");
    expect(
      callerName(
        stack(
          "Object.run (/app/dist/store/database.js:10:1)",
          "async unitStates (/app/dist/store/change-session.js:44:16)",
        ),
      ),
    ).toBe("change-session.unitStates");
  });

  it("names an anonymous callback by its module and line, and says 'unknown' without a caller", () => {
    expect(
      callerName(
        stack(
          "Object.run (/app/src/store/database.ts:10:1)",
          "/app/src/store/change-session.ts:75:15",
          "node:internal/x:1:1",
        ),
      ),
    ).toBe("change-session:75");
    expect(
      callerName(stack("Database.read (/app/src/store/database.ts:1:1)", "node:internal/timers:5:5")),
    ).toBe("unknown");
  });

  it("names each statement text once, so a later caller elsewhere does not rename it", () => {
    let calls = 0;
    const names = new StatementNames(() => `caller-${++calls}`);
    expect(names.of("MATCH (u:Unit) RETURN u")).toBe("caller-1");
    expect(names.of("MATCH (u:Unit) RETURN u")).toBe("caller-1");
    expect(names.of("MATCH (d:Document) RETURN d")).toBe("caller-2");
    expect(calls).toBe(2);
  });

  it("caps the number of distinct names at 300, later ones being 'other'", () => {
    let calls = 0;
    const names = new StatementNames(() => `caller-${++calls}`);
    const given = Array.from({ length: 400 }, (_, i) => names.of(`RETURN ${i}`));
    expect(new Set(given).size).toBe(301);
    expect(given[299]).toBe("caller-300");
    expect(given[300]).toBe(OTHER_STATEMENT);
  });

  it("names the real caller when run from code outside the database module", () => {
    const names = new StatementNames();
    expect(names.of("RETURN 1")).toMatch(/^observability\.test[.:]/);
  });
});

describe("result cache evictions", () => {
  it("counts the entries pushed out to make room", async () => {
    const versions = { hierarchy: 1, reference: 1 };
    const cache = new ResultCache(0.001, async () => versions); // about 1 kB
    const load = async (keys: string[]) => ({
      values: keys.map(() => ({ text: "x".repeat(100) })),
      versions,
    });
    for (let i = 0; i < 20; i++)
      await cache.batch(
        cache.request(),
        "unit",
        [`u${i}`],
        (k) => k,
        load,
        () => {},
      );
    expect(cache.misses).toBe(20);
    expect(cache.evictions).toBeGreaterThan(0);
    expect(cache.evictions).toBe(20 - cache.size);
    expect(cache.bytes).toBeLessThanOrEqual(1048);
  });
});

describe("observability switched off", () => {
  it("adds no plugin hooks, no statement observer and no tracer provider", () => {
    const db = { observer: undefined, database: undefined } as unknown as Database;
    const config = loadConfig({ METRICS: "off" });
    const off = createObservability({ db, config, log: createLogger("silent"), cache: null });
    expect(off.plugin).toEqual({});
    expect(db.observer).toBeUndefined();
    // Tracing off by default: the API's tracer stays the no-op one, so spans are not recorded.
    expect(trace.getTracer("any").startSpan("x").isRecording()).toBe(false);
  });
});
