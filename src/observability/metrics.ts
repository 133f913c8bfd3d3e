/**
 * The service's Prometheus metrics (README, "Metrics"), in a registry of their own per server:
 * GraphQL requests, errors and latency by operation; Cypher statements and their latency by
 * statement name; the result cache; Neo4j's pool use and state; the .ics and export routes; and
 * prom-client's default process metrics. Values the service already keeps (cache counts, open
 * sessions, the database's state) are read when Prometheus scrapes, not tracked twice.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Express, Request, RequestHandler } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CachedData, ResultCache } from "../graphql/result-cache.ts";
import { failure, methodNotAllowed, sendFailure } from "../http/errors.ts";
import { type Database, MAX_CONNECTION_POOL_SIZE } from "../store/database.ts";

const P = "party_org_graph_";

/** Seconds, from 1 ms to 30 s: a page of a unit's facts to a national export. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STATEMENT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ROUND_TRIP_BUCKETS = [0, 1, 2, 4, 8, 16, 32, 64, 128];

/** Routes outside /graphql that are counted, by their prefix (the label value). */
export const COUNTED_ROUTES = ["/calendar", "/export"];

export type Outcome = "success" | "partial" | "error";

export interface MetricsSources {
  db: Database;
  cache: ResultCache | null;
  /** Whether this process runs Neo4j itself (no NEO4J_URI). */
  embedded: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"operation" | "type" | "outcome">;
  private readonly requestSeconds: Histogram<"operation" | "type">;
  private readonly requestRoundTrips: Histogram<"operation">;
  private readonly errors: Counter<"code">;
  private readonly statements: Counter<"statement" | "mode" | "outcome">;
  private readonly statementSeconds: Histogram<"statement" | "mode">;
  private readonly routeRequests: Counter<"route" | "method" | "status">;
  private readonly routeSeconds: Histogram<"route">;
  private readonly unsubscribe: () => void;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: `${P}graphql_requests_total`,
      help: "GraphQL requests by operation name, operation type and outcome (success, partial, error)",
      labelNames: ["operation", "type", "outcome"],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: `${P}graphql_request_duration_seconds`,
      help: "Time from receiving a GraphQL request to sending its answer",
      labelNames: ["operation", "type"],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.requestRoundTrips = new Histogram({
      name: `${P}graphql_request_cypher_round_trips`,
      help: "Cypher round trips one GraphQL request made (its extensions.cypherRoundTrips)",
      labelNames: ["operation"],
      buckets: ROUND_TRIP_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: `${P}graphql_errors_total`,
      help: "Errors in GraphQL answers, by extensions.code",
      labelNames: ["code"],
      registers,
    });
    this.statements = new Counter({
      name: `${P}cypher_statements_total`,
      help: "Cypher statements (round trips to Neo4j) by statement name, access mode and outcome (ok, error)",
      labelNames: ["statement", "mode", "outcome"],
      registers,
    });
    this.statementSeconds = new Histogram({
      name: `${P}cypher_statement_duration_seconds`,
      help: "Time a Cypher statement took, sent to its records received",
      labelNames: ["statement", "mode"],
      buckets: STATEMENT_BUCKETS,
      registers,
    });
    this.routeRequests = new Counter({
      name: `${P}http_route_requests_total`,
      help: "Requests to the .ics feed and the exports, by route, method and HTTP status",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.routeSeconds = new Histogram({
      name: `${P}http_route_request_duration_seconds`,
      help: "Time to answer a request to the .ics feed or the exports",
      labelNames: ["route"],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.unsubscribe = registerNeo4jMetrics(this.registry, sources);
    if (sources.cache) registerCacheMetrics(this.registry, sources.cache);
  }

  /** One GraphQL answer sent. */
  request(r: {
    operation: string;
    type: string;
    outcome: Outcome;
    /** null for a request refused before its pipeline started. */
    seconds: number | null;
    roundTrips: number | null;
    errorCodes: string[];
  }): void {
    this.requests.inc({ operation: r.operation, type: r.type, outcome: r.outcome });
    if (r.seconds !== null) this.requestSeconds.observe({ operation: r.operation, type: r.type }, r.seconds);
    if (r.roundTrips !== null) this.requestRoundTrips.observe({ operation: r.operation }, r.roundTrips);
    for (const code of r.errorCodes) this.errors.inc({ code });
  }

  /** A statement begins; the function returned records its end. */
  statementStarted(statement: string, mode: "READ" | "WRITE"): (error?: unknown) => void {
    const start = process.hrtime.bigint();
    return (error) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.statementSeconds.observe({ statement, mode }, seconds);
      this.statements.inc({ statement, mode, outcome: error === undefined ? "ok" : "error" });
    };
  }

  /** Counts the requests of the routes in COUNTED_ROUTES (mount before them). */
  routeCounter(): RequestHandler {
    return (req, res, next) => {
      const route = COUNTED_ROUTES.find((r) => req.path === r || req.path.startsWith(`${r}/`));
      if (!route) return next();
      const start = process.hrtime.bigint();
      res.once("finish", () => {
        const method = req.method === "GET" || req.method === "HEAD" ? req.method : "other";
        this.routeRequests.inc({ route, method, status: String(res.statusCode) });
        this.routeSeconds.observe({ route }, Number(process.hrtime.bigint() - start) / 1e9);
      });
      next();
    };
  }

  close(): void {
    this.unsubscribe();
    this.registry.clear();
  }
}

/** The database: its state (up, restarting, down), restarts, whether embedded, and pool use. */
function registerNeo4jMetrics(registry: Registry, { db, embedded }: MetricsSources): () => void {
  const registers = [registry];
  new Gauge({
    name: `${P}neo4j_up`,
    help: "1 while the service sees Neo4j up, else 0 (down or restarting)",
    registers,
    collect() {
      this.set(db.health.isUp ? 1 : 0);
    },
  });
  new Gauge({
    name: `${P}neo4j_state`,
    help: "The database's state as the service sees it: 1 for the current state, 0 for the others",
    labelNames: ["state"],
    registers,
    collect() {
      const now = db.health.snapshot().state;
      for (const state of ["up", "restarting", "down"]) this.set({ state }, state === now ? 1 : 0);
    },
  });
  new Gauge({
    name: `${P}neo4j_embedded`,
    help: "1 when this process runs Neo4j itself (no NEO4J_URI), else 0",
    registers,
  }).set(embedded ? 1 : 0);
  const restarts = new Counter({
    name: `${P}neo4j_restarts_total`,
    help: "Restart attempts of the embedded Neo4j by the supervisor (changes of state to restarting)",
    registers,
  });
  const changes = new Counter({
    name: `${P}neo4j_state_changes_total`,
    help: "Changes of the database's state, by the state entered",
    labelNames: ["state"],
    registers,
  });
  new Gauge({
    name: `${P}neo4j_sessions_in_use`,
    help: "Neo4j sessions open now, each holding a pool connection while it runs",
    registers,
    collect() {
      this.set(db.sessionsInUse);
    },
  });
  new Gauge({
    name: `${P}neo4j_pool_max_connections`,
    help: "The most connections the driver opens to Neo4j",
    registers,
  }).set(MAX_CONNECTION_POOL_SIZE);
  return db.health.onChange((s) => {
    changes.inc({ state: s.state });
    if (s.state === "restarting") restarts.inc();
  });
}

/**
 * The result cache's counts, read at scrape time (they only ever grow), and its size. Hits,
 * misses and joins carry `data`: `hierarchy` (the questions' answers) or `reference` (the rules,
 * citations and documents they name, held across unit edits).
 */
function registerCacheMetrics(registry: Registry, cache: ResultCache): void {
  const registers = [registry];
  const counted: [string, string, (data: CachedData) => number][] = [
    ["hits", "Keys answered from the result cache", (d) => cache.counts[d].hits],
    ["misses", "Keys the result cache did not hold, read from Neo4j", (d) => cache.counts[d].misses],
    ["joins", "Keys answered by joining a read another request had under way", (d) => cache.counts[d].joined],
  ];
  for (const [what, help, read] of counted) {
    const reported: Record<CachedData, number> = { hierarchy: 0, reference: 0 };
    new Counter({
      name: `${P}result_cache_${what}_total`,
      help: `${help}, by what they hold (hierarchy: answers about units; reference: rules, citations, documents)`,
      labelNames: ["data"],
      registers,
      collect() {
        for (const data of ["hierarchy", "reference"] as const) {
          const now = read(data);
          this.inc({ data }, now - reported[data]);
          reported[data] = now;
        }
      },
    });
  }
  let evicted = 0;
  new Counter({
    name: `${P}result_cache_evictions_total`,
    help: "Entries pushed out of the result cache to make room",
    registers,
    collect() {
      this.inc(cache.evictions - evicted);
      evicted = cache.evictions;
    },
  });
  new Gauge({
    name: `${P}result_cache_entries`,
    help: "Entries the result cache holds",
    registers,
    collect() {
      this.set(cache.size);
    },
  });
  new Gauge({
    name: `${P}result_cache_bytes`,
    help: "Estimated bytes the result cache holds (bounded by RESULT_CACHE_MB)",
    registers,
    collect() {
      this.set(cache.bytes);
    },
  });
}

/**
 * GET /metrics. With METRICS_TOKEN, only for `Authorization: Bearer <token>` (401 otherwise);
 * without it, for anyone who can reach the service (src/config.ts keeps it off on a public one).
 */
export function mountMetrics(app: Express, metrics: Metrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  app.get("/metrics", async (req, res) => {
    if (expected && !bearerMatches(req, expected)) {
      res.setHeader("www-authenticate", 'Bearer realm="metrics"');
      sendFailure(req, res, failure("UNAUTHENTICATED", "/metrics needs the bearer token METRICS_TOKEN"));
      return;
    }
    res.setHeader("content-type", metrics.registry.contentType);
    res.setHeader("cache-control", "no-store");
    res.send(await metrics.registry.metrics());
  });
  app.all("/metrics", methodNotAllowed(["GET", "HEAD"]));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares digests, so the time taken says nothing about the token. */
function bearerMatches(req: Request, expected: Buffer): boolean {
  const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "");
  return m !== null && timingSafeEqual(digest(m[1] as string), expected);
}
