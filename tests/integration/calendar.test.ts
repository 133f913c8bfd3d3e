import ical, { type VEvent } from "node-ical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectPolicyRefused, withDueDatesPolicy } from "./helpers/due-dates-policy.ts";
import { TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const CELL = "chi-bo-so-noi-vu-quang-ngai";
const BTV = "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong";

interface Entry {
  id: string;
  type: string;
  date: string | null;
  period: string | null;
  periodLabel: string | null;
  title: string;
  frequency: string | null;
  recipient: { id: string } | null;
  channel: { id: string }[];
  rule: { id: string } | null;
  basis: { label: string; document: { number: string } }[];
  dueDateRule: { source: string; policyId: string | null; text: string } | null;
  body: { id: string } | null;
  meetingRule: { id: string; papersLeadDays: number | null } | null;
  papersDeadline: string | null;
  papersLeadDays: number | null;
  papersDeadlineComplex: string | null;
  task: { code: string } | null;
  taskRoles: string[];
  pending: boolean;
  note: string | null;
}

interface Calendar {
  unit: { id: string };
  from: string;
  to: string;
  asOf: string;
  entries: Entry[];
  undated: Entry[];
  policy: string;
  feedPath: string;
}

const CALENDAR = `query ($id: ID!, $from: Date!, $to: Date!, $asOf: Date, $types: [CalendarEntryType!]) {
  reportingCalendar(unitId: $id, from: $from, to: $to, asOf: $asOf, types: $types) {
    unit { id } from to asOf policy feedPath
    entries { ...E }
    undated { ...E }
  }
}
fragment E on CalendarEntry {
  id type date period periodLabel title frequency recipient { id } channel { id } rule { id }
  basis { label document { number } } dueDateRule { source policyId text }
  body { id } meetingRule { id papersLeadDays } papersDeadline papersLeadDays papersDeadlineComplex
  task { code } taskRoles pending note
}`;

async function calendar(vars: Record<string, unknown>): Promise<Calendar> {
  const res = await server.gql<{ reportingCalendar: Calendar }>(CALENDAR, vars);
  expect(res.errors).toBeUndefined();
  return res.data?.reportingCalendar as Calendar;
}

/** The local calendar day node-ical gives an all-day event (a Date at local midnight). */
const day = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

describe("reportingCalendar", () => {
  it("a chi bộ cơ sở cơ quan over 2026: 12 monthly reports, the 6-month and the year-end, to its 2025 superior", async () => {
    const cal = await calendar({ id: CELL, from: "2026-01-01", to: "2026-12-31", asOf: "2026-03-01" });
    const toSuperior = cal.entries.filter((e) => e.rule?.id === "qd-138-d9-k2-report");
    const monthly = toSuperior.filter((e) => e.frequency === "MONTHLY");
    expect(monthly.map((e) => e.period)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`),
    );
    expect(toSuperior.filter((e) => e.frequency === "SEMI_ANNUAL").map((e) => e.period)).toEqual(["H1/2026"]);
    expect(toSuperior.filter((e) => e.frequency === "ANNUAL").map((e) => e.period)).toEqual(["2026"]);
    expect(toSuperior).toHaveLength(14);
    for (const e of toSuperior) {
      expect(e.type).toBe("REPORT");
      expect(e.recipient?.id).toBe("dang-uy-ubnd-tinh-quang-ngai-2025");
      expect(e.date && e.date >= "2026-01-01" && e.date <= "2026-12-31").toBe(true);
      expect(e.basis.map((b) => b.label)).toContain("Điều 9 khoản 2, 138-QĐ/TW");
      expect(e.dueDateRule?.source).toBe("DEFAULT");
      expect(e.dueDateRule?.text).toMatch(/^Mặc định \(không phải quy định/);
      expect(e.channel).toEqual([]);
    }
    expect(toSuperior.find((e) => e.period === "2026-06")).toMatchObject({
      date: "2026-06-25",
      periodLabel: "tháng 6/2026",
      title: "Báo cáo tháng 6/2026 gửi Đảng ủy Ủy ban nhân dân tỉnh Quảng Ngãi",
      dueDateRule: { policyId: "defaults.reports.MONTHLY" },
    });
    // Dated entries are in date order.
    const dates = cal.entries.map((e) => e.date as string);
    expect(dates).toEqual([...dates].sort());
    // Ad-hoc obligations are listed apart, without dates.
    const adHoc = cal.undated.filter((e) => e.frequency === "AD_HOC");
    expect(adHoc.length).toBeGreaterThan(0);
    expect(adHoc.every((e) => e.date === null && e.period === null && e.type === "REPORT")).toBe(true);
    expect(adHoc.map((e) => e.rule?.id)).toContain("qd-138-d9-k2-report");
    expect(cal.policy).toMatch(/due-dates\.yaml/);
    expect(cal.feedPath).toBe(`/calendar/${CELL}.ics?from=2026-01-01&to=2026-12-31&asOf=2026-03-01`);
  });

  it("before the reform, the same cell's calendar names its old superior; without asOf a past window uses its own end", async () => {
    const cal = await calendar({ id: CELL, from: "2024-01-01", to: "2024-12-31" });
    expect(cal.asOf).toBe("2024-12-31");
    const recipients = new Set(
      cal.entries.filter((e) => e.rule?.id === "qd-138-d9-k2-report").map((e) => e.recipient?.id),
    );
    expect([...recipients]).toEqual(["dang-uy-khoi-co-quan-quang-ngai"]);
  });

  it("the BTV of Đảng ủy Khối Lâm Đồng meets 12 times in 2024, each with its papers deadline (Quy chế Điều 11)", async () => {
    const cal = await calendar({ id: BTV, from: "2024-01-01", to: "2024-12-31", types: ["MEETING"] });
    const meetings = cal.entries.filter((e) => e.body?.id === BTV);
    expect(meetings).toHaveLength(12);
    expect(meetings.map((e) => e.period)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, "0")}`),
    );
    for (const m of meetings) {
      expect(m.type).toBe("MEETING");
      expect(m.frequency).toBe("MONTHLY");
      expect(m.meetingRule?.id).toBe("hop-btv-dang-uy-khoi-co-quan-lam-dong");
      expect(m.papersLeadDays).toBe(2);
      expect(m.papersDeadline && m.papersDeadline < (m.date as string)).toBe(true);
      expect(m.papersDeadlineComplex && m.papersDeadlineComplex < (m.papersDeadline as string)).toBe(true);
      expect(m.basis.some((b) => /Điều 11/.test(b.label))).toBe(true);
      expect(m.title).toMatch(/^Hội nghị Ban Thường vụ Đảng ủy Khối/);
    }
    // Its body, the Thường trực, meets weekly (Điều 12); only meetings are asked for.
    expect(cal.entries.every((e) => e.type === "MEETING")).toBe(true);
    expect(cal.entries.filter((e) => e.body?.id !== BTV).every((e) => e.frequency === "WEEKLY")).toBe(true);
    // With reports too: the BTV reports quarterly, 6-monthly and yearly to the BTV Tỉnh ủy (Điều 13 khoản 2).
    const all = await calendar({ id: BTV, from: "2024-01-01", to: "2024-12-31", types: ["REPORT"] });
    expect(all.entries.filter((e) => e.frequency === "QUARTERLY").map((e) => e.period)).toEqual(
      expect.arrayContaining(["Q1/2024", "Q2/2024", "Q3/2024", "Q4/2024"]),
    );
  });

  it("the BCH meets every quarter with papers 3 days before (Điều 10)", async () => {
    const cal = await calendar({
      id: "dang-uy-khoi-co-quan-lam-dong",
      from: "2024-01-01",
      to: "2024-12-31",
      types: ["MEETING"],
    });
    const bch = cal.entries.filter((e) => e.body?.id === "bch-dang-uy-khoi-co-quan-lam-dong");
    expect(bch.map((e) => e.period)).toEqual(["Q1/2024", "Q2/2024", "Q3/2024", "Q4/2024"]);
    expect(bch.every((e) => e.papersLeadDays === 3 && e.papersDeadline !== null)).toBe(true);
  });

  it("shows task deadlines, and a relative deadline as pending until its event is recorded", async () => {
    const cal = await calendar({
      id: "ban-to-chuc-tinh-uy-quang-ngai",
      from: "2022-07-01",
      to: "2023-06-30",
      types: ["TASK"],
    });
    const q3 = cal.entries.find((e) => e.period === "Q3/2022");
    expect(q3).toMatchObject({ type: "TASK", date: "2022-09-30", dueDateRule: { source: "DOCUMENT" } });
    expect(q3?.taskRoles.length).toBeGreaterThan(0);
    const pending = cal.undated.find((e) => e.task?.code === "2.1.2.a");
    expect(pending).toMatchObject({ date: null, pending: true });
    expect(cal.undated.some((e) => !e.pending && e.type === "TASK")).toBe(true);
  });
});

