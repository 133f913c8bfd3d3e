/**
 * Bulk import of a generated graph (src/generator): streamed, batched UNWIND writes keyed on
 * ids (MERGE for nodes; for relations a lookup by id, then CREATE when missing: see
 * relationsCypher), so a re-run or a resumed run changes nothing that is already there. Units
 * are written before any relation that needs them: a relation batch first flushes the pending
 * units.
 * While Neo4j writes one batch, the caller's generator produces the next (one statement in
 * flight at a time keeps that order).
 *
 * Node and relationship properties follow src/store/seed-repository.ts, with origin
 * 'generated', synthetic true and no source. Merger events are (:MergerEvent) nodes with
 * ENDED / FOUNDED links to units; they are not units, so the API's traversals (which follow
 * the relation types between units) never see them. Relationship types are interpolated only
 * from the closed lists below, never from input.
 */
import neo4j, { Neo4jError, type Session } from "neo4j-driver";
import { RELATION_TYPE_NAMES, type RelationType } from "../domain/relation-types.ts";
import type { GenEvent, GeneratedBatch, GenRelation, GenUnit } from "../generator/model.ts";
import type { Database } from "./database.ts";
import { bumpGraphVersion } from "./graph-version.ts";

export const GENERATED_ORIGIN = "generated";
const EVENT_LINKS = ["ENDED", "FOUNDED"] as const;

/**
 * Rows travel as one string per statement: fields separated by U+001F, rows by U+001E, list
 * items by U+001D, an empty field for null. The driver encodes one string far faster than
 * thousands of maps (measured: 20,000 unit rows as maps 0.5–1 s of encoding and transfer, as
 * one string 0.1–0.25 s), and Neo4j splits it cheaply. Generated values never contain these
 * separators (the unit tests check; toRow replaces them anyway).
 */
const FIELD = "\u001f";
const RECORD = "\u001e";
const ITEM = "\u001d";

const UNIT_FIELDS = [
  "id",
  "name",
  "nameFolded",
  "kind",
  "level",
  "province",
  "sector",
  "host",
  "validFrom",
  "validTo",
  "note",
] as const satisfies readonly (keyof GenUnit)[];
const RELATION_FIELDS = [
  "id",
  "from",
  "to",
  "validFrom",
  "validTo",
  "frequencies",
  "via",
  "subject",
  "basis",
  "note",
] as const satisfies readonly (keyof GenRelation)[];

function field(value: string | null | readonly string[]): string {
  if (value === null) return "";
  if (typeof value === "string")
    return value.includes(FIELD) || value.includes(RECORD) || value.includes(ITEM)
      ? value.replaceAll(FIELD, " ").replaceAll(RECORD, " ").replaceAll(ITEM, " ")
      : value;
  return value.map((v) => field(v)).join(ITEM);
}

function encode<T>(rows: readonly T[], fields: readonly (keyof T)[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as T;
    let line = "";
    for (let k = 0; k < fields.length; k++) {
      if (k > 0) line += FIELD;
      line += field(row[fields[k] as keyof T] as string | null | readonly string[]);
    }
    lines[i] = line;
  }
  return lines.join(RECORD);
}

/** Cypher for field i of row r: null for an empty field. */
const col = (r: string, i: number) => `CASE ${r}[${i}] WHEN '' THEN null ELSE ${r}[${i}] END`;
const list = (r: string, i: number) => `CASE ${r}[${i}] WHEN '' THEN [] ELSE split(${r}[${i}], $item) END`;
const U = (name: (typeof UNIT_FIELDS)[number]) => UNIT_FIELDS.indexOf(name);
const R = (name: (typeof RELATION_FIELDS)[number]) => RELATION_FIELDS.indexOf(name);

