/**
 * The six benchmark questions, each asked three ways: our GraphQL (HTTP), raw Cypher (driver),
 * and the Neo4j GraphQL Library (HTTP). Every question has a set of sample inputs drawn from
 * the generated graph, cycled through so that no way answers from one hot spot only. Each way
 * also has a `signature` of its answer so that the runner can check that the three agree.
 */
import type { Driver } from "neo4j-driver";
import { searchQuery } from "../src/graphql/resolvers/unit.ts";
import { RAW } from "./cypher.ts";

export const AS_OF = "2026-01-15";

export type Way = "ours" | "raw" | "lib";

export interface Question {
  key: string;
  title: string;
  samples: number;
  /** GraphQL request body for our server and for the library's, per sample. */
  ours(i: number): { query: string; variables: Record<string, unknown> };
  lib(i: number): { query: string; variables: Record<string, unknown> };
  raw(i: number): { cypher: string; params: Record<string, unknown> };
  /** A comparable digest of an answer: [count, sorted ids]. */
  signature: Record<Way, (answer: unknown) => string>;
}

/** One input of the chain, obligations and nested questions: a unit and a date. */
export interface Input {
  id: string;
  asOf: string;
}

const onAsOf = (ids: string[]): Input[] => ids.map((id) => ({ id, asOf: AS_OF }));

export interface Samples {
  chain: string[];
  obligations: string[];
  provinces: string[];
  search: string[];
  entities: string[][];
}

const sig = (ids: readonly (string | null | undefined)[]) => {
  const list = ids.filter((x): x is string => typeof x === "string").sort();
  return `${list.length}:${list.join(",")}`;
};

type Json = Record<string, unknown>;
const data = (a: unknown) => ((a as Json)?.data ?? {}) as Json;
const rows = (a: unknown) => (a as Json[]) ?? [];
/** One signature for both GraphQL ways, where ours and the library's answer alike. */
const sameOverGraphql = (f: (a: unknown) => string) => ({ ours: f, lib: f });
/** A page of descendants: its total and the ids on it. */
const pageSig = (page: Json | undefined) =>
  `${page?.totalCount}/${sig(rows(page?.edges).map((e) => (e.node as Json).id as string))}`;
/** Children: their ids and how many obligations they have in all. */
const childrenSig = (nodes: Json[], obligations: string) =>
  `${sig(nodes.map((n) => n.id as string))}/${nodes.reduce((k, n) => k + rows(n[obligations]).length, 0)}`;

/** Picks the sample inputs from the database: evenly spaced, deterministic. */
export async function pickSamples(driver: Driver, count = 20): Promise<Samples> {
  const session = driver.session({ defaultAccessMode: "READ" });
  const spread = async (cypher: string, n = count): Promise<string[]> => {
    const res = await session.run(
      `${cypher} WITH collect(id) AS ids
       RETURN [i IN range(0, $n - 1) WHERE size(ids) > 0 | ids[toInteger(i * size(ids) / $n)]] AS picked`,
      {
        asOf: AS_OF,
        n,
      },
    );
    return [...new Set((res.records[0]?.get("picked") as string[]) ?? [])];
  };
  const active = (x: string) =>
    `(${x}.validFrom IS NULL OR ${x}.validFrom <= date($asOf)) AND (${x}.validTo IS NULL OR ${x}.validTo >= date($asOf))`;
  try {
    // A chi bộ trực thuộc of an agency đảng bộ: the longest chains, with rules on a hop.
    const chain = await spread(
      `MATCH (u:Unit {kind: 'SUBORDINATE_PARTY_CELL'})-[s:SUBORDINATE_TO]->(p:Unit {kind: 'BASIC_PARTY_COMMITTEE'})
       WHERE u.id STARTS WITH 'gen-' AND u.sector = 'AGENCY' AND ${active("u")} AND ${active("s")}
       WITH u.id AS id ORDER BY id`,
    );
    // Agency basic organisations: the kind-level rules of 138-QĐ/TW apply to them.
    const obligations = await spread(
      `MATCH (u:Unit) WHERE u.kind IN ['BASIC_PARTY_COMMITTEE', 'BASIC_PARTY_CELL'] AND u.sector = 'AGENCY'
         AND u.id STARTS WITH 'gen-' AND ${active("u")}
       WITH u.id AS id ORDER BY id`,
    );
    const provinces = await spread(
      `MATCH (u:Unit {kind: 'PROVINCIAL_COMMITTEE'}) WHERE u.id STARTS WITH 'gen-' AND ${active("u")}
       WITH u.id AS id ORDER BY id`,
    );
    const names = await spread(
      `MATCH (u:Unit) WHERE u.kind IN ['COMMUNE_COMMITTEE', 'STATE_AGENCY'] AND u.id STARTS WITH 'gen-' AND ${active("u")}
       WITH u.name AS id ORDER BY u.id`,
    );
    const all = await session.run(
      "MATCH (u:Unit) WHERE u.id STARTS WITH 'gen-' RETURN u.id AS id ORDER BY u.nameFolded, u.id",
    );
    const ids = all.records.map((r) => r.get("id") as string);
    const entities: string[][] = [];
    for (let set = 0; set < 10; set++) {
      const picked: string[] = [];
      for (let k = 0; k < 100; k++)
        picked.push(ids[Math.floor(((k * 10 + set) * ids.length) / 1000)] as string);
      entities.push([...new Set(picked)]);
    }
    // Search as a user types it: the name without the word for the kind of unit.
    const search = names.map((n) => n.replace(/^Đảng ủy /, ""));
    return { chain, obligations, provinces, search, entities };
  } finally {
    await session.close();
  }
}

