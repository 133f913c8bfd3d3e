/**
 * Reminder subscriptions over HTTP with real JWTs, against the real Neo4j and a real local
 * receiver: created, listed, changed and deleted by admins and scoped editors; readers and units
 * outside an editor's scope refused (FORBIDDEN naming the argument), bad input refused
 * (BAD_USER_INPUT naming the argument), nothing written either way; the webhook URL never
 * returned; the preview listing what would be sent without sending; an unreachable webhook
 * recorded as the subscription's lastError with nothing marked sent.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { runReminderRound } from "../../src/reminders/run.ts";
import { roundSubscription } from "../../src/reminders/scheduler.ts";
import { findSubscription } from "../../src/store/reminder-repository.ts";
import { gqlAs, openSandbox, token } from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

const UNIT = "chi-bo-so-noi-vu-quang-ngai";
const SCOPE = "tinh-uy-quang-ngai-2025";
const OUTSIDE = "tinh-uy-lam-dong-2025";
const SECRET_URL_PART = "token=s3cr3t-do-not-show";

let server: TestServer;
let admin: string;
let editor: string;
let viewer: string;
let receiver: Server;
let hookUrl: string;
let requests = 0;

const FIELDS = `id unitId includeSubtree types daysBefore format target targetFingerprint active createdBy lastError lastErrorAt lastSentAt unit { id }`;
const CREATE = `mutation ($input: CreateReminderSubscriptionInput!) { createReminderSubscription(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($input: UpdateReminderSubscriptionInput!) { updateReminderSubscription(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation ($id: ID!) { deleteReminderSubscription(id: $id) }`;
const LIST = `query ($unitId: ID) { reminderSubscriptions(unitId: $unitId) { ${FIELDS} } }`;
const PREVIEW = `query ($from: Date!, $to: Date!, $s: ID, $u: ID) { reminderPreview(from: $from, to: $to, subscriptionId: $s, unitId: $u) { key subscriptionId unitId entryId entryType dueOn sendOn daysBefore text target format alreadySent } }`;

interface Sub {
  id: string;
  unitId: string;
  daysBefore: number[];
  target: string;
  targetFingerprint: string;
  active: boolean;
  createdBy: string;
  lastError: string | null;
  lastErrorAt: string | null;
  types: string[];
}

const input = (o: Record<string, unknown> = {}) => ({
  unitId: UNIT,
  daysBefore: [3],
  format: "SYNOLOGY",
  webhookUrl: hookUrl,
  // Inactive unless a test needs otherwise: no scheduler runs here, but keep them out of any round.
  active: false,
  ...o,
});

async function created(bearer: string, o: Record<string, unknown> = {}): Promise<Sub> {
  const res = await gqlAs<{ createReminderSubscription: Sub }>(server, bearer, CREATE, { input: input(o) });
  if (!res.data?.createReminderSubscription) throw new Error(`create: ${res.errors?.[0]?.message}`);
  return res.data.createReminderSubscription;
}

async function count(): Promise<number> {
  const rows = await server.db.read("MATCH (s:ReminderSubscription) RETURN count(s) AS n");
  return Number(rows[0]?.n);
}

const dayMs = 86_400_000;
const plusDays = (iso: string, n: number) => new Date(Date.parse(iso) + n * dayMs).toISOString().slice(0, 10);

/** The first dated report of the unit in 2026, from the public API. */
async function firstReport(): Promise<{ id: string; date: string }> {
  const res = await gqlAs<{ reportingCalendar: { entries: { id: string; date: string | null }[] } }>(
    server,
    admin,
    `{ reportingCalendar(unitId: "${UNIT}", from: "2026-01-01", to: "2026-12-31", types: [REPORT]) { entries { id date } } }`,
  );
  const entry = res.data?.reportingCalendar.entries.find((e) => e.date !== null);
  if (!entry?.date) throw new Error("the seed gives the unit no dated report in 2026");
  return { id: entry.id, date: entry.date };
}

