/**
 * `npx tsx bench/miss.ts --uri bolt://127.0.0.1:7811 --url http://127.0.0.1:4211/graphql [--inputs 300] [--skip 0]`
 *
 * Where a cache miss's time goes (bench/RESULTS.md, "Where a miss's time goes"): for the chain,
 * the obligations and the nested question, on distinct inputs (bench/distinct.ts, every one new
 * to our server's cache), one client, one request at a time, the ways alternating:
 *
 * - **raw** — the benchmark's hand-written Cypher (bench/cypher.ts) through neo4j-driver, as one
 *   auto-commit statement (one Bolt exchange, as bench/run.ts asks it), and in a managed
 *   transaction (executeRead: a second exchange for the COMMIT);
 * - **store** — our repository functions for that question, called in this process exactly as a
 *   cache miss calls them (the statements wrapped to return the graph's versions): the Cypher's
 *   shape and the driver's decoding, without HTTP or GraphQL;
 * - **ours** — our server over HTTP (start it on the same database first, e.g. bench/our-server.ts).
 *
 * ours − store is what HTTP, Apollo, graphql-js and our resolvers add; store − raw is the
 * Cypher's. Prints p50 / p90 of each and the round trips of `store`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { Database, RoundTripCounter, toParams } from "../src/store/database.ts";
import { VersionCapture } from "../src/store/graph-version.ts";
import { reportingChain, unitFacts } from "../src/store/relation-repository.ts";
import { unitTree } from "../src/store/tree-repository.ts";
import { distinctQuestions, pickDistinct } from "./distinct.ts";
import { BENCH_PASSWORD } from "./neo4j.ts";
import type { Input, Question } from "./questions.ts";

const { values } = parseArgs({
  options: {
    uri: { type: "string", default: "bolt://127.0.0.1:7811" },
    url: { type: "string", default: "http://127.0.0.1:4211/graphql" },
    password: { type: "string", default: BENCH_PASSWORD },
    inputs: { type: "string", default: "300" },
    /** Start this far into the distinct list: a second run against the same server must not ask what it holds. */
    skip: { type: "string", default: "0" },
    only: { type: "string" },
    /** Our server's process id: its CPU time per request is read from /proc. */
    pid: { type: "string" },
  },
});
const count = Number(values.inputs);
const skip = Number(values.skip);

/** What a miss of each question asks the store, as our resolvers do (src/graphql/loaders). */
const STORE: Record<string, (db: Database, input: Input, rt: RoundTripCounter) => Promise<unknown>> = {
  chain: (db, input, rt) => reportingChain(db, input, rt),
  obligations: (db, input, rt) => unitFacts(db, [input], rt),
  nested: (db, input, rt) =>
    unitTree(db, { page: { ...input, kinds: null, first: 100, after: null }, factDates: [input.asOf] }, rt),
};

/** User + system CPU time of a process so far, in ms (Linux /proc; null elsewhere). */
function cpuMs(pid: string | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

async function main(): Promise<void> {
  const db = new Database({ uri: values.uri, user: "neo4j", password: values.password });
  const driver = neo4j.driver(values.uri, neo4j.auth.basic("neo4j", values.password), {
    disableLosslessIntegers: true,
  });
  try {
    const picked = await pickDistinct(driver, skip + 2 * count + 20);
    const distinct = {
      ...picked,
      chain: picked.chain.slice(skip),
      obligations: picked.obligations.slice(skip),
      nested: picked.nested.slice(skip),
    };
    const lists: Record<string, Input[]> = {
      chain: distinct.chain,
      obligations: distinct.obligations,
      nested: distinct.nested,
    };
    const only = values.only?.split(",");
    for (const q of distinctQuestions(distinct)) {
      if (only && !only.includes(q.key)) continue;
      await measure(q, lists[q.key] as Input[], db, driver);
    }
  } finally {
    await driver.close();
    await db.close();
  }
}

async function measure(q: Question, inputs: Input[], db: Database, driver: neo4j.Driver): Promise<void> {
  const times = { raw: [] as number[], auto: [] as number[], store: [] as number[], ours: [] as number[] };
  let trips = 0;
  const raw = async (i: number) => {
    const { cypher, params } = q.raw(i);
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      await session.executeRead((tx) => tx.run(cypher, toParams(params) as Record<string, unknown>));
    } finally {
      await session.close();
    }
  };
  // The same Cypher as an auto-commit read (one Bolt exchange, as our reads are).
  const auto = async (i: number) => {
    const { cypher, params } = q.raw(i);
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      await session.run(cypher, toParams(params) as Record<string, unknown>);
    } finally {
      await session.close();
    }
  };
  const store = async (i: number) => {
    const rt = new RoundTripCounter();
    rt.versions = new VersionCapture();
    await STORE[q.key]?.(db, inputs[i] as Input, rt);
    trips += rt.count;
  };
  const ours = async (i: number) => {
    const res = await fetch(values.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(q.ours(i)),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const ways = { raw, auto, store, ours };
  // Warm-up on the inputs past the measured ones (each way its own, so that every measured input is new to our server).
  for (let i = 0; i < 20; i++) for (const w of Object.values(ways)) await w(count + i);
  trips = 0;
  const cpuBefore = cpuMs(values.pid);
  for (let i = 0; i < count; i++) {
    const names = Object.keys(ways) as (keyof typeof ways)[];
    const order = names.map((_, k) => names[(i + k) % names.length] as keyof typeof ways);
    for (const w of order) {
      const t = performance.now();
      await ways[w](i);
      times[w].push(performance.now() - t);
    }
  }
  const cpuAfter = cpuMs(values.pid);
  const cpu =
    cpuBefore === null || cpuAfter === null
      ? ""
      : ` | server CPU ${((cpuAfter - cpuBefore) / count).toFixed(1)} ms/request`;
  const f = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(1)} p90 ${percentile(xs, 0.9).toFixed(1)}`;
  console.log(
    `${q.key.padEnd(12)} raw (auto-commit) ${f(times.auto)} | raw in a transaction ${f(times.raw)} | store ${f(times.store)} (${(trips / count).toFixed(2)} trips) | ours ${f(times.ours)} | ours÷raw p50 ${(percentile(times.ours, 0.5) / percentile(times.auto, 0.5)).toFixed(2)}${cpu}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
