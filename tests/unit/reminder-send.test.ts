/**
 * Posting a reminder against real local HTTP receivers: a redirect is not followed (the post
 * never reaches where it points) and is a final failure that says so.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reminder } from "../../src/reminders/message.ts";
import { sendReminder } from "../../src/reminders/send.ts";

let target: Server;
let redirector: Server;
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
});

afterAll(async () => {
  for (const s of [target, redirector]) {
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
});
