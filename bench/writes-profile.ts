/**
 * Where one change's work goes, statement by statement (issue 16, item 4):
 * `npx tsx bench/writes-profile.ts --data .data/bench/full [--bolt-port 7881 | --uri bolt://…] [--rounds 3] [--profile]`.
 *
 * Runs the store's change functions in-process (src/store/mutation-repository.ts, no HTTP) on the
 * bench store at `--data`, as an editor scoped to one provincial committee: a move of a party cell
 * (setSuperior), a rename (updateUnit), a create of a cell under a commune (createUnit), an added
 * relation (addRelation, REPORTS_TO from the new cell to its commune), and the close of the new
 * cell (closeUnit). Each statement of each change is timed; with `--profile` each also runs under
 * PROFILE (in the same transaction, so the change still commits as it would) and its db hits and
 * any scan operator (label, type or all-nodes scans: a cost that grows with the graph) are listed.
 * Prints, per change, the statements in order (time, db hits, scans), and the totals.
 *
 * `--history N` first moves the cell the rounds move back and forth N times between two communes
 * (a day apart, before the rounds' day), so that the rounds show what a change costs on a unit
 * with much history (the invariant checks must not grow with it).
 */
import { parseArgs } from "node:util";
import type { Principal } from "../src/auth/principal.ts";
import { type Database, Database as DatabaseClass } from "../src/store/database.ts";
import { mutations } from "../src/store/mutation-repository.ts";
import { BENCH_PASSWORD, startBenchNeo4j } from "./neo4j.ts";
import { type ProfileNode, recordingDb } from "./recording-db.ts";
import { loadWorkload, type Move } from "./writes-workload.ts";

const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: ".data/bench/full" },
    "bolt-port": { type: "string", default: "7881" },
    /** A Neo4j already running on the bench store (its password: .data/bench/neo4j-password): none is started. */
    uri: { type: "string" },
    rounds: { type: "string", default: "3" },
    profile: { type: "boolean", default: false },
    history: { type: "string", default: "0" },
    heap: { type: "string", default: "2048" },
    pagecache: { type: "string", default: "2048" },
  },
});

interface Statement {
  cypher: string;
  ms: number;
  dbHits: number;
  scans: string[];
}

const SCANS =
  /AllNodesScan|NodeByLabelScan|RelationshipTypeScan|UndirectedRelationshipTypeScan|DirectedAllRelationshipsScan|UndirectedAllRelationshipsScan/;

function walk(p: ProfileNode, out: { hits: number; scans: string[] }): void {
  out.hits += Number(p.dbHits ?? 0);
  if (SCANS.test(p.operatorType)) out.scans.push(p.operatorType.replace(/@neo4j$/, ""));
  for (const c of p.children ?? []) walk(c, out);
}

/** Records each statement of a change with its time, db hits and the scans its plan holds. */
function recording(db: Database, log: Statement[]): Database {
  return recordingDb(db, {
    profile: args.profile ?? false,
    label: () => null,
    record: ({ cypher, ms, profile }) => {
      const acc = { hits: 0, scans: [] as string[] };
      if (profile) walk(profile, acc);
      log.push({ cypher: cypher.replace(/\s+/g, " ").trim(), ms, dbHits: acc.hits, scans: acc.scans });
    },
  });
}

function report(name: string, log: Statement[]): { ms: number; hits: number; n: number } {
  const ms = log.reduce((a, s) => a + s.ms, 0);
  const hits = log.reduce((a, s) => a + s.dbHits, 0);
  console.log(`\n${name}: ${log.length} statements, ${ms.toFixed(1)} ms, ${hits} db hits`);
  for (const s of log)
    console.log(
      `  ${s.ms.toFixed(1).padStart(6)} ms ${String(s.dbHits).padStart(6)} hits ${s.scans.length ? `[${s.scans.join(",")}] ` : ""}${s.cypher.slice(0, 130)}`,
    );
  return { ms, hits, n: log.length };
}

