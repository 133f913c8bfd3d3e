import { valueOn } from "./dated-attributes.ts";

/** A unit's name on a date: renames are dated (updateUnit), and earlier names stay readable. */
export interface NamedUnit {
  name: string;
  formerNames: readonly string[];
  /** The last day of each former name, ascending. */
  formerNamesUntil: readonly string[];
}

/** The name in force on the date; names are one of the dated attributes (dated-attributes.ts). */
export function nameOn(unit: NamedUnit, date: string): string {
  const former = unit.formerNames.map((value, i) => ({ value, validTo: String(unit.formerNamesUntil[i]) }));
  return valueOn(unit.name, former, date) ?? unit.name;
}
