/**
 * Stored reminders read as their subscriber (security review, finding 4), with READ_ACCESS=scoped,
 * against the real Neo4j and a real local HTTP receiver: an editor's subscription posts no name
 * outside the editor's subtrees (an admin's on the same unit does), and what it posts is what
 * reminderPreview shows; a subscription is only on a unit of the editor's today (not one that
 * has left their scope); one whose unit left since sends nothing and records why; an admin who
 * pauses an editor's subscription does not widen what it reads.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { runReminderRound } from "../../src/reminders/run.ts";
import { roundSubscription } from "../../src/reminders/scheduler.ts";
import { findSubscription } from "../../src/store/reminder-repository.ts";
import { fileSandbox, gqlAs, provinceFixture, refusedUnchanged, token } from "./helpers/sandbox.ts";

const UNIT = "chi-bo-so-noi-vu-quang-ngai";
const P = "rsc-";
const SUBJECTS = ["admin-tester", "editor-rsc-chi-bo", "editor-rsc-tinh"];

const { server, admin } = await fileSandbox(P, {
  READ_ACCESS: "scoped",
  REMINDERS_WEBHOOK_HOSTS: "127.0.0.1",
});
let receiver: Server;
let base: string;
const received: { url: string; text: string }[] = [];

const CREATE = `mutation ($input: CreateReminderSubscriptionInput!) { createReminderSubscription(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateReminderSubscriptionInput!) { updateReminderSubscription(input: $input) { id active } }`;
const PREVIEW = `query ($from: Date!, $to: Date!, $s: ID) { reminderPreview(from: $from, to: $to, subscriptionId: $s) { text } }`;
const MOVE = `mutation ($u: ID!, $s: ID!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: "2025-01-01", basis: ["dieu-le-dang-whole"]) { id } }`;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const payload = new URLSearchParams(await bodyOf(req)).get("payload") ?? "{}";
    received.push({ url: req.url ?? "", text: (JSON.parse(payload) as { text: string }).text });
    res.writeHead(200).end('{"success":true}');
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webapi/entry.cgi`;
});

afterAll(async () => {
  await server?.db.write(
    `MATCH (s:ReminderSubscription) WHERE s.createdBy IN $subjects
     OPTIONAL MATCH (r:SentReminder {subscriptionId: s.id})
     DETACH DELETE s, r`,
    { subjects: SUBJECTS },
  );
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

const dayMs = 86_400_000;
const plusDays = (iso: string, n: number) => new Date(Date.parse(iso) + n * dayMs).toISOString().slice(0, 10);

/** Creates a subscription (inactive: no scheduler runs here) as `bearer`; throws on any error. */
async function subscribe(bearer: string, unitId: string, who: string): Promise<string> {
  const res = await gqlAs<{ createReminderSubscription: { id: string } }>(server, bearer, CREATE, {
    input: {
      unitId,
      types: ["REPORT"],
      daysBefore: [3],
      format: "SYNOLOGY",
      webhookUrl: `${base}?who=${who}`,
      active: false,
    },
  });
  if (!res.data?.createReminderSubscription) throw new Error(`subscribe: ${res.errors?.[0]?.message}`);
  return res.data.createReminderSubscription.id;
}

/** One round (READ_ACCESS=scoped) over these stored subscriptions, as the scheduler runs it. */
async function round(ids: string[], today: string) {
  const records = await Promise.all(ids.map((id) => findSubscription(server.db, id)));
  return runReminderRound(
    {
      db: server.db,
      config: loadConfig({ READ_ACCESS: "scoped", REMINDERS_WEBHOOK_HOSTS: "127.0.0.1" }),
      log: createLogger("silent"),
    },
    records.map((r) => {
      if (!r) throw new Error("a subscription was not stored");
      return roundSubscription(r);
    }),
    {
      today,
      dryRun: false,
      publicUrl: "https://graph.example.vn",
      send: { attempts: 1, backoffMs: 10, timeoutMs: 5000 },
      leaseSeconds: 600,
    },
  );
}

