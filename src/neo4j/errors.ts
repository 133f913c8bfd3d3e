/** A launch problem of the embedded Neo4j, as one human-readable line that says how to fix it. */
export class Neo4jLaunchError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, " ").trim());
    this.name = "Neo4jLaunchError";
  }
}

/** Shortens a line quoted from Maven or the JVM so that the error stays one readable line. */
export function truncate(s: string, max = 600): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
