/**
 * Configuration from environment variables, validated with zod at start-up.
 * Every variable is listed, with its default and meaning, in the README.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DUE_DATES_FILE as SHIPPED_DUE_DATES_FILE } from "./asset-paths.ts";
import { isIsoDate } from "./domain/dates.ts";
import { type DueDatePolicy, parseDueDatePolicy } from "./domain/due-dates.ts";
import { isRepositorySecret, REPOSITORY_SECRET_MESSAGE } from "./repository-secrets.ts";

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http:// or https:// URL");

/** A secret of at least `min` characters that is none of the repository's own (src/repository-secrets.ts). */
const secret = (min: number, tooShort: string) =>
  z
    .string()
    .min(min, tooShort)
    .refine((v) => !isRepositorySecret(v), REPOSITORY_SECRET_MESSAGE);

const schema = z.object({
  // internal: behind the operator's network (GraphiQL and introspection on by default);
  // public: exposed to anyone (both off unless GRAPHIQL / INTROSPECTION say otherwise).
  EXPOSURE: z.enum(["internal", "public"]).default("internal"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, "must look like bolt://host:7687 or neo4j://host:7687")
    .optional(),
  NEO4J_USER: z.string().min(1).default("neo4j"),
  // Unset: the embedded Neo4j gets a random password kept beside its data (src/local-secrets.ts);
  // NEO4J_URI needs it set (checked below).
  NEO4J_PASSWORD: secret(8, "must be at least 8 characters (Neo4j's minimum)").optional(),
  NEO4J_DATABASE: z.string().min(1).optional(),
  NEO4J_BOLT_PORT: port.default(7687),
  NEO4J_DATA_DIR: z.string().min(1).default(".data/neo4j"),
  NEO4J_HEAP_MB: z.coerce.number().int().min(256).max(16384).default(1024),
  NEO4J_PAGECACHE_MB: z.coerce.number().int().min(64).max(16384).default(512),
  NEO4J_START_TIMEOUT_MS: z.coerce.number().int().min(5000).default(180_000),
  // How long a transaction is retried on transient errors (Neo4j down or switching leader).
  NEO4J_MAX_RETRY_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  // How often the service probes a Neo4j that is up (README, "How Neo4j runs"); 0 turns it off.
  NEO4J_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  // The time budget of one change, waiting for the hierarchy lock included (src/store/change-session.ts).
  WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  // How long SIGTERM waits for the requests in flight before closing their connections (src/main.ts).
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  SEED_ON_START: z.enum(["auto", "always", "never"]).default("auto"),
  GRAPHIQL: bool.optional(),
  INTROSPECTION: bool.optional(),
  // Requests a minute from one client on /graphql and /calendar (src/http/security.ts); 0 = off.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  // Express's "trust proxy": false, a hop count, or addresses/subnets of trusted proxies. Not
  // `true`: it trusts every X-Forwarded-For entry, which the client itself writes, so a client
  // would choose the address its rate limit and per-client slots are counted by.
  TRUST_PROXY: z
    .string()
    .regex(/^(false|\d{1,2}|[\w.:/, -]+)$/, "must be false, a hop count or a list of proxy addresses")
    .refine(
      (v) => v !== "true",
      "must not be true (it trusts every X-Forwarded-For entry, which the client writes): give the number of proxies in front of the service, or their addresses",
    )
    .default("false"),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  // The most change records one scoped reader's `changes` page reads looking for changes it may see.
  CHANGES_SCAN_MAX: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  // The most units one request of a scoped reader reads below units that open no subtree to it (src/graphql/visibility.ts).
  SCOPED_SUBTREE_SCAN_MAX: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  MAX_DEPTH: z.coerce.number().int().min(1).max(50).default(10),
  // The longest window graphDiff and the diff exports compare, in days (README, "What changed").
  DIFF_MAX_SPAN_DAYS: z.coerce.number().int().min(1).max(36_600).default(3_660),
  // The dates a change may take effect on (README, "Input rules"): from the Party's founding
  // to this many years after today, so that a mistyped year cannot block later restructurings.
  EFFECTIVE_DATE_MIN: z
    .string()
    .refine(isIsoDate, "must be a real date written yyyy-mm-dd")
    .default("1930-01-01"),
  EFFECTIVE_DATE_MAX_YEARS_AHEAD: z.coerce.number().int().min(0).max(100).default(5),
  // Limits checked before execution (src/graphql/limits.ts, README "Limits").
  MAX_TOKENS: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).max(1000).default(12),
  MAX_ALIASES: z.coerce.number().int().min(0).max(100_000).default(30),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(100_000).default(50),
  MAX_QUERY_COST: z.coerce.number().int().min(1).max(1_000_000_000).default(100_000),
  // A request's time budget, and the largest answer sent (src/http/response-guard.ts).
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(15_000),
  MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(100)
    .max(1_000_000_000)
    .default(5 * 1024 * 1024),
  // Access control (README, "Roles"): HS256 secret or a JWKS URL; who may read without a token.
  // Neither JWT_SECRET nor JWT_JWKS_URL: `npm start` generates a secret into JWT_SECRET_FILE
  // (default beside NEO4J_DATA_DIR: .data/jwt-secret), and `npm run token` signs with it.
  JWT_SECRET: secret(32, "must be at least 32 characters").optional(),
  JWT_SECRET_FILE: z.string().min(1).optional(),
  // The longest lifetime (exp − iat, or exp − now without iat) a token may have; tokens need exp.
  JWT_MAX_LIFETIME_S: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  READ_ACCESS: z.enum(["public", "authenticated", "scoped"]).default("public"),
  // Feed capabilities (README, "Feed links"): the key they are signed with (else one derived from
  // JWT_SECRET) and the longest a minted one may live, in days.
  FEED_TOKEN_SECRET: secret(32, "must be at least 32 characters").optional(),
  FEED_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3660).default(365),
  // The most live (unrevoked, unexpired) feed links one minter (token subject) may hold.
  FEED_TOKEN_MAX_PER_MINTER: z.coerce.number().int().min(1).max(100_000).default(100),
  // The reporting calendar's due-date policy (README, "Reporting calendar"); default config/due-dates.yaml.
  DUE_DATES_FILE: z.string().min(1).optional(),
  // Inline traces (ftv1) for a gateway that asks with apollo-federation-include-trace (src/graphql/federated-tracing.ts).
  FEDERATED_TRACING: bool.default(true),
  // Exports streaming at once (more: 503 with Retry-After), and how long one may stream (src/explorer/export-slots.ts).
  EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(2),
  EXPORT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(900_000),
  // A download whose client takes fewer bytes than this per second, over a window, is cut (0: never).
  EXPORT_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(0).max(1_000_000_000).default(2048),
  EXPORT_MIN_RATE_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // Answers kept between requests, keyed by the graph's version (README, "Result cache"); 0 turns it off.
  RESULT_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(32),
  // GraphQL requests running at once, the others waiting their turn (src/http/graphql-slots.ts); 0: no bound.
  GRAPHQL_CONCURRENCY: z.coerce.number().int().min(0).max(10_000).default(8),
  // Frontends (README, "Frontends"): CORS, persisted queries and trusted documents, live updates.
  // CORS_ORIGINS: origins allowed to call the API from a browser (comma list, `*` for any); none by default.
  CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o !== ""),
    )
    .pipe(
      z.array(
        z.union([
          z.literal("*"),
          z.string().regex(/^https?:\/\/[^\s/,]+$/, "must be origins like https://app.example.org"),
        ]),
      ),
    )
    .default([]),
  CORS_CREDENTIALS: bool.default(false),
  CORS_MAX_AGE_S: z.coerce.number().int().min(0).max(86_400).default(600),
  // Automatic persisted queries kept in memory (LRU, this many MiB); 0 turns APQ off.
  APQ_CACHE_MB: z.coerce.number().min(0).max(1024).default(8),
  // A manifest {hash: query}: when set, only its documents are executed.
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  // The warm-up at start (src/graphql/services/warm-up.ts): graphDiff's statements planned, one small real diff.
  WARMUP: z.enum(["on", "off"]).default("on"),
  // Subscriptions over graphql-ws (src/live/**).
  LIVE_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  LIVE_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).max(10_000).default(10),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(20),
  // Messages one client address may send over its sockets a minute (token bucket); 0: unlimited.
  LIVE_MAX_MESSAGES_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(300),
  // The largest file POST /registry/import reads (README, "Registry").
  REGISTRY_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_000_000_000)
    .default(20 * 1024 * 1024),
  // The most rows an import file may hold (README, "Registry"; src/registry/parse.ts).
  REGISTRY_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  // Chat reminders (README, "Reminders"): the subscriptions file, the address the .ics links use,
  // each webhook post's attempts, first backoff (doubling) and timeout; the in-service scheduler,
  // its interval and its claims' lease; the hosts webhooks may point at, private ones included
  // (empty: public addresses only, src/reminders/webhook-address.ts).
  REMINDERS_FILE: z.string().min(1).optional(),
  REMINDERS_PUBLIC_URL: z.string().url().default("http://localhost:4000"),
  REMINDERS_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  REMINDERS_BACKOFF_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  REMINDERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  REMINDERS_SCHEDULER: z.enum(["on", "off"]).default("off"),
  REMINDERS_INTERVAL_S: z.coerce.number().int().min(5).max(86_400).default(300),
  REMINDERS_LEASE_S: z.coerce.number().int().min(10).max(86_400).default(600),
  REMINDERS_WEBHOOK_HOSTS: z.string().optional(),
  REMINDERS_MAX_UNITS: z.coerce.number().int().min(1).max(100_000).default(500),
  // How many stored subscriptions one unit, and one creator (token subject), may have: each is
  // recomputed by every round and preview, and posts its own copy of each reminder.
  REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT: z.coerce.number().int().min(1).max(10_000).default(20),
  REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR: z.coerce.number().int().min(1).max(100_000).default(200),
  // How far V8 lets the old heap grow past what survives a collection; applied by src/runtime.ts
  // before anything loads (this only checks it; the default is its DEFAULT_HEAP_GROWING_PERCENT).
  // 0 leaves V8's own heuristics.
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(50),
  // GET /metrics (README, "Metrics"): on by default, except on a public service without a token.
  METRICS: z.enum(["on", "off"]).optional(),
  // When set, /metrics answers only requests bearing it (Authorization: Bearer …); from the environment only.
  METRICS_TOKEN: secret(16, "must be at least 16 characters").optional(),
  // Tracing (README, "Traces"): the standard OpenTelemetry variables; off unless an exporter is named.
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "console", "none"]).default("none"),
  OTEL_SERVICE_NAME: z.string().min(1).default("party-org-graph"),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
});

