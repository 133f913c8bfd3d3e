/** The calendar's periods, due-date policy and entries, without a database. */
import { describe, expect, it } from "vitest";
import { DEFAULT_DUE_DATES_FILE, loadDueDatePolicy } from "../../src/config.ts";
import {
  buildCalendar,
  type CalendarInput,
  type CalendarUnit,
  defaultCalendarAsOf,
  MAX_WINDOW_DAYS,
  papersDeadline,
  validateWindow,
} from "../../src/domain/calendar.ts";
import {
  adjustForWeekend,
  type DueDatePolicy,
  DueDatePolicyError,
  dateInPeriod,
  describeDateRule,
  parseDueDatePolicy,
  periodsOf,
  resolveDateRule,
} from "../../src/domain/due-dates.ts";
import { DomainError } from "../../src/domain/errors.ts";
import type { Obligation } from "../../src/domain/obligations.ts";

const policy = loadDueDatePolicy();

const CELL = "chi-bo-so-noi-vu-quang-ngai";
const SUPERIOR = "dang-uy-ubnd-tinh-quang-ngai-2025";
const BTV = "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong";

const units = new Map<string, CalendarUnit>([
  [CELL, { id: CELL, name: "Chi bộ Sở Nội vụ tỉnh Quảng Ngãi" }],
  [SUPERIOR, { id: SUPERIOR, name: "Đảng ủy Ủy ban nhân dân tỉnh Quảng Ngãi", validFrom: "2025-07-01" }],
  [BTV, { id: BTV, name: "Ban Thường vụ Đảng ủy Khối", validFrom: "2020-08-28", validTo: "2025-06-30" }],
]);

const report138: Obligation = {
  obligor: CELL,
  type: "REPORTS_TO",
  recipient: SUPERIOR,
  frequencies: ["MONTHLY", "SEMI_ANNUAL", "ANNUAL", "AD_HOC"],
  via: [],
  subject: "Công tác lãnh đạo",
  basis: ["qd-138-2023-d9-k2"],
  ruleId: "qd-138-d9-k2-report",
  validFrom: "2023-12-01",
  validTo: null,
};

const input = (over: Partial<CalendarInput>): CalendarInput => ({
  unitId: CELL,
  window: { from: "2026-01-01", to: "2026-12-31" },
  policy,
  units,
  obligations: [],
  meetingRules: [],
  tasks: [],
  ...over,
});

describe("periods and date rules", () => {
  it("labels periods the way the issue writes them", () => {
    expect(periodsOf("MONTHLY", 2026, 2026).map((p) => p.key)).toHaveLength(12);
    expect(periodsOf("MONTHLY", 2026, 2026)[5]).toMatchObject({ key: "2026-06", label: "tháng 6/2026" });
    expect(periodsOf("QUARTERLY", 2026, 2026)[1]).toMatchObject({
      key: "Q2/2026",
      label: "quý II/2026",
      start: "2026-04-01",
      end: "2026-06-30",
    });
    expect(periodsOf("SEMI_ANNUAL", 2026, 2026)).toEqual([
      expect.objectContaining({ key: "H1/2026", label: "6 tháng đầu năm 2026", end: "2026-06-30" }),
    ]);
    expect(periodsOf("NINE_MONTHS", 2026, 2026)[0]).toMatchObject({ key: "9 tháng/2026", end: "2026-09-30" });
    expect(periodsOf("ANNUAL", 2026, 2026)[0]).toMatchObject({ key: "2026", label: "năm 2026" });
  });

  it("counts ISO weeks (2026 has 53, 2024 has 52)", () => {
    expect(periodsOf("WEEKLY", 2026, 2026)).toHaveLength(53);
    expect(periodsOf("WEEKLY", 2024, 2024)).toHaveLength(52);
    expect(periodsOf("WEEKLY", 2024, 2024)[0]).toMatchObject({ key: "2024-W01", start: "2024-01-01" });
  });

  it("places a day in a period: month offset, clamping, weekend adjustment", () => {
    const feb = periodsOf("MONTHLY", 2026, 2026)[1];
    const year = periodsOf("ANNUAL", 2026, 2026)[0];
    if (!feb || !year) throw new Error("no periods");
    expect(dateInPeriod({ monthOffset: 0, day: 31, adjust: "NONE" }, feb)).toBe("2026-02-28");
    expect(dateInPeriod({ monthOffset: -1, day: 25, adjust: "NONE" }, year)).toBe("2026-11-25");
    expect(dateInPeriod({ monthOffset: 1, day: 15, adjust: "NONE" }, year)).toBe("2027-01-15");
    // 2026-01-24 is a Saturday.
    expect(adjustForWeekend("2026-01-24", "PREVIOUS_WORKDAY")).toBe("2026-01-23");
    expect(adjustForWeekend("2026-01-24", "NEXT_WORKDAY")).toBe("2026-01-26");
    expect(adjustForWeekend("2026-01-25", "PREVIOUS_WORKDAY")).toBe("2026-01-23");
    expect(adjustForWeekend("2026-01-23", "NEXT_WORKDAY")).toBe("2026-01-23");
  });

  it("describes rules in Vietnamese", () => {
    expect(describeDateRule({ monthOffset: 0, day: 25, adjust: "NONE" }, "MONTHLY")).toBe(
      "ngày 25 hằng tháng",
    );
    expect(describeDateRule({ monthOffset: -1, day: 25, adjust: "NONE" }, "ANNUAL")).toBe("ngày 25/11");
    expect(describeDateRule({ monthOffset: 0, day: 5, adjust: "NONE" }, "SEMI_ANNUAL")).toBe("ngày 5/6");
    expect(describeDateRule({ weekday: "MONDAY" }, "WEEKLY")).toBe("thứ Hai hằng tuần");
  });
});

