/**
 * A Cypher statement's name for metrics and spans: the module and function that ran it, e.g.
 * `relation-repository.reportingChain` (`change-session:75` for an anonymous callback). The
 * statements carry no names of their own, so the caller's stack frame is read — once per
 * distinct statement text, which is then a map lookup. Names never hold parameters, and their
 * number is capped so that dynamically built statements cannot grow the label set without end.
 */

/** Distinct statement texts remembered; past it, new texts are named OTHER. */
const MAX_TEXTS = 2000;
/** Distinct names handed out (a label's cardinality); past it, new ones are OTHER. */
const MAX_NAMES = 300;
export const OTHER_STATEMENT = "other";

/** Frames that are not the statement's author: the database module, this folder, libraries, Node. */
const SKIPPED = /[\\/](store[\\/]database|observability[\\/][\w-]+)\.[cm]?[jt]s$|node_modules|^node:/;
const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

export class StatementNames {
  private readonly byText = new Map<string, string>();
  private readonly names = new Set<string>();

  /** `nameHere` names the caller on the stack now (replaceable in tests). */
  constructor(private readonly nameHere: () => string = () => callerName(deepStack())) {}

  /** The name of `cypher`, run by the code on the stack now (call synchronously from the run). */
  of(cypher: string): string {
    const known = this.byText.get(cypher);
    if (known !== undefined) return known;
    if (this.byText.size >= MAX_TEXTS) return OTHER_STATEMENT;
    let name = this.nameHere();
    if (!this.names.has(name)) {
      if (this.names.size >= MAX_NAMES) name = OTHER_STATEMENT;
      else this.names.add(name);
    }
    this.byText.set(cypher, name);
    return name;
  }
}

/** The stack here, deep enough to reach past the database module's own frames. */
function deepStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  try {
    return new Error().stack ?? "";
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** `module.function` (or `module:line`) of the first frame outside the skipped ones. */
export function callerName(stack: string): string {
  for (const line of stack.split("\n").slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = (m[2] as string).replace(/^file:\/\//, "");
    if (SKIPPED.test(file)) continue;
    const module = (file.split(/[\\/]/).pop() ?? file).replace(/\.[cm]?[jt]s$/, "");
    const fn = (m[1] ?? "").replace(/^(Object|Module)\./, "").replace(/^new /, "");
    return fn && !fn.includes("<anonymous>") ? `${module}.${fn}` : `${module}:${m[3]}`;
  }
  return "unknown";
}
