import { describe, expect, it } from "vitest";
import { citationLabel } from "../../src/domain/citations.ts";
import { addToDate, dueDate, isOverdue, isPending } from "../../src/domain/deadlines.ts";
import { deriveObligations, deriveRuleRelations, reportingSteps } from "../../src/domain/obligations.ts";

describe("deadlines", () => {
  it("ends a quarter on its last day", () => {
    expect(dueDate({ type: "QUARTER", year: 2022, quarter: 3 })).toBe("2022-09-30");
    expect(dueDate({ type: "QUARTER", year: 2024, quarter: 1 })).toBe("2024-03-31");
    expect(dueDate({ type: "YEAR", year: 2023 })).toBe("2023-12-31");
  });

  it("keeps a relative deadline pending until its event is recorded", () => {
    const d = { type: "RELATIVE" as const, months: 3 };
    expect(isPending(d)).toBe(true);
    expect(dueDate(d)).toBeNull();
    expect(isOverdue(d, "2099-01-01")).toBe(false);
    expect(dueDate({ ...d, eventOccurredOn: "2022-11-30" })).toBe("2023-02-28");
  });

  it("never makes a recurring deadline overdue", () => {
    expect(isOverdue({ type: "ONGOING" }, "2099-01-01")).toBe(false);
    expect(isOverdue({ type: "YEARLY" }, "2099-01-01")).toBe(false);
  });

  it("adds months clamping to the end of the month", () => {
    expect(addToDate("2024-01-31", 1, 0)).toBe("2024-02-29");
    expect(addToDate("2024-11-15", 3, 10)).toBe("2025-02-25");
  });
});

describe("obligations", () => {
  const rule = {
    id: "qd-138-d9-report",
    relation: "REPORTS_TO",
    recipient: "DIRECT_SUPERIOR",
    frequencies: ["AD_HOC", "ANNUAL", "MONTHLY", "SEMI_ANNUAL"],
    via: [],
    subject: "Công tác lãnh đạo",
    basis: ["qd-138-2023-d9-k2"],
    validFrom: "2023-12-01",
    validTo: null,
  };
  const facts = {
    unitId: "chi-bo",
    outgoing: [
      {
        id: "r1",
        type: "REPORTS_TO",
        from: "chi-bo",
        to: "btv",
        validFrom: null,
        validTo: null,
        frequencies: ["ANNUAL"],
        via: ["ban-to-chuc"],
        subject: null,
        basis: ["qn-1976-2023-s1"],
        note: null,
      },
      {
        id: "r2",
        type: "SUBORDINATE_TO",
        from: "chi-bo",
        to: "khoi",
        validFrom: null,
        validTo: null,
        frequencies: [],
        via: [],
        subject: null,
        basis: ["x"],
        note: null,
      },
    ],
    bodyReports: [],
    targets: { DIRECT_SUPERIOR: ["khoi"] },
    rules: [rule, { ...rule, id: "qd-138-d9-leads", relation: "LEADS", frequencies: [] }],
  };

  it("applies a kind-level rule to the unit's direct superior (138-QĐ/TW Điều 9 khoản 2), in the documents' order", () => {
    const list = deriveObligations(facts);
    expect(list).toHaveLength(2);
    const derived = list.find((o) => o.ruleId);
    expect(derived).toMatchObject({
      recipient: "khoi",
      frequencies: ["MONTHLY", "SEMI_ANNUAL", "ANNUAL", "AD_HOC"],
    });
    const explicit = list.find((o) => !o.ruleId);
    expect(explicit).toMatchObject({ recipient: "btv", via: ["ban-to-chuc"] });
  });

  it("derives relations in the rule's direction: the superior leads the unit", () => {
    const rels = deriveRuleRelations(facts);
    expect(rels.find((r) => r.type === "LEADS")).toMatchObject({
      from: "khoi",
      to: "chi-bo",
      ruleId: "qd-138-d9-leads",
    });
    expect(rels.find((r) => r.type === "REPORTS_TO")).toMatchObject({ from: "chi-bo", to: "khoi" });
  });

  it("puts the reporting of each hop on the chain", () => {
    const [step] = reportingSteps([
      { from: "chi-bo", to: "khoi", relation: facts.outgoing[1] as never, reports: [], rules: [rule] },
    ]);
    expect(step).toMatchObject({
      relation: "SUBORDINATE_TO",
      frequencies: ["MONTHLY", "SEMI_ANNUAL", "ANNUAL", "AD_HOC"],
      ruleIds: ["qd-138-d9-report"],
    });
    expect(step?.basis).toEqual(["x", "qd-138-2023-d9-k2"]);
  });

  it("labels citations the Vietnamese way", () => {
    expect(citationLabel({ article: 9, clause: 2, point: null, section: null }, "138-QĐ/TW")).toBe(
      "Điều 9 khoản 2, 138-QĐ/TW",
    );
    expect(citationLabel({ article: null, clause: null, point: null, section: "1" }, "1976-CV/TU")).toBe(
      "mục 1, 1976-CV/TU",
    );
  });
});