describe("the due-date policy", () => {
  it("ships documented defaults, marked as defaults", () => {
    expect(DEFAULT_DUE_DATES_FILE).toMatch(/config[\\/]due-dates\.yaml$/);
    expect(policy.note).toMatch(/không phải quy định/);
    expect(policy.reports.MONTHLY).toMatchObject({ day: 25 });
    expect(policy.reports.END_OF_TERM).toBeUndefined();
    const resolved = resolveDateRule(policy, "reports", "MONTHLY", { rule: "qd-138-d9-k2-report" });
    expect(resolved).toMatchObject({ source: "DEFAULT", policyId: "defaults.reports.MONTHLY" });
  });

  it("refuses a bad policy with every problem on one line", () => {
    const bad = () =>
      parseDueDatePolicy(
        {
          defaults: {
            reports: {
              WEEKLY: { monthOffset: 0, day: 5 },
              AD_HOC: { monthOffset: 0, day: 1 },
              MONTHLY: { day: 40 },
            },
          },
          overrides: [{ id: "x", match: {}, reports: {} }],
          extra: 1,
        },
        "bad.yaml",
      );
    expect(bad).toThrow(DueDatePolicyError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/^bad\.yaml: /);
      expect(msg).toMatch(/WEEKLY needs a weekday/);
      expect(msg).toMatch(/AD_HOC reports are never dated/);
      expect(msg).toMatch(/MONTHLY/);
      expect(msg).toMatch(/give at least one of rule/);
      expect(msg).not.toContain("\n");
    }
  });

  it("lets an override for one rule win over the default, citing its basis", () => {
    const custom: DueDatePolicy = parseDueDatePolicy(
      {
        defaults: { reports: { MONTHLY: { monthOffset: 0, day: 25 } } },
        overrides: [
          {
            id: "quy-che-rieng",
            match: { rule: "qd-138-d9-k2-report", recipient: SUPERIOR },
            reports: { MONTHLY: { monthOffset: 1, day: 5 } },
            basis: ["ld-duk-qc-2020-d13-k2"],
            note: "Quy chế của đơn vị",
          },
        ],
      },
      "custom.yaml",
    );
    const cal = buildCalendar(input({ policy: custom, obligations: [report138] }));
    const jan = cal.entries.find((e) => e.period === "2026-01");
    expect(jan).toMatchObject({ date: "2026-02-05" });
    expect(jan?.dueDate).toMatchObject({
      source: "OVERRIDE",
      policyId: "quy-che-rieng",
      basis: ["ld-duk-qc-2020-d13-k2"],
    });
    // December's report is due on 5 January 2027, outside the window; December 2025's falls inside.
    expect(cal.entries.map((e) => e.period)).toContain("2025-12");
    expect(cal.entries.map((e) => e.period)).not.toContain("2026-12");
    // SEMI_ANNUAL and ANNUAL have no rule in this policy: listed apart, saying why.
    expect(cal.undated.find((e) => e.frequency === "ANNUAL")?.note).toMatch(/custom\.yaml/);
  });
});

