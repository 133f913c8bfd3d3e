/**
 * OpenTelemetry tracing (README, "Traces"): off unless OTEL_TRACES_EXPORTER names an exporter;
 * then one span per GraphQL operation (src/observability/graphql-plugin.ts), continuing the
 * trace of an incoming W3C `traceparent`, with a child span per Cypher statement, named by the
 * statement (src/observability/statement-names.ts) and never carrying its parameters. The
 * .ics feed and the exports get a server span each, with their statements under it.
 *
 * Off, nothing here runs: no provider is registered, so the API's tracer is the no-op one, and
 * no async context is kept (Node's AsyncLocalStorage costs a hook on every promise).
 */
import {
  context,
  createContextKey,
  DiagLogLevel,
  diag,
  type Context as OtelContext,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { envDetectorSync, Resource } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
} from "@opentelemetry/semantic-conventions";
import type { RequestHandler, Response } from "express";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";

/** What a /graphql request's context carries until its operation span exists (set by the plugin). */
interface OperationSlot {
  span?: Span;
}

const OPERATION = createContextKey("party-org-graph graphql operation");

/** The routes whose requests are traced; /graphql's span is the operation's. */
const TRACED_ROUTES = ["/graphql", "/calendar", "/export"];

let provider: NodeTracerProvider | undefined;

/**
 * Registers the process's tracer provider, the async context it needs and the W3C propagator,
 * once: they are process-wide. `exporter` replaces the one OTEL_TRACES_EXPORTER names (tests).
 */
export function startTracing(config: Config, log?: Logger, exporter?: SpanExporter): NodeTracerProvider {
  if (provider) return provider;
  // The SDK's own troubles (a collector that cannot be reached, a bad sampler) go to our log.
  if (log)
    diag.setLogger(
      {
        error: (message) => log.warn({ otel: true }, message),
        warn: (message) => log.warn({ otel: true }, message),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
  provider = new NodeTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment=…, service.instance.id=…), then our name.
    resource: envDetectorSync.detect().merge(new Resource({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME })),
    spanProcessors: [processorOf(config, exporter)],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return provider;
}

function processorOf(config: Config, exporter: SpanExporter | undefined): SpanProcessor {
  if (exporter) return new SimpleSpanProcessor(exporter);
  if (config.OTEL_TRACES_EXPORTER === "console") return new SimpleSpanProcessor(new ConsoleSpanExporter());
  // Unset, the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS / _TIMEOUT … itself.
  const url =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT &&
      `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, "")}/v1/traces`);
  return new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
}

/** Reads traceparent from Apollo's header map. */
const headerMapGetter: TextMapGetter<Map<string, string>> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key.toLowerCase()),
};

export class Tracing {
  private readonly tracer = trace.getTracer("party-org-graph");

  constructor(
    private readonly provider: NodeTracerProvider,
    private readonly database: string | undefined,
  ) {}

  /**
   * Gives each traced request the context of its incoming traceparent, kept across the body's
   * reading (the request and response emitters are bound to it, as OpenTelemetry's HTTP
   * instrumentation does). /calendar and /export get their server span here.
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const route = TRACED_ROUTES.find((r) => req.path === r || req.path.startsWith(`${r}/`));
      if (!route) return next();
      let ctx = propagation.extract(ROOT_CONTEXT, req.headers);
      if (route === "/graphql") ctx = ctx.setValue(OPERATION, {} satisfies OperationSlot);
      else ctx = trace.setSpan(ctx, this.routeSpan(req.method, route, res, ctx));
      context.bind(ctx, req);
      context.bind(ctx, res);
      context.with(ctx, next);
    };
  }

  private routeSpan(method: string, route: string, res: Response, ctx: OtelContext): Span {
    const span = this.tracer.startSpan(
      `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route } },
      ctx,
    );
    res.once("close", () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return span;
  }

  /** The operation span of a /graphql request, child of its traceparent; named once the operation is known. */
  operationStarted(headers: Map<string, string> | undefined): Span {
    const active = context.active();
    const parent = headers ? propagation.extract(active, headers, headerMapGetter) : active;
    const span = this.tracer.startSpan("GraphQL Operation", { kind: SpanKind.SERVER }, parent);
    const slot = active.getValue(OPERATION) as OperationSlot | undefined;
    if (slot) slot.span = span;
    return span;
  }

  /** A statement's span, under the request's operation or route span; none outside a traced request. */
  statementStarted(statement: string, mode: "READ" | "WRITE"): ((error?: unknown) => void) | undefined {
    const active = context.active();
    const parent = (active.getValue(OPERATION) as OperationSlot | undefined)?.span ?? trace.getSpan(active);
    if (!parent) return undefined;
    const span = this.tracer.startSpan(
      statement,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: "neo4j",
          [ATTR_DB_QUERY_SUMMARY]: statement,
          "db.neo4j.access_mode": mode,
          ...(this.database ? { [ATTR_DB_NAMESPACE]: this.database } : {}),
        },
      },
      trace.setSpan(active, parent),
    );
    return (error) => {
      // The error's type or Neo4j code only: a message may quote the values a statement was given.
      if (error !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
  }

  /** Sends the spans still buffered (at shutdown). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code) return code;
  return error instanceof Error ? error.name : "Error";
}
