/**
 * Federated tracing (ftv1): Apollo's inline-trace plugin. A gateway or router asks for a trace with
 * the `apollo-federation-include-trace: ftv1` header and gets the per-field timings in the
 * answer's `extensions.ftv1`; a request without the header is not timed at all. The trace's errors
 * carry only what the client sees anyway (an unexpected error masked) with their code: no stack, no details.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Config } from "../config.ts";
import { formatError } from "./errors.ts";

const TRACE_HEADER = "apollo-federation-include-trace";

/**
 * The error as the client sees it, set on each error of a traced request. The inline-trace plugin
 * hands its transform a copy of the error's own enumerable properties, without `originalError`
 * (so formatError could not tell a domain error from a fault): an enumerable symbol survives the copy.
 */
const SHOWN = Symbol("shownToClient");
type Marked = GraphQLError & { [SHOWN]?: GraphQLFormattedError };

/** The plugins, in this order (the first marks the errors the second records). */
export function federatedTracingPlugins(config: Pick<Config, "FEDERATED_TRACING">): ApolloServerPlugin[] {
  if (!config.FEDERATED_TRACING) return [ApolloServerPluginInlineTraceDisabled()];
  return [markErrorsPlugin(), ApolloServerPluginInlineTrace({ includeErrors: { transform: traceError } })];
}

function markErrorsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      if (request.http?.headers.get(TRACE_HEADER) !== "ftv1") return;
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) (error as Marked)[SHOWN] = formatError(error.toJSON(), error);
        },
      };
    },
  };
}

/** The error as a trace records it: the message the client sees and its code; unmarked, masked. */
export function traceError(error: GraphQLError): GraphQLError {
  const shown = (error as Marked)[SHOWN];
  const code = shown?.extensions?.code;
  return new GraphQLError(shown?.message ?? "Internal server error", {
    extensions: { code: typeof code === "string" ? code : "INTERNAL_SERVER_ERROR" },
  });
}
