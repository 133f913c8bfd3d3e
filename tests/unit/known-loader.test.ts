/** KnownLoader: plain values for what the request holds, one batch for what it does not. */
import { describe, expect, it } from "vitest";
import { KnownLoader } from "../../src/graphql/known-loader.ts";

type Rec = { id: string };

function counting(missing: readonly string[] = []) {
  const batches: string[][] = [];
  const loader = new KnownLoader<Rec>(async (ids) => {
    batches.push([...ids]);
    return ids.map((id) => (missing.includes(id) ? null : { id }));
  });
  return { loader, batches };
}

describe("KnownLoader", () => {
  it("answers a primed record at once, without a promise and without a read", () => {
    const { loader, batches } = counting();
    loader.prime("a", { id: "a" });
    expect(loader.load("a")).toEqual({ id: "a" });
    expect(loader.loadMany(["a", "a"])).toEqual([{ id: "a" }, { id: "a" }]);
    expect(batches).toEqual([]);
  });

  it("batches what it does not hold into one read, then holds it, null included", async () => {
    const { loader, batches } = counting(["gone"]);
    const pending = [loader.load("b"), loader.load("c"), loader.load("gone")];
    expect(pending.every((p) => p instanceof Promise)).toBe(true);
    expect(await Promise.all(pending)).toEqual([{ id: "b" }, { id: "c" }, null]);
    expect(batches).toEqual([["b", "c", "gone"]]);
    expect(loader.load("c")).toEqual({ id: "c" });
    expect(loader.load("gone")).toBeNull();
    expect(await loader.loadMany(["b", "d"])).toEqual([{ id: "b" }, { id: "d" }]);
    expect(batches).toEqual([["b", "c", "gone"], ["d"]]);
  });

  it("keeps the first record held for an id, as DataLoader's prime does", () => {
    const { loader } = counting();
    loader.prime("a", { id: "a" });
    loader.prime("a", { id: "other" } as Rec);
    expect(loader.load("a")).toEqual({ id: "a" });
  });

  it("forgets everything after clearAll (a write in the same request)", async () => {
    const { loader, batches } = counting();
    loader.prime("a", { id: "a" });
    loader.clearAll();
    const again = loader.load("a");
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toEqual({ id: "a" });
    expect(batches).toEqual([["a"]]);
  });

  it("does not refill from a read begun before clearAll", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let reads = 0;
    const loader = new KnownLoader<Rec>(async (ids) => {
      reads++;
      await gate;
      return ids.map((id) => ({ id: `${id}@read${reads}` }));
    });
    const before = loader.load("a");
    await Promise.resolve(); // let the batch start
    await new Promise((r) => setImmediate(r));
    loader.clearAll();
    release();
    expect(await before).toEqual({ id: "a@read1" });
    const after = loader.load("a");
    expect(after).toBeInstanceOf(Promise);
    expect(await after).toEqual({ id: "a@read2" });
  });

  it("rejects when the read fails, rather than hiding the failure in the list", async () => {
    const loader = new KnownLoader<Rec>(async () => {
      throw new Error("database unavailable");
    });
    await expect(loader.loadMany(["x", "y"])).rejects.toThrow("database unavailable");
  });
});
