/** Stable ids the system makes itself. */

/**
 * A deterministic id for a relation: type, ends and start (seed/FORMAT.md), joined with dots;
 * when an end's id holds a dot itself (UNIT_ID allows it), joined with colons instead. No type,
 * unit id or date holds a colon, and in the dotted form no part holds a dot, so each id splits
 * back into exactly one (type, from, to, start): two relations never share an id — with dots
 * alone, u → v.w and u.v → w did. Ends without dots (every seeded and generated relation) keep
 * the dotted form, so ids already stored stay what they were (they are looked up, never re-derived).
 */
export function relationId(r: { type: string; from: string; to: string; validFrom?: string | null }): string {
  const separator = r.from.includes(".") || r.to.includes(".") ? ":" : ".";
  return [r.type.toLowerCase(), r.from, r.to, ...(r.validFrom ? [r.validFrom] : [])].join(separator);
}

export const UNIT_ID = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/** Ids of audit records: `chg-` and a random UUID (src/store/change-session.ts makes them). */
export const CHANGE_ID = /^chg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
