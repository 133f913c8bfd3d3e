/**
 * `npx tsx bench/profile.ts --uri bolt://127.0.0.1:7811 [--password <the bench Neo4j's, by default .data/bench/neo4j-password>]`
 *
 * Neo4j PROFILE of our own repository queries (src/store/*-repository.ts, exactly as the
 * server runs them) and of the raw benchmark Cypher, on the benchmark's sample inputs: time,
 * total db hits, and the operators with the most db hits. Run it against a bench database
 * (bench/run.ts leaves one per size under .data/bench/<size>; start it with the same launcher).
 */
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { searchQuery } from "../src/graphql/resolvers/unit.ts";
import { Database, type Row, toParams, toPlain } from "../src/store/database.ts";
import { reportingChain, unitFacts } from "../src/store/relation-repository.ts";
import { childrenPages, descendantsPage, findUnits, searchUnits } from "../src/store/unit-repository.ts";
import { RAW } from "./cypher.ts";
import { BENCH_PASSWORD } from "./neo4j.ts";
import { AS_OF, pickSamples, type Samples } from "./questions.ts";

interface PlanNode {
  operatorType: string;
  dbHits: number;
  rows: number;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

interface Profiled {
  label: string;
  ms: number;
  dbHits: number;
  rows: number;
  top: string[];
}

/** A Database whose reads run under PROFILE and keep the plans. */
class ProfilingDatabase extends Database {
  plans: { cypher: string; plan: PlanNode; ms: number }[] = [];

  override async read(cypher: string, params: Row = {}): Promise<Row[]> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      const t = performance.now();
      const res = await session.run(`PROFILE ${cypher}`, toParams(params) as Row);
      this.plans.push({
        cypher,
        plan: res.summary.profile as unknown as PlanNode,
        ms: performance.now() - t,
      });
      return res.records.map((r) => toPlain(r.toObject()) as Row);
    } finally {
      await session.close();
    }
  }
}

function summarize(label: string, plan: PlanNode, ms: number): Profiled {
  const ops: { op: string; hits: number; rows: number; details: string }[] = [];
  const walk = (p: PlanNode) => {
    ops.push({
      op: p.operatorType.replace(/@neo4j$/, ""),
      hits: p.dbHits,
      rows: p.rows,
      details: String(p.arguments?.Details ?? "")
        .replace(/\s+/g, " ")
        .slice(0, 110),
    });
    for (const c of p.children ?? []) walk(c);
  };
  walk(plan);
  const dbHits = ops.reduce((a, o) => a + o.hits, 0);
  return {
    label,
    ms,
    dbHits,
    rows: plan.rows,
    top: ops
      .sort((a, b) => b.hits - a.hits)
      .slice(0, 5)
      .map((o) => `${o.hits} hits, ${o.rows} rows: ${o.op} ${o.details}`),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      uri: { type: "string", default: "bolt://127.0.0.1:7811" },
      password: { type: "string", default: BENCH_PASSWORD },
      repeat: { type: "string", default: "3" },
    },
  });
  const db = new ProfilingDatabase({ uri: values.uri, user: "neo4j", password: values.password });
  const samples = await pickSamples(db.driver, 3);
  const out: Profiled[] = [];
  await profileQuestions(db, samples, profiler(db, Number(values.repeat), out));
  for (const p of out) {
    console.log(`${p.label}: ${p.ms.toFixed(1)} ms, ${p.dbHits} db hits, ${p.rows} rows`);
    for (const t of p.top) console.log(`    ${t}`);
  }
  await db.close();
}

interface Profiler {
  /** Runs one of our repository calls `repeat` times and keeps the plans of its reads in the last run. */
  ours(label: string, fn: () => Promise<unknown>): Promise<void>;
  /** Runs raw Cypher under PROFILE `repeat` times and keeps the last plan. */
  raw(label: string, cypher: string, params: Row): Promise<void>;
}

function profiler(db: ProfilingDatabase, repeat: number, out: Profiled[]): Profiler {
  return {
    async ours(label, fn) {
      for (let i = 0; i < repeat; i++) {
        db.plans = [];
        await fn();
      }
      for (const p of db.plans) out.push(summarize(`ours ${label}`, p.plan, p.ms));
    },
    async raw(label, cypher, params) {
      const session = db.driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        let last: { plan: PlanNode; ms: number } | null = null;
        for (let i = 0; i < repeat; i++) {
          const t = performance.now();
          const res = await session.run(`PROFILE ${cypher}`, toParams(params) as Row);
          last = { plan: res.summary.profile as unknown as PlanNode, ms: performance.now() - t };
        }
        if (last) out.push(summarize(`raw ${label}`, last.plan, last.ms));
      } finally {
        await session.close();
      }
    },
  };
}

/** Each benchmark question, our repository calls next to the raw Cypher, on the first samples. */
async function profileQuestions(
  db: ProfilingDatabase,
  samples: Samples,
  { ours, raw }: Profiler,
): Promise<void> {
  const chainId = samples.chain[0] as string;
  const orgId = samples.obligations[0] as string;
  const provinceId = samples.provinces[0] as string;
  const text = samples.search[0] as string;
  await ours("reportingChain", () => reportingChain(db, { id: chainId, asOf: AS_OF }));
  await raw("chain", RAW.chain.cypher, { id: chainId, asOf: AS_OF });
  await ours("unitFacts (obligations)", () => unitFacts(db, [{ id: orgId, asOf: AS_OF }]));
  await raw("obligations", RAW.obligations.cypher, { id: orgId, asOf: AS_OF });
  await ours("descendantsPage", () =>
    descendantsPage(db, { id: provinceId, asOf: AS_OF, maxDepth: 10, first: 50, after: null }),
  );
  await raw("descendants", RAW.descendants.cypher, { id: provinceId, asOf: AS_OF, first: 50 });
  await ours("searchUnits", () =>
    searchUnits(db, { query: searchQuery(text) as string, asOf: AS_OF, first: 10 }),
  );
  await ours("childrenPages", () =>
    childrenPages(db, [{ id: provinceId, asOf: AS_OF, kinds: null, first: 100, after: null }]),
  );
  const children = await db.read(
    "MATCH (c:Unit)-[:SUBORDINATE_TO|PART_OF]->(:Unit {id: $id}) RETURN c.id AS id LIMIT 100",
    { id: provinceId },
  );
  await ours("unitFacts ×100 (nested)", () =>
    unitFacts(
      db,
      children.map((c) => ({ id: c.id as string, asOf: AS_OF })),
    ),
  );
  await raw("nested", RAW.nested.cypher, { id: provinceId, asOf: AS_OF });
  await ours("findUnits ×100 (_entities)", () => findUnits(db, samples.entities[0] as string[]));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
