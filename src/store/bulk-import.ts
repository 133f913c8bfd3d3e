/**
 * Bulk import of a generated graph (src/generator): streamed, batched UNWIND writes keyed on
 * ids (MERGE for nodes; for relations a lookup by id, then CREATE when missing: see
 * relationsCypher in bulk-import-cypher.ts), so a re-run or a resumed run changes nothing that
 * is already there. Units are written before any relation that needs them: a relation batch
 * first flushes the pending units. While Neo4j writes one batch, the caller's generator
 * produces the next (one statement in flight per lane keeps that order). The writes go through
 * the driver module's batch writers (src/store/database.ts).
 *
 * Node and relationship properties are the stored shapes of src/domain/records.ts, with origin
 * 'generated', synthetic true and no source. Merger events are (:MergerEvent) nodes with
 * ENDED / FOUNDED links to units; they are not units, so the API's traversals (which follow
 * the relation types between units) never see them.
 */
import {
  GEN_PREFIX,
  GENERATED_ORIGIN,
  type GenEvent,
  type GeneratedBatch,
  type GenRelation,
  type GenUnit,
} from "../domain/records.ts";
import type { RelationType } from "../domain/relation-types.ts";
import {
  EVENTS_CYPHER,
  eventParameters,
  RELATIONS_LOCK,
  relationParameters,
  relationsCypher,
  UNITS_CREATE_CYPHER,
  UNITS_MERGE_CYPHER,
  unitParameters,
} from "./bulk-import-cypher.ts";
import { Lane } from "./bulk-import-lane.ts";
import {
  type BatchStatement,
  type BatchTransaction,
  type BatchWriter,
  type Database,
  isConstraintViolation,
  type Row,
} from "./database.ts";
import { type Fields, optNumber, text } from "./fields.ts";
import { bumpAllVersions } from "./graph-version.ts";

const count = (f: Fields, key: string): number => optNumber(f, key) ?? 0;

export { relationsCypher } from "./bulk-import-cypher.ts";

export interface ImportCounts {
  units: number;
  relations: number;
  events: number;
}

export interface ImportReport extends ImportCounts {
  eventLinks: number;
  statements: number;
  /** Unit batches written with MERGE: CREATE met units already there, or one transaction for all. */
  unitBatchesMerged: number;
  /**
   * Wall time, and where it went: time in Neo4j statements by kind (the two lanes overlap, so
   * these add up to more than the total), and our own CPU time generating rows and encoding them.
   */
  ms: {
    total: number;
    units: number;
    relations: Partial<Record<RelationType, number>>;
    events: number;
    generate: number;
    encode: number;
  };
}

/**
 * Rows per statement and transaction. Two transactions are open at a time (the two lanes), and
 * what they hold lives through young collections: measured on the 2-core machine with a 4 GB
 * heap, 20,000-row transactions made G1 shrink its young generation to ~200 MB and collect
 * 92–120 times (12–17 s of pauses; fresh import 111–161 s), 10,000 did the same under heavy load
 * (74 collections, 133 s), while 5,000 kept ~2.5 GB of young generation and ~21 collections
 * (under 1 s) even then, at about the same cost per row.
 */
export const DEFAULT_BATCH_SIZE = 5_000;

export interface ImportOptions {
  /**
   * Rows per UNWIND statement, and so per transaction (default DEFAULT_BATCH_SIZE). Larger is
   * not faster: see DEFAULT_BATCH_SIZE.
   */
  batchSize?: number;
  /** Run every statement in one transaction (for tests; default: one transaction per statement). */
  singleTransaction?: boolean;
  /** Called after each statement with the running totals. */
  onProgress?: (done: ImportCounts) => void;
}

