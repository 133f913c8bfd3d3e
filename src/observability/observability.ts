/**
 * Metrics and traces, wired into the server by one mount call and one plugin (src/server.ts):
 * the /metrics route and the request middlewares, the Apollo plugin, and the observer of the
 * database's statements. What is off costs nothing: no observer, no middleware, no hooks.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Express } from "express";
import type { Config } from "../config.ts";
import type { Context } from "../graphql/context.ts";
import type { ResultCache } from "../graphql/result-cache.ts";
import type { Logger } from "../logger.ts";
import type { Database } from "../store/database.ts";
import { observabilityPlugin } from "./graphql-plugin.ts";
import { LabelBounds } from "./labels.ts";
import { Metrics, mountMetrics } from "./metrics.ts";
import { StatementNames } from "./statement-names.ts";
import { startTracing, Tracing } from "./tracing.ts";

export interface Observability {
  /** Mounts /metrics and the counting and tracing middlewares: call before the routes they watch. */
  mount(app: Express): void;
  plugin: ApolloServerPlugin<Context>;
}

export function createObservability(deps: {
  db: Database;
  config: Config;
  log: Logger;
  cache: ResultCache | null;
}): Observability {
  const { db, config, log } = deps;
  const metrics = config.METRICS ? new Metrics({ db, cache: deps.cache, embedded: !config.NEO4J_URI }) : null;
  const tracing = config.TRACING ? new Tracing(startTracing(config, log), db.database) : null;
  log.info(
    {
      metrics: metrics ? (config.METRICS_TOKEN ? "on, bearer token" : "on, open") : "off",
      traces: tracing ? config.OTEL_TRACES_EXPORTER : "off",
    },
    "observability",
  );
  if (metrics || tracing) {
    const names = new StatementNames();
    db.observer = {
      started(cypher, mode) {
        const name = names.of(cypher);
        const measured = metrics?.statementStarted(name, mode);
        const traced = tracing?.statementStarted(name, mode);
        return (error) => {
          measured?.(error);
          traced?.(error);
        };
      },
    };
  }
  return {
    mount(app) {
      if (tracing) app.use(tracing.middleware());
      if (!metrics) return;
      app.use(metrics.routeCounter());
      mountMetrics(app, metrics, config.METRICS_TOKEN);
    },
    plugin: observabilityPlugin({
      metrics,
      tracing,
      labels: new LabelBounds(),
      stop: async () => {
        db.observer = undefined;
        metrics?.close();
        // A collector that cannot be reached must not fail the shutdown.
        await tracing?.flush().catch((err: unknown) => log.warn({ err }, "could not send the last spans"));
      },
    }),
  };
}
