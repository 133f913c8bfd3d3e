/**
 * Reminders without a database: lead-day windows (a reminder per window, sent late rather than
 * never), the preview's send days, keys compatible with reminders recorded before lead lists,
 * the webhook URL's checks and masking, the example REMINDERS_FILE, and the reader a stored
 * subscription's round uses.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BLANK_ENTRY, type CalendarEntry } from "../../src/domain/calendar.ts";
import { loadSubscriptions, RemindersConfigError } from "../../src/reminders/config.ts";
import {
  dueReminders,
  leadWindow,
  plannedReminders,
  type Subscription,
  webhookRequest,
} from "../../src/reminders/message.ts";
import { roundSubscription } from "../../src/reminders/scheduler.ts";
import {
  maskedError,
  maskedTarget,
  targetFingerprint,
  webhookUrlProblem,
} from "../../src/reminders/target.ts";
import type { SubscriptionRecord } from "../../src/store/reminder-repository.ts";

const entry = (id: string, date: string): CalendarEntry => ({
  ...BLANK_ENTRY,
  id,
  type: "REPORT",
  date,
  period: "2026-06",
  periodLabel: "tháng 6/2026",
  title: `Báo cáo ${id}`,
  frequency: "MONTHLY",
  basis: ["qd-1"],
  obligor: "u",
  relation: "REPORTS_TO",
  recipient: "cap-tren",
});

const sub = (daysBefore: number[]): Subscription => ({
  id: "s",
  units: ["u"],
  includeSubtree: false,
  types: ["REPORT"],
  daysBefore,
  format: "synology",
  webhookUrl: "https://chat.example.vn/hook?token=secret",
});
const unit = { id: "u", name: "Chi bộ U" };
const names = new Map([["cap-tren", "Đảng ủy cấp trên"]]);

describe("lead-day windows", () => {
  it("put an entry in the smallest lead at or above its days left", () => {
    expect([0, 1, 2, 7, 8].map((left) => leadWindow([7, 1], left))).toEqual([1, 1, 7, 7, null]);
    expect(leadWindow([3], -1)).toBeNull();
  });

  it("give one reminder per window, the widest keyed as before lead lists", () => {
    const e = entry("e1", "2026-06-25");
    const early = dueReminders(sub([7, 1]), unit, [e], "2026-06-20", names, "https://x/c.ics");
    const late = dueReminders(sub([7, 1]), unit, [e], "2026-06-24", names, "https://x/c.ics");
    expect(early.map((r) => r.key)).toEqual(["s|u|e1|2026-06-25"]);
    expect(late.map((r) => r.key)).toEqual(["s|u|e1|2026-06-25|1"]);
    expect(late[0]?.text).toContain("còn 1 ngày");
    expect(late[0]?.text).toContain("Gửi: Đảng ủy cấp trên");
  });

  it("preview each reminder on the first day of its window", () => {
    const planned = plannedReminders(
      sub([7, 1]),
      unit,
      [entry("e1", "2026-06-25"), entry("e2", "2026-07-30")],
      { from: "2026-06-01", to: "2026-06-30" },
      names,
      "https://x/c.ics",
    );
    expect(planned.map((r) => [r.entryId, r.daysBefore, r.sendOn])).toEqual([
      ["e1", 1, "2026-06-24"],
      ["e1", 7, "2026-06-18"],
    ]);
    expect(planned.find((r) => r.daysBefore === 7)?.text).toContain("còn 7 ngày");
  });

  it("post Synology Chat's payload form", () => {
    const [r] = dueReminders(sub([3]), unit, [entry("e1", "2026-06-25")], "2026-06-24", names, "u.ics");
    if (!r) throw new Error("no reminder");
    const { contentType, body } = webhookRequest("synology", r);
    expect(contentType).toBe("application/x-www-form-urlencoded");
    expect(JSON.parse(new URLSearchParams(body).get("payload") ?? "")).toEqual({ text: r.text });
  });

  it("make Synology Chat's link markup in editors' text inert (review s11 #7)", () => {
    const [r] = dueReminders(sub([3]), unit, [entry("e1", "2026-06-25")], "2026-06-24", names, "u.ics");
    if (!r) throw new Error("no reminder");
    const lure = { ...r, text: `${r.text}\n<https://evil.example/login|Mở báo cáo>` };
    const { body } = webhookRequest("synology", lure);
    const text = (JSON.parse(new URLSearchParams(body).get("payload") ?? "") as { text: string }).text;
    expect(text).not.toMatch(/[<>]/);
    expect(text).toContain("‹https://evil.example/login|Mở báo cáo›");
    expect(JSON.parse(webhookRequest("json", lure).body).text).toBe(lure.text);
  });
});

describe("webhook targets", () => {
  it("accept http(s) URLs without credentials, on the allowed hosts when listed", () => {
    expect(webhookUrlProblem("https://chat.example.vn:5001/webapi/entry.cgi?token=a", [])).toBeNull();
    expect(webhookUrlProblem("ftp://chat.example.vn/x", [])).toContain("http");
    expect(webhookUrlProblem("not a url", [])).toContain("not a URL");
    expect(webhookUrlProblem("https://u:p@chat.example.vn/", [])).toContain("password");
    expect(webhookUrlProblem("https://chat.example.vn/x", ["example.vn"])).toBeNull();
    expect(webhookUrlProblem("http://169.254.169.254/x", ["example.vn"])).toContain(
      "REMINDERS_WEBHOOK_HOSTS",
    );
  });

  it("are shown masked, with a stable fingerprint, also inside errors", () => {
    const url = "https://chat.example.vn:5001/webapi/entry.cgi?token=secret";
    expect(maskedTarget(url)).toBe("https://chat.example.vn:5001/…");
    expect(targetFingerprint(url)).toBe(targetFingerprint(url));
    expect(targetFingerprint(url)).not.toBe(targetFingerprint(`${url}2`));
    expect(maskedError(`cannot reach ${url}`, url)).not.toContain("secret");
  });
});

describe("REMINDERS_FILE", () => {
  const file = fileURLToPath(new URL("../../examples/registry/reminders.yaml", import.meta.url));

  it("reads the example, lead days as a list, URLs from the environment", () => {
    const subs = loadSubscriptions(file, {
      LAM_DONG_CHAT_WEBHOOK: "https://chat.example.vn/a",
      QUANG_NGAI_WEBHOOK: "https://hooks.example.vn/b",
    });
    expect(subs.map((s) => [s.id, s.daysBefore, s.includeSubtree])).toEqual([
      ["lam-dong-chat", [7, 1], false],
      ["quang-ngai-ops", [3], true],
    ]);
  });

  it("stops on a missing webhook variable, naming it", () => {
    expect(() => loadSubscriptions(file, {})).toThrow(RemindersConfigError);
    expect(() => loadSubscriptions(file, {})).toThrow(/LAM_DONG_CHAT_WEBHOOK/);
  });
});

describe("the reader a stored subscription's round uses", () => {
  const record: SubscriptionRecord = {
    id: "rs_000000000001",
    unitId: "chi-bo-a",
    includeSubtree: false,
    types: ["REPORT"],
    daysBefore: [3],
    format: "json",
    webhookUrl: "https://chat.example.vn/hook",
    active: true,
    createdBy: "bien-tap-a",
    createdAt: "2026-01-01T00:00:00Z",
    updatedBy: "bien-tap-a",
    updatedAt: "2026-01-01T00:00:00Z",
    lastSentAt: null,
    lastError: null,
    lastErrorAt: null,
    readerRole: "editor",
    readerScopes: ["huyen-a"],
  };

  it("is its creator's role and scopes, kept with it", () => {
    expect(roundSubscription(record).reader).toEqual({
      role: "editor",
      subject: "bien-tap-a",
      scopes: ["huyen-a"],
    });
  });

  it("for one stored before they were kept, is an editor of its own unit (never admin)", () => {
    expect(roundSubscription({ ...record, readerRole: null, readerScopes: null }).reader).toEqual({
      role: "editor",
      subject: "bien-tap-a",
      scopes: ["chi-bo-a"],
    });
  });
});
