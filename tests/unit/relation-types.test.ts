/** The structural relations' one home (src/domain/relation-types.ts) and their Cypher form. */
import { describe, expect, it } from "vitest";
import {
  isStructural,
  RELATION_TYPE_NAMES,
  STRUCTURAL_TYPES,
  structuralType,
} from "../../src/domain/relation-types.ts";
import { STRUCTURE } from "../../src/store/cypher-fragments.ts";

describe("the structural relations", () => {
  it("are SUBORDINATE_TO and PART_OF, and no other relation type", () => {
    expect([...STRUCTURAL_TYPES]).toEqual(["SUBORDINATE_TO", "PART_OF"]);
    expect(RELATION_TYPE_NAMES.filter(isStructural)).toEqual(["SUBORDINATE_TO", "PART_OF"]);
    expect(isStructural("LEADS")).toBe(false);
    expect(isStructural("CHANGED")).toBe(false);
  });

  it("read in Cypher as the alternation every statement wrote out before", () => {
    expect(STRUCTURE).toBe("SUBORDINATE_TO|PART_OF");
  });

  it("hang a party organisation or delegation SUBORDINATE_TO, anything else PART_OF", () => {
    expect(structuralType("CENTRAL_COMMITTEE")).toBe("SUBORDINATE_TO");
    expect(structuralType("PARTY_CADRE_COMMITTEE")).toBe("SUBORDINATE_TO");
    expect(structuralType("PARTY_DELEGATION")).toBe("SUBORDINATE_TO");
    expect(structuralType("STANDING_BOARD")).toBe("PART_OF");
    expect(structuralType("INSPECTION_COMMISSION")).toBe("PART_OF");
    expect(structuralType("AGENCY_HEAD")).toBe("PART_OF");
    expect(structuralType("NO_SUCH_KIND")).toBe("PART_OF");
  });
});
