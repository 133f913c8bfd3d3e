/**
 * Typed reads of the plain values a query returns (src/store/database.ts has already turned
 * driver integers into numbers and dates into ISO strings): one accessor per type, here,
 * instead of a cast at every use. A required value of the wrong type means a query and its
 * reader no longer agree: the accessor throws, naming the field, rather than let the wrong
 * type travel on.
 */
export type Fields = Record<string, unknown>;

function mismatch(key: string, expected: string, value: unknown): Error {
  return new TypeError(`query field "${key}": expected ${expected}, got ${JSON.stringify(value)}`);
}

/** A nested map (a node's properties, a projected map); an absent one reads as empty. */
export function fieldsOf(value: unknown): Fields {
  return value !== null && typeof value === "object" ? (value as Fields) : {};
}

export function text(f: Fields, key: string): string {
  const v = f[key];
  if (typeof v !== "string") throw mismatch(key, "a string", v);
  return v;
}

export function optText(f: Fields, key: string): string | null {
  const v = f[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw mismatch(key, "a string", v);
  return v;
}

/** A list of strings; an absent one reads as empty. */
export function texts(f: Fields, key: string): string[] {
  return optTexts(f, key) ?? [];
}

export function optTexts(f: Fields, key: string): string[] | null {
  const v = f[key];
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw mismatch(key, "a list", v);
  return v as string[];
}

/** A list of maps (nodes' properties, projected maps); an absent one reads as empty. */
export function maps(f: Fields, key: string): Fields[] {
  const v = f[key];
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw mismatch(key, "a list", v);
  return v.map(fieldsOf);
}

export function optNumber(f: Fields, key: string): number | null {
  const v = f[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") throw mismatch(key, "a number", v);
  return v;
}

/** True only for true: an absent flag is false. */
export function flag(f: Fields, key: string): boolean {
  return f[key] === true;
}
