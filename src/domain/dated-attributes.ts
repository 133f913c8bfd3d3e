/**
 * The unit attributes that change on a date and keep their history (updateUnit with
 * effectiveOn): an as-of question before the change gets the value then in force. This table
 * is the one home of that list; the store keeps each attribute's earlier values in two
 * parallel list properties (values, and the last day of each) and the day the current value
 * took effect, and the read side (here, and the Cypher fragment attributeOn) reads them back.
 *
 * Not dated: `note`, which is editorial text about the unit (a correction applies to every
 * date); `kind` and `province`, which updateUnit does not change (a change of kind is a
 * restructuring: close the unit and create another).
 */
export const DATED_ATTRIBUTES = {
  name: { values: "formerNames", until: "formerNamesUntil", since: "nameFrom" },
  sector: { values: "formerSectors", until: "formerSectorsUntil", since: "sectorFrom" },
  host: { values: "formerHosts", until: "formerHostsUntil", since: "hostFrom" },
  level: { values: "formerLevels", until: "formerLevelsUntil", since: "levelFrom" },
  /** Where the agency sits (nơi có trụ sở): the committee of that place (138-QĐ/TW Điều 13). */
  seat: { values: "formerSeats", until: "formerSeatsUntil", since: "seatFrom" },
} as const;

export type DatedAttribute = keyof typeof DATED_ATTRIBUTES;
export const DATED_ATTRIBUTE_NAMES = Object.keys(DATED_ATTRIBUTES) as DatedAttribute[];

/**
 * The dated attributes whose values are unit ids (a host, a seat): scoped reading counts them,
 * current and former, among the units a record names.
 */
export const UNIT_VALUED_ATTRIBUTES: ReadonlySet<string> = new Set<DatedAttribute>(["host", "seat"]);

/** The unit ids a stored unit state names through its unit-valued attributes, current and former. */
export function unitIdsInState(props: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (const attribute of UNIT_VALUED_ATTRIBUTES) {
    const current = props[attribute];
    if (typeof current === "string" && current !== NO_VALUE) ids.push(current);
    const former = props[DATED_ATTRIBUTES[attribute as DatedAttribute].values];
    if (Array.isArray(former))
      for (const v of former) if (typeof v === "string" && v !== NO_VALUE) ids.push(v);
  }
  return ids;
}

/**
 * Neo4j lists cannot hold null, so an earlier "no value" (e.g. no sector yet) is stored as
 * this marker and read back as null.
 */
export const NO_VALUE = "";

export interface FormerValue {
  value: string | null;
  /** The last day the value was in force (inclusive). */
  validTo: string;
}

/** The earlier values of an attribute, oldest first, from the stored properties. */
export function formerValues(props: Record<string, unknown>, attribute: DatedAttribute): FormerValue[] {
  const keys = DATED_ATTRIBUTES[attribute];
  const values = (props[keys.values] as string[] | undefined) ?? [];
  const until = (props[keys.until] as unknown[] | undefined) ?? [];
  return values.map((v, i) => ({ value: v === NO_VALUE ? null : v, validTo: String(until[i]) }));
}

/** The value in force on the date: the first earlier value whose last day is on or after it, else the current one. */
export function valueOn(current: string | null, former: readonly FormerValue[], date: string): string | null {
  for (const f of former) if (date <= f.validTo) return f.value;
  return current;
}
