import { describe, expect, it } from "vitest";
import { RELATION_TYPES } from "../../src/domain/relation-types.ts";
import { UNIT_LEVELS } from "../../src/domain/unit-kinds.ts";
import { Sector, UnitLevel } from "../../src/graphql/generated/resolvers-types.ts";
import { asEnum, asEnums, isKeyOf } from "../../src/graphql/stored-values.ts";

describe("stored enum values", () => {
  it("takes a stored string that the schema's enum holds", () => {
    expect(asEnum(Sector, "ENTERPRISE")).toBe("ENTERPRISE");
    expect(asEnums(UnitLevel, ["BASIC", "CENTRAL"])).toEqual(["BASIC", "CENTRAL"]);
  });

  it("refuses one the enum does not hold, naming it and the enum's values", () => {
    expect(() => asEnum(Sector, "Enterprise")).toThrow(/"Enterprise".*AGENCY/);
    expect(() => asEnums(UnitLevel, ["BASIC", "VILLAGE"])).toThrow(/"VILLAGE"/);
  });

  it("finds a domain table's own keys, not what its prototype carries", () => {
    expect(isKeyOf(RELATION_TYPES, "LEADS")).toBe(true);
    expect(isKeyOf(RELATION_TYPES, "toString")).toBe(false);
    expect(isKeyOf(UNIT_LEVELS, "")).toBe(false);
  });

  it("agrees with the domain: every level the domain labels is one the schema knows", () => {
    expect(Object.keys(UNIT_LEVELS).sort()).toEqual(Object.values(UnitLevel).sort());
  });
});
