import { buildSchema, getIntrospectionQuery, graphqlSync, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { fuzzRequests, HOSTILE_STRINGS } from "../support/fuzz-requests.ts";

const schema = buildSchema(`
  scalar Date
  enum Kind { CELL COMMITTEE }
  input NewThing { id: ID!, name: String!, kind: Kind!, note: String }
  type Thing { id: ID! }
  type Query { thing(id: ID!, asOf: Date, first: Int): Thing, count: Int! }
  type Mutation { create(input: NewThing!, basis: [ID!]!): Thing! }
`);
const introspection = graphqlSync({ schema, source: getIntrospectionQuery() })
  .data as unknown as IntrospectionQuery;

describe("fuzzRequests", () => {
  const requests = fuzzRequests(introspection, {
    query: { id: "unit-a" },
    mutation: { basis: ["provision-1"], "NewThing.id": "new-unit" },
    fallback: "other",
  });

  it("puts one hostile value in one position, every other argument valid", () => {
    const onAsOf = requests.filter((r) => r.label.startsWith("thing(asOf:"));
    expect(onAsOf.length).toBeGreaterThanOrEqual(HOSTILE_STRINGS.length);
    for (const r of onAsOf) {
      expect(r.variables.id).toBe("unit-a");
      expect(r.variables.first).toBe(5);
      expect(r.query).toBe(
        "query ($id: ID!, $asOf: Date, $first: Int) { thing(id: $id, asOf: $asOf, first: $first) { __typename } }",
      );
    }
    expect(onAsOf.map((r) => r.variables.asOf)).toContain("2025-02-30");
  });

  it("reaches the fields of input objects, and leaves fields without arguments alone", () => {
    const onName = requests.filter((r) => r.label.startsWith("create(input.name:"));
    expect(onName.length).toBeGreaterThan(10);
    for (const r of onName) {
      expect(r.mutation).toBe(true);
      expect(r.variables.basis).toEqual(["provision-1"]);
      expect((r.variables.input as { id: string }).id).toBe("new-unit");
      expect((r.variables.input as { kind: string }).kind).toBe("CELL");
    }
    expect(requests.some((r) => r.label.startsWith("count"))).toBe(false);
    expect(
      requests.filter((r) => r.label.startsWith("create(input.kind:")).map((r) => r.variables.input),
    ).toContainEqual(expect.objectContaining({ kind: "NOPE" }));
  });

  it("sends wrong types, null for required arguments, huge lists and out-of-range integers", () => {
    const onFirst = requests.filter((r) => r.label.startsWith("thing(first:")).map((r) => r.variables.first);
    expect(onFirst).toEqual(expect.arrayContaining([-1, 2_147_483_647, 1e308, "5", true, {}]));
    const onId = requests.filter((r) => r.label.startsWith("thing(id:")).map((r) => r.variables.id);
    expect(onId).toContain(null);
    const onBasis = requests.filter((r) => r.label.startsWith("create(basis:")).map((r) => r.variables.basis);
    expect(onBasis.some((v) => Array.isArray(v) && v.length === 10_000)).toBe(true);
  });
});
