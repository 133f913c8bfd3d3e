/** Assembles the subgraph schema from schema/*.graphql (one file per area) and the resolvers. */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import type { GraphQLSchema } from "graphql";
import { parse } from "graphql";
import { resolvers } from "./resolvers/index.ts";

const SCHEMA_DIR = fileURLToPath(new URL("../../schema/", import.meta.url));

export function readTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => readFileSync(SCHEMA_DIR + f, "utf8"))
    .join("\n");
}

export function buildSchema(): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(readTypeDefs()),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}
