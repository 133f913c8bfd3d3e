/**
 * GraphQL subscriptions over WebSocket on /graphql (the graphql-ws protocol, with the `ws`
 * server), beside Apollo's HTTP on the same port (README, "Frontends").
 * - Authentication: the connection_init payload carries the token (`authorization: "Bearer …"`,
 *   or `token`), verified as on HTTP; a refused token or read closes the socket with 4403, and
 *   so does the token's expiry on an open socket.
 * - Bounds: LIVE_MAX_CONNECTIONS_PER_CLIENT open sockets per client address (the client behind
 *   the proxies TRUST_PROXY trusts, as for HTTP; more: the upgrade is answered 429),
 *   LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions per socket, LIVE_MAX_MESSAGES_PER_MINUTE
 *   messages per client address (src/live/message-rate.ts; more: the socket is closed with 4429).
 * - Each document passes the HTTP limits (tokens, depth, aliases, directives, cost) and, with
 *   TRUSTED_DOCUMENTS, must be one of the manifest's; only subscriptions run here. Each event's
 *   answer is cut past MAX_QUERY_COST resolved values, as an HTTP answer is (limitAnswerSize).
 * - Browsers: a page from an origin that CORS_ORIGINS does not allow (nor this host) is refused.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { useServer as serveGraphqlWs } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import { assertCanRead, type Principal } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/verify-token.ts";
import type { Config } from "../config.ts";
import { commitLagMs } from "../domain/change-feed.ts";
import { DomainError } from "../domain/errors.ts";
import { createContext } from "../graphql/context.ts";
import { formatError } from "../graphql/errors.ts";
import { formatCount, limitErrorOf, QueryLimitError } from "../graphql/limit-error.ts";
import { limitAnswerSize, queryLimits } from "../graphql/limits.ts";
import {
  readTrustedDocuments,
  resolveTrustedDocument,
  type TrustedDocuments,
} from "../graphql/persisted-queries.ts";
import { queryCost } from "../graphql/query-cost.ts";
import { buildSchema } from "../graphql/schema.ts";
import { clientAddressOf } from "../http/client-address.ts";
import { endSocket, failure } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { EventFeed } from "./event-feed.ts";
import { MessageRate } from "./message-rate.ts";
import { attachFeed } from "./subscriptions.ts";

export interface LiveDeps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
}

export interface LiveUpdates {
  stop(): Promise<void>;
}

/**
 * The close code for a client over LIVE_MAX_MESSAGES_PER_MINUTE: graphql-ws's own "too many"
 * code, which its clients treat as fatal (they do not reconnect by themselves into the same limit).
 */
export const TOO_MANY_MESSAGES = 4429;

/** Operations expanded past this many selections are refused unpriced (as on HTTP). */
const MAX_SELECTIONS = 10_000;

type Payload = {
  operationName?: string | null;
  query?: string;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
};

interface SubscribeEnv {
  schema: GraphQLSchema;
  deps: LiveDeps;
  trusted: TrustedDocuments | null;
  limits: ReturnType<typeof queryLimits>;
  feed: EventFeed;
}

/** The bearer value of a connection_init payload. */
function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value === "string") return value;
  return typeof params?.token === "string" ? `Bearer ${params.token}` : undefined;
}

