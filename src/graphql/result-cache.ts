/**
 * Answers kept between requests: what the store returned for a key (a unit, a unit's facts on a
 * date, a reporting chain, a page), under the graph's versions (src/store/graph-version.ts).
 * Reference data (rules, citations, documents) is kept under the reference version alone, so an
 * edit of one unit leaves it in place; everything else under both versions.
 *
 * A miss costs one round trip: the read that fetches the answer also returns the versions, read
 * before the data in the same statement (withVersions), and the answer is kept under them. A hit
 * must still learn that nothing was written since the answer was kept: a request whose answers
 * are all held reads the versions once (one small query, shared by requests that ask before it
 * starts). A request that has learnt the versions from a read issued after it arrived (its own
 * miss, or that version check) serves held answers under those versions without asking again.
 *
 * Why this is never stale: an answer is served to a request only when it is held under versions
 * that a statement issued after the request arrived returned (or it was read by such a
 * statement). An answer held under v was read after v was read, so it reflects every write up to
 * v; every write raises the version covering what it changed in its own transaction, so a write
 * committed before the request arrived makes that request learn a version above it, and the
 * pre-write answer, held under an older one, is not found. A read already under way when a
 * request arrives may predate a write, so it is joined only when it was issued after the request
 * arrived.
 *
 * Values are the store's records, before any reader's visibility filter, and are shared
 * between requests: resolvers must treat them as read-only (they do: the domain is pure).
 */
import { LRUCache } from "lru-cache";
import type { Versions } from "../store/graph-version.ts";

/** Stands for "the store found nothing" (the LRU cannot hold null). */
const NOTHING = Symbol("nothing");

type Entry = object | typeof NOTHING;

/** Areas whose answers depend on reference data only. */
const REFERENCE_AREAS = new Set(["rule", "citation", "document"]);

/** A load's answers and the versions its read returned (null: it returned no row, so nothing is kept). */
export interface Loaded<V> {
  values: (V | null)[];
  versions: Versions | null;
}

interface Inflight {
  /** The read's sequence number: requests that arrived before it was issued may join it. */
  seq: number;
  promise: Promise<{ value: Entry; versions: Versions | null }>;
}

/** What one request knows: the versions it learnt from reads issued after it arrived. */
export class RequestVersions {
  known: Versions | null = null;
  constructor(readonly arrivedAt: number) {}

  learn(v: Versions): void {
    this.known = this.known ? newer(this.known, v) : v;
  }
}

function newer(a: Versions, b: Versions): Versions {
  return { hierarchy: Math.max(a.hierarchy, b.hierarchy), reference: Math.max(a.reference, b.reference) };
}

/** Counts over every cache in the process (the benchmark reads them to report a hit rate). */
export const resultCacheTotals = { hits: 0, misses: 0, joined: 0, versionChecks: 0 };

/**
 * What a key holds: reference data (rules, citations, documents: a few hundred, shared by
 * every answer and kept across unit edits) or an answer about the hierarchy (a unit, its facts,
 * a chain, a page). Counted apart, so that a hit rate says how often the questions themselves
 * were served from memory, not how often a rule they name was.
 */
export type CachedData = "hierarchy" | "reference";

export interface CacheCounts {
  hits: number;
  misses: number;
  /** Keys served by joining a read another request had under way. */
  joined: number;
}

const dataOf = (area: string): CachedData => (REFERENCE_AREAS.has(area) ? "reference" : "hierarchy");

export class ResultCache {
  private readonly lru: LRUCache<string, Entry>;
  private nextVersionRead: { promise: Promise<Versions> } | null = null;
  /** Reads under way, by area and key. */
  private readonly inflight = new Map<string, Inflight>();
  /** The newest versions seen (null until the first read, and after a write through this instance). */
  private latest: Versions | null = null;
  private seq = 0;
  /** Keys served, read and joined, by what they hold. */
  readonly counts: Record<CachedData, CacheCounts> = {
    hierarchy: { hits: 0, misses: 0, joined: 0 },
    reference: { hits: 0, misses: 0, joined: 0 },
  };
  /** Entries pushed out to make room (reported by /metrics, like the counts above). */
  evictions = 0;
  /** Version checks made (requests whose answers were all held). */
  versionChecks = 0;

