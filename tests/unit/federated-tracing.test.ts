/**
 * The errors an ftv1 trace records (src/graphql/federated-tracing.ts): what the client sees, with
 * its code, and nothing of an unexpected error. The copy made here is the one Apollo's trace
 * builder hands its transform: the error's own enumerable properties, without `originalError`.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { badInput } from "../../src/domain/errors.ts";
import { federatedTracingPlugins, traceError } from "../../src/graphql/federated-tracing.ts";

/** A resolver's error as graphql-js reports it: wrapped, with a path. */
const located = (original: Error) =>
  new GraphQLError(original.message, { path: ["reportingChain"], originalError: original });

const builderCopy = (error: GraphQLError): GraphQLError =>
  Object.assign(Object.create(Object.getPrototypeOf(error)), error);

/** Runs the marking plugin's hooks for one request with the given headers and errors. */
async function mark(headers: Record<string, string>, errors: GraphQLError[]): Promise<void> {
  const [marker] = federatedTracingPlugins({ FEDERATED_TRACING: true }) as ApolloServerPlugin[];
  const listener = await marker?.requestDidStart?.({
    request: { http: { headers: new Map(Object.entries(headers)) } },
  } as never);
  await listener?.didEncounterErrors?.({ errors } as never);
}

describe("an ftv1 trace's errors", () => {
  it("keep a domain error's message and code, and nothing else", async () => {
    const error = located(badInput("asOf", "must be a date"));
    await mark({ "apollo-federation-include-trace": "ftv1" }, [error]);
    const traced = traceError(builderCopy(error));
    expect(traced.message).toBe(error.message);
    expect(traced.extensions).toEqual({ code: "BAD_USER_INPUT" });
  });

  it("mask an unexpected error", async () => {
    const error = located(new Error("Neo.ClientError.Statement.SyntaxError at bolt://10.0.0.5:7687"));
    await mark({ "apollo-federation-include-trace": "ftv1" }, [error]);
    const traced = traceError(builderCopy(error));
    expect(traced.message).toBe("Internal server error");
    expect(JSON.stringify(traced.toJSON())).not.toContain("bolt://");
    expect(traced.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("are not even marked when the request did not ask for a trace", async () => {
    const error = located(badInput("asOf", "must be a date"));
    await mark({}, [error]);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
  });

  it("come from no plugin at all with FEDERATED_TRACING=false", () => {
    const plugins = federatedTracingPlugins({ FEDERATED_TRACING: false });
    expect(plugins).toHaveLength(1);
    expect((plugins[0] as { __is_disabled_plugin__?: boolean }).__is_disabled_plugin__).toBe(true);
  });
});
