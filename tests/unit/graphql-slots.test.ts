/** The bound on GraphQL requests running at once (src/http/graphql-slots.ts). */
import { describe, expect, it } from "vitest";
import { Slots } from "../../src/http/graphql-slots.ts";

describe("GraphQL request slots", () => {
  it("runs up to the limit at once and starts the others in arrival order as slots free", () => {
    const slots = new Slots(2);
    const started: number[] = [];
    const releases = [1, 2, 3, 4].map((n) => slots.take(() => started.push(n)));
    expect(started).toEqual([1, 2]);
    expect(slots.counts).toEqual({ running: 2, waiting: 2 });
    releases[1]?.();
    expect(started).toEqual([1, 2, 3]);
    releases[0]?.();
    expect(started).toEqual([1, 2, 3, 4]);
    releases[2]?.();
    releases[3]?.();
    expect(slots.counts).toEqual({ running: 0, waiting: 0 });
  });

  it("a request that leaves while waiting gives up its turn, and a second release changes nothing", () => {
    const slots = new Slots(1);
    const started: string[] = [];
    const first = slots.take(() => started.push("a"));
    const gone = slots.take(() => started.push("b"));
    slots.take(() => started.push("c"));
    gone();
    first();
    first();
    expect(started).toEqual(["a", "c"]);
    expect(slots.counts).toEqual({ running: 1, waiting: 0 });
  });
});