const UNIT_PROPERTIES = `SET n.name = u[${U("name")}], n.nameFolded = u[${U("nameFolded")}], n.kind = u[${U("kind")}],
    n.level = ${col("u", U("level"))}, n.province = ${col("u", U("province"))},
    n.sector = ${col("u", U("sector"))}, n.host = ${col("u", U("host"))},
    n.validFrom = date(${col("u", U("validFrom"))}), n.validTo = date(${col("u", U("validTo"))}),
    n.synthetic = true, n.source = [], n.note = ${col("u", U("note"))}, n.origin = 'generated'`;

const UNITS_MERGE_CYPHER = `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS u
MERGE (n:Unit {id: u[${U("id")}]})
${UNIT_PROPERTIES}`;

/**
 * Units are CREATEd first, and MERGEd only when that fails: the unique constraint on Unit.id
 * rejects a batch holding a unit that is already there (rolled back whole; a re-run fails on its
 * first row), and the batch is then written with MERGE. MERGE costs a locking index seek per
 * row: in three fresh full imports each way the unit lane was busy 42.6-46.6 s with MERGE and
 * 36.7-43.1 s with CREATE (the wall time gained less, ~1 s: both lanes share two cores).
 */
const UNITS_CREATE_CYPHER = `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS u
CREATE (n:Unit {id: u[${U("id")}]})
${UNIT_PROPERTIES}`;

const CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed";

/**
 * Not MERGE: for `MERGE (a)-[x:T {id}]->(b)`, and for a plain OPTIONAL MATCH too, the planner
 * picks, while T has few relationships (early in a fresh import), a full scan of T's id index
 * filtered per row, and keeps that plan until it replans. PROFILE of the first 5,000-row MERGE
 * batch: 25.9 million db hits, 21 s (the scan also walks the relationships the statement has
 * just created); of the second OPTIONAL MATCH batch: 25.4 million, 11 s (a plain USING INDEX
 * hint is satisfied by the same scan). USING INDEX SEEK makes the lookup a seek on the id
 * (the relationship id indexes come with migration 001) whatever the statistics say; a missing
 * relationship is then created. What MERGE's locks did against a concurrent import,
 * RELATIONS_LOCK does, once per transaction.
 */
export function relationsCypher(type: RelationType): string {
  if (!RELATION_TYPE_NAMES.includes(type)) throw new Error(`unknown relation type ${type}`);
  return `UNWIND split($rows, $record) AS line
WITH split(line, $field) AS r
MATCH (a:Unit {id: r[${R("from")}]})
MATCH (b:Unit {id: r[${R("to")}]})
OPTIONAL MATCH (a)-[old:${type}]->(b) USING INDEX SEEK old:${type}(id) WHERE old.id = r[${R("id")}]
CALL (a, b, r, old) {
  WITH * WHERE old IS NULL
  CREATE (a)-[x:${type} {id: r[${R("id")}]}]->(b)
  RETURN x
  UNION ALL
  WITH * WHERE old IS NOT NULL
  RETURN old AS x
}
SET x.validFrom = date(${col("r", R("validFrom"))}), x.validTo = date(${col("r", R("validTo"))}),
    x.frequencies = ${list("r", R("frequencies"))}, x.via = ${list("r", R("via"))},
    x.subject = ${col("r", R("subject"))}, x.basis = ${list("r", R("basis"))},
    x.note = ${col("r", R("note"))}, x.origin = 'generated'`;
}

/**
 * Run first in every relation transaction: takes the write lock of the hierarchy node that
 * structural writers serialise on (migration 005; a property set and removed, no change left).
 * Two imports at once then write relations one transaction at a time, and each looks for a
 * relationship only once the other has committed it, so neither adds a twin.
 */
const RELATIONS_LOCK = "MATCH (l:WriteLock {id: 'hierarchy'}) SET l.importLock = true REMOVE l.importLock";

