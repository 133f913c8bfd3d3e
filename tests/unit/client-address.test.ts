/**
 * The client address under TRUST_PROXY (what the WebSocket connection bound counts by), with real
 * HTTP requests carrying X-Forwarded-For: the proxies trusted are skipped, nothing else is.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { clientAddressOf } from "../../src/http/client-address.ts";

let server: Server | null = null;

afterEach(() => {
  server?.close();
  server = null;
});

/** What clientAddressOf(trustProxy) says for a request sent with this X-Forwarded-For. */
async function addressSeen(trustProxy: string, forwardedFor?: string): Promise<string> {
  const clientAddress = clientAddressOf(trustProxy);
  server = createServer((req, res) => res.end(clientAddress(req)));
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
  });
  return res.text();
}

describe("client address under TRUST_PROXY", () => {
  it("is the socket's address when no proxy is trusted, whatever the header says", async () => {
    expect(await addressSeen("false", "203.0.113.7")).toBe("127.0.0.1");
  });

  it("is the forwarded client when the proxy on loopback is trusted", async () => {
    expect(await addressSeen("loopback", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("skips only as many hops as a hop count trusts", async () => {
    expect(await addressSeen("1", "198.51.100.1, 203.0.113.7")).toBe("203.0.113.7");
  });
});
