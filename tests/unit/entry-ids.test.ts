/**
 * Calendar entry ids (src/domain/calendar.ts), which are the feed's UIDs and part of each
 * reminder's key: one per entry, also when unit, rule or task ids hold dots (UNIT_ID and seed ids
 * allow them), and the same as before for ids without dots (calendar subscriptions keep them).
 */
import { describe, expect, it } from "vitest";
import { loadDueDatePolicy } from "../../src/config.ts";
import { buildCalendar, type CalendarInput } from "../../src/domain/calendar.ts";
import type { Obligation } from "../../src/domain/obligations.ts";

const input = (over: Partial<CalendarInput>): CalendarInput => ({
  unitId: "u",
  window: { from: "2026-01-01", to: "2026-12-31" },
  policy: loadDueDatePolicy(),
  units: new Map(),
  obligations: [],
  meetingRules: [],
  tasks: [],
  ...over,
});

const quarterly = (obligor: string, recipient: string, over: Partial<Obligation> = {}): Obligation => ({
  obligor,
  type: "REPORTS_TO",
  recipient,
  frequencies: ["QUARTERLY"],
  via: [],
  subject: "Công tác",
  basis: ["dieu-le-dang-whole"],
  ruleId: "quy-che",
  validFrom: null,
  validTo: null,
  ...over,
});

const ids = (over: Partial<CalendarInput>) => {
  const cal = buildCalendar(input(over));
  return [...cal.entries, ...cal.undated].map((e) => e.id);
};

/** A task due every year (31/12). */
const yearlyTask = (id: string, over: object = {}) => ({
  id,
  code: id,
  title: `Nhiệm vụ ${id}`,
  basis: ["dieu-le-dang-whole"],
  deadline: { type: "YEARLY" as const },
  deadlineText: "Hằng năm",
  roles: ["CARRIES_OUT"],
  ...over,
});

/** An ongoing task with a second deadline line, yearly. */
const twoLines = (id: string) =>
  yearlyTask(id, {
    deadline: { type: "ONGOING" as const },
    deadlineText: "Thường xuyên",
    moreDeadlines: [{ deadline: { type: "YEARLY" as const }, text: "Hằng năm" }],
  });

describe("calendar entry ids", () => {
  it("keep the dotted form they had when no part holds a dot", () => {
    expect(ids({ obligations: [quarterly("u", "v")] })).toContain("report.u.v.quy-che.quarterly.2026-q2");
    // Without a rule, a hash of the relation's type, subject and basis: the same as before.
    expect(ids({ obligations: [quarterly("u", "v", { ruleId: null })] })).toContain(
      "report.u.v.rel-c4ccw0.quarterly.2026-q2",
    );
    expect(ids({ tasks: [twoLines("two")] })).toEqual(["task.two.l2.2026", "task.two"]);
  });

  it("differ for u → v.w and u.v → w, which the dots alone made one id", () => {
    const a = ids({ obligations: [quarterly("u", "v.w")] });
    const b = ids({ obligations: [quarterly("u.v", "w")] });
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(4);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(a).toContain("report:u:v.w:quy-che:quarterly:2026-q2");
  });

  it("tell a task's second deadline line from a task whose id ends in it", () => {
    const lines = ids({ tasks: [twoLines("two")] });
    const dotted = ids({ tasks: [yearlyTask("two.l2")] });
    expect(dotted).toEqual(["task:two.l2:2026"]);
    expect(lines.filter((id) => dotted.includes(id))).toEqual([]);
  });

  it("tell apart relations without a rule whose subject holds the separator of the hashed text", () => {
    // Joined with "|", subject "a|p" with basis [q] and subject "a" with basis [p, q] read alike.
    const one = quarterly("u", "v", { ruleId: null, subject: "a|p", basis: ["q"] });
    const two = quarterly("u", "v", { ruleId: null, subject: "a", basis: ["p", "q"] });
    const both = ids({ obligations: [one, two] });
    expect(both).toHaveLength(8);
    expect(new Set(both).size).toBe(8);
  });
});
