/** Stable ids the system makes itself. */

/**
 * Joins an id's parts (two or more) with dots; when a part holds a dot itself (unit ids and seed
 * ids may), with colons instead. No part holds a colon (ids, dates and slugs cannot), and in the
 * dotted form no part holds a dot, so each id splits back into exactly one list of parts: with
 * dots alone, ["u", "v.w"] and ["u.v", "w"] gave the same id. Ids whose parts hold no dot keep
 * the dotted form they always had (stored relation ids, calendar UIDs, sent reminders' keys).
 */
export function joinId(parts: readonly string[]): string {
  return parts.join(parts.some((p) => p.includes(".")) ? ":" : ".");
}

/** `id` (made by joinId) with one more part that holds neither a dot nor a colon: joinId([...parts, part]). */
export function appendToId(id: string, part: string): string {
  return `${id}${id.includes(":") ? ":" : "."}${part}`;
}

/**
 * A deterministic id for a relation: type, ends and start (seed/FORMAT.md), joined by joinId, so
 * two relations never share an id — with dots alone, u → v.w and u.v → w did. Ends without dots
 * (every seeded and generated relation) keep the dotted form, so ids already stored stay what they
 * were (they are looked up, never re-derived).
 */
export function relationId(r: { type: string; from: string; to: string; validFrom?: string | null }): string {
  return joinId([r.type.toLowerCase(), r.from, r.to, ...(r.validFrom ? [r.validFrom] : [])]);
}

export const UNIT_ID = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/** Ids of audit records: `chg-` and a random UUID (src/store/change-session.ts makes them). */
export const CHANGE_ID = /^chg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
