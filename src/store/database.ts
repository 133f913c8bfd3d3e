/**
 * The one module that talks to neo4j-driver: sessions, transactions (retried here, failing
 * fast while db.health says Neo4j is down), error mapping and value conversion
 * (Integer → number, Date → ISO string). Everything else in src/store
 * hands it parameterised Cypher.
 */
import neo4j, {
  type Driver,
  isDate,
  isDateTime,
  isDuration,
  isInt,
  isLocalDateTime,
  isRetryableError,
  Neo4jError,
  type Result,
  type ResultSummary,
  type Session,
  type Transaction,
} from "neo4j-driver";
import { DomainError } from "../domain/errors.ts";
import { DatabaseHealth, PingTimeout } from "./database-health.ts";

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
  /**
   * Set for a read through the result cache (src/store/graph-version.ts): each read statement is
   * wrapped to return the graph's versions too, in the same round trip.
   */
  versions?: { wrap(cypher: string): string; take(rows: Row[]): Row[] };
}

export interface TimeBudget {
  /** Its length (REQUEST_TIMEOUT_MS), for messages. */
  ms: number;
  /** The setting it comes from, for messages: REQUEST_TIMEOUT_MS unless said (EXPORT_TIMEOUT_MS for downloads). */
  setting?: string;
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
  constructor(
    readonly ms: number,
    readonly setting = "REQUEST_TIMEOUT_MS",
  ) {
    super(`The request took longer than ${setting} ${ms.toLocaleString("en-US")} ms and was stopped`);
  }
}

/**
 * Reads bounded by a time budget of their own, outside a GraphQL request (the downloads): each
 * gets what is left of `ms` from now as its transaction timeout, so Neo4j stops them when the
 * budget is spent, and none is started after that (RequestTimeoutError naming `setting`).
 */
export function budgetedReads(ms: number, setting: string): RoundTripCounter {
  const counter = new RoundTripCounter();
  counter.budget = { ms, setting, deadline: Date.now() + ms, enforced: true, answered: false };
  return counter;
}

/** The transaction config of a read for a request with `counter`: the rest of its budget as timeout. */
function txConfig(counter: RoundTripCounter | undefined): { timeout?: number } {
  const budget = counter?.budget;
  if (!budget?.enforced) return {};
  const left = Math.ceil(budget.deadline - Date.now());
  if (left <= 0) throw new RequestTimeoutError(budget.ms, budget.setting);
  return { timeout: left };
}

export interface DatabaseOptions {
  uri: string;
  user: string;
  password: string;
  database?: string;
  /**
   * How long a transaction is retried on transient errors (deadlocks, a leader switch, a
   * dropped connection) while the database is up; default 30 s. Retries stop at once when
   * the database is known to be down.
   */
  maxTransactionRetryMs?: number;
  /** The time budget of one change (runChange), waiting for the hierarchy lock included; default 10 s. */
  writeTimeoutMs?: number;
}

/** The most connections the driver opens to Neo4j (reported by /metrics). */
export const MAX_CONNECTION_POOL_SIZE = 50;

/** The driver's own retry pacing (neo4j-driver's TransactionExecutor defaults). */
const RETRY_INITIAL_DELAY_MS = 1000;
const RETRY_MULTIPLIER = 2;
const RETRY_JITTER = 0.2;
/**
 * A deadlock between two changes resolves as soon as one of them is rolled back: its retry waits
 * only a few milliseconds (randomised, so the two do not meet again), doubling up to a second.
 */
const DEADLOCK_INITIAL_DELAY_MS = 10;
const DEADLOCK_MAX_DELAY_MS = 1000;

type Work<T> = (tx: TransactionRunner) => Promise<T>;

/**
 * Watches the statements run for requests (src/observability: metrics and traces): `started` is
 * called, synchronously, as one begins; the function it returns is called when it ends.
 */
export interface StatementObserver {
  started(cypher: string, mode: "READ" | "WRITE"): (error?: unknown) => void;
}