beforeAll(async () => {
  ({ server, admin } = await openSandbox({
    REMINDERS_MAX_UNITS: "30",
    REMINDERS_WEBHOOK_HOSTS: "127.0.0.1",
  }));
  editor = await token("editor", [SCOPE], "editor-quang-ngai");
  viewer = await token("viewer", [], "viewer-tester");
  receiver = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200).end("{}");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webapi/entry.cgi?${SECRET_URL_PART}`;
});

afterAll(async () => {
  await server?.db.write(
    `MATCH (s:ReminderSubscription) WHERE s.createdBy IN ['admin-tester', 'editor-quang-ngai']
     OPTIONAL MATCH (r:SentReminder {subscriptionId: s.id})
     DETACH DELETE s, r`,
  );
  await new Promise((r) => receiver?.close(r));
  await server?.close();
});

describe("reminder subscriptions", () => {
  it("are created by an admin, with the webhook URL stored but never returned", async () => {
    const sub = await created(admin, { types: ["REPORT", "MEETING"], daysBefore: [1, 7] });
    expect(sub.id).toMatch(/^rs_[0-9a-f]{12}$/);
    expect(sub).toMatchObject({
      unitId: UNIT,
      daysBefore: [1, 7],
      types: ["REPORT", "MEETING"],
      active: false,
    });
    expect(sub.createdBy).toBe("admin-tester");
    expect(sub.target).toBe(`${new URL(hookUrl).origin}/…`);
    expect(JSON.stringify(sub)).not.toContain(SECRET_URL_PART);
    expect(sub.targetFingerprint).toMatch(/^[0-9a-f]{8}$/);
    const stored = await findSubscription(server.db, sub.id);
    expect(stored?.webhookUrl).toBe(hookUrl);
    const list = await gqlAs<{ reminderSubscriptions: Sub[] }>(server, admin, LIST, { unitId: UNIT });
    expect(list.data?.reminderSubscriptions.map((s) => s.id)).toContain(sub.id);
    expect(JSON.stringify(list)).not.toContain(SECRET_URL_PART);
  });

  it("are refused to readers (FORBIDDEN), writing nothing", async () => {
    const before = await count();
    const res = await gqlAs(server, viewer, CREATE, { input: input() });
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await gqlAs(server, null, LIST, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const list = await gqlAs(server, viewer, LIST, {});
    expect(list.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await count()).toBe(before);
  });

  it("let a scoped editor subscribe units in scope and refuse the others, naming the argument", async () => {
    const mine = await created(editor);
    expect(mine.createdBy).toBe("editor-quang-ngai");
    // The scope root's subtree (fewer than REMINDERS_MAX_UNITS units).
    const tree = await created(editor, { unitId: SCOPE, includeSubtree: true });
    expect(tree.unitId).toBe(SCOPE);
    const before = await count();
    const outside = await gqlAs(server, editor, CREATE, { input: input({ unitId: OUTSIDE }) });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "input.unitId" });
    const unknown = await gqlAs(server, editor, CREATE, { input: input({ unitId: "khong-co-don-vi-nay" }) });
    // An unknown unit answers as one outside: nothing learnt about what exists.
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "input.unitId" });
    expect(await count()).toBe(before);

    const theirs = await created(admin, { unitId: OUTSIDE });
    const listed = await gqlAs<{ reminderSubscriptions: Sub[] }>(server, editor, LIST, {});
    const ids = listed.data?.reminderSubscriptions.map((s) => s.id) ?? [];
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    const askOutside = await gqlAs(server, editor, LIST, { unitId: OUTSIDE });
    expect(askOutside.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "unitId" });

    const change = await gqlAs(server, editor, UPDATE, { input: { id: theirs.id, active: true } });
    expect(change.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "input.id" });
    const move = await gqlAs(server, editor, UPDATE, { input: { id: mine.id, unitId: OUTSIDE } });
    expect(move.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "input.unitId" });
    const drop = await gqlAs(server, editor, DELETE, { id: theirs.id });
    expect(drop.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "id" });
    expect((await findSubscription(server.db, mine.id))?.unitId).toBe(UNIT);
    expect((await findSubscription(server.db, theirs.id))?.active).toBe(false);
  });

  it("refuse bad input with BAD_USER_INPUT naming the argument, writing nothing", async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ daysBefore: [61] }, "input.daysBefore"],
      [{ daysBefore: [] }, "input.daysBefore"],
      [{ daysBefore: [3, 3] }, "input.daysBefore"],
      [{ daysBefore: [-1] }, "input.daysBefore"],
      [{ types: [] }, "input.types"],
      [{ webhookUrl: "ftp://chat.example.vn/hook?token=abc" }, "input.webhookUrl"],
      [{ webhookUrl: "không phải URL" }, "input.webhookUrl"],
      [{ webhookUrl: `https://chat.example.vn/${"x".repeat(3000)}` }, "input.webhookUrl"],
      [{ unitId: "Not A Slug" }, "input.unitId"],
      [{ unitId: "bch-trung-uong", includeSubtree: true }, "input.includeSubtree"],
    ];
    for (const [o, argument] of cases) {
      const res = await gqlAs(server, admin, CREATE, { input: input(o) });
      expect(res.errors?.[0]?.extensions, JSON.stringify(o).slice(0, 80)).toMatchObject({
        code: "BAD_USER_INPUT",
        argument,
      });
    }
    const secret = await gqlAs(server, admin, CREATE, { input: input({ webhookUrl: "ftp://h/?token=abc" }) });
    expect(secret.errors?.[0]?.message).not.toContain("token=abc");
    const missing = await gqlAs(server, admin, CREATE, { input: input({ unitId: "khong-co-don-vi-nay" }) });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", argument: "input.unitId" });
    expect(await count()).toBe(before);

    // Its own webhook: the same unit, webhook and types as the editor's would be a duplicate.
    const sub = await created(admin, { webhookUrl: `${hookUrl}&n=admin` });
    const bad = await gqlAs(server, admin, UPDATE, {
      input: { id: sub.id, daysBefore: [1], webhookUrl: "x" },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.webhookUrl",
    });
    expect((await findSubscription(server.db, sub.id))?.daysBefore).toEqual([3]);
    const none = await gqlAs(server, admin, UPDATE, { input: { id: "rs_000000000000", active: true } });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", argument: "input.id" });
  });

  it("are changed and deleted", async () => {
    const sub = await created(editor, { webhookUrl: `${hookUrl}&n=changed` });
    const res = await gqlAs<{ updateReminderSubscription: Sub }>(server, editor, UPDATE, {
      input: { id: sub.id, daysBefore: [7, 1], types: ["TASK"], webhookUrl: `${hookUrl}&v=2` },
    });
    expect(res.data?.updateReminderSubscription).toMatchObject({ daysBefore: [1, 7], types: ["TASK"] });
    expect(res.data?.updateReminderSubscription.targetFingerprint).not.toBe(sub.targetFingerprint);
    const gone = await gqlAs<{ deleteReminderSubscription: string }>(server, editor, DELETE, { id: sub.id });
    expect(gone.data?.deleteReminderSubscription).toBe(sub.id);
    expect(await findSubscription(server.db, sub.id)).toBeNull();
  });

  it("preview what would be sent in a window, sending and claiming nothing", async () => {
    const report = await firstReport();
    const sub = await created(admin, { types: ["REPORT"], daysBefore: [3, 1] });
    requests = 0;
    const res = await gqlAs<{
      reminderPreview: {
        key: string;
        entryId: string;
        dueOn: string;
        sendOn: string;
        daysBefore: number;
        text: string;
        target: string;
        alreadySent: boolean;
      }[];
    }>(server, admin, PREVIEW, { from: plusDays(report.date, -3), to: report.date, s: sub.id });
    const items = res.data?.reminderPreview.filter((r) => r.entryId === report.id) ?? [];
    expect(items.map((r) => [r.daysBefore, r.sendOn])).toEqual([
      [3, plusDays(report.date, -3)],
      [1, plusDays(report.date, -1)],
    ]);
    expect(items[0]?.text).toContain("còn 3 ngày");
    expect(items[1]?.text).toContain("còn 1 ngày");
    expect(items.every((r) => r.dueOn === report.date && !r.alreadySent)).toBe(true);
    expect(items[0]?.target).toBe(`${new URL(hookUrl).origin}/…`);
    expect(JSON.stringify(res)).not.toContain(SECRET_URL_PART);
    expect(requests).toBe(0);
    const keys = res.data?.reminderPreview.map((r) => r.key) ?? [];
    const claimed = await server.db.read("MATCH (r:SentReminder) WHERE r.key IN $keys RETURN count(r) AS n", {
      keys,
    });
    expect(Number(claimed[0]?.n)).toBe(0);

    const wide = await gqlAs(server, admin, PREVIEW, { from: "2026-01-01", to: "2027-06-01", s: sub.id });
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "to" });
    const outside = await created(admin, { unitId: OUTSIDE, webhookUrl: `${hookUrl}&n=preview` });
    const refused = await gqlAs(server, editor, PREVIEW, {
      from: "2026-01-01",
      to: "2026-02-01",
      s: outside.id,
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", argument: "subscriptionId" });
    const reader = await gqlAs(server, viewer, PREVIEW, { from: "2026-01-01", to: "2026-02-01" });
    expect(reader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("record an unreachable webhook as the subscription's lastError, marking nothing sent", async () => {
    const report = await firstReport();
    // A port nothing listens on: bind one, then close it.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const deadUrl = `http://127.0.0.1:${port}/hook?${SECRET_URL_PART}`;
    const sub = await created(admin, { types: ["REPORT"], daysBefore: [2], webhookUrl: deadUrl });
    const record = await findSubscription(server.db, sub.id);
    if (!record) throw new Error("the subscription was not stored");
    const result = await runReminderRound(
      {
        db: server.db,
        config: loadConfig({ REMINDERS_WEBHOOK_HOSTS: "127.0.0.1" }),
        log: createLogger("silent"),
      },
      [roundSubscription(record)],
      {
        today: plusDays(report.date, -2),
        dryRun: false,
        publicUrl: "https://graph.example.vn",
        send: { attempts: 2, backoffMs: 10, timeoutMs: 2000 },
        leaseSeconds: 600,
      },
    );
    expect(result.sent).toEqual([]);
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.failed[0]?.error).toContain("ECONNREFUSED");
    const res = await gqlAs<{ reminderSubscription: Sub }>(
      server,
      admin,
      `query ($id: ID!) { reminderSubscription(id: $id) { ${FIELDS} } }`,
      { id: sub.id },
    );
    expect(res.data?.reminderSubscription.lastError).toContain("ECONNREFUSED");
    expect(res.data?.reminderSubscription.lastErrorAt).not.toBeNull();
    expect(JSON.stringify(res)).not.toContain(SECRET_URL_PART);
    const statuses = await server.db.read(
      "MATCH (r:SentReminder {subscriptionId: $id}) RETURN collect(DISTINCT r.status) AS s",
      { id: sub.id },
    );
    expect(statuses[0]?.s).toEqual(["FAILED"]);
    const preview = await gqlAs<{ reminderPreview: { alreadySent: boolean }[] }>(server, admin, PREVIEW, {
      from: plusDays(report.date, -2),
      to: plusDays(report.date, -2),
      s: sub.id,
    });
    expect(preview.data?.reminderPreview.length).toBeGreaterThan(0);
    expect(preview.data?.reminderPreview.some((r) => r.alreadySent)).toBe(false);
  });
});