/** Fails unless the seed units the generated graph hangs from are there (load the seed first). */
export async function checkAnchors(db: Database, anchors: readonly string[]): Promise<void> {
  const rows = await db.read(
    "UNWIND $ids AS id OPTIONAL MATCH (u:Unit {id: id}) RETURN id, u IS NOT NULL AS found",
    {
      ids: [...anchors],
    },
  );
  const missing = rows.filter((r) => r.found !== true).map((r) => text(r, "id"));
  if (missing.length > 0)
    throw new Error(
      `The generated graph hangs from seed units that are missing (${missing.join(", ")}): load the seed first (npm run seed).`,
    );
}

type StatementKind = "units" | "events" | RelationType;

/**
 * Writes every batch the generator yields. Units and relations go through two lanes, each on
 * its own batch writer, so that Neo4j writes the units of one chunk while it links the previous
 * chunk's (a relation batch waits for the unit batches before it; the lanes never touch the
 * same nodes, so they never wait on each other's locks). Returns counts and where the time went.
 */
export async function importGenerated(
  db: Database,
  batches: Iterable<GeneratedBatch>,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const run = new GeneratedImport(db, opts);
  try {
    await run.begin();
    for (const batch of run.timed(batches)) {
      run.add(batch);
      await run.flush(false);
    }
    await run.flush(true);
    await run.end();
  } catch (e) {
    await run.abort();
    throw e;
  } finally {
    await run.close();
  }
  return run.finished();
}

/** One import: the pending rows, the two lanes and their writers, and the report. */
class GeneratedImport {
  readonly report: ImportReport = {
    units: 0,
    relations: 0,
    events: 0,
    eventLinks: 0,
    statements: 0,
    unitBatchesMerged: 0,
    ms: { total: 0, units: 0, relations: {}, events: 0, generate: 0, encode: 0 },
  };
  private readonly started = performance.now();
  private readonly size: number;
  /**
   * After each chunk, partial batches of a fifth or more go out too: the small relation types
   * (LEADS, GUIDES… ~4,400 rows each in all) and the merger events would otherwise wait for the
   * end and run alone after the last units (measured: a 5.6 s tail with one lane busy).
   */
  private readonly early: number;
  private readonly tx: BatchTransaction | null;
  private readonly unitWriter: BatchWriter;
  private readonly relationWriter: BatchWriter;
  private readonly unitLane: Lane;
  private readonly relationLane: Lane;
  private unitsWritten: Promise<void> = Promise.resolve();
  /** One transaction cannot go on after a failed statement: then units are always MERGEd. */
  private createUnits: boolean;
  private units: GenUnit[] = [];
  private readonly relations = new Map<RelationType, GenRelation[]>();
  private events: GenEvent[] = [];

  constructor(
    db: Database,
    private readonly opts: ImportOptions,
  ) {
    this.size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    this.early = Math.max(1, Math.ceil(this.size / 5));
    this.tx = opts.singleTransaction ? db.openBatchTransaction() : null;
    this.unitWriter = this.tx ?? db.openBatchSession();
    this.relationWriter = this.tx ?? db.openBatchSession();
    this.createUnits = !this.tx;
    // One transaction cannot run statements side by side: then both kinds share one lane.
    // The relation lane may hold more waiting statements (a chunk makes several: one or more per
    // type): with two, the loop stalled on a chunk's relation statements, which wait for its units,
    // before it could queue the next chunk's units, and both lanes idled (measured: each busy 40 s
    // of a 60 s import). It still bounds how far generation runs ahead: a chunk or two.
    this.unitLane = new Lane(2);
    this.relationLane = this.tx ? this.unitLane : new Lane(8);
  }

  async begin(): Promise<void> {
    if (this.tx) await this.tx.run([{ cypher: RELATIONS_LOCK }]);
  }

  /** The batches, with the time spent generating them counted. */
  *timed(batches: Iterable<GeneratedBatch>): Generator<GeneratedBatch> {
    const it = batches[Symbol.iterator]();
    for (;;) {
      const t = performance.now();
      const next = it.next();
      this.report.ms.generate += performance.now() - t;
      if (next.done) return;
      yield next.value;
    }
  }