const EVENTS_CYPHER = `UNWIND $rows AS e
MERGE (n:MergerEvent {id: e.id})
SET n.kind = e.kind, n.name = e.name, n.date = date(e.date), n.basis = e.basis,
    n.synthetic = true, n.origin = 'generated'
WITH n, e
CALL (n, e) {
  UNWIND e.ended AS uid
  MATCH (u:Unit {id: uid})
  MERGE (n)-[x:${EVENT_LINKS[0]}]->(u)
  SET x.origin = 'generated'
}
CALL (n, e) {
  UNWIND e.founded AS uid
  MATCH (u:Unit {id: uid})
  MERGE (n)-[x:${EVENT_LINKS[1]}]->(u)
  SET x.origin = 'generated'
}`;

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

/** The constraint MERGE on merger events needs (idempotent). Proposed as migration 004 for src/store/migrations. */
export async function ensureImportSchema(db: Database): Promise<void> {
  await db.write(
    "CREATE CONSTRAINT merger_event_id IF NOT EXISTS FOR (n:MergerEvent) REQUIRE n.id IS UNIQUE",
  );
  await db.write("CALL db.awaitIndexes(300)");
}

/** Fails unless the seed units the generated graph hangs from are there (load the seed first). */
export async function checkAnchors(db: Database, anchors: readonly string[]): Promise<void> {
  const rows = await db.read(
    "UNWIND $ids AS id OPTIONAL MATCH (u:Unit {id: id}) RETURN id, u IS NOT NULL AS found",
    {
      ids: [...anchors],
    },
  );
  const missing = rows.filter((r) => r.found !== true).map((r) => r.id as string);
  if (missing.length > 0)
    throw new Error(
      `The generated graph hangs from seed units that are missing (${missing.join(", ")}): load the seed first (npm run seed).`,
    );
}

type Statement = { kind: "units" | "events" | RelationType; cypher: string; rows: readonly unknown[] };

function parameters(s: Statement): Record<string, unknown> {
  if (s.kind === "events") return { rows: s.rows };
  const rows =
    s.kind === "units"
      ? encode(s.rows as readonly GenUnit[], UNIT_FIELDS)
      : encode(s.rows as readonly GenRelation[], RELATION_FIELDS);
  return { rows, record: RECORD, field: FIELD, item: ITEM };
}

/** A queue of statements run one after another on its own session; at most `depth` waiting. */
class Lane {
  tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private wake: (() => void)[] = [];
  private failure: unknown = null;

  constructor(private readonly depth = 2) {}

  /** Queues `task` after the lane's previous tasks and `after`; resolves once it is queued, with its completion. */
  async submit(
    task: () => Promise<void>,
    after: Promise<void> = Promise.resolve(),
  ): Promise<{ done: Promise<void> }> {
    while (this.waiting >= this.depth) await new Promise<void>((resolve) => this.wake.push(resolve));
    if (this.failure !== null) throw this.failure;
    this.waiting++;
    const done = Promise.all([this.tail, after])
      .then(task)
      .finally(() => {
        this.waiting--;
        this.wake.shift()?.();
      });
    this.tail = done;
    // A failure stops the lane's later tasks (they chain on it) and surfaces when the caller awaits the tail.
    done.catch((e: unknown) => {
      this.failure ??= e;
    });
    return { done };
  }
}

/**
 * Writes every batch the generator yields. Units and relations go through two lanes, each on
 * its own session, so that Neo4j writes the units of one chunk while it links the previous
 * chunk's (a relation batch waits for the unit batches before it; the lanes never touch the
 * same nodes, so they never wait on each other's locks). Returns counts and where the time went.
 */
