/**
 * Answers kept between requests: what the store returned for a key (a unit, a unit's facts on a
 * date, a reporting chain, a page), under the graph's version (src/store/graph-version.ts).
 * Every write raises the version in its own transaction, and a request reads the version once
 * before it reads anything else, so a kept answer is only served while no write has happened
 * since it was read: never stale, however many instances write. Entries of older versions are
 * simply never asked for again and fall out of the LRU.
 *
 * Values are the store's records, before any reader's visibility filter, and are shared
 * between requests: resolvers must treat them as read-only (they do: the domain is pure).
 */
import { LRUCache } from "lru-cache";

/** Stands for "the store found nothing" (the LRU cannot hold null). */
const NOTHING = Symbol("nothing");

type Entry = object | typeof NOTHING;

export class ResultCache {
  private readonly lru: LRUCache<string, Entry>;
  private nextVersionRead: { promise: Promise<number> } | null = null;
  /** Reads under way, by full key: a request that needs the same answer meanwhile waits for it. */
  private readonly inflight = new Map<string, Promise<Entry>>();
  hits = 0;
  misses = 0;
  /** Keys served by joining a read another request had under way. */
  joined = 0;
  /** Entries pushed out to make room (reported by /metrics, like the counts above). */
  evictions = 0;

  /** `readVersion` reads the graph's version from the database (one small query). */
  constructor(
    maxMb: number,
    private readonly readVersion: () => Promise<number>,
  ) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: Math.max(1, Math.floor(maxMb * 1024 * 1024)),
      // An estimate (UTF-16 characters of the JSON form ≈ bytes held), paid once per miss.
      sizeCalculation: (value) => (value === NOTHING ? 16 : JSON.stringify(value).length * 2 + 64),
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.evictions++;
      },
    });
  }

  /**
   * The graph's version for a request that starts now. Requests that ask before a read has
   * started share it; a read already under way is never joined, since a write may have
   * committed between its start and the asking request's arrival.
   */
  version(): Promise<number> {
    if (this.nextVersionRead) return this.nextVersionRead.promise;
    const slot = {
      promise: new Promise<number>((resolve, reject) =>
        setImmediate(() => {
          if (this.nextVersionRead === slot) this.nextVersionRead = null;
          this.readVersion().then(resolve, reject);
        }),
      ),
    };
    this.nextVersionRead = slot;
    return slot.promise;
  }

  get size(): number {
    return this.lru.size;
  }

  /** The estimated bytes held (what RESULT_CACHE_MB bounds). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  clear(): void {
    this.lru.clear();
  }

  /**
   * A batch function that serves the keys held for this version, joins the reads of them already
   * under way (identical concurrent reads, from other requests or aliases, go to Neo4j once), and
   * asks `load` for the rest (in one call, in order). `load` returns one value (or null) per key.
   */
  async batch<K, V extends object>(
    area: string,
    version: number,
    keys: readonly K[],
    keyOf: (key: K) => string,
    load: (missing: K[]) => Promise<(V | null)[]>,
  ): Promise<(V | null)[]> {
    const out: (V | null)[] = new Array(keys.length).fill(null);
    const missing: K[] = [];
    const missingAt: number[] = [];
    const missingKeys: string[] = [];
    const joined: [number, K, Promise<Entry>][] = [];
    keys.forEach((key, i) => {
      const full = `${version}|${area}|${keyOf(key)}`;
      const held = this.lru.get(full);
      const pending = held === undefined ? this.inflight.get(full) : undefined;
      if (held !== undefined) out[i] = held === NOTHING ? null : (held as V);
      else if (pending) joined.push([i, key, pending]);
      else {
        missing.push(key);
        missingAt.push(i);
        missingKeys.push(full);
      }
    });
    this.hits += keys.length - missing.length - joined.length;
    this.joined += joined.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const loading = load(missing);
      missingKeys.forEach((full, j) => {
        const one = loading.then((loaded) => (loaded[j] ?? NOTHING) as Entry);
        // Whoever joins sees the failure; nobody joining must not make it an unhandled rejection.
        one.catch(() => {});
        this.inflight.set(full, one);
      });
      try {
        const loaded = await loading;
        missingKeys.forEach((full, j) => {
          const value = loaded[j] ?? null;
          out[missingAt[j] as number] = value;
          this.lru.set(full, value ?? NOTHING);
        });
      } finally {
        for (const full of missingKeys) this.inflight.delete(full);
      }
    }
    for (const [i, key, pending] of joined) {
      // A joined read that failed (e.g. stopped at its own request's time budget) is read again
      // under this request's: one request's failure is not passed on to another.
      const value = await pending.catch(async () => (await load([key]))[0] ?? NOTHING);
      out[i] = value === NOTHING ? null : (value as V);
    }
    return out;
  }

  /** One key: the held value for this version, or `load`'s, kept. */
  async one<V extends object>(
    area: string,
    version: number,
    key: string,
    load: () => Promise<V | null>,
  ): Promise<V | null> {
    const [value] = await this.batch(
      area,
      version,
      [key],
      (k) => k,
      async () => [await load()],
    );
    return value ?? null;
  }
}