/** Starts the event feed and answers WebSocket upgrades on /graphql; nothing when LIVE_MAX_CONNECTIONS_PER_CLIENT is 0. */
export function startLiveUpdates(httpServer: Server, deps: LiveDeps): LiveUpdates {
  const { config, log } = deps;
  if (config.LIVE_MAX_CONNECTIONS_PER_CLIENT === 0) return { stop: async () => {} };
  const schema = limitAnswerSize(buildSchema(), config.MAX_QUERY_COST);
  const trusted = config.TRUSTED_DOCUMENTS ? readTrustedDocuments(config.TRUSTED_DOCUMENTS) : null;
  const feed = new EventFeed(
    deps.db,
    log,
    config.LIVE_POLL_INTERVAL_MS,
    commitLagMs(config.WRITE_TIMEOUT_MS),
  );
  feed.start();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const env: SubscribeEnv = { schema, deps, trusted, limits: queryLimits(config), feed };
  const principals = new WeakMap<object, Principal>();
  const open = new Map<string, number>();
  const clientAddress = clientAddressOf(config.TRUST_PROXY);
  const rate =
    config.LIVE_MAX_MESSAGES_PER_MINUTE > 0 ? new MessageRate(config.LIVE_MAX_MESSAGES_PER_MINUTE) : null;
  /** Sockets closed for sending too much: what they still send is refused without any work. */
  const throttled = new WeakSet<object>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://service.invalid").pathname !== "/graphql")
      return void socket.destroy();
    const client = clientAddress(req);
    if ((open.get(client) ?? 0) >= config.LIVE_MAX_CONNECTIONS_PER_CLIENT)
      return endSocket(
        socket,
        failure(
          "RATE_LIMITED",
          `At most ${config.LIVE_MAX_CONNECTIONS_PER_CLIENT} live connections per client (LIVE_MAX_CONNECTIONS_PER_CLIENT); close one first`,
        ),
        { limit: "LIVE_MAX_CONNECTIONS_PER_CLIENT", max: config.LIVE_MAX_CONNECTIONS_PER_CLIENT },
      );
    if (foreignOrigin(req, config))
      return endSocket(
        socket,
        failure("FORBIDDEN", "This page's origin may not open live connections (CORS_ORIGINS)"),
        { rule: "CORS_ORIGIN" },
      );
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.set(client, (open.get(client) ?? 0) + 1);
      ws.once("close", () => {
        const n = (open.get(client) ?? 1) - 1;
        if (n === 0) open.delete(client);
        else open.set(client, n);
      });
      // Registered before graphql-ws's own listener (on "connection"), so it counts each message first.
      if (rate) limitMessages(ws, client, rate, throttled, log);
      wss.emit("connection", ws, req);
    });
  };
  httpServer.on("upgrade", onUpgrade);

  serveGraphqlWs(
    {
      schema,
      onConnect: async (ctx) => {
        if (throttled.has(ctx.extra.socket)) return false;
        try {
          const principal = await deps.verifyToken(authorizationOf(ctx.connectionParams));
          assertCanRead(principal, config.READ_ACCESS);
          principals.set(ctx.extra.socket, principal);
          closeAtExpiry(ctx.extra.socket, principal);
          return true;
        } catch (e) {
          if (!(e instanceof DomainError)) log.error({ err: e }, "live updates: connection failed");
          return false;
        }
      },
      onSubscribe: (ctx, id, payload) => {
        if (throttled.has(ctx.extra.socket))
          return [
            new GraphQLError("Too many messages (LIVE_MAX_MESSAGES_PER_MINUTE); the connection is closing", {
              extensions: { code: "RATE_LIMITED", limit: "LIVE_MAX_MESSAGES_PER_MINUTE" },
            }),
          ];
        if (Object.keys(ctx.subscriptions).length > config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION)
          return [
            new GraphQLError(
              `At most ${config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions run on one connection (LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first`,
              { extensions: { code: "RATE_LIMITED", limit: "LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION" } },
            ),
          ];
        const principal = principals.get(ctx.extra.socket);
        if (!principal) return [new GraphQLError("Not authenticated", { extensions: { code: "FORBIDDEN" } })];
        return executionArgs(env, principal, id, payload as Payload);
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        // An event's answer past MAX_QUERY_COST values is one refusal, as on HTTP, not a partial answer.
        const tooLarge = result.errors.find((e) => limitErrorOf(e)?.extensions.limit === "MAX_QUERY_COST");
        const errors = tooLarge ? [tooLarge] : result.errors;
        return { ...(tooLarge ? {} : result), errors: errors.map((e) => formatError(e.toJSON(), e)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wss,
  );

  return {
    async stop() {
      httpServer.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.close(1001, "Server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await feed.stop();
    },
  };
}

/**
 * Closes the socket with 4429 at the first message its client sends past its rate: the client is
 * told why (graphql-ws clients surface the close to every subscription), and the messages it still
 * sends while the socket closes are refused cheaply (`throttled`).
 */
function limitMessages(
  ws: WebSocket,
  client: string,
  rate: MessageRate,
  throttled: WeakSet<object>,
  log: Logger,
): void {
  ws.on("message", () => {
    if (throttled.has(ws) || rate.take(client)) return;
    throttled.add(ws);
    log.warn(
      { client, limit: rate.perMinute },
      "live updates: too many messages from a client; socket closed",
    );
    ws.close(TOO_MANY_MESSAGES, "Too many messages");
  });
}

/**
 * A socket lives no longer than its token: at `exp` it is closed with 4403, as a token that no
 * longer verifies would be at connect; the client reconnects with a fresh one.
 */
function closeAtExpiry(socket: WebSocket, principal: Principal): void {
  // A socket closed while its token was being verified has fired "close" already.
  if (principal.expiresAt === undefined || socket.readyState !== socket.OPEN) return;
  // setTimeout holds at most 2^31 − 1 ms (~24.8 days): a longer-lived token's socket is closed
  // then, early — it reconnects with the token it has.
  const delay = Math.min(Math.max(0, principal.expiresAt - Date.now()), 2 ** 31 - 1);
  const timer = setTimeout(() => socket.close(4403, "Forbidden: the token has expired"), delay);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/** A browser page's origin that is neither allowed by CORS_ORIGINS nor this service's own. */
function foreignOrigin(req: IncomingMessage, config: Config): boolean {
  const origin = req.headers.origin;
  if (!origin || config.CORS_ORIGINS.includes("*") || config.CORS_ORIGINS.includes(origin)) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** The document checked as on HTTP, and its context; or the errors that refuse it. */
function executionArgs(
  env: SubscribeEnv,
  principal: Principal,
  id: string,
  payload: Payload,
): ExecutionArgs | readonly GraphQLError[] {
  const { schema, deps, trusted, limits } = env;
  const { config } = deps;
  let document: DocumentNode;
  try {
    const hash = (payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    const documentId = (payload as { documentId?: unknown }).documentId ?? hash;
    const text = trusted
      ? resolveTrustedDocument(trusted, {
          query: payload.query || undefined,
          documentId: typeof documentId === "string" ? documentId : undefined,
        })
      : (payload.query ?? "");
    document = parse(text, limits.parseOptions);
  } catch (e) {
    if (e instanceof GraphQLError) return [e];
    throw e;
  }
  const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
  if (errors.length > 0) return errors;
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (operation?.operation !== "subscription")
    return [
      new GraphQLError("Only subscriptions run over WebSocket; send queries and mutations over HTTP", {
        extensions: { code: "BAD_REQUEST" },
      }),
    ];
  const variables = payload.variables ?? undefined;
  const settings = { maxPageSize: config.MAX_PAGE_SIZE, maxDepth: config.MAX_DEPTH };
  try {
    const cost = queryCost(
      schema,
      document,
      variables,
      payload.operationName ?? undefined,
      settings,
      MAX_SELECTIONS,
    );
    if (cost > config.MAX_QUERY_COST)
      return [
        new QueryLimitError(
          "MAX_QUERY_COST",
          `query cost ${formatCount(cost)} exceeds MAX_QUERY_COST ${formatCount(config.MAX_QUERY_COST)}`,
          config.MAX_QUERY_COST,
          cost,
        ),
      ];
  } catch (e) {
    if (e instanceof GraphQLError) return [e];
    throw e;
  }
  const requestId = `ws-${randomUUID()}-${id}`.slice(0, 64);
  const contextValue = createContext(deps.db, config, deps.log, requestId, principal, null);
  attachFeed(contextValue, env.feed);
  return { schema, document, variableValues: variables, operationName: payload.operationName, contextValue };
}
