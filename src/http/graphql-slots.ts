/**
 * At most GRAPHQL_CONCURRENCY GraphQL requests run at once; the others wait their turn, in the
 * order they came. Why: every request under way holds its answer as objects until it is written
 * (a unit's 100 children with their obligations take about a megabyte), and V8 lets the heap grow
 * by HEAP_GROWING_PERCENT past what is alive at a collection, so 32 large answers at once raised
 * the service's RSS by 40–60 MB (bench/RESULTS.md, "memory18"). One Node process uses one core: a
 * few requests under way keep it busy while others wait on Neo4j, and more only interleave.
 * Mounted after the body parser (src/server.ts): a slot is taken only by a request whose body has
 * arrived, so slow or stalled uploads cannot hold every slot.
 */
import type { RequestHandler } from "express";

export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `start` now or when a slot frees; returns how to give the slot back (or leave the queue). */
  take(start: () => void): () => void {
    let state: "waiting" | "running" | "done" = "waiting";
    const run = () => {
      state = "running";
      start();
    };
    if (this.running < this.limit) {
      this.running++;
      run();
    } else this.waiting.push(run);
    return () => {
      if (state === "waiting") {
        const i = this.waiting.indexOf(run);
        if (i >= 0) this.waiting.splice(i, 1);
      } else if (state === "running") this.free();
      state = "done";
    };
  }

  /** Requests running and waiting now. */
  get counts(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/** The middleware: a request keeps its slot until its response is finished or its connection closes. */
export function graphqlSlots(limit: number): RequestHandler {
  if (limit <= 0) return (_req, _res, next) => next();
  const slots = new Slots(limit);
  return (_req, res, next) => {
    const release = slots.take(() => next());
    res.once("close", release);
  };
}
