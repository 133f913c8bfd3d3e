/**
 * Small Cypher fragments shared by the repositories. They interpolate only our own
 * variable names, never input: every value travels as a parameter.
 */

/** `x` is in force on the date `d` (a Cypher date variable); validTo is inclusive. */
export function active(x: string, d = "d"): string {
  return `((${x}.validFrom IS NULL OR ${x}.validFrom <= ${d}) AND (${x}.validTo IS NULL OR ${x}.validTo >= ${d}))`;
}

/** The structural relation types, in one place. */
export const STRUCTURE = "SUBORDINATE_TO|PART_OF";
