/**
 * HTTP: Apollo Server on Express, wiring /graphql (request id, security headers and rate limit,
 * the time budget and response cap, token and read access in the context), /health, /ready,
 * the .ics feed and GraphiQL, and the JSON answers for everything else.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express, type Request, type Response } from "express";
import { GraphQLError } from "graphql";
import { createTokenVerifier, type TokenVerifier } from "./auth/verify-token.ts";
import { type Config, loadDueDatePolicy } from "./config.ts";
import { DomainError } from "./domain/errors.ts";
import { mountDiffExports } from "./explorer/diff-export-route.ts";
import { mountExports } from "./explorer/export-route.ts";
import { ExportSlots } from "./explorer/export-slots.ts";
import { mountExplorer } from "./explorer/page.ts";
import type { Context } from "./graphql/context.ts";
import {
  formatError,
  isUnexpected,
  MaskedError,
  serviceUnavailablePlugin,
  withRequestId,
} from "./graphql/errors.ts";
import { federatedTracingPlugins } from "./graphql/federated-tracing.ts";
import { queryLimits } from "./graphql/limits.ts";
import { persistedQueries } from "./graphql/persisted-queries.ts";
import { ResultCache } from "./graphql/result-cache.ts";
import { buildSchema } from "./graphql/schema.ts";
import { startWarmUp } from "./graphql/services/warm-up.ts";
import { scoped } from "./graphql/visibility.ts";
import { clientAddressOf, trustProxySetting } from "./http/client-address.ts";
import { mountCors } from "./http/cors.ts";
import { drainable } from "./http/drain.ts";
import {
  answerClientErrors,
  jsonErrorHandler,
  methodNotAllowed,
  notFoundHandler,
  requestIdMiddleware,
  requestIdOf,
} from "./http/errors.ts";
import { cacheabilityPlugin, graphqlHttpCaching, versionsReadForEtag } from "./http/etag.ts";
import { graphiqlPage, mountGraphiql } from "./http/graphiql.ts";
import { graphqlPreflight } from "./http/graphql-preflight.ts";
import { graphqlSlots } from "./http/graphql-slots.ts";
import { mountHealth } from "./http/health.ts";
import { mountCalendarFeed } from "./http/ical.ts";
import { readerContext } from "./http/request-context.ts";
import { budgetOf, guardResponse } from "./http/response-guard.ts";
import { rateLimiter, securityHeaders } from "./http/security.ts";
import { statusOfDomainError } from "./http/statuses.ts";
import { startLiveUpdates } from "./live/ws-server.ts";
import type { Logger } from "./logger.ts";
import { createObservability } from "./observability/observability.ts";
import { mountRegistry } from "./registry/registry-route.ts";
import { startReminderScheduler } from "./reminders/scheduler.ts";
import type { Database } from "./store/database.ts";
import { readVersions } from "./store/graph-version.ts";

export interface RunningServer {
  url: string;
  port: number;
  httpServer: Server;
  /** Stops accepting connections, answers the requests in flight (within SHUTDOWN_DRAIN_MS), stops Apollo. */
  stop(): Promise<void>;
}

/** The largest request body /graphql reads. */
const BODY_LIMIT = "1mb";

export class PortInUseError extends Error {
  override name = "PortInUseError";
}

interface ServerDeps {
  db: Database;
  config: Config;
  log: Logger;
  verifyToken: TokenVerifier;
  cache: ResultCache | null;
}

