/** Stable ids the system makes itself. */

/** A deterministic id for a relation: type, ends and start (seed/FORMAT.md). */
export function relationId(r: { type: string; from: string; to: string; validFrom?: string | null }): string {
  return `${r.type.toLowerCase()}.${r.from}.${r.to}${r.validFrom ? `.${r.validFrom}` : ""}`;
}

export const UNIT_ID = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/** Ids of audit records: `chg-` and a random UUID (src/store/change-session.ts makes them). */
export const CHANGE_ID = /^chg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