export async function importGenerated(
  db: Database,
  batches: Iterable<GeneratedBatch>,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const started = performance.now();
  const report: ImportReport = {
    units: 0,
    relations: 0,
    events: 0,
    eventLinks: 0,
    statements: 0,
    unitBatchesMerged: 0,
    ms: { total: 0, units: 0, relations: {}, events: 0, generate: 0, encode: 0 },
  };
  const open = () => db.driver.session({ database: db.database, defaultAccessMode: neo4j.session.WRITE });
  const sessions: Session[] = [open()];
  const tx = opts.singleTransaction ? (sessions[0] as Session).beginTransaction() : null;
  if (!tx) sessions.push(open());

  // One transaction cannot go on after a failed statement: then units are always MERGEd.
  let createUnits = !tx;
  const writeUnits = async (session: Session, params: Record<string, unknown>, rows: number) => {
    if (createUnits) {
      try {
        await session.executeWrite((w) => w.run(UNITS_CREATE_CYPHER, params));
        return;
      } catch (e) {
        if (!(e instanceof Neo4jError && e.code === CONSTRAINT_FAILED)) throw e;
      }
    }
    const result = await session.executeWrite((w) => w.run(UNITS_MERGE_CYPHER, params));
    report.unitBatchesMerged++;
    // CREATE again once a batch was all new: a resumed run past what the interrupted one wrote.
    createUnits = result.summary.counters.updates().nodesCreated === rows;
  };

  const run = (s: Statement, session: Session) => async (): Promise<void> => {
    const te = performance.now();
    const params = parameters(s);
    const t = performance.now();
    report.ms.encode += t - te;
    const relations = s.kind !== "units" && s.kind !== "events";
    if (tx) {
      await tx.run(s.cypher, params);
      if (s.kind === "units") report.unitBatchesMerged++;
    } else if (s.kind === "units") await writeUnits(session, params, s.rows.length);
    else
      await session.executeWrite(async (w) => {
        if (relations) await w.run(RELATIONS_LOCK);
        await w.run(s.cypher, params);
      });
    const ms = performance.now() - t;
    report.statements++;
    if (s.kind === "units") {
      report.ms.units += ms;
      report.units += s.rows.length;
    } else if (s.kind === "events") {
      report.ms.events += ms;
      report.events += s.rows.length;
      for (const e of s.rows as GenEvent[]) report.eventLinks += e.ended.length + e.founded.length;
    } else {
      report.ms.relations[s.kind] = (report.ms.relations[s.kind] ?? 0) + ms;
      report.relations += s.rows.length;
    }
    opts.onProgress?.({ units: report.units, relations: report.relations, events: report.events });
  };

  // One transaction cannot run statements side by side: then both kinds share one lane.
  // The relation lane may hold more waiting statements (a chunk makes several: one or more per
  // type): with two, the loop stalled on a chunk's relation statements, which wait for its units,
  // before it could queue the next chunk's units, and both lanes idled (measured: each busy 40 s
  // of a 60 s import). It still bounds how far generation runs ahead: a chunk or two.
  const unitLane = new Lane(2);
  const relationLane = tx ? unitLane : new Lane(8);
  const unitSession = sessions[0] as Session;
  const relationSession = (sessions[1] ?? sessions[0]) as Session;
  let unitsWritten: Promise<void> = Promise.resolve();

  let units: GenUnit[] = [];
  const relations = new Map<RelationType, GenRelation[]>();
  let events: GenEvent[] = [];
  const flushUnits = async (all: boolean) => {
    while (units.length >= size || (all && units.length > 0)) {
      const rows = units.slice(0, size);
      units = units.slice(size);
      unitsWritten = (
        await unitLane.submit(run({ kind: "units", cypher: UNITS_MERGE_CYPHER, rows }, unitSession))
      ).done;
    }
  };
  // A type's rows go out once `min` of them are pending (at most `size` per statement).
  const flushRelations = async (min: number) => {
    for (const [type, pending] of relations) {
      let rest = pending;
      while (rest.length >= min && rest.length > 0) {
        await flushUnits(true);
        const rows = rest.slice(0, size);
        rest = rest.slice(size);
        await relationLane.submit(
          run({ kind: type, cypher: relationsCypher(type), rows }, relationSession),
          unitsWritten,
        );
      }
      relations.set(type, rest);
    }
  };
  const flushEvents = async (min: number) => {
    while (events.length >= min && events.length > 0) {
      await flushUnits(true);
      const rows = events.slice(0, size);
      events = events.slice(size);
      await relationLane.submit(
        run({ kind: "events", cypher: EVENTS_CYPHER, rows }, relationSession),
        unitsWritten,
      );
    }
  };
  // After each chunk, partial batches of a fifth or more go out too: the small relation types
  // (LEADS, GUIDES… ~4,400 rows each in all) and the merger events would otherwise wait for the
  // end and run alone after the last units (measured: a 5.6 s tail with one lane busy).
  const early = Math.max(1, Math.ceil(size / 5));

  try {
    if (tx) await tx.run(RELATIONS_LOCK);
    const it = batches[Symbol.iterator]();
    for (;;) {
      const t = performance.now();
      const next = it.next();
      report.ms.generate += performance.now() - t;
      if (next.done) break;
      const batch = next.value;
      for (const u of batch.units) units.push(u);
      for (const r of batch.relations) {
        let list = relations.get(r.type);
        if (!list) {
          list = [];
          relations.set(r.type, list);
        }
        list.push(r);
      }
      for (const e of batch.events) events.push(e);
      await flushUnits(false);
      await flushRelations(early);
      await flushEvents(early);
    }
    await flushUnits(true);
    await flushRelations(1);
    await flushEvents(1);
    await unitLane.tail;
    await relationLane.tail;
    if (tx) await tx.commit();
  } catch (e) {
    if (tx) await tx.rollback().catch(() => {});
    throw e;
  } finally {
    await Promise.allSettled([unitLane.tail, relationLane.tail]);
    for (const s of sessions) await s.close();
  }
  report.ms.total = performance.now() - started;
  return report;
}

