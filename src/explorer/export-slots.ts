/**
 * The exports' cap (EXPORT_CONCURRENCY, EXPORT_TIMEOUT_MS): a whole-graph export reads the
 * national graph page by page for a minute or more, so a flood of them would hold every Neo4j
 * session and the event loop. At most `limit` stream at once; the next one is refused at once
 * (503 with Retry-After, src/explorer/export-route.ts) rather than queued, and one that outlives
 * the time cap (a client that stopped reading holds its slot through backpressure) is cut.
 */
export class ExportSlots {
  #busy = 0;

  constructor(readonly limit: number) {}

  get busy(): number {
    return this.#busy;
  }

  /** A slot's release (safe to call more than once), or null when every slot is taken. */
  take(): (() => void) | null {
    if (this.#busy >= this.limit) return null;
    this.#busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#busy--;
    };
  }
}

/** Seconds a refused export is told to wait (Retry-After): a whole-graph export lasts about a minute. */
export const EXPORT_RETRY_AFTER_SECONDS = "10";