/** GraphiQL and introspection follow EXPOSURE unless set explicitly. */
const withDerivedDefaults = schema.transform((c) => ({
  ...c,
  GRAPHIQL: c.GRAPHIQL ?? c.EXPOSURE === "internal",
  INTROSPECTION: c.INTROSPECTION ?? c.EXPOSURE === "internal",
  // A public service shows its metrics only behind a token, unless METRICS=on says otherwise.
  METRICS: (c.METRICS ?? (c.EXPOSURE === "internal" || c.METRICS_TOKEN ? "on" : "off")) === "on",
  TRACING: !c.OTEL_SDK_DISABLED && c.OTEL_TRACES_EXPORTER !== "none",
}));

export type Config = z.output<typeof withDerivedDefaults>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** An https: key set, or an http: one on a loopback host (a local identity provider, tests). */
function isSafeKeyUrl(url: string): boolean {
  const u = new URL(url);
  return (
    u.protocol === "https:" ||
    (u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname))
  );
}

/** Parses the environment; the error lists every bad variable on one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = withDerivedDefaults
    .refine((c) => !(c.CORS_CREDENTIALS && c.CORS_ORIGINS.includes("*")), {
      path: ["CORS_ORIGINS"],
      message:
        "cannot be * when CORS_CREDENTIALS is true (browsers refuse credentials for any origin): list the origins",
    })
    .refine((c) => !c.JWT_JWKS_URL || c.JWT_AUDIENCE, {
      path: ["JWT_AUDIENCE"],
      message:
        "must be set when JWT_JWKS_URL is: an identity provider signs tokens for many clients, and only those meant for this service may pass",
    })
    .refine((c) => !c.JWT_JWKS_URL || isSafeKeyUrl(c.JWT_JWKS_URL), {
      path: ["JWT_JWKS_URL"],
      message:
        "must be an https: address (http: only on this machine): keys fetched in the clear can be swapped",
    })
    .refine((c) => !c.FEED_TOKEN_SECRET || c.FEED_TOKEN_SECRET !== c.JWT_SECRET, {
      path: ["FEED_TOKEN_SECRET"],
      message:
        "must differ from JWT_SECRET: a feed link signed with the bearer tokens' key could be presented as a bearer token",
    })
    .refine((c) => !c.NEO4J_URI || c.NEO4J_PASSWORD, {
      path: ["NEO4J_PASSWORD"],
      message: "must be set when NEO4J_URI is (only the embedded Neo4j gets a generated password)",
    })
    .safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The due-date policy shipped with the service: documented defaults, not law. */
export const DEFAULT_DUE_DATES_FILE = SHIPPED_DUE_DATES_FILE;

const policies = new Map<string, DueDatePolicy>();

/**
 * The reporting calendar's due-date policy (src/domain/due-dates.ts), read once per file and
 * kept; a missing or invalid file is a ConfigError naming DUE_DATES_FILE and the problem.
 */
export function loadDueDatePolicy(file: string = DEFAULT_DUE_DATES_FILE): DueDatePolicy {
  const cached = policies.get(file);
  if (cached) return cached;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split("\n")[0];
    throw new ConfigError(`Invalid configuration: DUE_DATES_FILE cannot be read (${msg})`);
  }
  try {
    const policy = parseDueDatePolicy(raw, file.split(/[\\/]/).pop() ?? file);
    policies.set(file, policy);
    return policy;
  } catch (e) {
    throw new ConfigError(`Invalid configuration: DUE_DATES_FILE ${(e as Error).message}`);
  }
}
