import { describe, expect, it } from "vitest";
import {
  BEFORE_ANY_ID,
  commitLagMs,
  cutPage,
  feedHorizon,
  settledEnd,
} from "../../src/domain/change-feed.ts";
import { CHANGE_ID } from "../../src/domain/ids.ts";

const NOW = Date.parse("2026-12-02T12:00:00.000Z");
const LAG = commitLagMs(10_000);

describe("a cursor the feed hands out (settledEnd)", () => {
  it("is the last record when it is older than the horizon (WRITE_TIMEOUT_MS + 10 s)", () => {
    const old = { at: "2026-12-02T11:59:39.999Z", id: "chg-11111111-1111-4111-8111-111111111111" };
    expect(LAG).toBe(20_000);
    expect(settledEnd(old, feedHorizon(NOW, LAG))).toEqual(old);
  });

  it("steps back to the horizon when the last record is younger: a change stamped before it may still commit", () => {
    const young = { at: "2026-12-02T11:59:55Z", id: "chg-22222222-2222-4222-8222-222222222222" };
    expect(settledEnd(young, feedHorizon(NOW, LAG))).toEqual({
      at: "2026-12-02T11:59:40.000Z",
      id: BEFORE_ANY_ID,
    });
  });

  it("the horizon's id sorts before every change id and is itself a valid change id (so the cursor decodes)", () => {
    expect(BEFORE_ANY_ID).toMatch(CHANGE_ID);
    expect(BEFORE_ANY_ID < "chg-00000000-0000-4000-8000-000000000000").toBe(true);
  });

  it("is null when nothing was reached", () => {
    expect(settledEnd(null, feedHorizon(NOW, LAG))).toBeNull();
  });
});

describe("a page of the change feed (cutPage)", () => {
  const HORIZON = feedHorizon(NOW, LAG);
  const record = (at: string, n: number) => ({ at, id: `chg-00000000-0000-4000-8000-00000000000${n}` });
  const old = [1, 2, 3].map((n) => record(`2026-12-02T11:59:3${n}.000Z`, n));
  const young = [4, 5, 6].map((n) => record(`2026-12-02T11:59:5${n}.000Z`, n));

  it("has a next page when the record after it was stamped before the horizon", () => {
    expect(cutPage(old, 2, HORIZON)).toEqual({ items: old.slice(0, 2), hasNextPage: true });
  });

  it("is the last page when the record after it is younger: the page's own young records come only there", () => {
    expect(cutPage([...old.slice(0, 1), ...young], 2, HORIZON)).toEqual({
      items: [old[0], young[0]],
      hasNextPage: false,
    });
  });

  it("never says hasNextPage on a page full of young records, so a reader polls rather than spins", () => {
    expect(cutPage(young, 2, HORIZON).hasNextPage).toBe(false);
  });

  it("a record stamped exactly at the horizon is young", () => {
    const at = new Date(HORIZON).toISOString();
    expect(cutPage([...old.slice(0, 1), record(at, 7)], 1, HORIZON).hasNextPage).toBe(false);
    expect(settledEnd(record(at, 7), HORIZON)).toEqual({ at, id: BEFORE_ANY_ID });
  });
});
