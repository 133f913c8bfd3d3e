/**
 * Validation of arguments, each error naming its argument (BAD_USER_INPUT).
 */
import { type GraphQLInputType, getNamedType, getNullableType, isInputObjectType, isListType } from "graphql";
import { effectiveDateRange, isIsoDate, isIsoDateTime, outOfRange } from "../domain/dates.ts";
import { badInput, DomainError, quotedIds } from "../domain/errors.ts";
import { CHANGE_ID, UNIT_ID } from "../domain/ids.ts";
import { normaliseText, repeatedValues, type TextRule, textProblem } from "../domain/text-input.ts";
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

const checkedTypes = new Map<string, boolean>();

/** Ids are slugs (relation ids join two of them): anything longer is not one, and is not echoed back. */
const MAX_ID_LENGTH = 512;

/** The scalars checked before any resolver: dates, and the length of ids. */
const CHECKED = new Set(["Date", "ID"]);

/** Whether a value of this input type can hold a Date or an ID (in itself, a list, or an input's fields). */
export function holdsChecked(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return CHECKED.has(named.name);
  const known = checkedTypes.get(named.name);
  if (known !== undefined) return known;
  checkedTypes.set(named.name, false); // while its fields are looked at (recursive inputs)
  const holds = Object.values(named.getFields()).some((f) => holdsChecked(f.type));
  checkedTypes.set(named.name, holds);
  return holds;
}

/**
 * Every Date in an argument's value — also inside lists and input objects — is a real date
 * written yyyy-mm-dd, and every ID at most 512 characters, else BAD_USER_INPUT naming its path
 * (`input.validFrom`). Run before the resolver of every field that takes one
 * (src/graphql/schema.ts), so no date goes unchecked whichever resolver reads it, and whatever
 * it looks up first.
 */
