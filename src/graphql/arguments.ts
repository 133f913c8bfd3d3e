/**
 * Validation of arguments, each error naming its argument (BAD_USER_INPUT).
 */
import { isIsoDate } from "../domain/dates.ts";
import { badInput } from "../domain/errors.ts";
import type { Context } from "./context.ts";

/** The as-of date: the argument when given (validated), else today in Vietnam. */
export function asOfArg(value: unknown, ctx: Context, name = "asOf"): string {
  if (value === undefined || value === null) return ctx.today;
  return dateArg(value, name);
}

export function dateArg(value: unknown, name: string): string {
  if (typeof value !== "string" || !isIsoDate(value))
    throw badInput(name, `"${String(value)}" is not a date; write it as yyyy-mm-dd, e.g. 2025-07-01`);
  return value;
}

/** The page a connection gives when `first` is absent; `changes` gives a longer one. */
export const DEFAULT_PAGE_SIZE = 50;
export const CHANGES_PAGE_SIZE = 100;

export function firstArg(value: unknown, ctx: Context, fallback = DEFAULT_PAGE_SIZE, name = "first"): number {
  if (value === undefined || value === null) return Math.min(fallback, ctx.config.MAX_PAGE_SIZE);
  const n = value as number;
  if (!Number.isInteger(n) || n < 0) throw badInput(name, `must be a non-negative integer, got ${n}`);
  if (n > ctx.config.MAX_PAGE_SIZE)
    throw badInput(name, `must be at most ${ctx.config.MAX_PAGE_SIZE}, got ${n}`);
  return n;
}

export function depthArg(value: unknown, max: number, fallback: number, name: string): number {
  if (value === undefined || value === null) return fallback;
  const n = value as number;
  if (!Number.isInteger(n) || n < 1) throw badInput(name, `must be a positive integer, got ${n}`);
  if (n > max) throw badInput(name, `must be at most ${max}, got ${n}`);
  return n;
}

/** Cursors are opaque to clients: base64url of a small JSON object. */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor<T>(value: unknown, check: (x: unknown) => x is T, name = "after"): T | null {
  if (value === undefined || value === null) return null;
  try {
    const decoded = JSON.parse(Buffer.from(String(value), "base64url").toString("utf8"));
    if (check(decoded)) return decoded;
  } catch {
    // fall through to the error below
  }
  throw badInput(
    name,
    `unknown cursor "${String(value)}"; pass an endCursor or edge cursor from a previous page`,
  );
}

export const isIdCursor = (x: unknown): x is { id: string } =>
  typeof x === "object" && x !== null && typeof (x as { id?: unknown }).id === "string";

export const isDepthCursor = (x: unknown): x is { id: string; depth: number } =>
  isIdCursor(x) && Number.isInteger((x as { depth?: unknown }).depth);

export function typesArg(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value as string[];
}
