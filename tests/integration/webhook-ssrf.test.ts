/**
 * Reminder webhooks cannot be aimed at internal addresses by default (security review leftover):
 * against the real Neo4j, two real servers (one without REMINDERS_WEBHOOK_HOSTS, one listing
 * `localhost` and `127.0.0.1`) and a real local receiver. Without an allow-list, a webhook URL on a
 * loopback, link-local, unspecified or private literal address — in any spelling — is refused
 * when written (BAD_USER_INPUT naming `input.webhookUrl`, nothing written); a host name that
 * resolves to loopback is refused when posting, with a clear lastError, and the receiver is
 * never reached; a listed host is written and posted to.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { runReminderRound } from "../../src/reminders/run.ts";
import { roundSubscription } from "../../src/reminders/scheduler.ts";
import { findSubscription } from "../../src/store/reminder-repository.ts";
import { gqlAs, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

// A round computes the unit's calendar first: on a loaded machine that alone may take most of a minute.
vi.setConfig({ testTimeout: 180_000 });

const UNIT = "chi-bo-so-noi-vu-quang-ngai";
const SUBJECT = "admin-ssrf-tester";
const LISTED = "localhost,127.0.0.1";

let strict: TestServer;
let listing: TestServer;
let admin: string;
let receiver: Server;
let port: number;
let hits = 0;

const CREATE = `mutation ($input: CreateReminderSubscriptionInput!) { createReminderSubscription(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateReminderSubscriptionInput!) { updateReminderSubscription(input: $input) { id } }`;
const LAST_ERROR = `query ($id: ID!) { reminderSubscription(id: $id) { lastError lastSentAt } }`;

const input = (webhookUrl: string, o: Record<string, unknown> = {}) => ({
  unitId: UNIT,
  daysBefore: [2],
  types: ["REPORT"],
  format: "JSON",
  webhookUrl,
  active: false,
  ...o,
});

async function count(): Promise<number> {
  const rows = await strict.db.read(
    "MATCH (s:ReminderSubscription {createdBy: $subject}) RETURN count(s) AS n",
    { subject: SUBJECT },
  );
  return Number(rows[0]?.n);
}

async function created(server: TestServer, webhookUrl: string): Promise<string> {
  const res = await gqlAs<{ createReminderSubscription: { id: string } }>(server, admin, CREATE, {
    input: input(webhookUrl),
  });
  const id = res.data?.createReminderSubscription.id;
  if (!id) throw new Error(`create: ${res.errors?.[0]?.message}`);
  return id;
}

/** The first dated report of the unit in 2026, from the public API. */
async function firstReportDate(): Promise<string> {
  const res = await gqlAs<{ reportingCalendar: { entries: { date: string | null }[] } }>(
    strict,
    admin,
    `{ reportingCalendar(unitId: "${UNIT}", from: "2026-01-01", to: "2026-12-31", types: [REPORT]) { entries { date } } }`,
  );
  const date = res.data?.reportingCalendar.entries.find((e) => e.date !== null)?.date;
  if (!date) throw new Error("the seed gives the unit no dated report in 2026");
  return date;
}

const minusDays = (iso: string, n: number) =>
  new Date(Date.parse(iso) - n * 86_400_000).toISOString().slice(0, 10);

/** One real round over the stored subscription, with the posting rules of `hosts`. */
async function roundOf(id: string, hosts: string | undefined) {
  const record = await findSubscription(strict.db, id);
  if (!record) throw new Error("the subscription was not stored");
  return runReminderRound(
    {
      db: strict.db,
      config: loadConfig(hosts === undefined ? {} : { REMINDERS_WEBHOOK_HOSTS: hosts }),
      log: createLogger("silent"),
    },
    [roundSubscription(record)],
    {
      today: minusDays(await firstReportDate(), 2),
      dryRun: false,
      publicUrl: "https://graph.example.vn",
      send: { attempts: 3, backoffMs: 10, timeoutMs: 5000 },
      leaseSeconds: 600,
    },
  );
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200).end("{}");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  port = (receiver.address() as AddressInfo).port;
  strict = await startTestServer({ JWT_SECRET: TEST_SECRET });
  listing = await startTestServer({ JWT_SECRET: TEST_SECRET, REMINDERS_WEBHOOK_HOSTS: LISTED });
  admin = await token("admin", [], SUBJECT);
});

afterAll(async () => {
  await strict?.db.write(
    `MATCH (s:ReminderSubscription {createdBy: $subject})
     OPTIONAL MATCH (r:SentReminder {subscriptionId: s.id})
     DETACH DELETE s, r`,
    { subject: SUBJECT },
  );
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await Promise.all([strict?.close(), listing?.close()]);
});

