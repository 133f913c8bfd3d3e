/**
 * The supergraph config (supergraph.yaml) and its composition: every subgraph's SDL composed with
 * @apollo/composition and with @theguild/federation-composition. Both must accept it and agree on
 * the API schema; Apollo's supergraph SDL is the one checked in and served by the gateway.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { composeServices as composeWithApollo } from "@apollo/composition";
import { composeServices as composeWithGuild } from "@theguild/federation-composition";
import { buildSchema, type GraphQLSchema, lexicographicSortSchema, parse, printSchema } from "graphql";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONFIG_FILE = join(ROOT, "supergraph.yaml");
export const SUPERGRAPH_FILE = join(ROOT, "supergraph.graphql");

const subgraphSchema = z.object({
  routing_url: z.url(),
  schema: z.union([z.object({ file: z.string() }), z.object({ dir: z.string() })]),
  start: z.string().optional(),
});
const configSchema = z.object({ subgraphs: z.record(z.string(), subgraphSchema) });

export interface SubgraphConfig {
  name: string;
  url: string;
  /** The subgraph's SDL as its files hold it. */
  typeDefs: string;
  /** The command that starts it, run from the repository root. */
  start?: string;
}

export function loadSupergraphConfig(file = CONFIG_FILE): SubgraphConfig[] {
  const parsed = configSchema.safeParse(parseYaml(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return Object.entries(parsed.data.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    typeDefs: "file" in s.schema ? readFileSync(resolve(ROOT, s.schema.file), "utf8") : readDir(s.schema.dir),
    start: s.start,
  }));
}

/** Every *.graphql file of a folder, in name order (as src/graphql/schema.ts reads ours). */
function readDir(dir: string): string {
  const abs = resolve(ROOT, dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => readFileSync(join(abs, f), "utf8"))
    .join("\n");
}

export class CompositionError extends Error {
  override name = "CompositionError";
}

/** The supergraph SDL (Apollo's), once both composers accepted the subgraphs and agree on the API schema. */
export function composeSupergraph(subgraphs: SubgraphConfig[]): string {
  const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.typeDefs) }));
  const apollo = composeWithApollo(services);
  if (apollo.errors) throw new CompositionError(`@apollo/composition:\n${messages(apollo.errors)}`);
  const guild = composeWithGuild(services);
  if (guild.errors)
    throw new CompositionError(`@theguild/federation-composition:\n${messages(guild.errors)}`);
  const apolloApi = printSorted(apollo.schema.toAPISchema().toGraphQLJSSchema());
  const guildApi = printSorted(buildSchema(guild.publicSdl));
  if (apolloApi !== guildApi)
    throw new CompositionError(
      "@apollo/composition and @theguild/federation-composition disagree on the API schema",
    );
  return apollo.supergraphSdl;
}

function messages(errors: readonly Error[]): string {
  return errors.map((e) => `  - ${e.message}`).join("\n");
}

function printSorted(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema));
}
