/**
 * Configuration from environment variables, validated with zod at start-up.
 * Every variable is listed, with its default and meaning, in the README.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type DueDatePolicy, parseDueDatePolicy } from "./domain/due-dates.ts";

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, "must look like bolt://host:7687 or neo4j://host:7687")
    .optional(),
  NEO4J_USER: z.string().min(1).default("neo4j"),
  NEO4J_PASSWORD: z
    .string()
    .min(8, "must be at least 8 characters (Neo4j's minimum)")
    .default("party-org-graph"),
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
  GRAPHIQL: bool.default(true),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  MAX_DEPTH: z.coerce.number().int().min(1).max(50).default(10),
  // Access control (README, "Roles"): HS256 secret or a JWKS URL; who may read without a token.
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  READ_ACCESS: z.enum(["public", "authenticated", "scoped"]).default("public"),
  // The reporting calendar's due-date policy (README, "Reporting calendar"); default config/due-dates.yaml.
  DUE_DATES_FILE: z.string().min(1).optional(),
  // Answers kept between requests, keyed by the graph's version (README, "Result cache"); 0 turns it off.
  RESULT_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
  // How far V8 lets the old heap grow past what survives a collection; applied by src/runtime.ts
  // before anything loads (this only checks it). 0 leaves V8's own heuristics.
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(100),
});

export type Config = z.infer<typeof schema>;

/** Development secret used only when nothing is configured; `npm run token` signs with it too. */
export const DEV_JWT_SECRET = "party-org-graph-development-secret-do-not-use-in-production";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; the error lists every bad variable on one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The due-date policy shipped with the service: documented defaults, not law. */
export const DEFAULT_DUE_DATES_FILE = fileURLToPath(new URL("../config/due-dates.yaml", import.meta.url));

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
