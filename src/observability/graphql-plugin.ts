/**
 * The Apollo Server plugin of src/observability: per request, the metrics (operation, outcome,
 * latency, error codes, round trips) and the operation span (traces). Requests refused before
 * the pipeline (a refused token, a malformed HTTP request) are counted under operation
 * "unknown". With neither metrics nor traces it has no hooks at all.
 */
import type { ApolloServerPlugin, GraphQLRequestListener, GraphQLResponse } from "@apollo/server";
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import type { Context } from "../graphql/context.ts";
import { type LabelBounds, UNKNOWN_OPERATION } from "./labels.ts";
import type { Metrics, Outcome } from "./metrics.ts";
import type { Tracing } from "./tracing.ts";

interface PluginParts {
  metrics: Metrics | null;
  tracing: Tracing | null;
  labels: LabelBounds;
  /** Run when Apollo stops (flushes buffered spans). */
  stop: () => Promise<void>;
}

export function observabilityPlugin(parts: PluginParts): ApolloServerPlugin<Context> {
  const { metrics, tracing, labels } = parts;
  if (!metrics && !tracing) return {};
  const refused = (error: unknown) =>
    metrics?.request({
      operation: UNKNOWN_OPERATION,
      type: "unknown",
      outcome: "error",
      seconds: null,
      roundTrips: null,
      errorCodes: [labels.code((error as { extensions?: { code?: unknown } }).extensions?.code)],
    });
  return {
    async serverWillStart() {
      return { serverWillStop: parts.stop };
    },
    async contextCreationDidFail({ error }) {
      refused(error);
    },
    async invalidRequestWasReceived({ error }) {
      refused(error);
    },
    async requestDidStart({ request }): Promise<GraphQLRequestListener<Context>> {
      const start = process.hrtime.bigint();
      const span = tracing?.operationStarted(request.http?.headers);
      let operation = UNKNOWN_OPERATION;
      let type = "unknown";
      return {
        async didResolveOperation({ operation: op, operationName }) {
          operation = labels.operation(operationName ?? op?.name?.value);
          type = op?.operation ?? "unknown";
          span?.updateName(operationName ? `${type} ${operationName}` : type);
          span?.setAttributes({
            "graphql.operation.type": type,
            ...(operationName ? { "graphql.operation.name": operationName } : {}),
          });
        },
        async willSendResponse({ response, contextValue }) {
          const { outcome, codes } = outcomeOf(response, labels);
          metrics?.request({
            operation,
            type,
            outcome,
            seconds: Number(process.hrtime.bigint() - start) / 1e9,
            roundTrips: contextValue.roundTrips?.count ?? null,
            errorCodes: codes,
          });
          if (span) endOperationSpan(span, outcome, codes);
        },
      };
    },
  };
}

/** success: no errors; partial: errors beside data; error: errors and no data. */
function outcomeOf(response: GraphQLResponse, labels: LabelBounds): { outcome: Outcome; codes: string[] } {
  if (response.body.kind !== "single") return { outcome: "success", codes: [] };
  const { errors, data } = response.body.singleResult;
  if (!errors?.length) return { outcome: "success", codes: [] };
  const codes = errors.map((e) => labels.code(e.extensions?.code));
  return { outcome: data ? "partial" : "error", codes };
}

function endOperationSpan(span: Span, outcome: Outcome, codes: string[]): void {
  span.setAttribute("graphql.outcome", outcome);
  if (codes.length > 0) {
    span.setAttribute("graphql.error.codes", [...new Set(codes)]);
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] });
  }
  span.end();
}
