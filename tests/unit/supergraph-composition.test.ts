/** The supergraph's composition (scripts/supergraph-config.ts): both composers, and what makes it fail. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PEOPLE, TERMS } from "../../examples/personnel/data.ts";
import { officeHolders } from "../../examples/personnel/subgraph.ts";
import {
  CompositionError,
  composeSupergraph,
  loadSupergraphConfig,
  SUPERGRAPH_FILE,
} from "../../scripts/supergraph-config.ts";

describe("supergraph composition", () => {
  const subgraphs = loadSupergraphConfig();

  it("lists this service and the personnel example", () => {
    expect(subgraphs.map((s) => s.name).sort()).toEqual(["org", "personnel"]);
  });

  it("composes the subgraphs to the checked-in supergraph.graphql", () => {
    expect(composeSupergraph(subgraphs)).toBe(readFileSync(SUPERGRAPH_FILE, "utf8"));
  });

  it("refuses a subgraph that redefines one of our value types without @shareable", () => {
    const clash = {
      name: "clash",
      url: "http://localhost:4999/graphql",
      typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
        type Query { pageInfo: PageInfo }
        type PageInfo { hasNextPage: Boolean! endCursor: String }`,
    };
    expect(() => composeSupergraph([...subgraphs, clash])).toThrow(CompositionError);
  });
});

describe("the personnel example's synthetic data", () => {
  it("marks every person synthetic and names them as invented", () => {
    expect(PEOPLE.length).toBeGreaterThan(0);
    for (const p of PEOPLE) {
      expect(p.synthetic).toBe(true);
      expect(p.name).toMatch(/\(giả lập\)$/);
    }
  });

  it("gives no unit two holders of one title on one day", () => {
    for (const t of TERMS) {
      for (const day of [t.from, t.to ?? "2100-01-01"])
        expect(officeHolders(t.unitId, day, t.title).map((h) => h.id)).toEqual([t.id]);
    }
  });
});
