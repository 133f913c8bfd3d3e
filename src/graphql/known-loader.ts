/**
 * A DataLoader that answers at once, with a plain value and no promise, for what the request
 * already holds: records primed by a query that returned them alongside its main result, or
 * loaded earlier in the request. graphql-js completes a field whose resolver returns a plain
 * value synchronously, so a large response (a hundred children, each with its obligations,
 * recipients, citations and rules) costs no promise, microtask or garbage per primed field.
 * What it does not hold yet is batched by the DataLoader inside, as before.
 */
import DataLoader from "dataloader";

/** A value now, or a promise of it when it has to be read. */
export type MaybePromise<T> = T | Promise<T>;

export class KnownLoader<V> {
  readonly #known = new Map<string, V | null>();
  readonly #loader: DataLoader<string, V | null>;
  /** Raised by clearAll, so that a read begun before it does not refill what it forgot. */
  #generation = 0;

  constructor(batch: (ids: readonly string[]) => Promise<(V | null)[]>) {
    this.#loader = new DataLoader(async (ids) => {
      const generation = this.#generation;
      const found = await batch(ids);
      if (generation === this.#generation)
        ids.forEach((id, i) => {
          if (!this.#known.has(id)) this.#known.set(id, found[i] ?? null);
        });
      return found;
    });
  }

  /** The record (null when it does not exist): at once when held, else batched with the other loads. */
  load(id: string): MaybePromise<V | null> {
    return this.#known.has(id) ? (this.#known.get(id) as V | null) : this.#loader.load(id);
  }

  /** The records in the order of `ids`; a failed read rejects rather than hiding in the list. */
  loadMany(ids: readonly string[]): MaybePromise<(V | null)[]> {
    if (ids.every((id) => this.#known.has(id))) return ids.map((id) => this.#known.get(id) as V | null);
    return Promise.all(ids.map((id) => this.load(id)));
  }

  /** Holds a record another query returned; the first one held for an id wins, as in DataLoader. */
  prime(id: string, value: V): void {
    if (this.#known.has(id)) return;
    this.#known.set(id, value);
    this.#loader.prime(id, value);
  }

  /** Forgets everything held (after a write in the same request). */
  clearAll(): void {
    this.#generation++;
    this.#known.clear();
    this.#loader.clearAll();
  }
}
