/**
 * The exports' cap (EXPORT_CONCURRENCY), with real requests: a burst of whole-graph exports
 * written on connections opened beforehand, so that the server reads them all in one turn of
 * its event loop (the test server runs in this process) while the first ones wait on Neo4j:
 * exactly EXPORT_CONCURRENCY stream whole, the others are refused at once with 503,
 * Retry-After and a JSON error; one client (its address, from X-Forwarded-For behind a trusted
 * proxy) streams one at a time; HEAD counts like GET (its headers come from the same traversal),
 * and the slots are free again afterwards.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
const LIMIT = 2;

beforeAll(async () => {
  server = await startTestServer({ EXPORT_CONCURRENCY: String(LIMIT), TRUST_PROXY: "loopback" });
});

afterAll(async () => {
  await server?.close();
});

/** The whole graph of every period as GraphML: the largest export of the seed. */
const BIG = "/export/_all.graphml";

interface Raw {
  status: number;
  headers: string;
  body: string;
}

/**
 * Opens `n` connections, then writes a request on each in the same tick; resolves every full
 * answer. Each comes from a client of its own (X-Forwarded-For), unless `client` names one for all.
 */
async function burst(n: number, path: string, method = "GET", client?: string): Promise<Raw[]> {
  const { hostname, port } = new URL(server.base);
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(Number(port), hostname, () => resolve(s));
          s.once("error", reject);
        }),
    ),
  );
  // Let the server accept them all before any request arrives.
  await new Promise((r) => setTimeout(r, 200));
  const answers = sockets.map(
    (s) =>
      new Promise<Raw>((resolve, reject) => {
        const chunks: Buffer[] = [];
        s.on("data", (c: Buffer) => chunks.push(c));
        s.once("error", reject);
        s.once("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const end = text.indexOf("\r\n\r\n");
          const headers = text.slice(0, end);
          const body = text.slice(end + 4);
          resolve({ status: Number(headers.split(" ")[1]), headers: headers.toLowerCase(), body });
        });
      }),
  );
  sockets.forEach((s, i) => {
    s.write(
      `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nX-Forwarded-For: ${client ?? `203.0.113.${i + 1}`}\r\nConnection: close\r\n\r\n`,
    );
  });
  return Promise.all(answers);
}

describe("export cap", () => {
  it("streams EXPORT_CONCURRENCY exports of a burst and refuses the others with 503, Retry-After and JSON", async () => {
    const answers = await burst(LIMIT + 3, BIG);
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    expect(served.length).toBe(LIMIT);
    expect(refused.length).toBe(3);
    // Chunked: the document's last line, then the terminating chunk.
    for (const a of served) expect(a.body).toMatch(/<\/graphml>\n\r\n0\r\n\r\n$/);
    for (const a of refused) {
      expect(a.headers).toMatch(/\r\nretry-after: [1-9]\d*\r\n/);
      expect(a.headers).toMatch(/\r\ncontent-type: application\/json/);
      const error = (JSON.parse(a.body) as { error: { code: string; message: string; retryable: boolean } })
        .error;
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
      expect(error.message).toMatch(/EXPORT_CONCURRENCY/);
      expect(error.retryable).toBe(true);
    }
  });

  it("streams one export at a time for one client, however many slots are free", async () => {
    const answers = await burst(LIMIT, BIG, "GET", "198.51.100.7");
    expect(answers.map((a) => a.status).sort()).toEqual([200, 503]);
  });

  it("counts HEAD like GET, and frees every slot once the exports are done", async () => {
    // A unit's export: its HEAD looks the unit up in Neo4j, as its GET does, before any header.
    const heads = await burst(LIMIT + 3, "/export/bch-trung-uong.graphml", "HEAD");
    expect(heads.filter((h) => h.status === 200).length).toBe(LIMIT);
    const refused = heads.filter((h) => h.status === 503);
    expect(refused.length).toBe(3);
    for (const h of refused) expect(h.headers).toMatch(/\r\nretry-after: [1-9]\d*\r\n/);
    const again = await burst(LIMIT, "/export/_all.json?asOf=2025-07-01");
    expect(again.map((a) => a.status)).toEqual([200, 200]);
  });
});