describe("bad calendar requests", () => {
  const error = async (vars: Record<string, unknown>) => {
    const res = await server.gql(CALENDAR, vars);
    expect(res.data).toBeNull();
    return res.errors?.[0];
  };
  it("from after to: BAD_USER_INPUT naming from", async () => {
    const e = await error({ id: CELL, from: "2026-12-31", to: "2026-01-01" });
    expect(e?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "from" });
    expect(e?.message).toMatch(/Argument "from": 2026-12-31 is after to \(2026-01-01\)/);
  });
  it("a window over 5 years: BAD_USER_INPUT naming to", async () => {
    const e = await error({ id: CELL, from: "2020-01-01", to: "2026-01-01" });
    expect(e?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "to" });
    expect(e?.message).toMatch(/at most 1827 days \(5 years\)/);
  });
  it("an unknown unit: NOT_FOUND naming unitId", async () => {
    const e = await error({ id: "khong-co-don-vi-nay", from: "2026-01-01", to: "2026-12-31" });
    expect(e?.extensions).toMatchObject({ code: "NOT_FOUND", argument: "unitId", id: "khong-co-don-vi-nay" });
  });
  it("a date that does not exist: BAD_USER_INPUT naming the argument", async () => {
    const e = await error({ id: CELL, from: "2026-02-30", to: "2026-12-31" });
    expect(e?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(e?.message).toMatch(/from/);
  });
});

