/**
 * The list-aware cost of an operation (src/graphql/query-cost.ts): each field 1, plus its
 * selection times how many items it can return.
 */
import { getIntrospectionQuery, Kind, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { heavyFieldCount, queryCost } from "../../src/graphql/query-cost.ts";
import { buildSchema } from "../../src/graphql/schema.ts";

const schema = buildSchema();
const settings = { maxPageSize: 500, maxDepth: 10 };
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  queryCost(schema, parse(query), variables, undefined, settings);

describe("queryCost", () => {
  it("multiplies a page's selection by its first", () => {
    // unit 1 + children (1 + 10 × nodes (1 + id 1)).
    expect(cost(`{ unit(id: "x") { children(first: 10) { nodes { id } } } }`)).toBe(1 + 1 + 10 * 2);
    expect(cost(`{ unit(id: "x") { children(first: 100) { nodes { id } } } }`)).toBe(1 + 1 + 100 * 2);
  });

  it("prices an absent first at the default page, and a first over MAX_PAGE_SIZE at the cap", () => {
    expect(cost(`{ unit(id: "x") { children { nodes { id } } } }`)).toBe(2 + 50 * 2);
    expect(cost(`{ unit(id: "x") { children(first: 100000) { nodes { id } } } }`)).toBe(2 + 500 * 2);
    expect(cost(`{ changes { nodes { id } } }`)).toBe(1 + 100 * 2);
    expect(cost(`{ searchUnits(text: "a") { id } }`)).toBe(1 + 10 * 1);
  });

  it("prices a scoped reader's changes and searchUnits by the records their scans may read", () => {
    const scoped = { ...settings, scopedReader: { changesScanMax: 5000 } };
    const scopedCost = (query: string) => queryCost(schema, parse(query), {}, undefined, scoped);
    // changes 1 + 5,000 scanned + 1 × nodes (1 + id 1); the same page read for anyone else: 3.
    expect(scopedCost(`{ changes(first: 1) { nodes { id } } }`)).toBe(1 + 5000 + 2);
    expect(cost(`{ changes(first: 1) { nodes { id } } }`)).toBe(1 + 2);
    // searchUnits: its scan bound (2,000), or 4 hits read per hit asked for when that is more.
    expect(scopedCost(`{ searchUnits(text: "a", first: 1) { id } }`)).toBe(1 + 2000 + 1);
    expect(scopedCost(`{ searchUnits(text: "a", first: 500) { id } }`)).toBe(1 + 2000 + 500);
    expect(
      queryCost(schema, parse(`{ searchUnits(text: "a", first: 1000) { id } }`), {}, undefined, {
        ...scoped,
        maxPageSize: 1000,
      }),
    ).toBe(1 + 4000 + 1000);
    const aliases = Array.from({ length: 30 }, (_, i) => `c${i}: changes(first: 1) { nodes { id } }`);
    expect(scopedCost(`{ ${aliases.join(" ")} }`)).toBe(30 * (1 + 5000 + 2));
  });

  it("reads first from the variables", () => {
    const q = `query ($n: Int) { unit(id: "x") { children(first: $n) { nodes { id } } } }`;
    expect(cost(q, { n: 7 })).toBe(2 + 7 * 2);
  });

  it("multiplies a page once: its nodes and edges are the page's items", () => {
    expect(
      cost(`{ unit(id: "x") { children(first: 10) { totalCount nodes { id } edges { node { id } } } } }`),
    ).toBe(2 + 10 * (1 + 2 + (1 + 2)));
  });

  it("adds a traversal's depth to descendants", () => {
    const shallow = cost(`{ unit(id: "x") { descendants(first: 10, maxDepth: 1) { nodes { id } } } }`);
    const deep = cost(`{ unit(id: "x") { descendants(first: 10, maxDepth: 10) { nodes { id } } } }`);
    expect(deep - shallow).toBe(90);
    expect(cost(`{ unit(id: "x") { descendants(first: 10) { nodes { id } } } }`)).toBe(deep);
  });

  it("multiplies nested pages: the children → superior → children attack costs hundreds of millions", () => {
    const attack = `{ unit(id:"gen-tu-ho-chi-minh-2025"){ children(first:500){ nodes { id superior { children(first:500){ nodes { id superior { children(first:500){ nodes { id superior { id name } } } } } } } } } } }`;
    expect(cost(attack)).toBeGreaterThan(100_000_000);
  });

  it("prices the integrity report: its findings are thousands on a province of the national graph", () => {
    const maxCost = loadConfig({}).MAX_QUERY_COST;
    const explorerTab = `{ integrityReport(asOf: "2026-01-01") {
      counts { rule ruleLabel count }
      findings { rule ruleLabel message units { id name } relationId documents explorerPath }
      provinces { root { id name } province depth largestSpan largestSpanUnit { id name } }
    } }`;
    expect(cost(explorerTab)).toBeLessThan(maxCost);
    const everyFindingsRelations = `{ integrityReport { findings { units { relations { id type } } } } }`;
    expect(cost(everyFindingsRelations)).toBeGreaterThan(maxCost);
  });

  it("prices _entities by the number of representations", () => {
    const q = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id name } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: "Unit", id: `u${i}` }));
    expect(cost(q, { r: reps(1) })).toBe(1 + 1 * 2);
    expect(cost(q, { r: reps(100) })).toBe(1 + 100 * 2);
  });

  it("assumes a size for lists no argument bounds; lists of scalars cost as one field", () => {
    // reportingObligations (assumed 10) × (recipient 1 + id 1, frequencies 1, basis assumed 3 × id 1 + 1).
    expect(cost(`{ reportingObligations(unitId: "x") { recipient { id } frequencies basis { id } } }`)).toBe(
      1 + 10 * (2 + 1 + (1 + 3)),
    );
  });

  it("leaves out what @skip and @include leave out", () => {
    const q = `query ($big: Boolean!) { unit(id: "x") { children(first: 500) @include(if: $big) { nodes { id } } } }`;
    expect(cost(q, { big: false })).toBe(1);
    expect(cost(q, { big: true })).toBe(2 + 500 * 2);
  });

  it("lets GraphiQL's introspection through at the default limit, not nested introspection", () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(cost(introspection)).toBeLessThan(100_000);
    const nested = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }`;
    expect(cost(nested)).toBeGreaterThan(100_000);
  });
});

describe("queryCost of the integrity report", () => {
  it("prices it without `under` as a read of the whole graph", () => {
    const whole = cost(`{ integrityReport { counts { count } } }`);
    const subtree = cost(`{ integrityReport(under: "x") { counts { count } } }`);
    expect(whole - subtree).toBe(10_000 - 500);
  });
});

describe("heavyFieldCount", () => {
  const heavy = (query: string) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error("no operation");
    return heavyFieldCount(operation, document);
  };

  it("counts aliases and fragments of the whole-subtree fields, each fragment once", () => {
    expect(heavy(`{ a: integrityReport { counts { count } } b: integrityReport { counts { count } } }`)).toBe(
      2,
    );
    expect(
      heavy(`{ ...F ... on Query { g: graphDiff(from: "2025-01-01", to: "2025-02-01") { summary { total } } } ...F }
        fragment F on Query { i: integrityReport { counts { count } } r: reminderPreview(from: "2025-01-01", to: "2025-02-01") { text } }`),
    ).toBe(3);
    expect(heavy(`{ unit(id: "x") { id } stats { units } }`)).toBe(0);
  });
});

describe("queryCost of graphDiff", () => {
  const D = `from: "2025-06-30", to: "2025-07-01"`;
  it("multiplies only its page by first, counts the summary once, and adds the traversal or the whole-graph scan", () => {
    // graphDiff 1 + work + nodes (1 + type 1) × first + summary (1 + total 1).
    expect(cost(`{ graphDiff(${D}, under: ["x"], first: 10) { nodes { type } summary { total } } }`)).toBe(
      1 + 2 * 10 * 10 + 10 * 2 + 2,
    );
    expect(cost(`{ graphDiff(${D}, under: ["x"], first: 100) { summary { total } } }`)).toBe(1 + 200 + 2);
    expect(cost(`{ graphDiff(${D}, first: 10) { nodes { type } } }`)).toBe(1 + 10_000 + 10 * 2);
  });

  it("prices each root of `under`, and an empty list as the whole graph", () => {
    const priced = (under: string) => cost(`{ graphDiff(${D}, ${under}) { summary { total } } }`);
    expect(priced(`under: ["a", "b", "c"]`)).toBe(1 + 3 * 200 + 2);
    expect(priced(`under: []`)).toBe(1 + 10_000 + 2);
  });

  it("refuses a full page with obligations over the default limit", () => {
    const page = (first: number) =>
      `{ graphDiff(${D}, first: ${first}) { nodes { type date unit { id } oldSuperior { id } newSuperior { id }
        relationFrom { id } relationTo { id } cause { kind eventId basis { id } }
        obligations { gained { recipient { id name } via { id name } basis { id label } } } } } }`;
    expect(cost(page(500))).toBeGreaterThan(100_000);
    expect(cost(page(50))).toBeLessThan(100_000);
  });
});
