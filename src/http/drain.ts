/**
 * Graceful shutdown of the HTTP server: stop accepting connections, answer every request
 * already received — also those that arrive on open keep-alive connections meanwhile, each
 * answered with `Connection: close` — then close the connections, all of them once the time
 * budget runs out. Node's own server.close() would also close the keep-alive connections it
 * thinks idle, dropping a request that is already on its way ("socket hang up").
 */
import type { Server } from "node:http";
import net from "node:net";

/** After the last request is answered, how long idle keep-alive connections are left to settle. */
const SETTLE_MS = 200;

export interface Drainer {
  readonly draining: boolean;
  /** Resolves when every request received is answered (true) or the budget ran out (false). */
  drain(budgetMs: number): Promise<boolean>;
}

export function drainable(server: Server): Drainer {
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  // Before the application's own listener, so that the header is set before any answer.
  server.prependListener("request", (_req, res) => {
    inFlight++;
    if (draining) res.shouldKeepAlive = false;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
  });
  return {
    get draining() {
      return draining;
    },
    async drain(budgetMs) {
      if (draining) return true;
      draining = true;
      // Stop listening only (net.Server's close): open connections stay, to deliver what is on its way.
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), budgetMs);
      });
      const idle = async (): Promise<true> => {
        for (;;) {
          if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          if (inFlight === 0) return true;
        }
      };
      let graceful = await Promise.race([idle(), budget]);
      if (graceful) {
        server.closeIdleConnections();
        graceful = await Promise.race([closed.then(() => true as const), budget]);
      }
      clearTimeout(timer);
      if (!graceful) server.closeAllConnections();
      await closed;
      return graceful;
    },
  };
}
