/** The SDL's enums follow the domain tables, and every type, field and enum value is described. */
import { type GraphQLNamedType, isEnumType, isInputObjectType, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { FREQUENCY_NAMES } from "../../src/domain/frequencies.ts";
import { RELATION_TYPE_NAMES, TASK_ROLE_NAMES } from "../../src/domain/relation-types.ts";
import { UNIT_KIND_NAMES } from "../../src/domain/unit-kinds.ts";
import { buildSchema, readTypeDefs } from "../../src/graphql/schema.ts";

const schema = buildSchema();

describe("schema", () => {
  it("has the enums of the domain, value for value", () => {
    const values = (name: string) => {
      const t = schema.getType(name);
      return isEnumType(t) ? t.getValues().map((v) => v.name) : [];
    };
    expect(values("UnitKind")).toEqual(UNIT_KIND_NAMES);
    expect(values("Frequency")).toEqual(FREQUENCY_NAMES);
    expect(values("RelationType")).toEqual(RELATION_TYPE_NAMES);
    expect(values("TaskRole")).toEqual(TASK_ROLE_NAMES);
  });

  it("describes every type, field, argument-bearing field and enum value of ours", () => {
    const ours = (t: GraphQLNamedType) =>
      !t.name.startsWith("_") &&
      !t.name.startsWith("link__") &&
      !["Query", "String", "Int", "Float", "Boolean", "ID"].includes(t.name) &&
      !t.name.startsWith("federation__");
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap()).filter(ours)) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type))
        for (const f of Object.values(type.getFields()))
          if (!f.description) missing.push(`${type.name}.${f.name}`);
      if (isEnumType(type))
        for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
    const query = schema.getQueryType();
    for (const f of Object.values(query?.getFields() ?? {}))
      if (!f.name.startsWith("_") && !f.description) missing.push(`Query.${f.name}`);
    expect(missing).toEqual([]);
  });

  it("serves the public contract's names", () => {
    const sdl = parse(readTypeDefs());
    expect(sdl.definitions.length).toBeGreaterThan(20);
    const query = schema.getQueryType()?.getFields() ?? {};
    for (const name of [
      "unit",
      "units",
      "searchUnits",
      "reportingObligations",
      "reportingChain",
      "pathBetween",
      "neighbourhood",
      "meetingRules",
      "tasks",
      "task",
      "document",
    ])
      expect(query[name], name).toBeDefined();
    expect(query.neighbourhood?.args.find((a) => a.name === "depth")?.defaultValue).toBe(1);
    expect(query.searchUnits?.args.find((a) => a.name === "first")?.defaultValue).toBe(10);
  });
});
