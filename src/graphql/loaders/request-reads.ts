/**
 * One request's reads through the cross-request result cache (result-cache.ts), when there is
 * one: the graph's version is read once per request, and only when something is read through
 * the cache; the same question asked twice in a request is read once.
 */
import type { RoundTripCounter } from "../../store/database.ts";
import type { ResultCache } from "../result-cache.ts";

/** A batch function as DataLoader takes it: a value or null for each key, in order. */
export type Batch<K, V> = (keys: readonly K[]) => Promise<(V | null)[]>;

export interface RequestReads {
  /** A batch function through the cache (when there is one). */
  cached<K, V extends object>(
    area: string,
    keyOf: (k: K) => string,
    load: (keys: K[]) => Promise<(V | null)[]>,
  ): Batch<K, V>;
  /**
   * One answer through the cache (when there is one), read once per request: aliases asking the
   * same question (500 × the same `descendants` page) share the read, cache or not.
   */
  read<V extends object>(area: string, key: unknown, load: () => Promise<V>): Promise<V>;
  /** After a write in this request: read the version again and forget the answers read before it. */
  reset(): void;
}

export function requestReads(cache: ResultCache | null, counter: RoundTripCounter): RequestReads {
  let versionRead: Promise<number> | null = null;
  const version = () => {
    if (!versionRead && cache) {
      counter.count++;
      versionRead = cache.version();
    }
    return versionRead ?? Promise.resolve(0);
  };
  let reads = new Map<string, Promise<unknown>>();
  return {
    cached: (area, keyOf, load) => async (keys) =>
      cache ? cache.batch(area, await version(), keys, keyOf, load) : load([...keys]),
    read<V extends object>(area: string, key: unknown, load: () => Promise<V>): Promise<V> {
      const json = JSON.stringify(key);
      const slot = `${area}|${json}`;
      let reading = reads.get(slot) as Promise<V> | undefined;
      if (!reading) {
        reading = cache ? (async () => (await cache.one(area, await version(), json, load)) as V)() : load();
        reads.set(slot, reading);
      }
      return reading;
    },
    reset() {
      versionRead = null;
      reads = new Map();
    },
  };
}
