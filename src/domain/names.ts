/** A unit's name on a date: renames are dated (updateUnit), and earlier names stay readable. */
export interface NamedUnit {
  name: string;
  formerNames: readonly string[];
  /** The last day of each former name, ascending. */
  formerNamesUntil: readonly string[];
}

export function nameOn(unit: NamedUnit, date: string): string {
  for (const [i, until] of unit.formerNamesUntil.entries())
    if (date <= until) return unit.formerNames[i] ?? unit.name;
  return unit.name;
}
