/**
 * The downloads' minimum-throughput cut (review s10 #13), against the real Neo4j and a real HTTP
 * client that stops reading (its socket paused): past EXPORT_MIN_RATE_WINDOW_MS of taking fewer
 * than EXPORT_MIN_BYTES_PER_SECOND, its connection is cut — the file it holds is visibly
 * incomplete — and the only slot (EXPORT_CONCURRENCY=1) is free for the next download long
 * before EXPORT_TIMEOUT_MS. A client that keeps reading gets the whole file.
 *
 * The whole-graph export must outgrow what the sockets buffer (several MB on loopback), or the
 * server would hand a paused client everything and be done: the fixture adds a few thousand units
 * with long names, written straight into Neo4j and removed afterwards.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually } from "./helpers/eventually.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

vi.setConfig({ testTimeout: 180_000 });

const PATH = "/export/_all.graphml";
const P = "pace-";
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    EXPORT_CONCURRENCY: "1",
    EXPORT_MIN_BYTES_PER_SECOND: "20000",
    EXPORT_MIN_RATE_WINDOW_MS: "1000",
  });
  await server.db.write(
    `UNWIND range(1, 5000) AS i
     CREATE (:Unit {id: $p + i, kind: 'BASIC_PARTY_CELL', name: 'Chi bộ ' + i + ' ' + $filler})`,
    { p: P, filler: "x".repeat(3000) },
  );
});

afterAll(async () => {
  await server?.db.write("MATCH (u:Unit) WHERE u.id STARTS WITH $p DETACH DELETE u", { p: P });
  await server?.close();
});

async function download(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.base}${path}`);
  return { status: res.status, body: await res.text() };
}

/** A GET whose client pauses its socket at the first bytes; `rest()` reads on to the end. */
async function pausedDownload(path: string): Promise<{ rest(): Promise<string> }> {
  const { hostname, port } = new URL(server.base);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("data", (chunk: Buffer) => {
      chunks.push(chunk);
      socket.pause();
      resolve();
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  });
  return {
    rest: () =>
      new Promise<string>((resolve) => {
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("error", () => {});
        socket.once("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
        socket.resume();
      }),
  };
}

describe("a download whose client reads too slowly", () => {
  it("is served whole to a client that keeps reading", async () => {
    const res = await download(PATH);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(15_000_000);
    expect(res.body.trimEnd().endsWith("</graphml>")).toBe(true);
  });

  it("is cut, and its slot is free for the next download", async () => {
    const slow = await pausedDownload(PATH);
    const next = await eventually(
      () => download(PATH),
      (r) => r.status !== 503,
      60_000,
    );
    expect(next.status).toBe(200);
    expect(next.body.trimEnd().endsWith("</graphml>")).toBe(true);
    const held = await slow.rest();
    expect(held.startsWith("HTTP/1.1 200")).toBe(true);
    expect(held.trimEnd().endsWith("</graphml>")).toBe(false);
  });
});
