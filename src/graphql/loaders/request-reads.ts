/**
 * One request's reads through the cross-request result cache (result-cache.ts), when there is
 * one. A read that misses returns the graph's versions with its data (one round trip); only a
 * request whose answers are all held reads the versions on their own. The same question asked
 * twice in a request is read once.
 */
import { RoundTripCounter } from "../../store/database.ts";
import { VersionCapture, type Versions } from "../../store/graph-version.ts";
import type { Loaded, RequestVersions, ResultCache } from "../result-cache.ts";

/** A batch function as DataLoader takes it: a value or null for each key, in order. */
export type Batch<K, V> = (keys: readonly K[]) => Promise<(V | null)[]>;

export interface RequestReads {
  /** Whether answers are kept between requests (RESULT_CACHE_MB > 0). */
  caching: boolean;
  /**
   * A batch function through the cache (when there is one). `load` reads with the counter it is
   * given, which carries the version capture when the answer is to be kept.
   */
  cached<K, V extends object>(
    area: string,
    keyOf: (k: K) => string,
    load: (keys: K[], counter: RoundTripCounter) => Promise<(V | null)[]>,
  ): Batch<K, V>;
  /**
   * One answer through the cache (when there is one), read once per request: aliases asking the
   * same question (500 × the same `descendants` page) share the read, cache or not.
   */
  read<V extends object>(
    area: string,
    key: unknown,
    load: (counter: RoundTripCounter) => Promise<V>,
  ): Promise<V>;
  /**
   * Holds, for this request only, an answer another read of this request returned alongside its
   * own (a unit's children's facts read with the unit: tree-prefetch.ts): a later `cached` batch
   * of `area` serves it without a round trip. It was read under the versions this request
   * learnt, so it is as fresh as what the batch would read.
   */
  hold(area: string, key: string, value: object | null): void;
  /**
   * The versions a read issued after the request arrived returned (the ETag's of a GET): held
   * answers under them are served without another version check.
   */
  learn(versions: Versions): void;
  /** After a write in this request: learn the versions again and forget the answers read before it. */
  reset(): void;
}

/**
 * Runs `load` with a counter of its own that captures the versions its reads return, and adds
 * its round trips to the request's.
 */
async function captured<T>(
  counter: RoundTripCounter,
  load: (counter: RoundTripCounter) => Promise<T>,
): Promise<{ value: T; capture: VersionCapture }> {
  const own = new RoundTripCounter();
  own.budget = counter.budget;
  const capture = new VersionCapture();
  own.versions = capture;
  try {
    return { value: await load(own), capture };
  } finally {
    counter.count += own.count;
  }
}

/** The keys `held` answers (served from it), the others through `rest`, in order. */
async function fromHeld<K, V>(
  area: string,
  keys: readonly K[],
  keyOf: (k: K) => string,
  rest: (keys: K[]) => Promise<(V | null)[]>,
  held: Map<string, object | null>,
): Promise<(V | null)[]> {
  const out: (V | null)[] = new Array(keys.length).fill(null);
  const missing: number[] = [];
  keys.forEach((k, i) => {
    const slot = `${area}|${keyOf(k)}`;
    if (held.has(slot)) out[i] = held.get(slot) as V | null;
    else missing.push(i);
  });
  if (missing.length > 0) {
    const read = await rest(missing.map((i) => keys[i] as K));
    missing.forEach((i, j) => {
      out[i] = read[j] ?? null;
    });
  }
  return out;
}

export function requestReads(cache: ResultCache | null, counter: RoundTripCounter): RequestReads {
  let held = new Map<string, object | null>();
  let req: RequestVersions | null = cache ? cache.request() : null;
  const versionCheck = () => {
    counter.count++;
  };
  const batch = <K, V extends object>(
    area: string,
    keys: readonly K[],
    keyOf: (k: K) => string,
    load: (keys: K[], counter: RoundTripCounter) => Promise<(V | null)[]>,
  ): Promise<(V | null)[]> =>
    held.size > 0
      ? fromHeld(area, keys, keyOf, (rest) => readThrough(area, rest, keyOf, load), held)
      : readThrough(area, keys, keyOf, load);
  const readThrough = <K, V extends object>(
    area: string,
    keys: readonly K[],
    keyOf: (k: K) => string,
    load: (keys: K[], counter: RoundTripCounter) => Promise<(V | null)[]>,
  ): Promise<(V | null)[]> => {
    if (!cache || !req) return load([...keys], counter);
    const withVersions = async (missing: K[]): Promise<Loaded<V>> => {
      const { value, capture } = await captured(counter, (own) => load(missing, own));
      return { values: value, versions: capture.versions };
    };
    return cache.batch(req, area, keys, keyOf, withVersions, versionCheck);
  };
  let reads = new Map<string, Promise<unknown>>();
  return {
    caching: cache !== null,
    cached: (area, keyOf, load) => (keys) => batch(area, keys, keyOf, load),
    read<V extends object>(
      area: string,
      key: unknown,
      load: (counter: RoundTripCounter) => Promise<V>,
    ): Promise<V> {
      const json = JSON.stringify(key);
      const slot = `${area}|${json}`;
      let reading = reads.get(slot) as Promise<V> | undefined;
      if (!reading) {
        reading = batch<string, V>(
          area,
          [json],
          (k) => k,
          async (_, own) => [await load(own)],
        ).then((values) => values[0] as V);
        reads.set(slot, reading);
      }
      return reading;
    },
    hold(area, key, value) {
      held.set(`${area}|${key}`, value);
    },
    learn(versions) {
      req?.learn(versions);
    },
    reset() {
      held = new Map();
      cache?.wrote();
      req = cache ? cache.request() : null;
      reads = new Map();
    },
  };
}
