/**
 * `npx tsx bench/floor.ts [--url http://localhost:4000/graphql] [--uri bolt://127.0.0.1:7687]
 *   [--password <NEO4J_PASSWORD, else the embedded one's, .data/neo4j-password>] [--requests 500] [--pid <the service's pid>]`
 *
 * The one-client floor under every answer of ours (bench/RESULTS.md, "Where the time goes"):
 * one client, requests one after another, p50 and p95 of
 *  - a bare Node `http` JSON answer and an Express one, served from this process (what HTTP
 *    itself costs the client on this machine);
 *  - the running service answering `{ __typename }` (Apollo's pipeline, no data);
 *  - the service answering a cached question (the graph's version read, then memory);
 *  - the graph's version read alone, and `RETURN 1`, through our driver module.
 * With --pid, the service's CPU time per request (user + system, from /proc) beside each of its rows.
 * Start the service first (`npm start`, or a bench size's database with our server).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import express from "express";
import { loadConfig } from "../src/config.ts";
import { neo4jPassword } from "../src/local-secrets.ts";
import { Database } from "../src/store/database.ts";
import { readGraphVersion } from "../src/store/graph-version.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:4000/graphql" },
    uri: { type: "string", default: "bolt://127.0.0.1:7687" },
    password: { type: "string" },
    requests: { type: "string", default: "500" },
    pid: { type: "string" },
  },
});
const requests = Number(values.requests);

/** User + system CPU time of the service so far, in ms (Linux /proc; null without --pid). */
function serviceCpuMs(): number | null {
  if (!values.pid) return null;
  const fields = readFileSync(`/proc/${values.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function timed(label: string, once: () => Promise<unknown>, service = false): Promise<string> {
  for (let i = 0; i < Math.min(100, requests); i++) await once(); // warm-up
  const cpuBefore = service ? serviceCpuMs() : null;
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    await once();
    ms.push(performance.now() - t);
  }
  const cpuAfter = service ? serviceCpuMs() : null;
  const cpu = cpuBefore === null || cpuAfter === null ? "–" : ((cpuAfter - cpuBefore) / requests).toFixed(2);
  ms.sort((a, b) => a - b);
  const at = (q: number) => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] as number).toFixed(2);
  return `| ${label} | ${at(0.5)} | ${at(0.95)} | ${cpu} |`;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (json.errors) throw new Error(`${url}: ${JSON.stringify(json.errors)}`);
  return json;
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function main(): Promise<void> {
  const answer = JSON.stringify({ data: { __typename: "Query" } });
  const bare = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.setHeader("content-type", "application/json").end(answer));
  });
  const app = express();
  app.post("/graphql", express.json(), (_req, res) => {
    res.type("json").send(answer);
  });
  const viaExpress = createServer(app);
  const db = new Database({
    uri: values.uri,
    user: "neo4j",
    password: values.password ?? neo4jPassword(loadConfig()),
  });
  try {
    const [bareUrl, expressUrl] = [await listen(bare), await listen(viaExpress)];
    const typename = { query: "{ __typename }" };
    // A question the result cache answers after its first time: the Central Committee.
    const cached = { query: `{ unit(id: "bch-trung-uong") { id name kind } }` };
    await post(values.url, cached);
    const trips = (await post(values.url, cached)).extensions as { cypherRoundTrips?: number };
    const rows = [
      await timed("bare Node http, this process", () => post(bareUrl, typename)),
      await timed("Express + express.json, this process", () => post(expressUrl, typename)),
      await timed("the service: { __typename }", () => post(values.url, typename), true),
      await timed(
        `the service: a cached unit (round trips: ${trips?.cypherRoundTrips ?? "?"})`,
        () => post(values.url, cached),
        true,
      ),
      await timed("Neo4j: the graph's version (auto-commit)", () => readGraphVersion(db)),
      await timed("Neo4j: RETURN 1 (managed read)", () => db.read("RETURN 1 AS x")),
    ];
    console.log(`${requests} requests each, one client, after a warm-up\n`);
    console.log("| what | p50 ms | p95 ms | service CPU ms per request |\n|---|---:|---:|---:|");
    for (const row of rows) console.log(row);
  } finally {
    bare.close();
    viaExpress.close();
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
