/** Assembles the subgraph schema from schema/*.graphql (one file per area) and the resolvers. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLSchema,
  isObjectType,
  Kind,
  parse,
} from "graphql";
import { SCHEMA_DIR } from "../asset-paths.ts";
import { checkRepresentations, checkScalars, holdsChecked } from "./arguments.ts";
import { resolvers } from "./resolvers/index.ts";

export function readTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), "utf8"))
    .join("\n");
}

export function buildSchema(): GraphQLSchema {
  const typeDefs = parse(readTypeDefs());
  const schema = buildSubgraphSchema({ typeDefs, resolvers });
  guardEntities(schema, entityKeys(typeDefs));
  guardScalars(schema);
  return schema;
}

/** Every field that takes a Date or an ID (directly or inside an input) checks it before its resolver runs. */
function guardScalars(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const checked = field.args.filter((a) => holdsChecked(a.type));
      if (checked.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        for (const a of checked) checkScalars(args[a.name], a.type, a.name);
        return resolve(source, args, context, info);
      };
    }
  }
}

/** Each entity type (`@key(fields: "…")`) with its key fields. */
export function entityKeys(typeDefs: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of def.directives ?? []) {
      const fields = directive.arguments?.find((a) => a.name.value === "fields")?.value;
      if (directive.name.value === "key" && fields?.kind === Kind.STRING)
        keys.set(def.name.value, fields.value.split(/\s+/).filter(Boolean));
    }
  }
  return keys;
}

/**
 * `_entities` hands each representation to a type's `__resolveReference` unchecked: a
 * representation that is not an entity reference would fail there as an internal error. It is
 * refused first, as BAD_USER_INPUT naming `representations` and the index.
 */
function guardEntities(schema: GraphQLSchema, keys: Map<string, string[]>): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve;
  if (!field || !resolve) return;
  field.resolve = (source, args, context, info) => {
    checkRepresentations(args.representations, keys);
    return resolve(source, args, context, info);
  };
}