export async function startServer(opts: {
  db: Database;
  config: Config;
  log: Logger;
  port?: number;
  host?: string;
}): Promise<RunningServer> {
  const { db, config, log } = opts;
  // The calendar's due-date policy: read now, so that a bad DUE_DATES_FILE stops the start.
  loadDueDatePolicy(config.DUE_DATES_FILE);
  const deps: ServerDeps = {
    db,
    config,
    log,
    verifyToken: createTokenVerifier(config),
    cache:
      config.RESULT_CACHE_MB > 0 ? new ResultCache(config.RESULT_CACHE_MB, () => readVersions(db)) : null,
  };
  const observability = createObservability(deps);
  const app = createApp(config);
  const httpServer = createServer(app);
  answerClientErrors(httpServer);
  const drainer = drainable(httpServer);
  const apollo = createApollo(config, log, httpServer, observability.plugin);
  await apollo.start();
  // Subscriptions over graphql-ws on the same port and path (src/live, README "Frontends").
  const live = startLiveUpdates(httpServer, deps);

  observability.mount(app);
  mountRoutes(app, deps, () => drainer.draining);
  app.use(
    "/graphql",
    express.json({ limit: BODY_LIMIT }),
    graphqlPreflight,
    // After the body is read: a client trickling its body holds a connection, never a slot.
    graphqlSlots(config.GRAPHQL_CONCURRENCY),
    guardResponse(config, log),
    graphqlHttpCaching(deps),
    expressMiddleware(apollo, { context: graphqlContext(deps) }),
  );
  // Whatever no route answered, and whatever a handler threw, is answered in JSON.
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(log, BODY_LIMIT));

  const host = opts.host ?? config.HOST;
  const port = await listen(httpServer, opts.port ?? config.PORT, host);
  // graphDiff's statements planned and one small diff run, in the background (WARMUP).
  const warm = startWarmUp(deps, apollo);
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  // Chat reminders from the stored subscriptions (src/reminders/scheduler.ts; off unless REMINDERS_SCHEDULER=on).
  const reminders = startReminderScheduler(deps);
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    httpServer,
    stop: async () => {
      warm.stop();
      await reminders.stop();
      await live.stop();
      await drainer.drain(config.SHUTDOWN_DRAIN_MS);
      await apollo.stop();
    },
  };
}

/** Express with what every route shares: request ids, security headers, the rate limit. */
function createApp(config: Config): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(config.TRUST_PROXY));
  app.use(requestIdMiddleware, securityHeaders());
  mountCors(app, config);
  const limiter = rateLimiter(config.RATE_LIMIT_PER_MINUTE);
  if (limiter) app.use(["/graphql", "/calendar", "/export", "/registry"], limiter);
  return app;
}

/**
 * Logs an unexpected error once: by the request plugin, under the request's id, or else (a hook
 * that threw, a response that could not be encoded) by formatError, without it.
 */
function unexpectedErrorLogger(): (error: unknown, logger: Logger, message: string) => void {
  const logged = new WeakSet<object>();
  return (error, logger, message) => {
    if (!isUnexpected(error)) return;
    const original = unwrapResolverError(error);
    if (typeof original === "object" && original !== null) {
      if (logged.has(original)) return;
      logged.add(original);
    }
    logger.error({ err: original }, message);
  };
}

function createApollo(
  config: Config,
  log: Logger,
  httpServer: Server,
  observabilityPlugin: ApolloServerPlugin<Context>,
): ApolloServer<Context> {
  const logUnexpected = unexpectedErrorLogger();
  // Tokens, depth, aliases, directives and cost, refused before execution (README, "Limits").
  const limits = queryLimits(config);
  // APQ bounded to APQ_CACHE_MB, and the TRUSTED_DOCUMENTS manifest when set (README, "Frontends").
  const persisted = persistedQueries(config);
  return new ApolloServer<Context>({
    persistedQueries: persisted.options,
    schema: buildSchema(),
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    includeStacktraceInErrorResponses: false,
    // Apollo would tie introspection to NODE_ENV; here the operator decides (INTROSPECTION, EXPOSURE).
    introspection: config.INTROSPECTION,
    // src/main.ts handles SIGTERM / SIGINT (drain, then Neo4j); Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    // Masks unexpected errors; the plugin below adds the request id. (No AsyncLocalStorage for
    // the id: in Node 20 it puts a hook on every promise.)
    formatError: (formatted, error) => {
      logUnexpected(error, log, "request failed outside the request pipeline");
      return formatError(formatted, error);
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // ftv1 inline traces, only for a gateway that asks for them (FEDERATED_TRACING).
      ...federatedTracingPlugins(config),
      // No @cacheControl hints in the schema; the plugin would wrap every resolver for nothing.
      ApolloServerPluginCacheControlDisabled(),
      ...persisted.plugins,
      ...limits.plugins,
      serviceUnavailablePlugin(),
      cacheabilityPlugin(),
      requestIdPlugin(logUnexpected),
      // Metrics and traces (src/observability): no hooks when both are off.
      observabilityPlugin,
    ],
  });
}