async function main(): Promise<void> {
  const neo = args.uri
    ? (() => {
        const db = new DatabaseClass({ uri: args.uri as string, user: "neo4j", password: BENCH_PASSWORD });
        return { db, stop: () => db.close() };
      })()
    : await startBenchNeo4j({
        boltPort: Number(args["bolt-port"]),
        dataDir: args.data,
        heapMb: Number(args.heap),
        pageCacheMb: Number(args.pagecache),
      });
  try {
    const workload = await loadWorkload(neo.db, 1);
    const work = workload.provinces[0];
    if (!work) throw new Error("no province with cells to move");
    const principal: Principal = { role: "editor", subject: "bench-profile", scopes: [work.scope] };
    const basis = ["dieu-le-dang-whole"];
    const totals = new Map<string, { ms: number[]; hits: number[]; n: number }>();
    const note = (kind: string, r: { ms: number; hits: number; n: number }) => {
      const t = totals.get(kind) ?? { ms: [], hits: [], n: r.n };
      t.ms.push(r.ms);
      t.hits.push(r.hits);
      totals.set(kind, t);
    };
    const cell = work.nextMove(0, 1);
    const history = Number(args.history);
    let home = "";
    if (history > 0) {
      const started = performance.now();
      home = await giveHistory(neo.db, principal, cell, history, basis);
      console.log(
        `history: ${history} moves of ${cell.unit} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    for (let round = 0; round < Number(args.rounds); round++) {
      const run = async (kind: string, change: (db: Database) => Promise<unknown>) => {
        const log: Statement[] = [];
        await change(recording(neo.db, log));
        note(kind, report(`${kind} (round ${round + 1})`, log));
      };
      const m =
        history > 0
          ? { unit: cell.unit, superior: round % 2 === 0 ? cell.superior : home }
          : work.nextMove(0, 1);
      await run("move", (db) =>
        mutations.setSuperior(db, principal, {
          unitId: m.unit,
          superiorId: m.superior,
          effectiveOn: workload.moveDay,
          basis,
        }),
      );
      work.moved(m);
      const r = work.nextRename(0, 1);
      await run("rename", (db) =>
        mutations.updateUnit(db, principal, {
          id: r.id,
          effectiveOn: r.day,
          basis,
          changes: { name: `profile rename ${r.day} ${r.id}` },
        }),
      );
      const id = `profile-cell-${Date.now()}-${round}`;
      await run("create", (db) =>
        mutations.createUnit(db, principal, {
          unit: { id, kind: "BASIC_PARTY_CELL", name: `Chi bộ profile ${round}` } as never,
          superiorId: m.superior,
          effectiveOn: workload.moveDay,
          basis,
        }),
      );
      await run("relation", (db) =>
        mutations.addRelation(db, principal, {
          type: "REPORTS_TO",
          fromId: id,
          toId: m.superior,
          validFrom: workload.moveDay,
          basis,
        }),
      );
      await run("close", (db) => mutations.closeUnit(db, principal, { id, lastDay: "2026-06-30", basis }));
    }
    console.log("\nchange     statements  ms (each round)            db hits (each round)");
    for (const [kind, t] of totals)
      console.log(
        `${kind.padEnd(10)} ${String(t.n).padStart(10)}  ${t.ms
          .map((x) => x.toFixed(0))
          .join(" / ")
          .padEnd(26)} ${t.hits.join(" / ")}`,
      );
  } finally {
    await neo.stop();
  }
}

/**
 * Moves `m.unit` alternately to `m.superior` and back to its commune, one day apart, ending before
 * the rounds' day (2026-01-01): each move ends one link and adds one, so the cell gains `n` links.
 * Answers its commune (the rounds move it there and to `m.superior` in turn).
 */
async function giveHistory(
  db: Database,
  principal: Principal,
  m: Move,
  n: number,
  basis: string[],
): Promise<string> {
  const [home] = await db.read(
    `MATCH (:Unit {id: $id})-[r:SUBORDINATE_TO]->(c:Unit) WHERE r.validTo IS NULL
     RETURN c.id AS id, toString(r.validFrom) AS since`,
    { id: m.unit },
  );
  if (!home) throw new Error(`${m.unit} has no superior`);
  const start = new Date("2026-01-01T00:00:00Z");
  start.setUTCDate(start.getUTCDate() - n - 1);
  if (home.since && start.toISOString().slice(0, 10) <= String(home.since))
    throw new Error(`--history ${n}: too many moves between ${home.since} and 2026-01-01`);
  for (let i = 0; i < n; i++) {
    start.setUTCDate(start.getUTCDate() + 1);
    await mutations.setSuperior(db, principal, {
      unitId: m.unit,
      superiorId: i % 2 === 0 ? m.superior : (home.id as string),
      effectiveOn: start.toISOString().slice(0, 10),
      basis,
    });
  }
  return home.id as string;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