describe("GET /calendar/{unitId}.ics", () => {
  it("serves a subscribable RFC 5545 feed that node-ical parses into the same events", async () => {
    const cal = await calendar({ id: CELL, from: "2026-01-01", to: "2026-12-31", asOf: "2026-03-01" });
    const res = await fetch(`${server.base}${cal.feedPath}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const text = await res.text();
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text).toMatch(/\r\nVERSION:2\.0\r\n/);
    expect(text).toMatch(/\r\nPRODID:/);
    expect(text).toMatch(/\r\nX-WR-CALNAME:Lịch báo cáo/);
    expect(text).toMatch(/\r\nDTSTART;VALUE=DATE:20260125\r\n/);
    expect(text.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);

    const parsed = ical.sync.parseICS(text);
    const events = Object.values(parsed).filter((c): c is VEvent => c.type === "VEVENT");
    expect(events).toHaveLength(cal.entries.length);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    for (const entry of cal.entries) {
      const ev = byUid.get(`${entry.id}@party-org-graph`);
      expect(ev, entry.id).toBeDefined();
      expect(ev?.datetype).toBe("date");
      expect(day(ev?.start as Date)).toBe(entry.date);
      expect(ev?.summary).toBe(entry.title);
      expect(ev?.dtstamp).toBeInstanceOf(Date);
      // The description names the basis (here all of 138-QĐ/TW, a numbered document).
      expect(entry.basis.length).toBeGreaterThan(0);
      for (const b of entry.basis) expect(String(ev?.description)).toContain(`Căn cứ: ${b.label} — `);
    }
    // UIDs are stable: the same feed asked again has the same events.
    const again = ical.sync.parseICS(await (await fetch(`${server.base}${cal.feedPath}`)).text());
    expect(Object.keys(again).sort()).toEqual(Object.keys(parsed).sort());
  });

  it("puts each meeting's papers deadline in the feed as its own event", async () => {
    const res = await fetch(`${server.base}/calendar/${BTV}.ics?from=2024-01-01&to=2024-12-31&types=MEETING`);
    expect(res.status).toBe(200);
    const events = Object.values(ical.sync.parseICS(await res.text())).filter(
      (c): c is VEvent => c.type === "VEVENT",
    );
    const btvMeetings = events.filter((e) => /^meeting\.hop-btv-/.test(e.uid) && !e.uid.includes(".papers@"));
    const papers = events.filter((e) => /^meeting\.hop-btv-.*\.papers@/.test(e.uid));
    expect(btvMeetings).toHaveLength(12);
    expect(papers).toHaveLength(12);
    expect(papers[0]?.summary).toMatch(/^Hạn gửi tài liệu: Hội nghị Ban Thường vụ/);
    expect(String(btvMeetings[0]?.description)).toMatch(/Hạn gửi tài liệu: .*\(trước 2 ngày\)/);
  });

  it("answers bad requests with one line of JSON naming the parameter", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server.base}${path}`);
      const text = await res.text();
      expect(text).not.toContain("\n");
      return { status: res.status, body: JSON.parse(text) as { error: Record<string, unknown> } };
    };
    const unknown = await get("/calendar/khong-co-don-vi-nay.ics");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "NOT_FOUND", parameter: "unitId" });
    expect(unknown.body.error.requestId).toBeTruthy();
    const backwards = await get(`/calendar/${CELL}.ics?from=2026-12-31&to=2026-01-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatchObject({ code: "BAD_USER_INPUT", parameter: "from" });
    const long = await get(`/calendar/${CELL}.ics?from=2020-01-01&to=2026-12-31`);
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ parameter: "to" });
    expect((await get(`/calendar/${CELL}.ics?from=yesterday`)).body.error).toMatchObject({
      parameter: "from",
    });
    expect((await get(`/calendar/${CELL}.ics?types=REPORT,PARTY`)).body.error).toMatchObject({
      parameter: "types",
    });
    expect((await get(`/calendar/${CELL}.json`)).status).toBe(404);
  });
});

describe("DUE_DATES_FILE", () => {
  it("replaces the default policy; an override for one rule cites its basis; a bad file stops the start", async () => {
    const policy = [
      "defaults:",
      "  reports:",
      "    MONTHLY: { monthOffset: 1, day: 10 }",
      "overrides:",
      "  - id: quy-che-don-vi",
      "    match: { rule: qd-138-d9-k2-report }",
      "    reports:",
      "      SEMI_ANNUAL: { monthOffset: 0, day: 15 }",
      "    basis: [qd-138-2023-d9-k2]",
    ];
    await withDueDatesPolicy(policy, async (other) => {
      const res = await other.gql<{ reportingCalendar: Calendar }>(CALENDAR, {
        id: CELL,
        from: "2026-01-01",
        to: "2026-12-31",
        asOf: "2026-03-01",
      });
      expect(res.errors).toBeUndefined();
      const cal = res.data?.reportingCalendar as Calendar;
      expect(cal.policy).toBe("due-dates.yaml");
      const entries = cal.entries.filter((e) => e.rule?.id === "qd-138-d9-k2-report");
      expect(entries.find((e) => e.period === "2026-01")?.date).toBe("2026-02-10");
      expect(entries.find((e) => e.period === "H1/2026")).toMatchObject({
        date: "2026-06-15",
        dueDateRule: { source: "OVERRIDE", policyId: "quy-che-don-vi" },
      });
      // No ANNUAL rule in this policy: the year-end report is listed apart, saying why.
      expect(cal.undated.some((e) => e.frequency === "ANNUAL" && e.rule?.id === "qd-138-d9-k2-report")).toBe(
        true,
      );
    });
    await expectPolicyRefused(
      "defaults:\n  reports:\n    WEEKLY: { monthOffset: 0, day: 3 }\n",
      /DUE_DATES_FILE bad\.yaml: .*WEEKLY needs a weekday/,
    );
  });
});

describe("định kỳ with no stated period (PERIODIC)", () => {
  // 350-CV/TU mục 5: the Ban Tổ chức Tỉnh ủy "định kỳ báo cáo kết quả" — no period named.
  const BTC = "ban-to-chuc-tinh-uy-lam-dong-2025";
  const isPeriodic = (e: Entry) =>
    e.frequency === "PERIODIC" && e.basis.some((b) => b.document.number === "350-CV/TU");

  it("reads as PERIODIC with its Vietnamese label, and the calendar lists it undated, saying why", async () => {
    const res = await server.gql<{
      reportingObligations: {
        frequencies: string[];
        frequencyLabels: string[];
        basis: { document: { number: string } }[];
      }[];
    }>(
      `query ($id: ID!) { reportingObligations(unitId: $id, asOf: "2026-01-15") {
        frequencies frequencyLabels basis { document { number } } } }`,
      { id: BTC },
    );
    expect(res.errors).toBeUndefined();
    const from350 = res.data?.reportingObligations.filter((o) =>
      o.basis.some((b) => b.document.number === "350-CV/TU"),
    );
    expect(from350?.map((o) => o.frequencies)).toEqual([["PERIODIC"]]);
    expect(from350?.[0]?.frequencyLabels).toEqual(["định kỳ (văn bản không nêu kỳ hạn)"]);

    const cal = await calendar({ id: BTC, from: "2026-01-01", to: "2026-12-31" });
    expect(cal.entries.filter(isPeriodic)).toEqual([]);
    const undated = cal.undated.filter(isPeriodic);
    expect(undated).toHaveLength(1);
    expect(undated[0]).toMatchObject({
      date: null,
      recipient: { id: "ban-thuong-vu-tinh-uy-lam-dong-2025" },
    });
    expect(undated[0]?.note).toMatch(/không nêu kỳ hạn/);
  });

  it("a policy override may give it periods for one unit, and each date says it is policy; defaults may not", async () => {
    const policy = [
      "defaults:",
      "  reports:",
      "    SEMI_ANNUAL: { monthOffset: 0, day: 5 }",
      "overrides:",
      "  - id: btc-lam-dong-dinh-ky",
      `    match: { obligor: ${BTC} }`,
      "    reports:",
      "      PERIODIC: { periods: [SEMI_ANNUAL] }",
      '    note: "Quy ước của Văn phòng"',
    ];
    await withDueDatesPolicy(policy, async (other) => {
      const res = await other.gql<{ reportingCalendar: Calendar }>(CALENDAR, {
        id: BTC,
        from: "2026-01-01",
        to: "2026-12-31",
      });
      expect(res.errors).toBeUndefined();
      const cal = res.data?.reportingCalendar as Calendar;
      const dated = cal.entries.filter(isPeriodic);
      expect(dated.map((e) => [e.date, e.period])).toEqual([["2026-06-05", "H1/2026"]]);
      expect(dated[0]?.dueDateRule).toMatchObject({ source: "OVERRIDE", policyId: "btc-lam-dong-dinh-ky" });
      expect(dated[0]?.dueDateRule?.text).toMatch(/không phải quy định của văn bản/);
      expect(cal.undated.filter(isPeriodic)).toEqual([]);
    });
    await expectPolicyRefused(
      "defaults:\n  reports:\n    PERIODIC: { periods: [ANNUAL] }\n",
      /PERIODIC: .*not in the defaults/,
    );
  });
});

describe("the feed and read access", () => {
  it("needs a token when READ_ACCESS is not public, and hides units outside a scoped reader's subtrees", async () => {
    const closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
    try {
      const path = `/calendar/${CELL}.ics?from=2026-01-01&to=2026-03-31`;
      const anonymous = await fetch(`${closed.base}${path}`);
      expect(anonymous.status).toBe(403);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
      const bad = await fetch(`${closed.base}${path}`, { headers: { authorization: "Bearer nonsense" } });
      expect(bad.status).toBe(401);
      const inScope = await fetch(`${closed.base}${path}`, {
        headers: { authorization: `Bearer ${await token("viewer", ["tinh-uy-quang-ngai-2025"])}` },
      });
      expect(inScope.status).toBe(200);
      const outside = await fetch(`${closed.base}${path}`, {
        headers: { authorization: `Bearer ${await token("viewer", ["tinh-uy-lam-dong-2025"])}` },
      });
      expect(outside.status).toBe(404);
    } finally {
      await closed.close();
    }
  });
});
