import { describe, expect, it } from "vitest";
import { compactCypher } from "../../src/store/compact-cypher.ts";

describe("compactCypher", () => {
  it("drops indentation and whole-line comments, keeping every statement line", () => {
    const source = `
      MATCH (u:Unit {id: $id})
      // The superior on the date (Điều 13):
        OPTIONAL MATCH (u)-[s:SUBORDINATE_TO]->(sup)
      RETURN u.id AS id, sup.id AS superior`;
    expect(compactCypher(source)).toBe(
      "MATCH (u:Unit {id: $id})\nOPTIONAL MATCH (u)-[s:SUBORDINATE_TO]->(sup)\nRETURN u.id AS id, sup.id AS superior",
    );
  });

  it("keeps a // that follows code on its line (it may sit in a string literal)", () => {
    const source = "RETURN 'http://example.org' AS url // a link\n  , 1 AS n";
    expect(compactCypher(source)).toBe("RETURN 'http://example.org' AS url // a link\n, 1 AS n");
  });
});