  /** `readVersions` reads the graph's versions from the database (one small query). */
  constructor(
    maxMb: number,
    private readonly readVersions: () => Promise<Versions>,
  ) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: Math.max(1, Math.floor(maxMb * 1024 * 1024)),
      // An estimate (UTF-16 characters of the key and the JSON form ≈ bytes held), paid once per
      // miss. The key counts too: a miss for a long unknown id holds little value but a long key.
      sizeCalculation: (value, key) =>
        key.length * 2 + (value === NOTHING ? 16 : JSON.stringify(value).length * 2) + 64,
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.evictions++;
      },
    });
  }

  get hits(): number {
    return this.counts.hierarchy.hits + this.counts.reference.hits;
  }

  get misses(): number {
    return this.counts.hierarchy.misses + this.counts.reference.misses;
  }

  /** Keys served by joining a read another request had under way. */
  get joined(): number {
    return this.counts.hierarchy.joined + this.counts.reference.joined;
  }

  /** A request's view of the versions; create one when the request arrives. */
  request(): RequestVersions {
    return new RequestVersions(this.seq);
  }

  /** A write went through this instance: the versions held are old, so go straight to the store. */
  wrote(): void {
    this.latest = null;
  }

  /**
   * The versions now, for a request whose answers are all held. Requests that ask before a read
   * has started share it; a read already under way is never joined, since a write may have
   * committed between its start and the asking request's arrival.
   */
  private version(): Promise<Versions> {
    if (this.nextVersionRead) return this.nextVersionRead.promise;
    this.versionChecks++;
    resultCacheTotals.versionChecks++;
    const slot = {
      promise: new Promise<Versions>((resolve, reject) =>
        setImmediate(() => {
          if (this.nextVersionRead === slot) this.nextVersionRead = null;
          this.readVersions().then(resolve, reject);
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

  private see(v: Versions): void {
    this.latest = this.latest ? newer(this.latest, v) : v;
  }

  private tag(area: string, v: Versions): string {
    return REFERENCE_AREAS.has(area) ? `r${v.reference}` : `h${v.hierarchy}r${v.reference}`;
  }

  /**
   * A batch function for one request: serves the keys held under the versions it knows, joins
   * reads of the others issued since it arrived, and asks `load` for the rest (in one call, in
   * order; `load` returns one value or null per key, and the versions its read returned).
   * `onVersionCheck` is called when the request has to read the versions (a round trip).
   */
  async batch<K, V extends object>(
    req: RequestVersions,
    area: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    load: (missing: K[]) => Promise<Loaded<V>>,
    onVersionCheck: () => void,
  ): Promise<(V | null)[]> {
    const out: (V | null)[] = new Array(keys.length).fill(null);
    let pending = keys.map((_, i) => i);
    // Held answers not checked yet are checked by this request's first read (or a version check);
    // if the versions moved, the next turn looks them up again under the new ones. A turn that
    // starts with known versions is the last: at most three turns.
    while (pending.length > 0) {
      const checked = req.known !== null;
      const v = req.known ?? this.latest;
      const tagged = v ? this.tag(area, v) : null;
      const held: [number, Entry][] = [];
      const joins: [number, Inflight][] = [];
      const missing: number[] = [];
      for (const i of pending) {
        const key = `${area}|${keyOf(keys[i] as K)}`;
        const entry = tagged === null ? undefined : this.lru.get(`${tagged}|${key}`);
        const running = entry === undefined ? this.inflight.get(key) : undefined;
        if (entry !== undefined) held.push([i, entry]);
        else if (running && running.seq > req.arrivedAt) joins.push([i, running]);
        else missing.push(i);
      }
      const serveHeld = () => {
        for (const [i, entry] of held) out[i] = entry === NOTHING ? null : (entry as V);
        this.counts[dataOf(area)].hits += held.length;
        resultCacheTotals.hits += held.length;
      };
      if (checked) serveHeld();
      if (missing.length === 0 && joins.length === 0) {
        if (checked) break;
        // Everything held, nothing checked yet: one small read of the versions.
        onVersionCheck();
        const now = await this.version();
        this.see(now);
        req.learn(now);
        if (this.tag(area, now) === tagged) {
          serveHeld();
          break;
        }
        pending = held.map(([i]) => i);
        continue;
      }
      const seen = await this.fetch(req, area, keys, keyOf, missing, joins, load, out);
      if (checked || held.length === 0) break;
      if (seen && this.tag(area, seen) === tagged) {
        serveHeld();
        break;
      }
      pending = held.map(([i]) => i);
    }
    return out;
  }

  /** Reads the missing keys (one load), joins the reads under way; returns the versions they saw. */
  private async fetch<K, V extends object>(
    req: RequestVersions,
    area: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    missing: number[],
    joins: [number, Inflight][],
    load: (missing: K[]) => Promise<Loaded<V>>,
    out: (V | null)[],
  ): Promise<Versions | null> {
    this.counts[dataOf(area)].misses += missing.length;
    this.counts[dataOf(area)].joined += joins.length;
    resultCacheTotals.misses += missing.length;
    resultCacheTotals.joined += joins.length;
    let seen: Versions | null = null;
    const saw = (v: Versions | null) => {
      if (!v) return;
      seen = seen ? newer(seen, v) : v;
      this.see(v);
      req.learn(v);
    };
    if (missing.length > 0) {
      const seq = ++this.seq;
      const loading = load(missing.map((i) => keys[i] as K));
      const mine = missing.map((i, j) => {
        const key = `${area}|${keyOf(keys[i] as K)}`;
        const promise = loading.then((l) => ({
          value: (l.values[j] ?? NOTHING) as Entry,
          versions: l.versions,
        }));
        // Whoever joins sees the failure; nobody joining must not make it an unhandled rejection.
        promise.catch(() => {});
        const slot = { seq, promise };
        this.inflight.set(key, slot);
        return [key, slot] as const;
      });
      try {
        const loaded = await loading;
        saw(loaded.versions);
        missing.forEach((i, j) => {
          const value = loaded.values[j] ?? null;
          out[i] = value;
          if (loaded.versions) {
            const [key] = mine[j] as readonly [string, Inflight];
            this.lru.set(`${this.tag(area, loaded.versions)}|${key}`, value ?? NOTHING);
          }
        });
      } finally {
        for (const [key, slot] of mine) if (this.inflight.get(key) === slot) this.inflight.delete(key);
      }
    }
    for (const [i, running] of joins) {
      // A joined read that failed (e.g. stopped at its own request's time budget) is read again
      // under this request's: one request's failure is not passed on to another.
      const got = await running.promise.catch(async () => {
        const l = await load([keys[i] as K]);
        return { value: (l.values[0] ?? NOTHING) as Entry, versions: l.versions };
      });
      saw(got.versions);
      out[i] = got.value === NOTHING ? null : (got.value as V);
    }
    return seen;
  }
}
