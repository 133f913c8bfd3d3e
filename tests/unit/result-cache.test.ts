import { describe, expect, it } from "vitest";
import { type Loaded, ResultCache } from "../../src/graphql/result-cache.ts";
import type { Versions } from "../../src/store/graph-version.ts";

/** A store in memory: values carry the hierarchy version they were read at; reads return the versions. */
function store() {
  const s = {
    versions: { hierarchy: 1, reference: 1 } as Versions,
    loads: [] as string[][],
    versionReads: 0,
    load: async (keys: string[]): Promise<Loaded<{ id: string; at: number }>> => {
      s.loads.push(keys);
      return {
        values: keys.map((k) => (k.startsWith("missing") ? null : { id: k, at: s.versions.hierarchy })),
        versions: { ...s.versions },
      };
    },
    readVersions: async () => {
      s.versionReads++;
      return { ...s.versions };
    },
  };
  return s;
}

const same = (k: string) => k;

describe("ResultCache", () => {
  it("a miss reads once, with the versions; a later request holding every answer checks the versions only", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    let checks = 0;
    const check = () => checks++;
    expect(await cache.batch(cache.request(), "unit", ["a", "b"], same, s.load, check)).toEqual([
      { id: "a", at: 1 },
      { id: "b", at: 1 },
    ]);
    expect({ loads: s.loads.length, checks, versionReads: s.versionReads }).toEqual({
      loads: 1,
      checks: 0,
      versionReads: 0,
    });
    expect(await cache.batch(cache.request(), "unit", ["b", "a"], same, s.load, check)).toEqual([
      { id: "b", at: 1 },
      { id: "a", at: 1 },
    ]);
    expect({ loads: s.loads.length, checks, versionReads: s.versionReads }).toEqual({
      loads: 1,
      checks: 1,
      versionReads: 1,
    });
  });

  it("counts the hierarchy's keys apart from reference data (rules, citations, documents)", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "chain", ["a"], same, s.load, () => {});
    await cache.batch(cache.request(), "citation", ["p1", "p2"], same, s.load, () => {});
    const next = cache.request();
    await cache.batch(next, "chain", ["b"], same, s.load, () => {});
    await cache.batch(next, "citation", ["p1", "p2"], same, s.load, () => {});
    expect(cache.counts).toEqual({
      hierarchy: { hits: 0, misses: 2, joined: 0 },
      reference: { hits: 2, misses: 2, joined: 0 },
    });
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 2, misses: 4 });
  });

  it("reads only the missing keys, and they confirm the held ones: one read, no version check", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    expect(await cache.batch(cache.request(), "unit", ["c", "a"], same, s.load, () => {})).toEqual([
      { id: "c", at: 1 },
      { id: "a", at: 1 },
    ]);
    expect(s.loads).toEqual([["a"], ["c"]]);
    expect(s.versionReads).toBe(0);
  });

  it("never serves an answer held from before a write", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    s.versions = { hierarchy: 2, reference: 1 }; // a write by another instance
    expect(await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {})).toEqual([
      { id: "a", at: 2 },
    ]);
    // Mixed: "a" held (stale) and "b" missing; b's read shows the versions moved, so "a" is read again.
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    s.versions = { hierarchy: 3, reference: 1 };
    expect(await cache.batch(cache.request(), "unit", ["a", "b"], same, s.load, () => {})).toEqual([
      { id: "a", at: 3 },
      { id: "b", at: 3 },
    ]);
  });

  it("keeps reference data across a change of the hierarchy, and drops it when the reference version moves", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "rule", ["r1"], same, s.load, () => {});
    await cache.batch(cache.request(), "facts", ["u1"], same, s.load, () => {});
    s.versions = { hierarchy: 2, reference: 1 };
    const req = cache.request();
    expect(await cache.batch(req, "rule", ["r1"], same, s.load, () => {})).toEqual([{ id: "r1", at: 1 }]);
    expect(await cache.batch(req, "facts", ["u1"], same, s.load, () => {})).toEqual([{ id: "u1", at: 2 }]);
    expect(s.loads).toEqual([["r1"], ["u1"], ["u1"]]);
    s.versions = { hierarchy: 3, reference: 2 };
    expect(await cache.batch(cache.request(), "rule", ["r1"], same, s.load, () => {})).toEqual([
      { id: "r1", at: 3 },
    ]);
  });

  it("a request that learnt the versions serves what is held without asking again", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    const req = cache.request();
    await cache.batch(req, "facts", ["x"], same, s.load, () => {}); // a miss: learns the versions
    let checks = 0;
    expect(await cache.batch(req, "unit", ["a"], same, s.load, () => checks++)).toEqual([{ id: "a", at: 1 }]);
    expect(checks).toBe(0);
    expect(s.loads).toEqual([["a"], ["x"]]);
  });

  it("after a write through this instance, goes straight to the store", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    s.versions = { hierarchy: 2, reference: 1 };
    cache.wrote();
    expect(await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {})).toEqual([
      { id: "a", at: 2 },
    ]);
    expect(s.versionReads).toBe(0);
  });

  it("keeps 'nothing found' too, and nothing from a read that returned no versions", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["missing-1"], same, s.load, () => {});
    expect(await cache.batch(cache.request(), "unit", ["missing-1"], same, s.load, () => {})).toEqual([null]);
    expect(s.loads).toEqual([["missing-1"]]);
    const noRows = async (keys: string[]) => ({ values: keys.map(() => null), versions: null });
    await cache.batch(cache.request(), "unit", ["z"], same, noRows, () => {});
    await cache.batch(cache.request(), "unit", ["z"], same, s.load, () => {});
    expect(s.loads.at(-1)).toEqual(["z"]);
  });

  it("stays within its size, dropping the least recently used", async () => {
    const cache = new ResultCache(0.01, async () => ({ hierarchy: 1, reference: 1 })); // ~10 KB
    const calls: string[][] = [];
    const big = async (keys: string[]) => {
      calls.push(keys);
      return {
        values: keys.map((k) => ({ id: k, text: "x".repeat(1000) })),
        versions: { hierarchy: 1, reference: 1 },
      };
    };
    for (let i = 0; i < 100; i++) await cache.batch(cache.request(), "unit", [`u${i}`], same, big, () => {});
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(10);
    calls.length = 0;
    await cache.batch(cache.request(), "unit", ["u0", "u99"], same, big, () => {});
    expect(calls).toEqual([["u0"]]);
  });

  it("counts the key's size too: long unknown ids cannot hold memory past the bound (review s12)", async () => {
    const s = store();
    const cache = new ResultCache(0.01, s.readVersions); // ~10 KB
    // 100 'nothing found' answers, each under a 5,000-character key: ~1 MB if keys were free.
    for (let i = 0; i < 100; i++)
      await cache.batch(
        cache.request(),
        "unit",
        [`missing-${i}-${"k".repeat(5000)}`],
        same,
        s.load,
        () => {},
      );
    expect(cache.bytes).toBeLessThanOrEqual(0.01 * 1024 * 1024);
    expect(cache.size).toBeLessThan(2);
  });

  it("shares one version check among requests that ask before it starts", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    await cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {});
    const asked = [1, 2, 3].map(() => cache.batch(cache.request(), "unit", ["a"], same, s.load, () => {}));
    expect(await Promise.all(asked)).toEqual([
      [{ id: "a", at: 1 }],
      [{ id: "a", at: 1 }],
      [{ id: "a", at: 1 }],
    ]);
    expect(s.versionReads).toBe(1);
  });

  it("joins a read issued after the request arrived, never one issued before", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    const releases: (() => void)[] = [];
    const slow = async (keys: string[]) => {
      await new Promise<void>((r) => releases.push(r));
      return s.load(keys);
    };
    const early = cache.request();
    const first = cache.batch(cache.request(), "unit", ["a", "b"], same, slow, () => {});
    // `late` arrived after that read was issued: a write may lie between, so it reads for itself.
    const late = cache.request();
    const second = cache.batch(late, "unit", ["a"], same, slow, () => {});
    // `early` arrived before it was issued: the read is at least as new as its arrival, so it joins.
    const third = cache.batch(early, "unit", ["b"], same, slow, () => {});
    await new Promise((r) => setImmediate(r));
    for (const r of releases) r();
    expect(await Promise.all([first, second, third])).toEqual([
      [
        { id: "a", at: 1 },
        { id: "b", at: 1 },
      ],
      [{ id: "a", at: 1 }],
      [{ id: "b", at: 1 }],
    ]);
    expect(s.loads).toEqual([["a", "b"], ["a"]]);
    expect(cache.joined).toBe(1);
  });

  it("reads again, for itself, a key whose joined read failed", async () => {
    const s = store();
    const cache = new ResultCache(1, s.readVersions);
    let fail: (e: Error) => void = () => {};
    const failing = () =>
      new Promise<Loaded<{ id: string; at: number }>>((_, reject) => {
        fail = reject;
      });
    const req = cache.request();
    const first = cache.batch(cache.request(), "unit", ["a"], same, failing, () => {});
    const second = cache.batch(req, "unit", ["a"], same, s.load, () => {});
    fail(new Error("stopped at the first request's time budget"));
    await expect(first).rejects.toThrow("time budget");
    expect(await second).toEqual([{ id: "a", at: 1 }]);
    expect(s.loads).toEqual([["a"]]);
  });
});