export function checkScalars(value: unknown, type: GraphQLInputType, path: string): void {
  if (value === undefined || value === null || !holdsChecked(type)) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    // Coerced arguments: a list argument is always an array by now.
    for (const [i, item] of (value as unknown[]).entries()) checkScalars(item, t.ofType, `${path}[${i}]`);
  } else if (isInputObjectType(t)) {
    for (const field of Object.values(t.getFields()))
      checkScalars((value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`);
  } else if (t.name === "Date") dateArg(value, path);
  else if (String(value).length > MAX_ID_LENGTH)
    throw badInput(path, `is ${String(value).length} characters long; an id has at most ${MAX_ID_LENGTH}`);
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

/** A count of items to skip (the integrity report's findings): a non-negative integer, default 0. */
export function offsetArg(value: unknown, name = "offset"): number {
  if (value === undefined || value === null) return 0;
  const n = value as number;
  if (!Number.isInteger(n) || n < 0) throw badInput(name, `must be a non-negative integer, got ${n}`);
  return n;
}

export function depthArg(value: unknown, max: number, fallback: number, name: string): number {
  if (value === undefined || value === null) return fallback;
  const n = value as number;
  if (!Number.isInteger(n) || n < 1) throw badInput(name, `must be a positive integer, got ${n}`);
  if (n > max) throw badInput(name, `must be at most ${max}, got ${n}`);
  return n;
}

/**
 * Cursors are opaque to clients: base64url of a small JSON object. They are not signed but
 * checked for shape and range (README, "Input rules"): a cursor only names a position in a keyset
 * order over public ids, so a well-formed forged one can do no more than a real one, and a
 * check needs no secret shared between instances. The exception, a scoped `changes` page cut at
 * a record the reader may not see, is sealed instead (src/graphql/sealed-cursor.ts).
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** Far longer than any cursor the service makes: longer ones are refused before decoding. */
const MAX_CURSOR_LENGTH = 512;

export function decodeCursor<T>(value: unknown, check: (x: unknown) => x is T, name = "after"): T | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" && value.length <= MAX_CURSOR_LENGTH) {
    try {
      const decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
      if (check(decoded)) return decoded;
    } catch {
      // fall through to the error below
    }
  }
  throw unknownCursor(value, name);
}

/** The refusal of a cursor the service did not make (or cannot read back): BAD_USER_INPUT naming `name`. */
export function unknownCursor(value: unknown, name: string) {
  const shown = String(value).length > 64 ? `${String(value).slice(0, 64)}…` : String(value);
  return badInput(name, `unknown cursor "${shown}"; pass an endCursor or edge cursor from a previous page`);
}

/** A plain object with exactly these keys. */
function hasExactly(x: unknown, keys: readonly string[]): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const own = Object.keys(x);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}

const isUnitId = (x: unknown): x is string => typeof x === "string" && UNIT_ID.test(x);

export const isIdCursor = (x: unknown): x is { id: string } => hasExactly(x, ["id"]) && isUnitId(x.id);

/** A cursor into a breadth-first listing: a unit id and its depth, 1 (a direct child) to `maxDepth`. */
export const depthCursor =
  (maxDepth: number) =>
  (x: unknown): x is { id: string; depth: number } =>
    hasExactly(x, ["id", "depth"]) &&
    isUnitId(x.id) &&
    Number.isInteger(x.depth) &&
    (x.depth as number) >= 1 &&
    (x.depth as number) <= maxDepth;

/** A cursor into the change feed: when a change was recorded, and its id. */
export const isChangeCursor = (x: unknown): x is { at: string; id: string } =>
  hasExactly(x, ["at", "id"]) &&
  typeof x.at === "string" &&
  isIsoDateTime(x.at) &&
  typeof x.id === "string" &&
  CHANGE_ID.test(x.id);

/**
 * `changes(since:)`: a date (the start of that day in Vietnam, UTC+7, where `today` is taken)
 * or an ISO date-time with an offset; returned as a date-time Neo4j reads.
 */
export function sinceArg(value: unknown, name = "since"): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" && isIsoDate(value)) return `${value}T00:00:00+07:00`;
  if (typeof value === "string" && isIsoDateTime(value)) return value;
  throw badInput(
    name,
    `"${String(value).slice(0, 64)}" is neither a date (yyyy-mm-dd) nor a date-time with an offset (e.g. 2025-07-01T08:00:00+07:00)`,
  );
}

/** A date a change takes effect on (or ends on): a real date within the configured range. */
export function effectiveDateArg(value: unknown, ctx: Context, name: string): string {
  const date = dateArg(value, name);
  const problem = outOfRange(
    date,
    effectiveDateRange(ctx.config.EFFECTIVE_DATE_MIN, ctx.config.EFFECTIVE_DATE_MAX_YEARS_AHEAD, ctx.today),
  );
  if (problem) throw badInput(name, problem);
  return date;
}

/** Free text written into the graph (name, note, subject), normalised; null stays null. */
export function textArg(value: unknown, name: string, rule: TextRule): string | null {
  if (value === undefined || value === null) return null;
  const text = normaliseText(String(value));
  const problem = textProblem(text, rule);
  if (problem) throw badInput(name, problem);
  return text;
}

/** A list of ids in which none may repeat (the sources of a merge, the parts of a split…). */
export function distinctIdsArg(values: readonly string[], name: string): string[] {
  const repeated = repeatedValues(values);
  if (repeated.length > 0) throw badInput(name, `lists ${quotedIds(repeated)} more than once`);
  return [...values];
}

/** A list of enum values (relation types…) as a filter: null when absent or empty (no filter). */
export function typesArg<T extends string>(value: readonly T[] | null | undefined): T[] | null {
  return value && value.length > 0 ? [...value] : null;
}

/** The longest key value a representation may carry (ids are far shorter). */
const MAX_KEY_LENGTH = 256;

/**
 * `_entities(representations:)`: each an object with the `__typename` of an entity type and
 * that type's key fields as strings; the error names the index of the first that is not.
 */
export function checkRepresentations(value: unknown, keys: ReadonlyMap<string, readonly string[]>): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((rep, index) => {
    const fail = (message: string) =>
      new DomainError("BAD_USER_INPUT", `Argument "representations" [${index}]: ${message}`, {
        argument: "representations",
        index,
      });
    if (typeof rep !== "object" || rep === null || Array.isArray(rep))
      throw fail("must be an object with __typename and the key fields of an entity type");
    const typename = (rep as Record<string, unknown>).__typename;
    const fields = typeof typename === "string" ? keys.get(typename) : undefined;
    if (!fields)
      throw fail(
        `unknown __typename ${typeof typename === "string" ? JSON.stringify(typename.slice(0, 64)) : `(${typeof typename})`}; entity types: ${[...keys.keys()].sort().join(", ")}`,
      );
    for (const field of fields) {
      const key = (rep as Record<string, unknown>)[field];
      if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH)
        throw fail(`"${typename}" needs its key field "${field}" as a non-empty string`);
    }
    // No entity type @requires fields: a representation holds its type and keys, nothing to carry.
    const extra = Object.keys(rep).filter((k) => k !== "__typename" && !fields.includes(k));
    if (extra.length > 0)
      throw fail(
        `"${typename}" takes only __typename and its key fields (${fields.join(", ")}), not ${extra
          .slice(0, 3)
          .map((k) => JSON.stringify(k.slice(0, 64)))
          .join(", ")}`,
      );
  });
}
