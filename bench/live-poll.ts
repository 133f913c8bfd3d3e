/**
 * The live-event poll's cost under a write workload (src/live/event-feed.ts, issue 16 item 5's
 * side cost): `npx tsx bench/live-poll.ts [--listeners 1] [--duration 60] [--units 200]
 * [--bolt-port 7851] [--port 4251] [--data .data/live-poll]`.
 *
 * A throwaway embedded Neo4j on `--data` (emptied first; migrations and the seed), our server in
 * front of it (a child process, WRITE_TIMEOUT_MS `--write-timeout`, 30 s: the poll's window is 40 s), `--listeners`
 * graphql-ws clients subscribed to `eventRecorded`, and for `--duration` seconds two writers: one
 * creating `--units` communes a change (a restructuring-sized event: that many Change records),
 * one renaming a unit (small events). Then the server's statement times by name (its /metrics):
 * the poll's statements beside the changes', the events each listener received, the changes
 * acknowledged, and the load average before and after.
 */
import { rm } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { postGraphql, signToken, startOurServer, stopOurServer } from "./http-client.ts";
import { startBenchNeo4j } from "./neo4j.ts";
import { randomBenchSecret } from "./secrets.ts";

const JWT_SECRET = randomBenchSecret();
const BASIS = ["dieu-le-dang-whole"];
const PROVINCE = "lp-tinh-uy";
/** Renamed by the small writer: another province, so that the two writers share no lock. */
const RENAMED = "lp-tinh-uy-khac";

const { values: args } = parseArgs({
  options: {
    "bolt-port": { type: "string", default: "7851" },
    port: { type: "string", default: "4251" },
    data: { type: "string", default: ".data/live-poll" },
    duration: { type: "string", default: "60" },
    units: { type: "string", default: "200" },
    listeners: { type: "string", default: "1" },
    /** The server's WRITE_TIMEOUT_MS; the poll's window is 10 s longer. */
    "write-timeout": { type: "string", default: "30000" },
  },
});

/** The server's statement time and calls by statement name, from its /metrics. */
async function statementTimes(url: string): Promise<Map<string, { seconds: number; count: number }>> {
  const text = await (await fetch(new URL("/metrics", url))).text();
  const times = new Map<string, { seconds: number; count: number }>();
  for (const m of text.matchAll(/^\w+_cypher_statement_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    const name = /statement="([^"]*)"/.exec(m[2] as string)?.[1] ?? "?";
    const t = times.get(name) ?? { seconds: 0, count: 0 };
    if (m[1] === "sum") t.seconds += Number(m[3]);
    else t.count += Number(m[3]);
    times.set(name, t);
  }
  return times;
}

/** 2021-01-01 plus `n` days. */
const day = (n: number) => new Date(Date.UTC(2021, 0, 1 + n)).toISOString().slice(0, 10);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function main(): Promise<void> {
  console.log(`load average before: ${load()}`);
  await rm(args.data as string, { recursive: true, force: true });
  const neo = await startBenchNeo4j({
    boltPort: Number(args["bolt-port"]),
    dataDir: args.data as string,
    heapMb: 1024,
    pageCacheMb: 512,
  });
  const server = await startOurServer(neo.uri, args.port as string, {
    JWT_SECRET,
    WRITE_TIMEOUT_MS: args["write-timeout"] as string,
    LOG_LEVEL: "error",
    WARMUP: "off",
  });
  const admin = await signToken(JWT_SECRET, { role: "admin" }, "bench-live-poll");
  let retries = 0;
  const gql = async (query: string, variables: unknown) => {
    for (let attempt = 1; ; attempt++) {
      const { body } = await postGraphql(server.url, admin, query, variables);
      if (!body.errors) return body;
      const retryable = body.errors.every((e) => (e.extensions as { retryable?: boolean })?.retryable);
      if (!retryable || attempt >= 5) throw new Error(JSON.stringify(body.errors));
      retries++;
    }
  };
  try {
    for (const id of [PROVINCE, RENAMED])
      await gql(`mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }`, {
        input: {
          unit: { id, name: `Tỉnh ủy ${id}`, kind: "PROVINCIAL_COMMITTEE" },
          superiorId: "bch-trung-uong",
          effectiveOn: "2020-01-01",
          basis: BASIS,
        },
      });
    const received: number[] = [];
    const clients = Array.from({ length: Number(args.listeners) }, (_, i) => {
      received[i] = 0;
      const c = createClient({
        url: server.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${admin}` },
      });
      c.subscribe(
        { query: "subscription { eventRecorded { id } }" },
        {
          next: () => {
            received[i] = (received[i] ?? 0) + 1;
          },
          error: (e) => console.error("subscription ended:", (e as { code?: number }).code ?? e),
          complete: () => {},
        },
      );
      return c;
    });
    // Let the subscriptions start (and the feed note what is there) before the first change.
    await new Promise((r) => setTimeout(r, 2000));
    const before = await statementTimes(server.url);
    const end = Date.now() + Number(args.duration) * 1000;
    let big = 0;
    let small = 0;
    const bigWriter = async () => {
      for (let n = 0; Date.now() < end; n++) {
        const units = Array.from({ length: Number(args.units) }, (_, j) => ({
          unit: { id: `lp-xa-${n}-${j}`, name: `Đảng ủy xã ${n}-${j}`, kind: "COMMUNE_COMMITTEE" },
          superiorId: PROVINCE,
        }));
        await gql(`mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id } }`, {
          input: { units, effectiveOn: "2026-01-01", basis: BASIS },
        });
        big++;
      }
    };
    const smallWriter = async () => {
      for (let n = 0; Date.now() < end; n++) {
        await gql(`mutation ($input: UpdateUnitInput!) { updateUnit(input: $input) { id } }`, {
          // Each name from a later day than the last (a change must take effect after it).
          input: { id: RENAMED, effectiveOn: day(n), basis: BASIS, name: `Tỉnh ủy Live Poll ${n}` },
        });
        small++;
      }
    };
    await Promise.all([bigWriter(), smallWriter()]);
    // The last events reach the listeners within a poll or two.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await statementTimes(server.url);
    console.log(`load average after: ${load()}`);
    console.log(
      `${big} changes of ${args.units} units and ${small} renames in ${args.duration} s; ` +
        `events received by each listener: ${received.join(", ") || "(no listener)"} (of ${big + small}); ${retries} retried`,
    );
    console.log("statement time over the workload (seconds / calls), largest first:");
    const moved = [...after]
      .map(([name, t]) => {
        const b = before.get(name);
        return { name, seconds: t.seconds - (b?.seconds ?? 0), count: t.count - (b?.count ?? 0) };
      })
      .filter((t) => t.count > 0)
      .sort((x, y) => y.seconds - x.seconds);
    for (const t of moved)
      console.log(`  ${t.name.padEnd(48)} ${t.seconds.toFixed(2).padStart(9)} s / ${t.count}`);
    for (const c of clients) await c.dispose();
  } finally {
    await stopOurServer(server.proc);
    await neo.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
