/**
 * The exports' cap (EXPORT_CONCURRENCY, EXPORT_TIMEOUT_MS): a whole-graph export reads the
 * national graph page by page for a minute or more, so a flood of them would hold every Neo4j
 * session and the event loop. At most `limit` stream at once, and at most `perClient` for one
 * client (its address, behind the proxies TRUST_PROXY trusts), so that two slow readers cannot
 * hold every slot; the next one is refused at once (503 with Retry-After,
 * src/http/file-download.ts) rather than queued, and one that outlives the time cap (a client
 * that stopped reading holds its slot through backpressure) is cut. Registry imports have a
 * pool of their own, so that downloads never lock editors out.
 */
import type { IncomingMessage } from "node:http";

export interface SlotOptions {
  /** Slots one client may hold at once. */
  perClient?: number;
  /** The client a request comes from. */
  clientOf?: (req: IncomingMessage) => string;
}

export class ExportSlots {
  #busy = 0;
  readonly #byClient = new Map<string, number>();
  readonly #perClient: number;
  readonly #clientOf: (req: IncomingMessage) => string;

  constructor(
    readonly limit: number,
    o: SlotOptions = {},
  ) {
    this.#perClient = o.perClient ?? Number.POSITIVE_INFINITY;
    this.#clientOf = o.clientOf ?? (() => "");
  }

  get busy(): number {
    return this.#busy;
  }

  /** A slot's release (safe to call more than once), or null when every slot, or the client's share, is taken. */
  take(req?: IncomingMessage): (() => void) | null {
    const client = req ? this.#clientOf(req) : "";
    const held = this.#byClient.get(client) ?? 0;
    if (this.#busy >= this.limit || held >= this.#perClient) return null;
    this.#busy++;
    this.#byClient.set(client, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#busy--;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left > 0) this.#byClient.set(client, left);
      else this.#byClient.delete(client);
    };
  }
}

/** Seconds a refused export is told to wait (Retry-After): a whole-graph export lasts about a minute. */
export const EXPORT_RETRY_AFTER_SECONDS = "10";