/** The unit's first dated report in 2026 whose recipient is another unit, with the recipient's name (as admin). */
async function reportToAnother(): Promise<{ date: string; recipientName: string }> {
  const res = await gqlAs<{
    reportingCalendar: { entries: { date: string | null; recipient: { id: string; name: string } | null }[] };
  }>(
    server,
    admin,
    `{ reportingCalendar(unitId: "${UNIT}", from: "2026-01-01", to: "2026-12-31", types: [REPORT]) { entries { date recipient { id name } } } }`,
  );
  const entry = res.data?.reportingCalendar.entries.find(
    (e) => e.date && e.recipient && e.recipient.id !== UNIT,
  );
  if (!entry?.date || !entry.recipient)
    throw new Error("the seed gives the unit no dated report to another unit in 2026");
  return { date: entry.date, recipientName: entry.recipient.name };
}

describe("a stored subscription reads as its subscriber", () => {
  it("posts no name outside the editor's scope, and posts what reminderPreview shows", async () => {
    const report = await reportToAnother();
    const editor = await token("editor", [UNIT], "editor-rsc-chi-bo");
    const mine = await subscribe(editor, UNIT, "editor");
    const theirs = await subscribe(admin, UNIT, "admin");
    const today = plusDays(report.date, -3);
    received.length = 0;
    const result = await round([mine, theirs], today);
    expect(result.errors).toEqual([]);
    const sentTo = (who: string) => received.filter((r) => r.url.endsWith(`who=${who}`)).map((r) => r.text);
    // The admin's subscription names the recipient: the name exists and would leak if read as admin.
    expect(sentTo("admin").some((t) => t.includes(`Gửi: ${report.recipientName}`))).toBe(true);
    expect(sentTo("editor").filter((t) => t.includes(report.recipientName))).toEqual([]);

    const preview = async (bearer: string) => {
      const res = await gqlAs<{ reminderPreview: { text: string }[] }>(server, bearer, PREVIEW, {
        from: today,
        to: today,
        s: mine,
      });
      expect(res.errors ?? []).toEqual([]);
      return (res.data?.reminderPreview ?? []).map((r) => r.text).sort();
    };
    expect(await preview(editor)).toEqual(sentTo("editor").sort());
    // An admin previewing the editor's subscription sees what it sends, not what the admin may read.
    expect(await preview(admin)).toEqual(sentTo("editor").sort());
  });
});

describe("a subscription is on a unit of the editor's today", () => {
  it("refuses a unit that has left the editor's scope, and accepts one still inside", async () => {
    const ids = await provinceFixture(server, admin, `${P}1`, { otherDistrict: true });
    const moved = await gqlAs(server, admin, MOVE, { u: ids.xa2, s: ids.otherHuyen });
    expect(moved.errors ?? []).toEqual([]);
    const editor = await token("editor", [ids.tinh], "editor-rsc-tinh");
    const input = {
      unitId: ids.xa2,
      daysBefore: [3],
      format: "SYNOLOGY",
      webhookUrl: `${base}?who=x`,
      active: false,
    };
    expect(await refusedUnchanged(server, editor, CREATE, { input })).toEqual({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "input.unitId",
    });
    expect(await subscribe(editor, ids.xa, "tinh")).toMatch(/^rs_/);
  });

  it("sends nothing for a unit that left after it was subscribed, and says why; an admin's pause keeps its reader", async () => {
    const ids = await provinceFixture(server, admin, `${P}2`, { otherDistrict: true });
    const editor = await token("editor", [ids.tinh], "editor-rsc-tinh");
    const id = await subscribe(editor, ids.xa2, "left");
    const moved = await gqlAs(server, admin, MOVE, { u: ids.xa2, s: ids.otherHuyen });
    expect(moved.errors ?? []).toEqual([]);

    received.length = 0;
    const result = await round([id], "2026-06-01");
    expect(result.errors.map((e) => e.subscriptionId)).toEqual([id]);
    expect(result.errors[0]?.error).toContain("no longer lies in the scope");
    expect(received).toEqual([]);
    expect((await findSubscription(server.db, id))?.lastError).toContain("no longer lies in the scope");

    // Switching it on again is refused to the editor (its unit is no longer theirs today).
    const resume = await gqlAs(server, editor, UPDATE, { input: { id, active: true } });
    expect(resume.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "input.id" });
    // An admin may change it, but it still reads as the editor who made it.
    const paused = await gqlAs(server, admin, UPDATE, { input: { id, daysBefore: [1] } });
    expect(paused.errors ?? []).toEqual([]);
    expect(await findSubscription(server.db, id)).toMatchObject({
      readerRole: "editor",
      readerScopes: [ids.tinh],
      updatedBy: "admin-tester",
    });
  });
});
