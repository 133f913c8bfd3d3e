/**
 * Where a graphDiff's time goes, phase by phase, straight against a bench store's Neo4j (the
 * same repository functions the service runs), with each statement's PROFILE db hits:
 * `npx tsx bench/diff-profile.ts --uri bolt://127.0.0.1:7861 --password "$(cat .data/bench/neo4j-password)" --under gen-tu-ho-chi-minh-2025`
 * With `--neo4j-pid <pid>`, each read's Neo4j CPU time too (from /proc: what the load distorts
 * least), and each phase's; `--runs n` repeats the page and the summary.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { type DiffRun, planDiff } from "../src/graphql/services/graph-diff.ts";
import { Database, type Row, toParams } from "../src/store/database.ts";

const { values } = parseArgs({
  options: {
    uri: { type: "string", default: "bolt://127.0.0.1:7861" },
    password: { type: "string", default: "" },
    under: { type: "string" },
    from: { type: "string", default: "2025-06-30" },
    to: { type: "string", default: "2025-07-01" },
    first: { type: "string", default: "50" },
    profile: { type: "boolean", default: false },
    "neo4j-pid": { type: "string", default: "" },
    runs: { type: "string", default: "1" },
  },
});

/** CPU seconds Neo4j has used so far (Linux /proc: utime + stime, in ticks of 1/100 s); 0 without a pid. */
const neo4jCpu = () => {
  if (!values["neo4j-pid"]) return 0;
  const fields = readFileSync(`/proc/${values["neo4j-pid"]}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuNote = (since: number) =>
  values["neo4j-pid"] ? ` [neo4j cpu ${(neo4jCpu() - since).toFixed(2)} s]` : "";

/** A Database that logs each read's time and the first words of its Cypher. */
class TimingDatabase extends Database {
  override async read(cypher: string, params: Row = {}, ...rest: unknown[]): Promise<Row[]> {
    const t = performance.now();
    const cpu = neo4jCpu();
    const rows = await super.read(cypher, params, ...(rest as []));
    const label = cypher.replace(/\s+/g, " ").trim().slice(0, 70);
    console.log(
      `  ${(performance.now() - t).toFixed(0).padStart(6)} ms ${String(rows.length).padStart(6)} rows  ${label}${cpuNote(cpu)}`,
    );
    if (values.profile) await this.profile(cypher, params);
    return rows;
  }

  /** The statement's operators with the most db hits. */
  private async profile(cypher: string, params: Row): Promise<void> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      const res = await session.run(`PROFILE ${cypher}`, toParams(params) as Row);
      const ops: { op: string; hits: number; rows: number }[] = [];
      const walk = (p: PlanNode) => {
        ops.push({
          op: `${p.operatorType} ${String(p.arguments?.Details ?? "")
            .replace(/\s+/g, " ")
            .slice(0, 90)}`,
          hits: p.dbHits,
          rows: p.rows,
        });
        for (const c of p.children) walk(c);
      };
      walk(res.summary.profile as unknown as PlanNode);
      const total = ops.reduce((a, o) => a + o.hits, 0);
      console.log(`         PROFILE ${total} db hits`);
      for (const o of ops.sort((a, b) => b.hits - a.hits).slice(0, 6))
        console.log(
          `           ${String(o.hits).padStart(9)} hits ${String(o.rows).padStart(7)} rows ${o.op}`,
        );
    } finally {
      await session.close();
    }
  }
}

interface PlanNode {
  operatorType: string;
  dbHits: number;
  rows: number;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

const db = new TimingDatabase({ uri: values.uri, user: "neo4j", password: values.password });
const under = values.under ? [values.under] : null;
const { DiffRun: Run } = await import("../src/graphql/services/graph-diff.ts");
async function phase(name: string, f: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  const cpu = neo4jCpu();
  const own = process.cpuUsage();
  console.log(`${name}:`);
  await f();
  const used = process.cpuUsage(own);
  console.log(
    `${name}: ${(performance.now() - t).toFixed(0)} ms${cpuNote(cpu)} [this process cpu ${((used.user + used.system) / 1e6).toFixed(2)} s]`,
  );
}
for (let i = 0; i < Number(values.runs); i++)
  for (const what of ["page", "summary"] as const) {
    await phase(what, async () => {
      const plan = await planDiff(db, {
        from: values.from,
        to: values.to,
        under,
        maxSpanDays: 3660,
        scopes: null,
      });
      const run: DiffRun = new Run(db, plan, {
        first: Number(values.first),
        after: null,
        withSummary: false,
      });
      if (what === "page") console.log(`  ${(await run.page()).changes.length} changes`);
      else console.log(`  ${(await run.summary()).total} changes in all`);
    });
  }
await db.driver.close();