describe("reminder webhooks without REMINDERS_WEBHOOK_HOSTS", () => {
  it("refuse literal internal addresses in any spelling when written, writing nothing", async () => {
    const before = await count();
    const urls = [
      `http://127.0.0.1:${port}/hook`,
      "http://169.254.169.254/latest/meta-data/",
      `http://[::1]:${port}/hook`,
      "http://2130706433/hook", // 127.0.0.1 as one decimal number
      "http://0x7f.1/hook", // 127.0.0.1 in hex, short form
      "http://[::ffff:127.0.0.1]/hook", // IPv4-mapped IPv6
      "http://0.0.0.0/hook",
      "http://10.1.2.3/hook",
      "http://192.168.1.10:5001/webapi/entry.cgi",
      "http://[fd00::1]/hook", // IPv6 unique local
      `http://localhost:${port}/hook`,
    ];
    for (const url of urls) {
      const res = await gqlAs(strict, admin, CREATE, { input: input(url) });
      expect(res.errors?.[0]?.extensions, url).toMatchObject({
        code: "BAD_USER_INPUT",
        argument: "input.webhookUrl",
      });
      expect(res.errors?.[0]?.message, url).toContain("not a public address");
    }
    expect(await count()).toBe(before);
  });

  it("refuse an internal address on update too, leaving the subscription as it was", async () => {
    const id = await created(strict, "https://chat.example.vn/webapi/entry.cgi?token=x");
    const res = await gqlAs(strict, admin, UPDATE, {
      input: { id, webhookUrl: `http://127.0.0.1:${port}/hook` },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.webhookUrl",
    });
    expect((await findSubscription(strict.db, id))?.webhookUrl).toBe(
      "https://chat.example.vn/webapi/entry.cgi?token=x",
    );
  });

  it("refuse, when posting, a host name that resolves to loopback: the receiver is never reached", async () => {
    // Written while the operator listed it; the list no longer does when the round runs.
    const id = await created(listing, `http://localhost:${port}/hook?token=x`);
    const before = hits;
    const result = await roundOf(id, undefined);
    expect(result.sent).toEqual([]);
    expect(result.failed.length).toBeGreaterThan(0);
    // Not what the name resolved to: the editor reads lastError (an internal DNS oracle otherwise).
    expect(result.failed[0]?.error).toContain("localhost is not a public address;");
    expect(result.failed[0]?.error).not.toMatch(/127\.0\.0\.1|::1|loopback/);
    expect(hits).toBe(before);
    const res = await gqlAs<{ reminderSubscription: { lastError: string | null } }>(
      strict,
      admin,
      LAST_ERROR,
      {
        id,
      },
    );
    expect(res.data?.reminderSubscription.lastError).toContain("localhost is not a public address");
    expect(res.data?.reminderSubscription.lastError).not.toMatch(/127\.0\.0\.1|::1/);
    expect(res.data?.reminderSubscription.lastError).toContain("REMINDERS_WEBHOOK_HOSTS");
    // Refused once, not retried: where the post would connect does not change between attempts.
    const attempts = await strict.db.read(
      "MATCH (r:SentReminder {subscriptionId: $id}) RETURN collect(DISTINCT r.attempts) AS a, collect(DISTINCT r.status) AS s",
      { id },
    );
    expect(attempts[0]).toEqual({ a: [1], s: ["FAILED"] });
  });
});

describe("reminder webhooks on a listed host", () => {
  it("are written and posted to, private addresses included", async () => {
    for (const host of ["localhost", "127.0.0.1"]) {
      const id = await created(listing, `http://${host}:${port}/hook?token=listed-${host}`);
      const before = hits;
      const result = await roundOf(id, LISTED);
      expect(result.failed).toEqual([]);
      expect(result.sent.length).toBeGreaterThan(0);
      expect(hits - before).toBe(result.sent.length);
    }
  });

  it("keep the allow-list exact for addresses and refuse unlisted hosts", async () => {
    const only = await startTestServer({
      JWT_SECRET: TEST_SECRET,
      REMINDERS_WEBHOOK_HOSTS: "0.0.1,example.vn",
    });
    try {
      for (const url of [`http://127.0.0.1:${port}/hook`, "https://chat.example.org/hook"]) {
        const res = await gqlAs(only, admin, CREATE, { input: input(url) });
        expect(res.errors?.[0]?.extensions, url).toMatchObject({
          code: "BAD_USER_INPUT",
          argument: "input.webhookUrl",
        });
        expect(res.errors?.[0]?.message, url).toContain("not among REMINDERS_WEBHOOK_HOSTS");
      }
      const ok = await gqlAs(only, admin, CREATE, { input: input("https://chat.example.vn/hook") });
      expect(ok.errors).toBeUndefined();
    } finally {
      await only.close();
    }
  });
});