describe("buildCalendar", () => {
  it("dates a chi bộ cơ sở cơ quan's reports over 2026: 12 monthly, the 6-month and the year-end, ad hoc apart", () => {
    const cal = buildCalendar(input({ obligations: [report138] }));
    const monthly = cal.entries.filter((e) => e.frequency === "MONTHLY");
    expect(monthly.map((e) => e.period)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`),
    );
    expect(monthly.every((e) => e.date?.endsWith("-25") && e.recipient === SUPERIOR)).toBe(true);
    expect(cal.entries.find((e) => e.frequency === "SEMI_ANNUAL")).toMatchObject({
      period: "H1/2026",
      date: "2026-06-05",
      title: "Báo cáo sơ kết 6 tháng đầu năm 2026 gửi Đảng ủy Ủy ban nhân dân tỉnh Quảng Ngãi",
      basis: ["qd-138-2023-d9-k2"],
      ruleId: "qd-138-d9-k2-report",
    });
    expect(cal.entries.find((e) => e.frequency === "ANNUAL")).toMatchObject({
      period: "2026",
      date: "2026-11-25",
    });
    expect(cal.entries).toHaveLength(14);
    expect(cal.undated).toEqual([
      expect.objectContaining({ frequency: "AD_HOC", date: null, recipient: SUPERIOR, note: null }),
    ]);
    expect(cal.entries.every((e) => e.dueDate?.source === "DEFAULT" && /Mặc định/.test(e.dueDate.text))).toBe(
      true,
    );
    // Ids are stable and unique.
    expect(new Set(cal.entries.map((e) => e.id)).size).toBe(14);
    expect(buildCalendar(input({ obligations: [report138] })).entries.map((e) => e.id)).toEqual(
      cal.entries.map((e) => e.id),
    );
  });

  it("only dates a report while its obligation and its obligor are in force", () => {
    const late = {
      ...report138,
      validFrom: "2026-08-26",
      frequencies: ["SEMI_ANNUAL", "ANNUAL"],
    } as Obligation;
    const cal = buildCalendar(input({ obligations: [late] }));
    expect(cal.entries.map((e) => e.period)).toEqual(["2026"]);
  });

  it("lists the BTV's 12 monthly meetings of 2024, each with its papers deadlines", () => {
    const cal = buildCalendar(
      input({
        unitId: BTV,
        window: { from: "2024-01-01", to: "2024-12-31" },
        meetingRules: [
          {
            id: "hop-btv",
            bodyId: BTV,
            cadence: "MONTHLY",
            papersLeadDays: 2,
            papersLeadDaysComplex: 5,
            basis: ["ld-duk-qc-2020-d11-k1"],
          },
        ],
      }),
    );
    expect(cal.entries).toHaveLength(12);
    for (const e of cal.entries) {
      expect(e.type).toBe("MEETING");
      expect(e.papersDeadline).toBe(papersDeadline(e.date as string, 2));
      expect((e.papersDeadline as string) < (e.date as string)).toBe(true);
      expect((e.papersDeadlineComplex as string) < (e.papersDeadline as string)).toBe(true);
    }
    // 20/01/2024 is a Saturday: the meeting moves to Friday 19/01; papers by Wednesday 17/01.
    expect(cal.entries[0]).toMatchObject({
      date: "2024-01-19",
      papersDeadline: "2024-01-17",
      period: "2024-01",
    });
    // 20/02/2024 is a Tuesday: papers by Sunday 18/02, i.e. Friday 16/02.
    expect(cal.entries[1]).toMatchObject({ date: "2024-02-20", papersDeadline: "2024-02-16" });
    // The body ended on 30/06/2025: no meetings after that.
    const later = buildCalendar(
      input({
        unitId: BTV,
        window: { from: "2025-01-01", to: "2025-12-31" },
        meetingRules: [
          {
            id: "hop-btv",
            bodyId: BTV,
            cadence: "MONTHLY",
            papersLeadDays: 2,
            papersLeadDaysComplex: 5,
            basis: [],
          },
        ],
      }),
    );
    expect(later.entries).toHaveLength(6);
  });

  it("dates tasks: a quarter, yearly, a recorded relative deadline; ongoing and pending apart", () => {
    const task = (id: string, deadline: CalendarInput["tasks"][number]["deadline"], text: string) => ({
      id,
      code: id,
      title: `Nhiệm vụ ${id}`,
      basis: ["qn-kh-nq21-s3-1"],
      deadline,
      deadlineText: text,
      roles: ["CARRIES_OUT"],
    });
    const cal = buildCalendar(
      input({
        tasks: [
          task("q", { type: "QUARTER", year: 2026, quarter: 3 }, "Quý III/2026"),
          task("y", { type: "YEARLY" }, "Hằng năm"),
          task("r1", { type: "RELATIVE", months: 3, eventOccurredOn: "2026-02-10" }, "3 tháng sau"),
          task("r2", { type: "RELATIVE", months: 3, eventOccurredOn: null }, "3 tháng sau"),
          task("o", { type: "ONGOING" }, "Thường xuyên"),
          task("old", { type: "QUARTER", year: 2022, quarter: 3 }, "Quý III/2022"),
        ],
      }),
    );
    expect(cal.entries.map((e) => [e.taskId, e.date, e.period, e.dueDate?.source])).toEqual([
      ["r1", "2026-05-10", null, "EVENT"],
      ["q", "2026-09-30", "Q3/2026", "DOCUMENT"],
      ["y", "2026-12-31", "2026", "DEFAULT"],
    ]);
    expect(cal.undated.map((e) => [e.taskId, e.pending])).toEqual(
      expect.arrayContaining([
        ["r2", true],
        ["o", false],
      ]),
    );
    expect(cal.undated).toHaveLength(2);
  });

  it("lists every line of a two-line deadline, and nothing of a deadline before its start year", () => {
    const base = {
      code: "2.2.9.b",
      title: "Nhiệm vụ hai dòng thời hạn",
      basis: ["qn-kh-nq21-s2-2-9-b"],
      roles: ["CARRIES_OUT"],
    };
    const twoLines = {
      ...base,
      id: "two",
      deadline: { type: "ONGOING" as const },
      deadlineText: "Thường xuyên",
      moreDeadlines: [{ deadline: { type: "YEARLY" as const }, text: "Hằng năm" }],
    };
    const cal = buildCalendar(input({ tasks: [twoLines] }));
    expect(cal.entries.map((e) => [e.id, e.date, e.deadlineText])).toEqual([
      ["task.two.l2.2026", "2026-12-31", "Hằng năm"],
    ]);
    expect(cal.undated.map((e) => [e.id, e.deadlineText])).toEqual([["task.two", "Thường xuyên"]]);

    const from2028 = (type: "ONGOING" | "YEARLY") => ({
      ...base,
      id: `from-${type}`,
      deadline: { type, startYear: 2028 },
      deadlineText: "Từ năm 2028",
    });
    const window = { from: "2026-01-01", to: "2028-12-31" };
    const later = buildCalendar(input({ window, tasks: [from2028("ONGOING"), from2028("YEARLY")] }));
    expect(later.entries.map((e) => e.date)).toEqual(["2028-12-31"]);
    expect(later.undated.map((e) => e.taskId)).toEqual(["from-ONGOING"]);
    const before = buildCalendar(
      input({
        window: { from: "2026-01-01", to: "2027-12-31" },
        tasks: [from2028("ONGOING"), from2028("YEARLY")],
      }),
    );
    expect([...before.entries, ...before.undated]).toEqual([]);
  });

  it("filters by type, and dates END_OF_TERM only when the policy gives dates", () => {
    const term = { ...report138, frequencies: ["END_OF_TERM"] } as Obligation;
    expect(buildCalendar(input({ obligations: [term] })).undated).toHaveLength(1);
    const withDates = parseDueDatePolicy(
      {
        overrides: [
          { id: "dai-hoi", match: { obligor: CELL }, reports: { END_OF_TERM: { dates: ["2026-06-30"] } } },
        ],
      },
      "x.yaml",
    );
    const cal = buildCalendar(input({ policy: withDates, obligations: [term] }));
    expect(cal.entries).toEqual([expect.objectContaining({ date: "2026-06-30", period: null })]);
    expect(buildCalendar(input({ obligations: [report138], types: ["MEETING"] })).entries).toEqual([]);
  });
});

describe("windows", () => {
  const fails = (from: string, to: string) => {
    try {
      validateWindow({ from, to });
    } catch (e) {
      return e as DomainError;
    }
    return null;
  };
  it("runs forwards, at most five years", () => {
    expect(fails("2026-12-31", "2026-01-01")).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { argument: "from" },
    });
    expect(fails("2024-01-01", "2028-12-31")).toBeNull(); // 1,827 days, two leap days
    expect(fails("2024-01-01", "2029-01-01")).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { argument: "to" },
    });
    expect(fails("2024-01-01", "2029-01-01")?.message).toMatch(String(MAX_WINDOW_DAYS));
    expect(fails("2026-01-01", "2026-01-01")).toBeNull();
    expect(fails("2026-12-31", "2026-01-01")).toBeInstanceOf(DomainError);
  });
  it("takes obligations as of today, or the window's nearest end", () => {
    const w = { from: "2024-01-01", to: "2024-12-31" };
    expect(defaultCalendarAsOf("2026-11-23", w)).toBe("2024-12-31");
    expect(defaultCalendarAsOf("2023-05-01", w)).toBe("2024-01-01");
    expect(defaultCalendarAsOf("2024-05-01", w)).toBe("2024-05-01");
  });
});
