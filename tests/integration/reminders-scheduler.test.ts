/**
 * The in-service reminder scheduler: two service instances (each its own HTTP server, driver and
 * scheduler, REMINDERS_SCHEDULER=on) on one database, posting to a real local receiver that
 * answers the first posts with a 500 and a timeout, then recovers. Every due reminder of a stored
 * subscription arrives exactly once, the failed ones after a retry; the subscription records its
 * delivery; both instances stop cleanly.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { todayInVietnam } from "../../src/domain/dates.ts";
import { createLogger } from "../../src/logger.ts";
import { runReminderRound } from "../../src/reminders/run.ts";
import { roundSubscription } from "../../src/reminders/scheduler.ts";
import { findSubscription } from "../../src/store/reminder-repository.ts";
import { gqlAs, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const UNIT = "chi-bo-so-noi-vu-quang-ngai";
const INTERVAL_S = 5;
const ENV = {
  JWT_SECRET: TEST_SECRET,
  REMINDERS_SCHEDULER: "on",
  REMINDERS_INTERVAL_S: String(INTERVAL_S),
  REMINDERS_ATTEMPTS: "2",
  REMINDERS_BACKOFF_MS: "50",
  REMINDERS_TIMEOUT_MS: "500",
  REMINDERS_PUBLIC_URL: "https://graph.example.vn",
  // The local receiver: a private address, allowed only when listed.
  REMINDERS_WEBHOOK_HOSTS: "127.0.0.1",
};

let a: TestServer;
let b: TestServer;
let receiver: Server;
let url: string;
/** What the receiver does with the next posts: a status, or "hang" (never answers). */
const script: (number | "hang")[] = [];
/** Keys of the reminders the receiver accepted (answered 200), in order. */
const delivered: string[] = [];
let refused = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const next = script.shift() ?? 200;
      if (next === "hang") return;
      if (next !== 200) {
        refused++;
        res.writeHead(next).end("fail");
        return;
      }
      delivered.push((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { key: string }).key);
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=x`;
  [a, b] = await Promise.all([startTestServer(ENV), startTestServer(ENV)]);
});

let closed = false;

async function removeSubscriptions(): Promise<void> {
  await a.db.write(
    `MATCH (s:ReminderSubscription {createdBy: 'scheduler-tester'})
     OPTIONAL MATCH (r:SentReminder {subscriptionId: s.id})
     DETACH DELETE s, r`,
  );
}

afterAll(async () => {
  if (!closed && a) {
    await removeSubscriptions();
    await Promise.all([a.close(), b?.close()]);
  }
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

describe("the reminder scheduler", () => {
  it("sends each due reminder exactly once from two instances, retrying a receiver that fails", async () => {
    const admin = await token("admin", [], "scheduler-tester");
    // The first posts fail: a 500, then a timeout (both retryable).
    script.push(500, "hang");
    const res = await gqlAs<{ createReminderSubscription: { id: string } }>(
      a,
      admin,
      `mutation ($input: CreateReminderSubscriptionInput!) { createReminderSubscription(input: $input) { id } }`,
      { input: { unitId: UNIT, daysBefore: [60, 30], format: "JSON", webhookUrl: url } },
    );
    const id = res.data?.createReminderSubscription.id;
    if (!id) throw new Error(`create: ${res.errors?.[0]?.message}`);
    const record = await findSubscription(a.db, id);
    if (!record) throw new Error("the subscription was not stored");
    // What is due today, computed as the scheduler does it, without sending.
    const dry = await runReminderRound(
      { db: a.db, config: loadConfig({}), log: createLogger("silent") },
      [roundSubscription(record)],
      {
        today: todayInVietnam(),
        dryRun: true,
        publicUrl: ENV.REMINDERS_PUBLIC_URL,
        send: { attempts: 1, backoffMs: 0, timeoutMs: 1000 },
        leaseSeconds: 600,
      },
    );
    const expected = dry.due.map((r) => r.key).sort();
    if (expected.length < 2)
      throw new Error(`the seed gives ${UNIT} too few entries within 60 days of today`);

    // Both schedulers run a round every INTERVAL_S: wait for every reminder, then one more round of each.
    const deadline = Date.now() + 120_000;
    while (new Set(delivered).size < expected.length && Date.now() < deadline) await sleep(500);
    await sleep((INTERVAL_S + 2) * 1000);

    expect([...delivered].sort()).toEqual(expected);
    expect(refused).toBe(1);
    expect(script).toEqual([]);
    const rows = await a.db.read(
      "MATCH (r:SentReminder {subscriptionId: $id}) RETURN r.status AS status, count(*) AS n",
      { id },
    );
    expect(rows).toEqual([{ status: "SENT", n: expected.length }]);
    const after = await findSubscription(a.db, id);
    expect(after?.lastSentAt).not.toBeNull();
    expect(after?.lastError).toBeNull();
  });

  it("stops with the servers (the shutdown path), within seconds", async () => {
    await removeSubscriptions();
    const started = Date.now();
    closed = true;
    await Promise.all([a.close(), b.close()]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
