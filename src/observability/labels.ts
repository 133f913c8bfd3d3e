/**
 * Label values that clients choose (operation names, error codes), bounded: each series costs
 * Prometheus memory forever, so a client sending a new operation name per request must not be
 * able to grow the label set without end. The first values seen keep their own label; later
 * new ones share OTHER.
 */

export const ANONYMOUS_OPERATION = "anonymous";
/** A request refused before its operation was known (unparsable, invalid, refused token). */
export const UNKNOWN_OPERATION = "unknown";
export const OTHER = "other";

/** Distinct operation names kept as labels. */
const MAX_OPERATIONS = 200;
/** Distinct error codes kept as labels. */
const MAX_CODES = 50;

/** A set of label values that admits new ones up to a bound. */
class BoundedLabels {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  admit(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
}

export class LabelBounds {
  private readonly operations = new BoundedLabels(MAX_OPERATIONS);
  private readonly codes = new BoundedLabels(MAX_CODES);

  /** An operation's label: its name (GraphQL name syntax, at most 64 characters), or ANONYMOUS. */
  operation(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return OTHER;
    return this.operations.admit(name);
  }

  /** An error code's label: the code (UPPER_SNAKE, at most 40 characters), or OTHER. */
  code(code: unknown): string {
    if (typeof code !== "string" || !/^[A-Z][A-Z0-9_]{0,39}$/.test(code)) return OTHER;
    return this.codes.admit(code);
  }
}