const UNIT = "id name kind";

export function questions(s: Samples): Question[] {
  return [
    chainQuestion(onAsOf(s.chain)),
    obligationsQuestion(onAsOf(s.obligations)),
    descendantsQuestion(s),
    searchQuestion(s),
    nestedQuestion(onAsOf(s.provinces)),
    entitiesQuestion(s),
  ];
}

const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;

export function chainQuestion(inputs: Input[]): Question {
  return {
    key: "chain",
    title: "reporting chain",
    samples: inputs.length,
    ours: (i) => ({
      query: `query Chain($id: ID!, $asOf: Date) { reportingChain(unitId: $id, asOf: $asOf) {
        from { ${UNIT} } to { ${UNIT} } relation frequencies via { id name } basis { id document { number } } rules { id title } } }`,
      variables: { ...at(inputs, i) },
    }),
    lib: (i) => ({
      query: `query Chain($id: ID!, $asOf: Date!) { reportingChain(unitId: $id, asOf: $asOf) {
        i from { ${UNIT} } to { ${UNIT} } relation frequencies via { id name } basis { id documentNumber } rules { id title } } }`,
      variables: { ...at(inputs, i) },
    }),
    raw: (i) => ({ cypher: RAW.chain.cypher, params: { ...at(inputs, i) } }),
    signature: {
      ...sameOverGraphql((a) =>
        sig(rows(data(a).reportingChain).map((x) => ((x as Json).to as Json).id as string)),
      ),
      raw: (a) => sig(rows(a).map((r) => ((r.step as Json).to as Json).id as string)),
    },
  };
}

export function obligationsQuestion(inputs: Input[]): Question {
  return {
    key: "obligations",
    title: "reporting obligations",
    samples: inputs.length,
    ours: (i) => ({
      query: `query Obligations($id: ID!, $asOf: Date) { reportingObligations(unitId: $id, asOf: $asOf) {
        obligor { id name } type recipient { ${UNIT} } frequencies via { id name } subject
        basis { id document { number } } rule { id title } validFrom validTo } }`,
      variables: { ...at(inputs, i) },
    }),
    lib: (i) => ({
      query: `query Obligations($id: ID!, $asOf: Date!) { reportingObligations(unitId: $id, asOf: $asOf) {
        obligor { id name } type recipient { ${UNIT} } frequencies via { id name } subject
        basis { id documentNumber } rule { id title } validFrom validTo } }`,
      variables: { ...at(inputs, i) },
    }),
    raw: (i) => ({ cypher: RAW.obligations.cypher, params: { ...at(inputs, i) } }),
    signature: {
      ...sameOverGraphql((a) =>
        sig(rows(data(a).reportingObligations).map((x) => `${((x as Json).recipient as Json).id}`)),
      ),
      raw: (a) => sig(rows(a).map((r) => `${((r.o as Json).recipient as Json).id}`)),
    },
  };
}

