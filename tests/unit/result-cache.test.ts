import { describe, expect, it } from "vitest";
import { ResultCache } from "../../src/graphql/result-cache.ts";

describe("ResultCache", () => {
  const loader = (calls: string[][]) => async (keys: string[]) => {
    calls.push(keys);
    return keys.map((k) => (k.startsWith("missing") ? null : { id: k }));
  };

  it("asks the store only for the keys it does not hold, in order", async () => {
    const cache = new ResultCache(1, async () => 1);
    const calls: string[][] = [];
    expect(await cache.batch("unit", 1, ["a", "b"], (k) => k, loader(calls))).toEqual([
      { id: "a" },
      { id: "b" },
    ]);
    expect(await cache.batch("unit", 1, ["c", "a", "b"], (k) => k, loader(calls))).toEqual([
      { id: "c" },
      { id: "a" },
      { id: "b" },
    ]);
    expect(calls).toEqual([["a", "b"], ["c"]]);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 3 });
  });

  it("keeps 'nothing found' too", async () => {
    const cache = new ResultCache(1, async () => 1);
    const calls: string[][] = [];
    expect(await cache.batch("unit", 1, ["missing-1"], (k) => k, loader(calls))).toEqual([null]);
    expect(await cache.batch("unit", 1, ["missing-1"], (k) => k, loader(calls))).toEqual([null]);
    expect(calls).toEqual([["missing-1"]]);
  });

  it("never serves an answer kept under another graph version or area", async () => {
    const cache = new ResultCache(1, async () => 1);
    const calls: string[][] = [];
    await cache.batch("unit", 1, ["a"], (k) => k, loader(calls));
    await cache.batch("unit", 2, ["a"], (k) => k, loader(calls));
    await cache.batch("facts", 2, ["a"], (k) => k, loader(calls));
    expect(calls).toEqual([["a"], ["a"], ["a"]]);
  });

  it("stays within its size, dropping the least recently used", async () => {
    const cache = new ResultCache(0.01, async () => 1); // ~10 KB
    const big = async (keys: string[]) => keys.map((k) => ({ id: k, text: "x".repeat(1000) }));
    for (let i = 0; i < 100; i++) await cache.batch("unit", 1, [`u${i}`], (k) => k, big);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(10);
    const calls: string[][] = [];
    await cache.batch(
      "unit",
      1,
      ["u0", "u99"],
      (k) => k,
      async (keys) => {
        calls.push(keys);
        return big(keys);
      },
    );
    expect(calls).toEqual([["u0"]]);
  });

  it("shares a version read among the requests that ask before it starts, never one under way", async () => {
    let reads = 0;
    let release: (() => void) | null = null;
    const cache = new ResultCache(1, async () => {
      reads++;
      const n = reads;
      await new Promise<void>((r) => {
        release = r;
      });
      return n;
    });
    const first = [cache.version(), cache.version(), cache.version()];
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(1);
    // Asked while the first read is under way: a read of its own.
    const later = cache.version();
    (release as unknown as () => void)();
    expect(await Promise.all(first)).toEqual([1, 1, 1]);
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(2);
    (release as unknown as () => void)();
    expect(await later).toBe(2);
  });

  it("one(): a single key through the same rules", async () => {
    const cache = new ResultCache(1, async () => 1);
    let n = 0;
    const load = async () => ({ n: ++n });
    expect(await cache.one("chain", 7, "k", load)).toEqual({ n: 1 });
    expect(await cache.one("chain", 7, "k", load)).toEqual({ n: 1 });
    expect(await cache.one("chain", 8, "k", load)).toEqual({ n: 2 });
  });

  it("joins a read under way for the same key instead of reading again", async () => {
    const cache = new ResultCache(1, async () => 1);
    const calls: string[][] = [];
    let release: () => void = () => {};
    const slow = async (keys: string[]) => {
      calls.push(keys);
      await new Promise<void>((r) => {
        release = r;
      });
      return keys.map((k) => ({ id: k }));
    };
    const first = cache.batch("unit", 1, ["a", "b"], (k) => k, slow);
    const releaseFirst = release;
    // Asked while "a" is being read: only "c" is read; "a" waits for the first read.
    const second = cache.batch("unit", 1, ["a", "c"], (k) => k, slow);
    release();
    releaseFirst();
    expect(await first).toEqual([{ id: "a" }, { id: "b" }]);
    expect(await second).toEqual([{ id: "a" }, { id: "c" }]);
    expect(calls).toEqual([["a", "b"], ["c"]]);
    expect(cache.joined).toBe(1);
    // Another version is another question: no joining across versions.
    await cache.batch("unit", 2, ["a"], (k) => k, loader(calls));
    expect(calls.at(-1)).toEqual(["a"]);
  });

  it("reads again, for itself, a key whose joined read failed", async () => {
    const cache = new ResultCache(1, async () => 1);
    let fail: (e: Error) => void = () => {};
    const failing = () =>
      new Promise<{ id: string }[]>((_, reject) => {
        fail = reject;
      });
    const calls: string[][] = [];
    const first = cache.batch("unit", 1, ["a"], (k) => k, failing);
    const second = cache.batch("unit", 1, ["a"], (k) => k, loader(calls));
    fail(new Error("stopped at the first request's time budget"));
    await expect(first).rejects.toThrow("time budget");
    expect(await second).toEqual([{ id: "a" }]);
    expect(calls).toEqual([["a"]]);
  });
});
