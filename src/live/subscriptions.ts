/**
 * The Subscription resolvers (schema/subscription.graphql): each subscription is a filtered
 * stream of this instance's EventFeed. An event is sent to a reader only when it may see every
 * unit the event names (as the `event` query decides); the subtree and unit filters come after.
 * Events are resolved in order, each with the request's loaders emptied first, so every answer
 * reads the graph as it is after that event.
 */
import type { Context } from "../graphql/context.ts";
import type {
  SubscriptionEventRecordedArgs,
  SubscriptionResolvers,
  SubscriptionSubtreeChangedArgs,
  SubscriptionUnitChangedArgs,
} from "../graphql/generated/resolvers-types.ts";
import { requireLoaded, requireUnit } from "../graphql/services/lookups.ts";
import { scoped } from "../graphql/visibility.ts";
import type { EventRecord } from "../store/change-repository.ts";
import { unitsInSubtrees } from "../store/unit-repository.ts";
import type { EventFeed } from "./event-feed.ts";

/** Events a slow subscriber may have waiting; past it the oldest are dropped (and logged). */
const MAX_QUEUED = 1000;

/** The feed of the instance that created each subscription's context (src/live/ws-server.ts). */
const feeds = new WeakMap<Context, EventFeed>();

export function attachFeed(ctx: Context, feed: EventFeed): void {
  feeds.set(ctx, feed);
}

/**
 * The events `accept` lets through, in the order they were recorded, until the client stops:
 * those that commit once the feed has noted what was there (the subscription's start).
 */
async function eventStream(
  ctx: Context,
  accept: (e: EventRecord) => Promise<boolean>,
): Promise<AsyncIterableIterator<EventRecord>> {
  const feed = feeds.get(ctx);
  if (!feed) throw new Error("Subscriptions are served over WebSocket only");
  const queue: EventRecord[] = [];
  let waiting: ((r: IteratorResult<EventRecord>) => void) | null = null;
  let done = false;
  let chain = Promise.resolve();
  const push = (event: EventRecord) => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: event, done: false });
      return;
    }
    queue.push(event);
    if (queue.length > MAX_QUEUED) {
      queue.shift();
      ctx.log.warn({ max: MAX_QUEUED }, "live updates: a slow subscriber missed an event");
    }
  };
  const stopListening = await feed.listen((event) => {
    chain = chain
      .then(async () => {
        if (await accept(event)) push(event);
      })
      .catch((err) => ctx.log.warn({ err, eventId: event.id }, "live updates: filtering an event failed"));
  });
  const finish = async (): Promise<IteratorResult<EventRecord>> => {
    done = true;
    stopListening();
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return { value: undefined, done: true };
  };
  const stream: AsyncIterableIterator<EventRecord> = {
    [Symbol.asyncIterator]() {
      return stream;
    },
    next() {
      const event = queue.shift();
      if (event) return Promise.resolve({ value: event, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: finish,
    throw: async (err: unknown) => {
      await finish();
      throw err;
    },
  };
  return stream;
}

/** Whether the reader may see every unit the event names. */
async function readable(ctx: Context, e: EventRecord): Promise<boolean> {
  if (!scoped(ctx)) return true;
  const ok = await unitsInSubtrees(ctx.db, e.unitIds, ctx.principal.scopes);
  return e.unitIds.every((id) => ok.has(id));
}

/** Whether the event touches a unit in the subtree of `under`. */
async function touches(ctx: Context, e: EventRecord, under: string): Promise<boolean> {
  if (e.unitIds.includes(under)) return true;
  return (await unitsInSubtrees(ctx.db, e.unitIds, [under])).size > 0;
}

/** Each event is resolved against the graph as it is now, not as the connection's loaders last saw it. */
function fresh<T>(ctx: Context, value: T): T {
  ctx.loaders.afterWrite();
  return value;
}

export const Subscription: SubscriptionResolvers = {
  unitChanged: {
    subscribe: async (_: unknown, args: SubscriptionUnitChangedArgs, ctx: Context) => {
      await requireUnit(args.id, ctx, "id");
      return eventStream(ctx, async (e) => e.unitIds.includes(args.id) && (await readable(ctx, e)));
    },
    resolve: (_event: EventRecord, args: { id: string }, ctx: Context) =>
      requireLoaded(fresh(ctx, ctx.loaders.unit.load(args.id)), "unit"),
  } as never,
  subtreeChanged: {
    subscribe: async (_: unknown, args: SubscriptionSubtreeChangedArgs, ctx: Context) => {
      await requireUnit(args.under, ctx, "under");
      return eventStream(ctx, async (e) => (await readable(ctx, e)) && (await touches(ctx, e, args.under)));
    },
    resolve: (event: EventRecord, _args: unknown, ctx: Context) => fresh(ctx, event),
  } as never,
  eventRecorded: {
    subscribe: async (_: unknown, args: Partial<SubscriptionEventRecordedArgs>, ctx: Context) => {
      const under = args.under ?? null;
      if (under !== null) await requireUnit(under, ctx, "under");
      return eventStream(
        ctx,
        async (e) => (await readable(ctx, e)) && (under === null || (await touches(ctx, e, under))),
      );
    },
    resolve: (event: EventRecord, _args: unknown, ctx: Context) => fresh(ctx, event),
  } as never,
};
