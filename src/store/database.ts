/**
 * The one module that talks to neo4j-driver: sessions, managed transactions, error mapping
 * and value conversion (Integer → number, Date → ISO string). Everything else in src/store
 * hands it parameterised Cypher.
 */
import neo4j, {
  type Driver,
  isDate,
  isDateTime,
  isDuration,
  isInt,
  isLocalDateTime,
  Neo4jError,
} from "neo4j-driver";
import { DomainError } from "../domain/errors.ts";

export type Row = Record<string, unknown>;

/** Counts the Cypher round trips one GraphQL request makes (reported in the response extensions). */
export class RoundTripCounter {
  count = 0;
  /**
   * The request's time budget (REQUEST_TIMEOUT_MS, src/http/response-guard.ts), when it has one:
   * its reads get what is left of it as their transaction timeout, so Neo4j stops working on a
   * request that has been answered with TIMEOUT; once it is spent they are not started at all.
   */
  budget: TimeBudget | undefined;
}

export interface TimeBudget {
  /** Its length (REQUEST_TIMEOUT_MS), for messages. */
  ms: number;
  /** When it ends, in milliseconds since the epoch. */
  deadline: number;
  /** False for mutations: a write is never cut short once it may have been committed. */
  enforced: boolean;
  /** Set when the client was answered with TIMEOUT: nothing may be written for it after that. */
  answered: boolean;
}

/** A read refused or stopped because its request's time budget was spent. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  constructor(readonly ms: number) {
    super(`The request took longer than REQUEST_TIMEOUT_MS ${ms.toLocaleString("en-US")} ms and was stopped`);
  }
}

/** The transaction config of a read for a request with `counter`: the rest of its budget as timeout. */
function txConfig(counter: RoundTripCounter | undefined): { timeout?: number } {
  const budget = counter?.budget;
  if (!budget?.enforced) return {};
  const left = Math.ceil(budget.deadline - Date.now());
  if (left <= 0) throw new RequestTimeoutError(budget.ms);
  return { timeout: left };
}

export interface DatabaseOptions {
  uri: string;
  user: string;
  password: string;
  database?: string;
  /** How long a managed transaction is retried on transient errors (driver default: 30 s). */
  maxTransactionRetryMs?: number;
}

export class Database {
  readonly driver: Driver;
  readonly database: string | undefined;

  constructor(opts: DatabaseOptions) {
    this.driver = neo4j.driver(opts.uri, neo4j.auth.basic(opts.user, opts.password), {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: 50,
      connectionAcquisitionTimeout: 20_000,
      ...(opts.maxTransactionRetryMs === undefined
        ? {}
        : { maxTransactionRetryTime: opts.maxTransactionRetryMs }),
      userAgent: "party-org-graph",
    });
    this.database = opts.database;
  }

  /** Fails with a clear, one-line message when the server is unreachable or refuses the credentials. */
  async verify(): Promise<void> {
    try {
      await this.driver.verifyConnectivity({ database: this.database });
      await this.read("RETURN 1 AS ok");
    } catch (e) {
      throw connectionError(e);
    }
  }

  async read(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    const config = txConfig(counter);
    if (counter) counter.count++;
    return this.run("READ", cypher, params, config, counter?.budget);
  }

  /**
   * One read statement in an auto-commit transaction: a single network round trip instead of
   * a managed transaction's two (BEGIN + RUN + PULL, then COMMIT). For tiny idempotent reads
   * only; it is not retried on transient errors.
   */
  async readAutoCommit(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    const config = txConfig(counter);
    if (counter) counter.count++;
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      const result = await session.run(cypher, toParams(params) as Row, config);
      return result.records.map((r) => toPlain(r.toObject()) as Row);
    } catch (e) {
      throw mapError(e, counter?.budget);
    } finally {
      await session.close();
    }
  }

  async write(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    if (counter) counter.count++;
    return this.run("WRITE", cypher, params, {});
  }

  /** Runs several statements in one write transaction; all or nothing. */
  async writeTransaction<T>(work: (tx: TransactionRunner) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite(async (tx) =>
        work({
          run: async (cypher, params = {}) =>
            (await tx.run(cypher, toParams(params) as Row)).records.map((r) => toPlain(r.toObject()) as Row),
        }),
      );
    } catch (e) {
      throw mapError(e);
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async run(
    mode: "READ" | "WRITE",
    cypher: string,
    params: Row,
    config: { timeout?: number },
    budget?: TimeBudget,
  ): Promise<Row[]> {
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode === "READ" ? neo4j.session.READ : neo4j.session.WRITE,
    });
    try {
      const work = async (tx: {
        run: (q: string, p: Row) => PromiseLike<{ records: { toObject(): Row }[] }>;
      }) => (await tx.run(cypher, toParams(params) as Row)).records.map((r) => toPlain(r.toObject()) as Row);
      return mode === "READ"
        ? await session.executeRead(work, config)
        : await session.executeWrite(work, config);
    } catch (e) {
      throw mapError(e, budget);
    } finally {
      await session.close();
    }
  }
}

export interface TransactionRunner {
  run(cypher: string, params?: Row): Promise<Row[]>;
}

/**
 * Converts parameters for the driver: whole numbers become Cypher integers (JavaScript
 * numbers would travel as floats, which LIMIT, SKIP and list slices refuse).
 */
export function toParams(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return neo4j.int(value);
  if (Array.isArray(value)) return value.map(toParams);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Row = {};
    for (const [k, v] of Object.entries(value as Row)) out[k] = toParams(v);
    return out;
  }
  return value;
}

/** Converts driver values to plain JSON-friendly ones. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (
    isDate(value as object) ||
    isDateTime(value as object) ||
    isLocalDateTime(value as object) ||
    isDuration(value as object)
  )
    return String(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object") {
    const out: Row = {};
    for (const [k, v] of Object.entries(value as Row)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

function mapError(e: unknown, budget?: TimeBudget): unknown {
  if (e instanceof DomainError) return e;
  if (e instanceof Neo4jError) {
    // Neo4j stopped the transaction at the timeout its request's budget gave it.
    if (budget && /TransactionTimedOut/.test(e.code)) return new RequestTimeoutError(budget.ms);
    if (e.code === "Neo.ClientError.Schema.ConstraintValidationFailed")
      return new DomainError("CONFLICT", `A uniqueness rule was violated: ${firstLine(e.message)}`);
    if (e.code === "ServiceUnavailable" || e.code === "SessionExpired") return connectionError(e);
  }
  return e;
}

/** A one-line, actionable message for connection failures. */
export class DatabaseConnectionError extends Error {
  override name = "DatabaseConnectionError";
}

export function connectionError(e: unknown): DatabaseConnectionError {
  const err = e as { code?: string; message?: string };
  const msg = firstLine(err.message ?? String(e));
  if (err.code === "Neo.ClientError.Security.Unauthorized" || /authentication|unauthori[sz]ed/i.test(msg))
    return new DatabaseConnectionError(
      `Neo4j refused the credentials (${msg}). Check NEO4J_USER and NEO4J_PASSWORD.`,
    );
  if (/protocol|scheme|url|uri/i.test(msg) && !/connect/i.test(msg))
    return new DatabaseConnectionError(
      `NEO4J_URI is not a usable Neo4j address (${msg}). Use bolt://host:7687 or neo4j://host:7687.`,
    );
  return new DatabaseConnectionError(
    `Cannot reach Neo4j (${msg}). Check NEO4J_URI and that the server is running, or unset NEO4J_URI to use the embedded Neo4j.`,
  );
}

function firstLine(s: string): string {
  return s.split("\n")[0]?.trim() ?? s;
}