  add(batch: GeneratedBatch): void {
    for (const u of batch.units) this.units.push(u);
    for (const r of batch.relations) {
      let list = this.relations.get(r.type);
      if (!list) {
        list = [];
        this.relations.set(r.type, list);
      }
      list.push(r);
    }
    for (const e of batch.events) this.events.push(e);
  }

  /** Queues what is pending: full batches, and (after a chunk) partial ones of `early` rows or more; `all` queues the rest. */
  async flush(all: boolean): Promise<void> {
    await this.flushUnits(all);
    await this.flushRelations(all ? 1 : this.early);
    await this.flushEvents(all ? 1 : this.early);
  }

  async end(): Promise<void> {
    await this.unitLane.tail;
    await this.relationLane.tail;
    if (this.tx) await this.tx.commit();
  }

  async abort(): Promise<void> {
    if (this.tx) await this.tx.rollback().catch(() => {});
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.unitLane.tail, this.relationLane.tail]);
    await this.unitWriter.close();
    if (this.relationWriter !== this.unitWriter) await this.relationWriter.close();
  }

  finished(): ImportReport {
    this.report.ms.total = performance.now() - this.started;
    return this.report;
  }

  private async flushUnits(all: boolean): Promise<void> {
    while (this.units.length >= this.size || (all && this.units.length > 0)) {
      const rows = this.units.slice(0, this.size);
      this.units = this.units.slice(this.size);
      this.unitsWritten = (await this.unitLane.submit(this.task("units", rows))).done;
    }
  }

  /** A type's rows go out once `min` of them are pending (at most `size` per statement). */
  private async flushRelations(min: number): Promise<void> {
    for (const [type, pending] of this.relations) {
      let rest = pending;
      while (rest.length >= min && rest.length > 0) {
        await this.flushUnits(true);
        const rows = rest.slice(0, this.size);
        rest = rest.slice(this.size);
        await this.relationLane.submit(this.task(type, rows), this.unitsWritten);
      }
      this.relations.set(type, rest);
    }
  }

  private async flushEvents(min: number): Promise<void> {
    while (this.events.length >= min && this.events.length > 0) {
      await this.flushUnits(true);
      const rows = this.events.slice(0, this.size);
      this.events = this.events.slice(this.size);
      await this.relationLane.submit(this.task("events", rows), this.unitsWritten);
    }
  }

  /** The task that encodes and writes one statement's rows, then counts them. */
  private task(kind: StatementKind, rows: readonly unknown[]): () => Promise<void> {
    return async () => {
      const te = performance.now();
      const params = parametersOf(kind, rows);
      const t = performance.now();
      this.report.ms.encode += t - te;
      await this.write(kind, params, rows.length);
      this.count(kind, rows, performance.now() - t);
    };
  }

  private async write(kind: StatementKind, params: Row, rows: number): Promise<void> {
    if (kind === "units") return this.writeUnits(params, rows);
    if (kind === "events") {
      await this.relationWriter.run([{ cypher: EVENTS_CYPHER, params }]);
      return;
    }
    const statement: BatchStatement = { cypher: relationsCypher(kind), params };
    // In the one transaction the lock was taken once, at the start.
    await this.relationWriter.run(this.tx ? [statement] : [{ cypher: RELATIONS_LOCK }, statement]);
  }

  private async writeUnits(params: Row, rows: number): Promise<void> {
    if (this.createUnits) {
      try {
        await this.unitWriter.run([{ cypher: UNITS_CREATE_CYPHER, params }]);
        return;
      } catch (e) {
        if (!isConstraintViolation(e)) throw e;
      }
    }
    const result = await this.unitWriter.run([{ cypher: UNITS_MERGE_CYPHER, params }]);
    this.report.unitBatchesMerged++;
    // CREATE again once a batch was all new: a resumed run past what the interrupted one wrote.
    if (!this.tx) this.createUnits = result.nodesCreated === rows;
  }

  private count(kind: StatementKind, rows: readonly unknown[], ms: number): void {
    const report = this.report;
    report.statements++;
    if (kind === "units") {
      report.ms.units += ms;
      report.units += rows.length;
    } else if (kind === "events") {
      report.ms.events += ms;
      report.events += rows.length;
      for (const e of rows as GenEvent[]) report.eventLinks += e.ended.length + e.founded.length;
    } else {
      report.ms.relations[kind] = (report.ms.relations[kind] ?? 0) + ms;
      report.relations += rows.length;
    }
    this.opts.onProgress?.({ units: report.units, relations: report.relations, events: report.events });
  }
}

