/**
 * The WebSocket message rate limit (LIVE_MAX_MESSAGES_PER_MINUTE), with raw `ws` sockets speaking
 * graphql-transport-ws and a real graphql-ws client against real servers (each its own limit
 * state): a client within the limit is served; a socket flooding subscribe/complete pairs is
 * closed with 4429 "Too many messages"; the bucket belongs to the client's address, so its next
 * connection is closed at once too, and the graphql-ws client hands that close to its subscription
 * and does not retry; with the limit off the same flood is served to the end.
 */
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let roomy: TestServer;
let tight: TestServer;
let unlimited: TestServer;
const clients: Client[] = [];

const SUBSCRIPTION = `subscription { eventRecorded { id } }`;
const wsUrl = (server: TestServer) => server.url.replace(/^http/, "ws");

interface Closed {
  code: number;
  reason: string;
}

/** A liveness bound, not a timing: the answer must come, not hang. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * A raw graphql-transport-ws socket: connection_init, then (after the ack) `pairs` subscribe/
 * complete pairs and a ping. "pong" when the server answered the ping (the socket was served to
 * the end), else how it was closed.
 */
function rawFlood(server: TestServer, pairs: number): Promise<Closed | "pong"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl(server), "graphql-transport-ws");
    const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    ws.on("open", () => send({ type: "connection_init", payload: {} }));
    ws.on("message", (data) => {
      const { type } = JSON.parse(String(data)) as { type: string };
      if (type === "connection_ack") {
        for (let i = 0; i < pairs; i++) {
          send({ id: `s${i}`, type: "subscribe", payload: { query: SUBSCRIPTION } });
          send({ id: `s${i}`, type: "complete" });
        }
        send({ type: "ping" });
      }
      if (type === "pong") {
        ws.close();
        resolve("pong");
      }
    });
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
    ws.on("error", () => {});
  });
}

/** A graphql-ws client that never retries, with one subscription: its close and its subscription's errors. */
function subscribed(server: TestServer): {
  closed: Promise<Closed>;
  errors: unknown[];
  acked: () => boolean;
} {
  let onClosed: (c: Closed) => void = () => {};
  const closed = new Promise<Closed>((r) => {
    onClosed = r;
  });
  let ack = false;
  const errors: unknown[] = [];
  const c = createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: {
      connected: () => {
        ack = true;
      },
      closed: (e) => {
        const { code, reason } = e as { code: number; reason: string };
        onClosed({ code, reason });
      },
    },
  });
  clients.push(c);
  c.subscribe({ query: SUBSCRIPTION }, { next: () => {}, error: (e) => errors.push(e), complete: () => {} });
  return { closed, errors, acked: () => ack };
}

beforeAll(async () => {
  // Each server keeps its own buckets; all the sockets here come from 127.0.0.1.
  roomy = await startTestServer({ LIVE_MAX_MESSAGES_PER_MINUTE: "20" });
  // 5 a minute: a token comes back every 12 s, far more than the next socket takes to connect.
  tight = await startTestServer({ LIVE_MAX_MESSAGES_PER_MINUTE: "5" });
  unlimited = await startTestServer({ LIVE_MAX_MESSAGES_PER_MINUTE: "0" });
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await Promise.all([roomy?.close(), tight?.close(), unlimited?.close()]);
});

describe("the WebSocket message rate limit", () => {
  it("serves a client within it", async () => {
    // connection_init, 4 pairs and a ping: 10 messages of 20.
    expect(await within(rawFlood(roomy, 4), 20_000, "the pong")).toBe("pong");
  });

  it("closes a socket flooding subscribe/complete pairs with 4429, and its address's next one at once", async () => {
    expect(await within(rawFlood(tight, 20), 20_000, "the close")).toEqual({
      code: 4429,
      reason: "Too many messages",
    });
    // The same address's bucket is still empty: a graphql-ws client is closed at its connection_init,
    // and its subscription gets the close (graphql-ws treats 4429 as fatal: no reconnection).
    const next = subscribed(tight);
    expect(await within(next.closed, 20_000, "the next close")).toEqual({
      code: 4429,
      reason: "Too many messages",
    });
    expect(next.acked()).toBe(false);
    // The client hands the close to the subscription's sink just after its "closed" event.
    const errors = await within(
      (async () => {
        while (next.errors.length === 0) await new Promise((r) => setTimeout(r, 20));
        return next.errors;
      })(),
      10_000,
      "the subscription's error",
    );
    expect(errors.map((e) => (e as { code?: number }).code)).toEqual([4429]);
  });

  it("closes nothing with LIVE_MAX_MESSAGES_PER_MINUTE=0", async () => {
    expect(await within(rawFlood(unlimited, 40), 20_000, "the pong")).toBe("pong");
  });
});
