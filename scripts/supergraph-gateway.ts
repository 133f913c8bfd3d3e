/**
 * The federation gateway: @apollo/gateway over the checked-in supergraph SDL, served by Apollo
 * Server. It forwards the client's `Authorization` header to every subgraph, so that the org
 * subgraph's READ_ACCESS and scopes apply to the reader behind the gateway.
 */
import {
  ApolloGateway,
  type GraphQLDataSourceProcessOptions,
  RemoteGraphQLDataSource,
} from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

interface GatewayContext {
  authorization?: string;
}

/** What the gateway sends a subgraph: its name and the GraphQL request (for logs and tests). */
export interface SubgraphRequest {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
}

class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraph: string,
    private readonly onRequest?: (request: SubgraphRequest) => void,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.authorization) request.http?.headers.set("authorization", context.authorization);
    this.onRequest?.({
      subgraph: this.subgraph,
      query: request.query ?? "",
      variables: request.variables ?? {},
    });
  }
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(opts: {
  supergraphSdl: string;
  port: number;
  host?: string;
  /** Where to reach a subgraph instead of the routing URL the supergraph SDL names (by subgraph name). */
  subgraphUrls?: Record<string, string>;
  /** Called for every request the gateway sends a subgraph. */
  onSubgraphRequest?: (request: SubgraphRequest) => void;
}): Promise<RunningGateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) =>
      new ForwardingDataSource(opts.subgraphUrls?.[name] ?? url ?? "", name, opts.onSubgraphRequest),
  });
  const server = new ApolloServer<GatewayContext>({ gateway, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port: opts.port, host: opts.host ?? "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url: new URL("/graphql", url).toString(), stop: () => server.stop() };
}