/** Logs a request's unexpected errors under its id, and puts the id and round trips in the answer. */
function requestIdPlugin(
  logUnexpected: (error: unknown, logger: Logger, message: string) => void,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const err of errors) logUnexpected(err, contextValue.log, "request failed");
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          const body = response.body.singleResult;
          if (body.errors) body.errors = withRequestId(body.errors, contextValue.requestId);
          body.extensions = {
            ...body.extensions,
            requestId: contextValue.requestId,
            // A diagnostics aid, not shown to scoped readers: it could tell a hidden unit from a missing one.
            ...(scoped(contextValue) ? {} : { cypherRoundTrips: contextValue.roundTrips.count }),
          };
        },
      };
    },
  };
}

/** /health, /ready, the calendar feed, the explorer, the exports and GraphiQL, each with a 405 for the wrong method. */
function mountRoutes(app: Express, deps: ServerDeps, isDraining: () => boolean): void {
  mountHealth(app, deps.db, isDraining);
  app.all(["/health", "/ready"], methodNotAllowed(["GET", "HEAD"]));
  mountCalendarFeed(app, deps);
  app.all("/calendar/:file", methodNotAllowed(["GET", "HEAD"]));
  mountExplorer(app, deps.log);
  app.all(
    ["/explorer", "/explorer/assets/explorer.js", "/explorer/assets/explorer.css"],
    methodNotAllowed(["GET", "HEAD"]),
  );
  // One cap for every download (the exports, the diff exports and the registry), one per client;
  // registry imports have their own, so that downloads never lock editors out.
  const cap = () =>
    new ExportSlots(deps.config.EXPORT_CONCURRENCY, {
      perClient: 1,
      clientOf: clientAddressOf(deps.config.TRUST_PROXY),
    });
  const files = { ...deps, slots: cap(), imports: cap() };
  mountDiffExports(app, files);
  mountExports(app, files);
  app.all("/export/:file", methodNotAllowed(["GET", "HEAD"]));
  mountRegistry(app, files);
  if (!deps.config.GRAPHIQL) return;
  mountGraphiql(app);
  app.get("/", (_req, res) => res.redirect("/graphiql"));
  app.get("/graphql", (req, res, next) => {
    if (req.accepts(["application/json", "text/html"]) === "text/html" && !req.query.query)
      res.type("html").send(graphiqlPage("/graphql"));
    else next();
  });
}

/** A request's context: its token verified and its reading allowed, or the request stops here. */
function graphqlContext(deps: ServerDeps) {
  const { log } = deps;
  return async ({ req, res }: { req: Request; res: Response }): Promise<Context> => {
    const requestId = requestIdOf(res);
    try {
      const context = await readerContext(deps, requestId, req.headers.authorization);
      context.roundTrips.budget = budgetOf(res);
      const etagVersions = versionsReadForEtag(res);
      if (etagVersions) {
        context.loaders.learn(etagVersions);
        context.roundTrips.count++;
      }
      return context;
    } catch (e) {
      if (!(e instanceof DomainError)) {
        log.error({ err: e, requestId }, "request failed");
        throw new MaskedError(requestId);
      }
      // A refused token or read: the request stops here, with the code and a 401 / 403.
      throw new GraphQLError(e.message, {
        extensions: { code: e.code, ...e.details, http: { status: statusOfDomainError(e) } },
      });
    }
  };
}

/** Listens on `port` (0: any free one) and resolves with the port; a port in use is a PortInUseError. */
function listen(httpServer: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      httpServer.off("listening", onListening);
      if (err.code === "EADDRINUSE")
        reject(
          new PortInUseError(
            `HTTP port ${port} is already in use: stop the other process or set PORT to a free port.`,
          ),
        );
      else reject(err);
    };
    const onListening = () => {
      httpServer.off("error", onError);
      resolve((httpServer.address() as AddressInfo).port);
    };
    httpServer.once("error", onError);
    httpServer.once("listening", onListening);
    httpServer.listen(port, host);
  });
}
