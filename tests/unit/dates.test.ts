import { describe, expect, it } from "vitest";
import {
  intervalsOverlap,
  intervalWithin,
  isActiveOn,
  isIsoDate,
  todayInVietnam,
} from "../../src/domain/dates.ts";

describe("dates", () => {
  it("accepts only real yyyy-mm-dd dates", () => {
    expect(isIsoDate("2025-07-01")).toBe(true);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2025-02-29")).toBe(false);
    expect(isIsoDate("2025-13-01")).toBe(false);
    expect(isIsoDate("01/07/2025")).toBe(false);
    expect(isIsoDate("2025-7-1")).toBe(false);
  });

  it("treats validTo as the last day in force (the 2025 reform boundary)", () => {
    const district = { validFrom: "1976-01-01", validTo: "2025-06-30" };
    expect(isActiveOn(district, "2025-06-30")).toBe(true);
    expect(isActiveOn(district, "2025-07-01")).toBe(false);
    expect(isActiveOn({ validFrom: "2025-07-01" }, "2025-07-01")).toBe(true);
    expect(isActiveOn({}, "1900-01-01")).toBe(true);
  });

  it("compares intervals with open ends", () => {
    expect(
      intervalWithin({ validFrom: "2021-01-01", validTo: "2022-01-01" }, { validFrom: "2020-01-01" }),
    ).toBe(true);
    expect(
      intervalWithin({ validFrom: "2021-01-01" }, { validFrom: "2020-01-01", validTo: "2025-06-30" }),
    ).toBe(false);
    expect(intervalWithin({}, { validFrom: "2020-01-01" })).toBe(false);
    expect(intervalsOverlap({ validTo: "2025-06-30" }, { validFrom: "2025-07-01" })).toBe(false);
    expect(intervalsOverlap({ validTo: "2025-07-01" }, { validFrom: "2025-07-01" })).toBe(true);
  });

  it("takes today in Vietnam (UTC+7)", () => {
    expect(todayInVietnam(new Date("2025-06-30T17:30:00Z"))).toBe("2025-07-01");
    expect(todayInVietnam(new Date("2025-06-30T16:59:00Z"))).toBe("2025-06-30");
  });
});
