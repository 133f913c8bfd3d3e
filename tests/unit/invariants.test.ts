import { describe, expect, it } from "vitest";
import { firstViolation, selfRelation, type Violation, violationError } from "../../src/domain/invariants.ts";

describe("relation invariants", () => {
  it("finds a relation from a unit to itself, and nothing else", () => {
    expect(selfRelation("COORDINATES_WITH", "xa-a", "xa-b")).toBeNull();
    expect(selfRelation("COORDINATES_WITH", "xa-a", "xa-a")).toMatchObject({
      rule: "NO_SELF_RELATION",
      units: ["xa-a"],
    });
  });

  it("gives each rule its code, with the argument and the relations when known", () => {
    const self = violationError(
      selfRelation("LEADS", "xa-a", "xa-a") as NonNullable<ReturnType<typeof selfRelation>>,
      "input.toId",
    );
    expect(self.code).toBe("BAD_USER_INPUT");
    expect(self.message).toBe(
      'Argument "input.toId": NO_SELF_RELATION: a LEADS relation cannot go from "xa-a" to itself',
    );
    expect(self.details).toEqual({ rule: "NO_SELF_RELATION", units: ["xa-a"], argument: "input.toId" });
    const duplicate = violationError({
      rule: "DUPLICATE_RELATION",
      units: ["a", "b"],
      relations: ["leads.a.b.2025-01-01"],
      message: "…",
    });
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.details).toEqual({
      rule: "DUPLICATE_RELATION",
      units: ["a", "b"],
      relations: ["leads.a.b.2025-01-01"],
    });
  });
});

describe("the violation a change checked in parts reports", () => {
  const v = (rule: Violation["rule"], unit: string): Violation => ({ rule, units: [unit], message: unit });

  it("is the earliest rule in the checks' order, whichever part found it", () => {
    const late = v("KIND_PAIRING", "a");
    expect(firstViolation(null, [])).toBeNull();
    expect(firstViolation(null, [late, v("ENDPOINTS_ACTIVE", "x")])).toBe(late);
    expect(firstViolation(late, [])).toBe(late);
    const cycle = v("NO_CYCLE", "b");
    expect(firstViolation(late, [cycle])).toBe(cycle);
    expect(firstViolation(cycle, [v("ENDPOINTS_ACTIVE", "c")])).toBe(cycle);
    expect(
      firstViolation(firstViolation(cycle, [v("INTERVAL_ORDER", "d")]), [v("NO_SELF_RELATION", "e")])?.rule,
    ).toBe("NO_SELF_RELATION");
  });

  it("on a tie of rules, is the one an earlier part found", () => {
    const first = v("DUPLICATE_RELATION", "a");
    expect(firstViolation(first, [v("DUPLICATE_RELATION", "b")])).toBe(first);
  });
});
