/**
 * The Neo4j GraphQL Library's subgraph over the bench database, served exactly as ours is
 * (Apollo Server 5 on Express 5, the same runtime settings and Apollo plugins), so that the
 * comparison is between the GraphQL layers.
 * Run as a child process by bench/run.ts: NEO4J_URI, NEO4J_PASSWORD, PORT. It prints
 * `READY <url>`; GET /stats returns the number of Cypher statements it has run.
 */
// As our server: NODE_ENV=production and the same heap growth, before anything else loads.
import "../../src/runtime.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import { Neo4jGraphQL } from "@neo4j/graphql";
import express from "express";
import neo4j, { type Driver, type ManagedTransaction } from "neo4j-driver";
import { typeDefs } from "./type-defs.ts";

let statements = 0;

/** Counts every statement the library runs (it uses session.executeRead / executeWrite). */
function countingDriver(driver: Driver): Driver {
  const open = driver.session.bind(driver);
  driver.session = ((config: Parameters<Driver["session"]>[0]) => {
    const session = open(config);
    const wrap =
      (fn: typeof session.executeRead) =>
      <T>(work: (tx: ManagedTransaction) => Promise<T> | T, txConfig?: Parameters<typeof fn>[1]) =>
        fn(
          (tx) =>
            work(
              new Proxy(tx, {
                get(target, prop, receiver) {
                  if (prop === "run") {
                    return (...args: Parameters<ManagedTransaction["run"]>) => {
                      statements++;
                      return target.run(...args);
                    };
                  }
                  return Reflect.get(target, prop, receiver);
                },
              }),
            ),
          txConfig,
        );
    session.executeRead = wrap(session.executeRead.bind(session)) as typeof session.executeRead;
    session.executeWrite = wrap(session.executeWrite.bind(session)) as typeof session.executeWrite;
    return session;
  }) as Driver["session"];
  return driver;
}

async function main(): Promise<void> {
  const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7801";
  const driver = countingDriver(
    neo4j.driver(uri, neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""), {
      maxConnectionPoolSize: 50,
      userAgent: "bench-neo4j-graphql",
    }),
  );
  const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
  const schema = await neoSchema.getSubgraphSchema();
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer({
    schema,
    introspection: true,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  app.get("/stats", (_req, res) => {
    res.json({ statements });
  });
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, { context: async () => ({}) }),
  );
  await new Promise<void>((resolve) =>
    httpServer.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve),
  );
  const port = (httpServer.address() as AddressInfo).port;
  console.log(`READY http://127.0.0.1:${port}/graphql`);
  const stop = async () => {
    await apollo.stop();
    httpServer.close();
    await driver.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error("neo4j-graphql server failed:", e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
