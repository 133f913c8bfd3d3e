/**
 * The personnel subgraph's own small server (Apollo Server, standalone). Run it alone with
 * `npx tsx examples/personnel/server.ts` (PORT, default 4002), or let
 * `npm run supergraph` start it.
 */

import { pathToFileURL } from "node:url";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildPersonnelSchema } from "./subgraph.ts";

export interface RunningPersonnel {
  url: string;
  stop(): Promise<void>;
}

export async function startPersonnelServer(port: number, host = "127.0.0.1"): Promise<RunningPersonnel> {
  const server = new ApolloServer({
    schema: buildPersonnelSchema(),
    includeStacktraceInErrorResponses: false,
    // Traces for a gateway that asks (the default for a subgraph, here without its start-up log line).
    plugins: [ApolloServerPluginInlineTrace()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return { url: new URL("/graphql", url).toString(), stop: () => server.stop() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 4002);
  const running = await startPersonnelServer(port);
  console.log(`personnel subgraph (synthetic data) ready at ${running.url}`);
}