/** Records that a complete import of (scale, seed) is in the database. */
export async function markImportComplete(
  db: Database,
  info: { scale: number; seed: number; units: number; relations: number; events: number },
): Promise<void> {
  await db.write(
    `MERGE (m:GeneratedImport {id: 'gen-import'})
     SET m.scale = $scale, m.seed = $seed, m.units = $units, m.relations = $relations, m.events = $events,
         m.completedAt = datetime(), m.origin = 'generated'`,
    info,
  );
  await bumpGraphVersion(db);
}

export async function importMarker(
  db: Database,
): Promise<{ scale: number; seed: number; units: number; relations: number; events: number } | null> {
  const rows = await db.read(
    "MATCH (m:GeneratedImport {id: 'gen-import'}) RETURN m.scale AS scale, m.seed AS seed, m.units AS units, m.relations AS relations, m.events AS events",
  );
  return (
    (rows[0] as { scale: number; seed: number; units: number; relations: number; events: number }) ?? null
  );
}

/** What the database holds of generated data. */
export async function countGenerated(db: Database): Promise<ImportCounts & { eventLinks: number }> {
  const rows = await db.read(
    `CALL { MATCH (n:Unit) WHERE n.id STARTS WITH 'gen-' RETURN count(n) AS units }
     CALL { MATCH (:Unit)-[r]->(:Unit) WHERE r.origin = 'generated' RETURN count(r) AS relations }
     CALL { MATCH (e:MergerEvent) RETURN count(e) AS events }
     CALL { MATCH (:MergerEvent)-[l]->(:Unit) RETURN count(l) AS eventLinks }
     RETURN units, relations, events, eventLinks`,
  );
  return rows[0] as unknown as ImportCounts & { eventLinks: number };
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
        `MATCH (n:${label}) WHERE n.id STARTS WITH 'gen-'
         WITH n LIMIT $limit
         DETACH DELETE n
         RETURN count(*) AS n`,
        { limit: batchSize },
      );
      const n = (rows[0]?.n as number) ?? 0;
      total += n;
      if (n < batchSize) break;
    }
  }
  await bumpGraphVersion(db);
  return total;
}
