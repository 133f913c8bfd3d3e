/**
 * The store reads enum values from Neo4j as plain strings. These check them against the
 * schema's enums (generated as const objects) and the domain's tables, so that a resolver
 * returns the schema's type without a cast; a value the schema does not know is a broken graph,
 * an internal error, as graphql-js would make of it.
 */

/** Whether `key` is one of the table's own keys (the domain's tables are keyed by the schema's enum values). */
export function isKeyOf<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(table, key);
}

/** Each enum's values by themselves, built once: a large answer checks thousands. */
const indexes = new WeakMap<object, ReadonlyMap<string, string>>();

function indexOf<T extends string>(values: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  let index = indexes.get(values) as ReadonlyMap<string, T> | undefined;
  if (!index) {
    index = new Map(Object.values(values).map((v) => [v, v]));
    indexes.set(values, index);
  }
  return index;
}

/** A stored string as a value of a schema enum (its generated const object). */
export function asEnum<T extends string>(values: Readonly<Record<string, T>>, value: string): T {
  const found = indexOf(values).get(value);
  if (found === undefined)
    throw new Error(`The graph holds "${value}", which is not one of ${Object.values(values).join(", ")}`);
  return found;
}

/** Stored strings as values of a schema enum. */
export function asEnums<T extends string>(values: Readonly<Record<string, T>>, list: readonly string[]): T[] {
  return list.map((v) => asEnum(values, v));
}