function descendantsQuestion(s: Samples): Question {
  return {
    key: "descendants",
    title: "a page of descendants (50, of a Tỉnh ủy)",
    samples: s.provinces.length,
    ours: (i) => ({
      query: `query Descendants($id: ID!, $asOf: Date) { unit(id: $id) { descendants(asOf: $asOf, first: 50) {
        totalCount edges { depth node { ${UNIT} } } pageInfo { hasNextPage endCursor } } } }`,
      variables: { id: at(s.provinces, i), asOf: AS_OF },
    }),
    lib: (i) => ({
      query: `query Descendants($id: ID!, $asOf: Date!) { units(where: { id: { eq: $id } }) {
        descendants(asOf: $asOf, first: 50) { totalCount edges { depth node { ${UNIT} } } hasNextPage } } }`,
      variables: { id: at(s.provinces, i), asOf: AS_OF },
    }),
    raw: (i) => ({
      cypher: RAW.descendants.cypher,
      params: { id: at(s.provinces, i), asOf: AS_OF, first: 50 },
    }),
    signature: {
      ours: (a) => pageSig((data(a).unit as Json)?.descendants as Json),
      lib: (a) => pageSig((rows(data(a).units)[0] as Json)?.descendants as Json),
      raw: (a) => pageSig(rows(a)[0] as Json),
    },
  };
}

function searchQuestion(s: Samples): Question {
  return {
    key: "search",
    title: "search (10 best)",
    samples: s.search.length,
    ours: (i) => ({
      query: `query Search($text: String!, $asOf: Date) { searchUnits(text: $text, first: 10, asOf: $asOf) { ${UNIT} } }`,
      variables: { text: at(s.search, i), asOf: AS_OF },
    }),
    lib: (i) => ({
      query: `query Search($text: String!, $asOf: Date!) { searchUnits(text: $text, first: 10, asOf: $asOf) { ${UNIT} } }`,
      variables: { text: searchQuery(at(s.search, i)), asOf: AS_OF },
    }),
    raw: (i) => ({
      cypher: RAW.search.cypher,
      params: { query: searchQuery(at(s.search, i)), asOf: AS_OF, first: 10 },
    }),
    signature: {
      ...sameOverGraphql((a) => sig(rows(data(a).searchUnits).map((x) => (x as Json).id as string))),
      raw: (a) => sig(rows(a).map((r) => (r.unit as Json).id as string)),
    },
  };
}

export function nestedQuestion(inputs: Input[]): Question {
  return {
    key: "nested",
    title: "unit → 100 children → obligations",
    samples: inputs.length,
    ours: (i) => ({
      query: `query Nested($id: ID!, $asOf: Date) { unit(id: $id) { id name children(asOf: $asOf, first: 100) {
        totalCount nodes { ${UNIT} superior(asOf: $asOf) { id } reportingObligations(asOf: $asOf) {
          type recipient { id name } frequencies basis { id } rule { id } } } } } }`,
      variables: { ...at(inputs, i) },
    }),
    lib: (i) => ({
      query: `query Nested($id: ID!, $asOf: Date!) { units(where: { id: { eq: $id } }) { id name
        childCount(asOf: $asOf) children(asOf: $asOf, first: 100) { ${UNIT} superior(asOf: $asOf) { id }
          reportingObligations(asOf: $asOf) { type recipient { id name } frequencies basis { id } rule { id } } } } }`,
      variables: { ...at(inputs, i) },
    }),
    raw: (i) => ({ cypher: RAW.nested.cypher, params: { ...at(inputs, i) } }),
    signature: {
      ours: (a) =>
        childrenSig(rows(((data(a).unit as Json)?.children as Json)?.nodes), "reportingObligations"),
      lib: (a) => childrenSig(rows((rows(data(a).units)[0] as Json)?.children), "reportingObligations"),
      raw: (a) => childrenSig(rows((rows(a)[0] as Json)?.children), "obligations"),
    },
  };
}

function entitiesQuestion(s: Samples): Question {
  // The federation query is the same on both servers.
  const request = (i: number) => ({
    query: `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { ${UNIT} province validFrom validTo } } }`,
    variables: { r: at(s.entities, i).map((id) => ({ __typename: "Unit", id })) },
  });
  return {
    key: "entities",
    title: "_entities for 100 units",
    samples: s.entities.length,
    ours: request,
    lib: request,
    raw: (i) => ({ cypher: RAW.entities.cypher, params: { ids: at(s.entities, i) } }),
    signature: {
      ...sameOverGraphql((a) => sig(rows(data(a)._entities).map((x) => (x as Json)?.id as string))),
      raw: (a) => sig(rows(a).map((r) => (r.unit as Json).id as string)),
    },
  };
}
