/**
 * Posting a reminder against real local HTTP receivers: a redirect is not followed (the post
 * never reaches where it points) and is a final failure that says so; an answer that never ends
 * is read a few KB far and dropped (the status is what counts), not buffered until the timeout.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reminder } from "../../src/reminders/message.ts";
import { sendReminder } from "../../src/reminders/send.ts";

let target: Server;
let redirector: Server;
let streamer: Server;
let streamUrl: string;
/** Per answer of the endless receiver: bytes written, and whether the client closed it before its end. */
const streamed: { written: number; closedEarly: boolean }[] = [];
let targetHits = 0;
let redirectorHits = 0;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let redirectUrl: string;

beforeAll(async () => {
  target = createServer((_req, res) => {
    targetHits++;
    res.end("ok");
  });
  const targetUrl = await listen(target);
  redirector = createServer((_req, res) => {
    redirectorHits++;
    res.writeHead(307, { location: `${targetUrl}/hook` }).end();
  });
  redirectUrl = `${await listen(redirector)}/hook`;
  streamer = createServer((req, res) => {
    const seen = { written: 0, closedEarly: false };
    streamed.push(seen);
    res.writeHead(req.url === "/fail" ? 500 : 200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(64 * 1024, 120);
    // Endless, at the pace the client reads (backpressure): only the client can end it.
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) seen.written += chunk.length;
    };
    res.on("drain", pump);
    res.on("close", () => {
      seen.closedEarly = !res.writableEnded;
    });
    pump();
  });
  streamUrl = await listen(streamer);
});

afterAll(async () => {
  for (const s of [target, redirector, streamer]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const reminder: Reminder = {
  key: "k",
  subscriptionId: "s",
  unitId: "u",
  entryId: "e",
  entryType: "REPORT",
  date: "2026-06-30",
  daysBefore: 3,
  sendOn: "2026-06-27",
  text: "Báo cáo tháng",
};

describe("sendReminder", () => {
  it("does not follow a redirect: the post stops at the first host and fails once, saying why", async () => {
    const result = await sendReminder(redirectUrl, "json", reminder, {
      attempts: 3,
      backoffMs: 1,
      timeoutMs: 5000,
      // The local receivers are allowed as an operator would list them (REMINDERS_WEBHOOK_HOSTS).
      allowedHosts: ["127.0.0.1"],
    });
    expect(result).toEqual({ ok: false, attempts: 1, error: "HTTP 307 (redirects are not followed)" });
    expect(redirectorHits).toBe(1);
    expect(targetHits).toBe(0);
  });

  it("reads a few KB of an endless answer, then closes it: the send ends with the status, long before its timeout", async () => {
    const options = { attempts: 2, backoffMs: 1, timeoutMs: 600_000, allowedHosts: ["127.0.0.1"] };
    const ok = await sendReminder(`${streamUrl}/ok`, "json", reminder, options);
    expect(ok).toEqual({ ok: true, attempts: 1 });
    const failed = await sendReminder(`${streamUrl}/fail`, "json", reminder, options);
    expect(failed).toEqual({ ok: false, attempts: 2, error: "HTTP 500" });
    await expect.poll(() => streamed.map((s) => s.closedEarly)).toEqual([true, true, true]);
    // What the receiver could write before the close: socket buffers, not the endless body.
    expect(Math.max(...streamed.map((s) => s.written))).toBeLessThan(64 * 1024 * 1024);
  }, 30_000);
});
