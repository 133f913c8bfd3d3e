/**
 * The shutdown drain (src/http/drain.ts) on a real HTTP server, no database: requests received
 * before and during the drain are answered — keep-alive ones with `Connection: close` — and
 * new connections are refused.
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { drainable } from "../../src/http/drain.ts";

/** A raw HTTP/1.1 request on a given keep-alive agent: status, Connection header, body. */
function get(port: number, agent: Agent, path: string) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", path, agent }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("drainable", () => {
  it("answers the requests in flight and those on open connections, then refuses new connections", async () => {
    const server = createServer((req, res) => {
      // A slow request, like a write queued for the lock.
      setTimeout(() => res.end(`done ${req.url}`), req.url === "/slow" ? 300 : 0);
    });
    const drainer = drainable(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A keep-alive connection open before the drain, then a slow request in flight.
      expect((await get(port, agent, "/warm")).connection).toBe("keep-alive");
      const slow = get(port, agent, "/slow");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const drained = drainer.drain(5000);
      expect(drainer.draining).toBe(true);
      // Queued on the same keep-alive connection: sent while draining, answered, and told to close.
      const queued = get(port, agent, "/queued");
      expect(await slow).toMatchObject({ status: 200, body: "done /slow" });
      expect(await queued).toEqual({ status: 200, connection: "close", body: "done /queued" });
      expect(await drained).toBe(true);
      const fresh = new Agent({ keepAlive: false });
      await expect(get(port, fresh, "/late")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });

  it("closes connections still busy when the budget runs out", async () => {
    const server = createServer(() => {
      // Never answers.
    });
    const drainer = drainable(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const hanging = get(port, new Agent({ keepAlive: false }), "/hang");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await drainer.drain(200)).toBe(false);
    await expect(hanging).rejects.toMatchObject({ code: "ECONNRESET" });
  });
});