/** Runs `run` as one observed statement; without an observer, just runs it. */
function observed<T>(
  observer: StatementObserver | undefined,
  cypher: string,
  mode: "READ" | "WRITE",
  run: () => PromiseLike<T>,
): PromiseLike<T> {
  if (!observer) return run();
  const done = observer.started(cypher, mode);
  return run().then(
    (result) => {
      done();
      return result;
    },
    (e: unknown) => {
      done(e);
      throw e;
    },
  );
}

/**
 * The health probe's own driver holds at most this many connections: the probe runs one
 * `RETURN 1` at a time (concurrent callers share it), so one is enough; a busy main pool
 * never makes it wait.
 */
const PROBE_POOL_SIZE = 1;

export class Database {
  readonly driver: Driver;
  /**
   * A second, one-connection driver for the health probe alone (review s10 #3): with every
   * connection of the main pool held by slow reads, a probe that waited for one of them timed
   * out and a busy database was declared down. A dead server still fails this probe at once.
   */
  private readonly probeDriver: Driver;
  readonly database: string | undefined;
  readonly health: DatabaseHealth;
  readonly writeTimeoutMs: number;
  private readonly maxRetryMs: number;
  /** Set by src/observability when metrics or traces are on; unset, statements are not watched. */
  observer: StatementObserver | undefined;
  /** Sessions open now (each holds a pool connection while it runs): the pool-use metric. */
  sessionsInUse = 0;
  /**
   * Shared by every session of this instance: each transaction begins after the last commit
   * this instance knows of, so a read sent to a follower or read replica (`neo4j://` routing)
   * sees what this instance wrote before it (causal consistency). A single server is always
   * up to date, and the bookmark costs it nothing.
   */
  private readonly bookmarks = neo4j.bookmarkManager();