function parametersOf(kind: StatementKind, rows: readonly unknown[]): Row {
  if (kind === "events") return eventParameters(rows as GenEvent[]);
  if (kind === "units") return unitParameters(rows as GenUnit[]);
  return relationParameters(rows as GenRelation[]);
}

/** Records that a complete import of (scale, seed) is in the database. */
export async function markImportComplete(
  db: Database,
  info: { scale: number; seed: number; units: number; relations: number; events: number },
): Promise<void> {
  await db.write(
    `MERGE (m:GeneratedImport {id: 'gen-import'})
     SET m.scale = $scale, m.seed = $seed, m.units = $units, m.relations = $relations, m.events = $events,
         m.completedAt = datetime(), m.origin = $origin`,
    { ...info, origin: GENERATED_ORIGIN },
  );
  await bumpAllVersions(db);
}

export async function importMarker(
  db: Database,
): Promise<{ scale: number; seed: number; units: number; relations: number; events: number } | null> {
  const rows = await db.read(
    "MATCH (m:GeneratedImport {id: 'gen-import'}) RETURN m.scale AS scale, m.seed AS seed, m.units AS units, m.relations AS relations, m.events AS events",
  );
  const m = rows[0];
  if (!m) return null;
  return {
    scale: count(m, "scale"),
    seed: count(m, "seed"),
    units: count(m, "units"),
    relations: count(m, "relations"),
    events: count(m, "events"),
  };
}

/** What the database holds of generated data. */
export async function countGenerated(db: Database): Promise<ImportCounts & { eventLinks: number }> {
  const rows = await db.read(
    `CALL { MATCH (n:Unit) WHERE n.id STARTS WITH $prefix RETURN count(n) AS units }
     CALL { MATCH (:Unit)-[r]->(:Unit) WHERE r.origin = $origin RETURN count(r) AS relations }
     CALL { MATCH (e:MergerEvent) WHERE e.id STARTS WITH $prefix RETURN count(e) AS events }
     CALL { MATCH (e:MergerEvent)-[l]->(:Unit) WHERE e.id STARTS WITH $prefix RETURN count(l) AS eventLinks }
     RETURN units, relations, events, eventLinks`,
    { prefix: GEN_PREFIX, origin: GENERATED_ORIGIN },
  );
  const r = rows[0] ?? {};
  return {
    units: count(r, "units"),
    relations: count(r, "relations"),
    events: count(r, "events"),
    eventLinks: count(r, "eventLinks"),
  };
}

/**
 * Deletes everything the generator wrote (units with their relations, merger events, the
 * import marker), `batchSize` nodes per transaction.
 */
export async function deleteGenerated(db: Database, batchSize = 10_000): Promise<number> {
  let total = 0;
  for (const label of ["MergerEvent", "GeneratedImport", "Unit"]) {
    for (;;) {
      const rows = await db.write(
        `MATCH (n:${label}) WHERE n.id STARTS WITH $prefix
         WITH n LIMIT $limit
         DETACH DELETE n
         RETURN count(*) AS n`,
        { limit: batchSize, prefix: GEN_PREFIX },
      );
      const n = optNumber(rows[0] ?? {}, "n") ?? 0;
      total += n;
      if (n < batchSize) break;
    }
  }
  await bumpAllVersions(db);
  return total;
}
