/**
 * A small seeded pseudo-random generator, written here so that the generator has no
 * dependency and its output never changes under a library upgrade: cyrb53 (a 53-bit string
 * hash) turns a seed and a key into a state, sfc32 (Chris Doty-Humphrey's Small Fast
 * Counter, PractRand-clean) produces the numbers.
 *
 * Every part of the graph draws from its own stream, `fork(key)` — e.g. one per province
 * and one per district — so that a part's content depends only on the seed and its key,
 * not on how much randomness was drawn before it.
 */

/** cyrb53: a fast, well-mixed 53-bit hash of a string (public domain, bryc). */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    readonly key = "",
  ) {
    const h = hash53(`${key}`, seed);
    this.a = h >>> 0;
    this.b = Math.floor(h / 4294967296) >>> 0;
    this.c = hash53(`${key}#c`, seed) >>> 0;
    this.d = 1;
    // Warm up: the first outputs of sfc32 are correlated with the state.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** An independent stream for a part of the graph, named by key. */
  fork(key: string): Random {
    return new Random(this.seed, this.key ? `${this.key}/${key}` : key);
  }

  nextUint32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * A whole number with the given mean, at least `min`: a geometric-like draw (skewed to the
   * right, as organisation sizes are), cut at `max`.
   */
  skewed(mean: number, min: number, max: number): number {
    if (mean <= min) return min;
    const p = 1 / (mean - min + 1);
    const u = Math.max(this.next(), 1e-12);
    const x = min + Math.floor(Math.log(u) / Math.log(1 - p));
    return Math.min(max, x);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/**
 * Splits `total` into `weights.length` whole parts proportional to the weights (largest
 * remainder method), each at least `min` when the total allows it.
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const floor = Math.min(min, Math.floor(total / n));
  const rest = total - floor * n;
  const sum = weights.reduce((a, b) => a + b, 0) || n;
  const exact = weights.map((w) => (rest * (sum === n && w === 0 ? 1 : w)) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = rest - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) {
    const i = (order[k] as { i: number }).i;
    parts[i] = (parts[i] as number) + 1;
  }
  return parts.map((p) => p + floor);
}
