/**
 * Chat reminders against the real Neo4j and a real local HTTP receiver: the Synology Chat form
 * (`payload={"text": …}`) naming the report, due date and .ics link, a 500 retried with backoff,
 * sent once (a second round, like a restart, sends nothing), a timeout recorded as FAILED and
 * sent by a later round, the generic JSON format, and a dry run that claims nothing.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import type { Subscription } from "../../src/reminders/message.ts";
import { runReminderRound } from "../../src/reminders/run.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const UNIT = "chi-bo-so-noi-vu-quang-ngai";
let server: TestServer;
let receiver: Server;
let url: string;
/** What the receiver does with the next requests: a status, or "hang" (never answers). */
const script: (number | "hang")[] = [];
const received: { contentType: string; body: string }[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = await startTestServer();
  receiver = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const next = script.shift() ?? 200;
    if (next === "hang") return;
    received.push({ contentType: String(req.headers["content-type"]), body });
    res.writeHead(next).end(next === 200 ? '{"success":true}' : "fail");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webapi/entry.cgi?token=x`;
});

afterAll(async () => {
  await server?.db.write("MATCH (r:SentReminder) WHERE r.key STARTS WITH 'test-' DETACH DELETE r");
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await server?.close();
});

const deps = () => ({
  db: server.db,
  config: loadConfig({ REMINDERS_WEBHOOK_HOSTS: "127.0.0.1" }),
  log: createLogger("silent"),
});
const round = (
  subs: Subscription[],
  today: string,
  o: { dryRun?: boolean; timeoutMs?: number; leaseSeconds?: number } = {},
) =>
  runReminderRound(deps(), subs, {
    today,
    dryRun: o.dryRun ?? false,
    publicUrl: "https://graph.example.vn",
    send: { attempts: 3, backoffMs: 20, timeoutMs: o.timeoutMs ?? 2000 },
    leaseSeconds: o.leaseSeconds ?? 600,
  });

/** The first dated report of the unit in 2026, from the public API. */
async function firstReport(): Promise<{ date: string; title: string }> {
  const res = await server.gql<{ reportingCalendar: { entries: { date: string | null; title: string }[] } }>(
    `{ reportingCalendar(unitId: "${UNIT}", from: "2026-01-01", to: "2026-12-31", types: [REPORT]) { entries { date title } } }`,
  );
  const entry = res.data?.reportingCalendar.entries.find((e) => e.date !== null);
  if (!entry?.date) throw new Error("the seed gives the unit no dated report in 2026");
  return { date: entry.date, title: entry.title };
}

const minusDays = (iso: string, n: number) =>
  new Date(Date.parse(iso) - n * 86_400_000).toISOString().slice(0, 10);

describe("chat reminders", () => {
  it("posts Synology Chat's payload form, retries a 500, and sends each reminder once", async () => {
    const report = await firstReport();
    const sub: Subscription = {
      id: "test-synology",
      units: [UNIT],
      types: ["REPORT"],
      includeSubtree: false,
      daysBefore: [2],
      format: "synology",
      webhookUrl: url,
    };
    const today = minusDays(report.date, 2);
    const dry = await round([sub], today, { dryRun: true });
    expect(dry.due.length).toBeGreaterThan(0);
    expect(dry.sent).toEqual([]);
    script.push(500);
    received.length = 0;
    const first = await round([sub], today);
    expect(first.sent.sort()).toEqual(dry.due.map((r) => r.key).sort());
    expect(received.length).toBe(dry.due.length + 1);
    const last = received[received.length - 1];
    expect(last?.contentType).toBe("application/x-www-form-urlencoded");
    const text = (JSON.parse(new URLSearchParams(last?.body).get("payload") ?? "{}") as { text: string })
      .text;
    expect(text).toContain("Hạn: ");
    expect(text).toContain(`https://graph.example.vn/calendar/${UNIT}.ics`);
    expect(dry.due.map((r) => r.text).join("\n")).toContain(report.title);
    received.length = 0;
    const again = await round([sub], today);
    expect(again.sent).toEqual([]);
    expect(again.skipped.sort()).toEqual(first.sent.sort());
    expect(received).toEqual([]);
    const rows = await server.db.read(
      "MATCH (r:SentReminder) WHERE r.key IN $keys RETURN collect(DISTINCT r.status) AS s",
      { keys: first.sent },
    );
    expect(rows[0]?.s).toEqual(["SENT"]);
  });

  it("records a webhook that times out as FAILED, and a later round sends it (generic JSON)", async () => {
    const report = await firstReport();
    const sub: Subscription = {
      id: "test-json",
      units: [UNIT],
      types: ["REPORT"],
      includeSubtree: false,
      daysBefore: [1],
      format: "json",
      webhookUrl: url,
    };
    const today = minusDays(report.date, 1);
    script.push("hang", "hang", "hang");
    const failed = await round([sub], today, { timeoutMs: 200 });
    expect(failed.sent).toEqual([]);
    expect(failed.failed.length).toBeGreaterThan(0);
    expect(failed.failed[0]?.error).toContain("TimeoutError");
    script.length = 0;
    received.length = 0;
    const later = await round([sub], today);
    expect(later.sent.sort()).toEqual(failed.failed.map((f) => f.key).sort());
    const body = JSON.parse(received[0]?.body ?? "{}") as { text: string; unitId: string };
    expect(received[0]?.contentType).toBe("application/json");
    expect(body.unitId).toBe(UNIT);
  });

  it("leaves a fresh claim of another sender alone, and takes over one whose lease ran out", async () => {
    const report = await firstReport();
    const sub: Subscription = {
      id: "test-lease",
      units: [UNIT],
      includeSubtree: false,
      types: ["REPORT"],
      daysBefore: [1],
      format: "json",
      webhookUrl: url,
    };
    const today = minusDays(report.date, 1);
    const dry = await round([sub], today, { dryRun: true });
    const keys = dry.due.map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    // Claims left by a sender that died: one a minute ago, one an hour ago (as with a crash mid-post).
    await server.db.write(
      `UNWIND $keys AS k CREATE (:SentReminder {key: k, status: 'CLAIMED', token: 'dead',
         claimedAt: datetime() - duration({minutes: 1})})`,
      { keys },
    );
    received.length = 0;
    const held = await round([sub], today, { leaseSeconds: 600 });
    expect(held.sent).toEqual([]);
    expect(held.skipped.sort()).toEqual([...keys].sort());
    expect(received).toEqual([]);
    await server.db.write(
      "MATCH (r:SentReminder) WHERE r.key IN $keys SET r.claimedAt = datetime() - duration({hours: 1})",
      { keys },
    );
    const taken = await round([sub], today, { leaseSeconds: 600 });
    expect(taken.sent.sort()).toEqual([...keys].sort());
    expect(received.length).toBe(keys.length);
  });
});
