/** The database's state machine (src/store/database-health.ts), driven by a scripted probe. */
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseHealth, type DatabaseState, PingTimeout } from "../../src/store/database-health.ts";

/** A probe whose answers the test sets: "ok", "refused" (connection error) or "slow" (timeout). */
function scriptedPing() {
  const ping = { answer: "ok" as "ok" | "refused" | "slow", calls: 0 };
  const fn = async () => {
    ping.calls++;
    if (ping.answer === "refused") throw new Error("connect ECONNREFUSED 127.0.0.1:7687");
    if (ping.answer === "slow") throw new PingTimeout("Neo4j did not answer within 1000 ms");
  };
  return { ping, fn };
}

const healths: DatabaseHealth[] = [];
afterEach(() => {
  for (const h of healths.splice(0)) h.close();
});
function health(fn: () => Promise<void>, recoveryIntervalMs = 10) {
  const h = new DatabaseHealth(fn, { recoveryIntervalMs, hungAfterMs: 100 });
  healths.push(h);
  return h;
}

describe("DatabaseHealth", () => {
  it("goes down at the first refused connection, with the error, and says since when", async () => {
    const { ping, fn } = scriptedPing();
    const h = health(fn, 0);
    const changes: [DatabaseState, DatabaseState][] = [];
    h.onChange((s, previous) => changes.push([previous, s.state]));
    ping.answer = "refused";
    expect(await h.probe()).toBe(false);
    expect(h.isUp).toBe(false);
    expect(h.snapshot()).toEqual({
      state: "down",
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastError: "connect ECONNREFUSED 127.0.0.1:7687",
    });
    expect(changes).toEqual([["up", "down"]]);
  });

  it("takes probes that only time out as a slow server, and as down once they have done so for hungAfterMs", async () => {
    const { ping, fn } = scriptedPing();
    const h = health(fn, 0);
    ping.answer = "slow";
    expect([await h.probe(), await h.probe()]).toEqual([false, false]);
    expect(h.snapshot().state).toBe("up");
    await new Promise((resolve) => setTimeout(resolve, 120));
    ping.answer = "ok";
    expect(await h.probe()).toBe(true);
    ping.answer = "slow";
    await h.probe();
    expect(h.snapshot().state).toBe("up");
    await new Promise((resolve) => setTimeout(resolve, 120));
    await h.probe();
    expect(h.snapshot()).toMatchObject({ state: "down", lastError: "Neo4j did not answer within 1000 ms" });
  });

  it("probes a database that is down until it answers, then is up again", async () => {
    const { ping, fn } = scriptedPing();
    const h = health(fn, 10);
    ping.answer = "refused";
    await h.probe();
    expect(h.snapshot().state).toBe("down");
    const callsWhileDown = ping.calls;
    ping.answer = "ok";
    const back = new Promise<DatabaseState>((resolve) => h.onChange((_s, previous) => resolve(previous)));
    expect(await back).toBe("down");
    expect(h.isUp).toBe(true);
    expect(ping.calls).toBeGreaterThan(callsWhileDown);
  });

  it("keeps 'restarting' while probes fail during a restart", async () => {
    const { ping, fn } = scriptedPing();
    const h = health(fn, 0);
    h.set("restarting", new Error("the embedded Neo4j exited (signal SIGKILL)"));
    ping.answer = "refused";
    await h.probe();
    expect(h.snapshot()).toMatchObject({
      state: "restarting",
      lastError: "connect ECONNREFUSED 127.0.0.1:7687",
    });
  });

  it("shares one probe between concurrent callers", async () => {
    const { ping, fn } = scriptedPing();
    const h = health(fn, 0);
    await Promise.all([h.probe(), h.probe(), h.probe()]);
    expect(ping.calls).toBe(1);
  });
});
