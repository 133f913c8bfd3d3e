import { describe, expect, it } from "vitest";
import { BEFORE_ANY_ID, commitLagMs, settledEnd } from "../../src/domain/change-feed.ts";
import { CHANGE_ID } from "../../src/domain/ids.ts";

const NOW = Date.parse("2026-12-02T12:00:00.000Z");
const LAG = commitLagMs(10_000);

describe("the change feed's last end cursor (settledEnd)", () => {
  it("is the last record when it is older than the horizon (WRITE_TIMEOUT_MS + 10 s)", () => {
    const old = { at: "2026-12-02T11:59:39.999Z", id: "chg-11111111-1111-4111-8111-111111111111" };
    expect(LAG).toBe(20_000);
    expect(settledEnd(old, NOW, LAG)).toEqual(old);
  });

  it("steps back to the horizon when the last record is younger: a change stamped before it may still commit", () => {
    const young = { at: "2026-12-02T11:59:55Z", id: "chg-22222222-2222-4222-8222-222222222222" };
    expect(settledEnd(young, NOW, LAG)).toEqual({ at: "2026-12-02T11:59:40.000Z", id: BEFORE_ANY_ID });
  });

  it("the horizon's id sorts before every change id and is itself a valid change id (so the cursor decodes)", () => {
    expect(BEFORE_ANY_ID).toMatch(CHANGE_ID);
    expect(BEFORE_ANY_ID < "chg-00000000-0000-4000-8000-000000000000").toBe(true);
  });

  it("is null when nothing was reached", () => {
    expect(settledEnd(null, NOW, LAG)).toBeNull();
  });
});
