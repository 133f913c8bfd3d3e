/**
 * The WebSocket message rate limit (LIVE_MAX_MESSAGES_PER_MINUTE): every message a client sends
 * on its live connections (connection_init, subscribe, complete, ping) takes a token from a
 * bucket of its address, holding a minute's worth and refilled evenly. A subscribe is parsed,
 * validated, priced and attached to the feed, so a client flooding subscribe/complete pairs would
 * otherwise cost the service that work without bound. One bucket per address, shared by its
 * sockets (at most LIVE_MAX_CONNECTIONS_PER_CLIENT) and kept after they close, so that
 * reconnecting does not refill it: as RATE_LIMIT_PER_MINUTE does for HTTP.
 */
import { LRUCache } from "lru-cache";

const MINUTE_MS = 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class MessageRate {
  /**
   * An address unseen for a minute has a full bucket again (an empty one refills in a minute),
   * so its entry may expire then; the LRU bound keeps the map's memory bounded under a spread-out flood.
   */
  readonly #buckets = new LRUCache<string, Bucket>({ max: 100_000, ttl: MINUTE_MS });

  constructor(readonly perMinute: number) {}

  /** Takes a token for one message from `client`: false when its bucket is empty (the message is refused). */
  take(client: string): boolean {
    const now = Date.now();
    const last = this.#buckets.get(client);
    const refilled = last ? last.tokens + ((now - last.at) * this.perMinute) / MINUTE_MS : this.perMinute;
    const tokens = Math.min(this.perMinute, refilled);
    const allowed = tokens >= 1;
    this.#buckets.set(client, { tokens: allowed ? tokens - 1 : tokens, at: now });
    return allowed;
  }
}