  constructor(opts: DatabaseOptions) {
    this.driver = neo4j.driver(opts.uri, neo4j.auth.basic(opts.user, opts.password), {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: MAX_CONNECTION_POOL_SIZE,
      // A dead server refuses connections at once; a vanished host would otherwise hold each
      // attempt for the driver's 30 s.
      connectionTimeout: 5_000,
      connectionAcquisitionTimeout: 10_000,
      // For the driver's own managed transactions (bulk imports); this module retries its own.
      ...(opts.maxTransactionRetryMs === undefined
        ? {}
        : { maxTransactionRetryTime: opts.maxTransactionRetryMs }),
      userAgent: "party-org-graph",
    });
    this.probeDriver = neo4j.driver(opts.uri, neo4j.auth.basic(opts.user, opts.password), {
      maxConnectionPoolSize: PROBE_POOL_SIZE,
      connectionTimeout: 5_000,
      userAgent: "party-org-graph-probe",
    });
    this.database = opts.database;
    this.maxRetryMs = opts.maxTransactionRetryMs ?? 30_000;
    this.writeTimeoutMs = opts.writeTimeoutMs ?? 10_000;
    this.health = new DatabaseHealth((timeoutMs) => this.ping(timeoutMs));
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

  /** One `RETURN 1` that must answer within `timeoutMs` (the health probe). */
  async ping(timeoutMs: number): Promise<void> {
    // Its own driver (not the main pool, which busy requests may hold), and no bookmark: a
    // follower that lags is alive, and must not wait to catch up to answer.
    const session = this.probeDriver.session({
      database: this.database,
      defaultAccessMode: neo4j.session.READ,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        session.run("RETURN 1"),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new PingTimeout(`Neo4j did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      void session.close().catch(() => {});
    }
  }

  async read(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    txConfig(counter); // a spent budget refuses the read before it is counted
    if (counter) counter.count++;
    const capture = counter?.versions;
    // One statement in an auto-commit transaction: one Bolt exchange (RUN + PULL) where an
    // explicit transaction takes two (BEGIN + RUN + PULL, then COMMIT); retried as any read.
    const opts = { counter, autoCommit: true };
    if (!capture) return this.transaction("READ", (tx) => tx.run(cypher, params), opts);
    return capture.take(await this.transaction("READ", (tx) => tx.run(capture.wrap(cypher), params), opts));
  }

  /**
   * One read statement in an auto-commit transaction: a single network round trip instead of
   * a managed transaction's two (BEGIN + RUN + PULL, then COMMIT). For tiny idempotent reads
   * only; it is not retried on transient errors.
   */
  async readAutoCommit(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    const config = txConfig(counter);
    if (counter) counter.count++;
    this.assertUp();
    const session = this.openSession("READ");
    try {
      const result = await observed(this.observer, cypher, "READ", () =>
        session.run(cypher, toParams(params) as Row, config),
      );
      return result.records.map((r) => toPlain(r.toObject()) as Row);
    } catch (e) {
      if (isConnectionFailure(e)) void this.health.probe();
      throw mapError(e, counter?.budget);
    } finally {
      await session.close();
    }
  }

  async write(cypher: string, params: Row = {}, counter?: RoundTripCounter): Promise<Row[]> {
    if (counter) counter.count++;
    return this.transaction("WRITE", (tx) => tx.run(cypher, params));
  }

  /** Runs several statements in one write transaction; all or nothing. */
  async writeTransaction<T>(work: Work<T>): Promise<T> {
    return this.transaction("WRITE", work);
  }

  /**
   * A write transaction within the write time budget (writeTimeoutMs): Neo4j ends it, rolling
   * it back, when it runs longer — waiting for locks included — and it fails with a retryable
   * DatabaseBusyError (WRITE_TIMEOUT). For changes, whose lock others may hold for long.
   * `committed` reads whether it committed after all (its answer, or null) when the connection
   * went during COMMIT; without it, such a write fails SERVICE_UNAVAILABLE saying so.
   */
  async boundedWriteTransaction<T>(work: Work<T>, committed?: Work<T | null>): Promise<T> {
    return this.transaction("WRITE", work, { timeoutMs: this.writeTimeoutMs, committed });
  }

  /**
   * A write session of its own for a bulk import: each `run` is one managed transaction, which
   * the driver retries on transient errors (for maxTransactionRetryMs). Two of them write side by
   * side; the caller closes it.
   */
  openBatchSession(): BatchSession {
    const session = this.writeSession();
    return {
      run: (statements) => session.executeWrite((tx) => runBatch(tx, statements)),
      close: () => session.close(),
    };
  }

  /** One write transaction that a bulk import runs all its statements in (tests): all or nothing. */
  openBatchTransaction(): BatchTransaction {
    const session = this.writeSession();
    const tx = session.beginTransaction();
    return {
      run: (statements) => runBatch(tx, statements),
      commit: () => tx.commit(),
      rollback: () => (tx.isOpen() ? tx.rollback() : Promise.resolve()),
      close: () => session.close(),
    };
  }

  private writeSession(): Session {
    return this.openSession("WRITE");
  }

  /** A session, counted in sessionsInUse until it is closed. */
  private openSession(mode: "READ" | "WRITE"): Session {
    // READ sessions' transactions are read transactions: a routing driver sends them to readers.
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode === "READ" ? neo4j.session.READ : neo4j.session.WRITE,
      bookmarkManager: this.bookmarks,
    });
    this.sessionsInUse++;
    const close = session.close.bind(session);
    let open = true;
    session.close = () => {
      if (open) this.sessionsInUse--;
      open = false;
      return close();
    };
    return session;
  }

  async close(): Promise<void> {
    this.health.close();
    await Promise.all([this.driver.close(), this.probeDriver.close()]);
  }

  private assertUp(): void {
    if (this.health.isUp) return;
    const { state, since } = this.health.snapshot();
    throw new DatabaseConnectionError(`Neo4j is ${state} (since ${since})`);
  }

  /**
   * An explicit transaction, retried here rather than by the driver's managed transactions:
   * the driver would keep retrying for NEO4J_MAX_RETRY_MS while Neo4j is down, and could commit
   * a write after its client was told it failed. Each attempt first checks that the database
   * is up; a connection failure gets a probe, and a failed probe ends the retries. A read for a
   * request gets what is left of the request's time budget as its timeout, at each attempt.
   */
  private async transaction<T>(
    mode: "READ" | "WRITE",
    work: Work<T>,
    opts: {
      timeoutMs?: number;
      counter?: RoundTripCounter;
      autoCommit?: boolean;
      committed?: Work<T | null>;
    } = {},
  ): Promise<T> {
    const deadline = Date.now() + this.maxRetryMs;
    const budget = opts.counter?.budget;
    let delay = RETRY_INITIAL_DELAY_MS;
    let deadlockDelay = DEADLOCK_INITIAL_DELAY_MS;
    for (;;) {
      this.assertUp();
      const timeoutMs = opts.timeoutMs ?? txConfig(opts.counter).timeout;
      try {
        return await (opts.autoCommit
          ? this.attemptAutoCommit(mode, work, timeoutMs)
          : this.attempt(mode, work, timeoutMs));
      } catch (e) {
        if (e instanceof CommitInDoubt) {
          // Retrying blindly could apply the change twice, or refuse it for what it did itself.
          if (!opts.committed || !(await this.health.probe())) throw new CommitOutcomeUnknownError(e.failure);
          // Any failure of the read-back leaves the doubt: a pool or lock timeout says nothing of the COMMIT.
          const done = await this.attempt("WRITE", opts.committed, timeoutMs).catch(() => {
            throw new CommitOutcomeUnknownError(e.failure);
          });
          if (done !== null) return done;
          // It did not commit: retried as any connection failure.
        } else {
          if (!(isRetryableError(e) || e instanceof LocksUnsettledError) || isTimeout(e))
            throw mapError(e, budget);
          if (isConnectionFailure(e) && !(await this.health.probe())) throw connectionError(e);
        }
        const deadlock = isDeadlock(e);
        const wait = deadlock
          ? deadlockDelay * (0.5 + Math.random())
          : delay * (1 - RETRY_JITTER + 2 * RETRY_JITTER * Math.random());
        if (Date.now() + wait > deadline)
          throw e instanceof CommitInDoubt ? connectionError(e.failure) : mapError(e, budget);
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (deadlock) deadlockDelay = Math.min(deadlockDelay * RETRY_MULTIPLIER, DEADLOCK_MAX_DELAY_MS);
        else delay *= RETRY_MULTIPLIER;
      }
    }
  }

  /** `work` runs each statement in an auto-commit transaction of its own (for a read of one statement). */
  private async attemptAutoCommit<T>(mode: "READ" | "WRITE", work: Work<T>, timeoutMs?: number): Promise<T> {
    const session = this.openSession(mode);
    const config = timeoutMs === undefined ? undefined : { timeout: timeoutMs };
    try {
      return await work({
        run: async (cypher, params = {}) =>
          (
            await observed(this.observer, cypher, mode, () =>
              session.run(cypher, toParams(params) as Row, config),
            )
          ).records.map((r) => toPlain(r.toObject()) as Row),
      });
    } finally {
      await session.close().catch(() => {});
    }
  }

  private async attempt<T>(mode: "READ" | "WRITE", work: Work<T>, timeoutMs?: number): Promise<T> {
    const session = this.openSession(mode);
    try {
      const tx = session.beginTransaction(timeoutMs === undefined ? undefined : { timeout: timeoutMs });
      try {
        const result = await work({
          run: async (cypher, params = {}) =>
            (
              await observed(this.observer, cypher, mode, () =>
                runReleasing((p) => tx.run(cypher, p), params),
              )
            ).rows,
        });
        await tx.commit().catch((e: unknown) => {
          // The connection went during COMMIT: Neo4j may have committed the transaction or not.
          throw isConnectionFailure(e) ? new CommitInDoubt(e) : e;
        });
        return result;
      } catch (e) {
        if (tx.isOpen()) await tx.rollback().catch(() => {});
        throw e;
      }
    } finally {
      await session.close().catch(() => {});
    }
  }
}

/**
 * Runs one statement of an open transaction (`run`, given the driver's parameters) and answers
 * its rows as plain values, leaving nothing of them in the driver. neo4j-driver keeps every
 * Result of a transaction until the transaction ends (for its commit), and a Result awaited as a
 * promise keeps its records, as its parameters: a change of thousands of units held every
 * statement's answer and parameters to its commit — the units its locks read, every round of its
 * audit records (issue 16, item 6). Here the records are taken as they stream (subscribe: the
 * Result keeps none) and the parameters' object, made here (toParams), is emptied once the
 * statement is done (the driver has sent them and built its summary).
 */
export function runReleasing(
  run: (params: Row) => Result,
  params: Row,
): Promise<{ rows: Row[]; summary: ResultSummary }> {
  const sent = toParams(params) as Row;
  const release = () => {
    for (const key of Object.keys(sent)) delete sent[key];
  };
  return new Promise((resolve, reject) => {
    let rows: Row[] = [];
    run(sent).subscribe({
      onNext: (record) => {
        rows.push(toPlain(record.toObject()) as Row);
      },
      onCompleted: (summary) => {
        const answer = { rows, summary };
        // The observer stays with the Result until the transaction ends: it must not hold the rows.
        rows = [];
        release();
        resolve(answer);
      },
      onError: (e) => {
        rows = [];
        release();
        reject(e);
      },
    });
  });
}

/** A statement of a bulk import. */
export interface BatchStatement {
  cypher: string;
  params?: Row;
}

/** What a batch wrote, as Neo4j counted it. */
export interface BatchSummary {
  nodesCreated: number;
}

export interface BatchWriter {
  /** Runs the statements in order, in one transaction. */
  run(statements: readonly BatchStatement[]): Promise<BatchSummary>;
  close(): Promise<void>;
}

export type BatchSession = BatchWriter;

export interface BatchTransaction extends BatchWriter {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

async function runBatch(
  tx: Pick<Transaction, "run">,
  statements: readonly BatchStatement[],
): Promise<BatchSummary> {
  let nodesCreated = 0;
  for (const s of statements) {
    const result = await tx.run(s.cypher, toParams(s.params ?? {}) as Row);
    nodesCreated += result.summary.counters.updates().nodesCreated;
  }
  return { nodesCreated };
}

/** A write refused by a uniqueness constraint (e.g. a CREATE of a node that is already there). */
export function isConstraintViolation(e: unknown): boolean {
  return e instanceof Neo4jError && e.code === CONSTRAINT_FAILED;
}

const CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed";

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
  // Strings, numbers and lists before the driver's type checks: those cost a large read (a
  // diff's hundred thousand strings) a second of CPU for nothing.
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (isDate(value) || isDateTime(value) || isLocalDateTime(value) || isDuration(value)) return String(value);
  const out: Row = {};
  for (const [k, v] of Object.entries(value as Row)) out[k] = toPlain(v);
  return out;
}

function mapError(e: unknown, budget?: TimeBudget): unknown {
  if (e instanceof DomainError || e instanceof DatabaseConnectionError) return e;
  // Still unsettled once the retries' time is spent: the client's to retry, as a deadlock is.
  if (e instanceof LocksUnsettledError)
    return new DatabaseBusyError(
      "DEADLOCK",
      "The units this change must lock kept changing under other changes, and it was rolled back; nothing was written, retry it",
    );
  if (e instanceof Neo4jError) {
    // Neo4j stopped the transaction at the timeout its request's budget gave it.
    if (budget && /TransactionTimedOut/.test(e.code))
      return new RequestTimeoutError(budget.ms, budget.setting);
    if (e.code === CONSTRAINT_FAILED)
      return new DomainError("CONFLICT", `A uniqueness rule was violated: ${firstLine(e.message)}`);
    if (isConnectionFailure(e)) return connectionError(e);
    if (isTimeout(e))
      return new DatabaseBusyError(
        "WRITE_TIMEOUT",
        "The change did not finish within its time budget (WRITE_TIMEOUT_MS), most likely waiting for other changes to the hierarchy; nothing was written, retry it",
      );
    // A deadlock still there once the retries' time (NEO4J_MAX_RETRY_MS) is spent — two long
    // changes side by side (src/store/write-locks.ts, "Superiors") — is the client's to retry.
    if (isDeadlock(e))
      return new DatabaseBusyError(
        "DEADLOCK",
        "The change and another one each waited for what the other held, and it was rolled back; nothing was written, retry it",
      );
    if (e.message.startsWith("Connection acquisition timed out"))
      return new DatabaseBusyError(
        "POOL_EXHAUSTED",
        "Every connection to the database is busy; retry shortly",
      );
  }
  return e;
}

function isConnectionFailure(e: unknown): boolean {
  return e instanceof Neo4jError && (e.code === "ServiceUnavailable" || e.code === "SessionExpired");
}

/** Neo4j's deadlock, or lock rounds that did not settle: retried after a short randomised wait. */
function isDeadlock(e: unknown): boolean {
  return (
    (e instanceof Neo4jError && e.code === "Neo.TransientError.Transaction.DeadlockDetected") ||
    e instanceof LocksUnsettledError
  );
}

/** Neo4j ended the transaction because it ran past its timeout (possibly while waiting for a lock). */
function isTimeout(e: unknown): boolean {
  return (
    e instanceof Neo4jError &&
    (e.code.startsWith("Neo.ClientError.Transaction.TransactionTimedOut") ||
      e.code.endsWith(".Transaction.LockClientStopped"))
  );
}

/**
 * The database is there but cannot take this request now (a change past its time budget, no
 * free connection): nothing was written, and the client may retry.
 */
export class DatabaseBusyError extends Error {
  override name = "DatabaseBusyError";
  constructor(
    readonly rule: "WRITE_TIMEOUT" | "POOL_EXHAUSTED" | "DEADLOCK",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a change whose "lock, read again" rounds did not settle within MAX_LOCK_ROUNDS
 * (src/store/write-locks.ts): other changes kept moving what it must lock, and going on without
 * those locks would let its invariant checks miss them (review s14 F). Its transaction is rolled
 * back and retried as a deadlock is; past NEO4J_MAX_RETRY_MS the client is told DEADLOCK.
 */
export class LocksUnsettledError extends Error {
  override name = "LocksUnsettledError";
}

/** A COMMIT whose answer was lost with its connection: the transaction may have committed or not. */
class CommitInDoubt extends Error {
  override name = "CommitInDoubt";
  constructor(readonly failure: unknown) {
    super(firstLine((failure as { message?: string }).message ?? String(failure)));
  }
}

/**
 * A change whose COMMIT lost its connection and whose outcome could not be read back: it may or
 * may not have been written, so it must not be sent again blindly (unlike DatabaseConnectionError
 * and DatabaseBusyError, where nothing was written). The message is the client's; the driver's
 * failure is kept as `cause`, for the log.
 */
export class CommitOutcomeUnknownError extends Error {
  override name = "CommitOutcomeUnknownError";
  readonly rule = "COMMIT_IN_DOUBT";
  constructor(failure: unknown) {
    super(
      "The connection to the database was lost while the change was committing: it may or may not have been written; read it back (its event, the history) before sending it again",
      { cause: failure },
    );
  }
}

/** A one-line, actionable message for connection failures. */
export class DatabaseConnectionError extends Error {
  override name = "DatabaseConnectionError";
}

function connectionError(e: unknown): DatabaseConnectionError {
  if (e instanceof DatabaseConnectionError) return e;
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
