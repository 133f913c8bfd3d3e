import { describe, expect, it } from "vitest";
import {
  addYears,
  intervalsOverlap,
  intervalWithin,
  isActiveOn,
  isIsoDate,
  isIsoDateTime,
  outOfRange,
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

describe("date-times and effective-date ranges", () => {
  it("accepts only real ISO date-times with an offset", () => {
    expect(isIsoDateTime("2025-07-01T08:30:00+07:00")).toBe(true);
    expect(isIsoDateTime("2025-07-01T01:30:00.123456789Z")).toBe(true);
    expect(isIsoDateTime("2025-07-01T01:30Z")).toBe(true);
    expect(isIsoDateTime("2025-07-01T08:30+07:00[Asia/Ho_Chi_Minh]")).toBe(true);
    expect(isIsoDateTime("2025-07-01T08:30+07:00[Asia/Ho Chi Minh]")).toBe(false);
    // A zone Neo4j would refuse (review s14 J: a 500 before): one that does not exist, or whose
    // offset at that instant is not the one written; summer time is the zone's own.
    expect(isIsoDateTime("2025-07-01T08:30+07:00[Mars/Olympus]")).toBe(false);
    expect(isIsoDateTime("2025-07-01T08:30+08:00[Asia/Ho_Chi_Minh]")).toBe(false);
    expect(isIsoDateTime("2025-07-01T08:30+01:00[Europe/London]")).toBe(true);
    expect(isIsoDateTime("2025-01-01T08:30+00:00[Europe/London]")).toBe(true);
    expect(isIsoDateTime("2025-01-01T08:30+01:00[Europe/London]")).toBe(false);
    expect(isIsoDateTime("2025-07-01T01:30Z[UTC]")).toBe(true);
    expect(isIsoDateTime("2025-02-30T00:00:00Z")).toBe(false);
    expect(isIsoDateTime("2025-07-01T24:00:00Z")).toBe(false);
    expect(isIsoDateTime("2025-07-01T23:60:00Z")).toBe(false);
    expect(isIsoDateTime("2025-07-01T08:30:00")).toBe(false);
    expect(isIsoDateTime("2025-07-01T08:30:00+15:00")).toBe(false);
    expect(isIsoDateTime("March 7, 2024")).toBe(false);
    expect(isIsoDateTime("1")).toBe(false);
  });

  it("adds years, keeping 29 February in common years as 28 February", () => {
    expect(addYears("2026-12-01", 5)).toBe("2031-12-01");
    expect(addYears("2024-02-29", 1)).toBe("2025-02-28");
    expect(addYears("2024-02-29", 4)).toBe("2028-02-29");
  });

  it("says why a date lies outside the range", () => {
    const range = { min: "1930-01-01", max: "2031-12-01" };
    expect(outOfRange("1930-01-01", range)).toBeNull();
    expect(outOfRange("2031-12-01", range)).toBeNull();
    expect(outOfRange("1929-12-31", range)).toMatch(/before 1930-01-01/);
    expect(outOfRange("9999-12-31", range)).toMatch(/after 2031-12-01/);
  });
});
