/**
 * Hostile GraphQL requests generated from the schema: for every argument of
 * every Query and Mutation field — and every field of an input object argument — a request
 * where that one value is hostile (a wrong type, an edge value, metacharacters) and every other
 * argument is valid, so that the hostile value is what the service must refuse. Pure: it reads
 * an introspection result and returns requests.
 */
import {
  buildClientSchema,
  type GraphQLArgument,
  GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLObjectType,
  GraphQLScalarType,
  getNamedType,
  type IntrospectionQuery,
  isLeafType,
} from "graphql";

export interface FuzzRequest {
  /** Which field and argument path carries the hostile value, and which value it is. */
  label: string;
  query: string;
  variables: Record<string, unknown>;
  mutation: boolean;
}

/** Valid values for ID arguments, by argument name, for reads and for writes (a sandbox). */
export interface ValidIds {
  query: Record<string, unknown>;
  mutation: Record<string, unknown>;
  /** The id for an ID argument not named in the maps above. */
  fallback: string;
}

const LONG = "a".repeat(100_000);

/** Strings that must never do harm: injections, control and bidi characters, bad dates, huge ones. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  LONG,
  "\u0000",
  "ab\u0000cd",
  "\u202Egnp.exe",
  "\u2066isolate\u2069",
  "' OR 1=1 --",
  '") MATCH (n) DETACH DELETE n //',
  "`; CALL dbms.shutdown() //",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  "${process.exit()}",
  "{{7*7}}",
  "../../../../etc/passwd",
  "%00%2e%2e",
  "<script>alert(1)</script>",
  "🙂".repeat(50),
  "2025-02-30",
  "9999-12-31",
  "0000-00-00",
  "March 7, 2024",
  "-1",
  "1e308",
  "null",
];

const HOSTILE_INTS: readonly unknown[] = [-1, 0, 2_147_483_647, -2_147_483_648, 1e308, 1.5, "5"];
const WRONG_TYPES: readonly unknown[] = [123, true, {}, [], JSON.parse('{"__proto__": {"admin": true}}')];

/** The hostile values for a position of this type (hostile for what the type means, and wrong types). */
function hostileValues(type: GraphQLInputType): unknown[] {
  const named = getNamedType(type);
  const values: unknown[] = [...WRONG_TYPES];
  if (type instanceof GraphQLNonNull) values.push(null);
  const inner = type instanceof GraphQLNonNull ? type.ofType : type;
  if (inner instanceof GraphQLList) {
    values.push(
      Array.from({ length: 10_000 }, (_, i) => `x-${i}`),
      [null],
      [[]],
    );
  }
  if (named instanceof GraphQLEnumType) values.push("NOPE", "", named.getValues()[0]?.name.toLowerCase());
  else if (named instanceof GraphQLScalarType && (named.name === "Int" || named.name === "Float"))
    values.push(...HOSTILE_INTS);
  else if (named instanceof GraphQLScalarType) values.push(...HOSTILE_STRINGS);
  return values;
}

function validValue(
  type: GraphQLInputType,
  name: string,
  ids: Record<string, unknown>,
  fallback: string,
): unknown {
  if (type instanceof GraphQLNonNull) return validValue(type.ofType, name, ids, fallback);
  if (type instanceof GraphQLList) {
    const one = ids[name];
    return Array.isArray(one) ? one : [validValue(type.ofType, name, ids, fallback)];
  }
  if (type instanceof GraphQLEnumType) return type.getValues()[0]?.name;
  if (type instanceof GraphQLInputObjectType) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields()))
      if (field.type instanceof GraphQLNonNull || ids[`${type.name}.${field.name}`] !== undefined)
        out[field.name] =
          ids[`${type.name}.${field.name}`] ?? validValue(field.type, field.name, ids, fallback);
    return out;
  }
  if (name in ids && !Array.isArray(ids[name])) return ids[name];
  switch ((type as GraphQLScalarType).name) {
    case "Date":
      return "2025-07-01";
    case "Int":
      return 5;
    case "Float":
      return 1.5;
    case "Boolean":
      return true;
    case "ID":
      return fallback;
    default:
      return "tinh uy";
  }
}

/** A selection for the field's type: `__typename` for objects, nothing for leaves. */
function selection(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
}

function document(
  operation: "query" | "mutation",
  field: GraphQLField<unknown, unknown>,
  args: readonly GraphQLArgument[],
): string {
  const defs = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const uses = args.map((a) => `${a.name}: $${a.name}`).join(", ");
  return `${operation}${defs ? ` (${defs})` : ""} { ${field.name}${uses ? `(${uses})` : ""}${selection(field)} }`;
}

/** Describes a value for a label, briefly. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…(${text.length})` : text;
}

/** Every position a hostile value can take: each argument, and each field of an input object argument. */
function positions(arg: GraphQLArgument): { path: string[]; type: GraphQLInputType }[] {
  const out: { path: string[]; type: GraphQLInputType }[] = [{ path: [arg.name], type: arg.type }];
  const named = getNamedType(arg.type);
  if (named instanceof GraphQLInputObjectType)
    for (const f of Object.values(named.getFields()) as GraphQLInputField[]) {
      out.push({ path: [arg.name, f.name], type: f.type });
      const inner = getNamedType(f.type);
      if (inner instanceof GraphQLInputObjectType)
        for (const g of Object.values(inner.getFields()))
          out.push({ path: [arg.name, f.name, g.name], type: g.type });
    }
  return out;
}

function withValue(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    target[key] = next && typeof next === "object" && !Array.isArray(next) ? next : {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1] as string] = value;
  return copy;
}

/** The generated requests: one per (field, argument position, hostile value). */
export function fuzzRequests(introspection: IntrospectionQuery, ids: ValidIds): FuzzRequest[] {
  const schema = buildClientSchema(introspection);
  const requests: FuzzRequest[] = [];
  const roots: [GraphQLObjectType | null | undefined, "query" | "mutation"][] = [
    [schema.getQueryType(), "query"],
    [schema.getMutationType(), "mutation"],
  ];
  for (const [root, operation] of roots) {
    if (!root) continue;
    const known = operation === "query" ? ids.query : ids.mutation;
    for (const field of Object.values(root.getFields())) {
      if (field.args.length === 0) continue;
      const query = document(operation, field, field.args);
      const base: Record<string, unknown> = {};
      for (const a of field.args)
        base[a.name] = known[`${field.name}.${a.name}`] ?? validValue(a.type, a.name, known, ids.fallback);
      for (const arg of field.args)
        for (const { path, type } of positions(arg))
          for (const value of hostileValues(type))
            requests.push({
              label: `${field.name}(${path.join(".")}: ${show(value)})`,
              query,
              variables: withValue(base, path, value),
              mutation: operation === "mutation",
            });
    }
  }
  return requests;
}
