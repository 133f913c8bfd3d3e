/**
 * What free text a client may write into the graph (names, notes, subjects): bounded in
 * length, no control characters, no bidirectional-override or isolate characters (which make
 * a name display differently from what it is — "Trojan Source"), no unpaired surrogates.
 * Vietnamese needs none of these. Pure rules: the GraphQL layer names the argument.
 */

export interface TextRule {
  /** The most characters (code points, after NFC normalisation) the text may have. */
  max: number;
  /** Whether line breaks and tabs are allowed (notes and subjects; never in names). */
  multiline: boolean;
}

export const TEXT_RULES = {
  name: { max: 300, multiline: false },
  note: { max: 2000, multiline: true },
  subject: { max: 2000, multiline: true },
} as const satisfies Record<string, TextRule>;

/** Bidirectional formatting characters: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM. */
const BIDI = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);
const LINE_BREAKS = new Set([0x09, 0x0a, 0x0d]);

function describeCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why the character is refused in text of this rule, or null when it is allowed. */
function refusal(cp: number, multiline: boolean): string | null {
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) {
    if (multiline && LINE_BREAKS.has(cp)) return null;
    return "a control character";
  }
  if (BIDI.has(cp)) return "a bidirectional formatting character";
  if (cp >= 0xd800 && cp <= 0xdfff) return "an unpaired surrogate";
  return null;
}

/** NFC, trimmed: the form text is stored in (Vietnamese typed with combining marks compares equal). */
export function normaliseText(value: string): string {
  return value.normalize("NFC").trim();
}

/** What is wrong with `value` (already normalised) under `rule`, or null when it may be stored. */
export function textProblem(value: string, rule: TextRule): string | null {
  // Every code point takes one or two UTF-16 units: longer than 2 × max cannot fit; skip the walk.
  if (value.length > rule.max * 2) return `must be at most ${rule.max} characters, got ${value.length}+`;
  let count = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    const why = refusal(cp, rule.multiline);
    if (why) return `contains ${why} (${describeCodePoint(cp)}) at position ${count}`;
    count++;
  }
  if (count > rule.max) return `must be at most ${rule.max} characters, got ${count}`;
  return null;
}

/** The values that occur more than once, each once, in order of first repetition. */
export function repeatedValues(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) repeated.add(v);
    seen.add(v);
  }
  return [...repeated];
}
