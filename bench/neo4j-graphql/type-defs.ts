/**
 * Type definitions for the Neo4j GraphQL Library (@neo4j/graphql 7) over the same graph: what
 * a team would write instead of our service. Units are a @node type with their properties
 * and relationship fields; what the library cannot express (validity on a date, rules
 * applied by kind, the chain to the top, a subtree) is written with @cypher, using the same
 * Cypher as the raw-driver benchmark (bench/cypher.ts). A Federation subgraph: Unit has
 * @key(fields: "id"), so `_entities` works as in ours.
 */
import { FIELD } from "../cypher.ts";

const cypher = (statement: string, column: string) =>
  `@cypher(statement: ${JSON.stringify(statement)}, columnName: "${column}")`;

export const typeDefs = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

  type Structural @relationshipProperties {
    id: ID!
    validFrom: Date
    validTo: Date
    basis: [String!]
  }

  type Reporting @relationshipProperties {
    id: ID!
    validFrom: Date
    validTo: Date
    frequencies: [String!]
    via: [String!]
    subject: String
    basis: [String!]
  }

  "A unit, as stored."
  type Unit @node @key(fields: "id") {
    id: ID!
    name: String!
    nameFolded: String
    kind: String!
    level: String
    province: String
    sector: String
    host: String
    validFrom: Date
    validTo: Date
    synthetic: Boolean
    superiors: [Unit!]! @relationship(type: "SUBORDINATE_TO", direction: OUT, properties: "Structural")
    subordinates: [Unit!]! @relationship(type: "SUBORDINATE_TO", direction: IN, properties: "Structural")
    wholes: [Unit!]! @relationship(type: "PART_OF", direction: OUT, properties: "Structural")
    parts: [Unit!]! @relationship(type: "PART_OF", direction: IN, properties: "Structural")
    reportsTo: [Unit!]! @relationship(type: "REPORTS_TO", direction: OUT, properties: "Reporting")

    "The direct superior on the date (SUBORDINATE_TO first, else PART_OF)."
    superior(asOf: Date!): Unit ${cypher(FIELD.superior, "sup")}
    "Direct subordinates and organs on the date, by id."
    children(asOf: Date!, first: Int = 100): [Unit!]! ${cypher(FIELD.children, "c")}
    childCount(asOf: Date!): Int! ${cypher(FIELD.childCount, "n")}
    """
    Every unit below on the date, by depth then id: the first page and the total. (One @cypher
    field: as two, descendants and descendantCount, the library composes both into one query
    that Neo4j plans badly — 37 s and the 2 GB transaction memory limit at 100k units.)
    """
    descendants(asOf: Date!, first: Int = 50): DescendantPage! ${cypher(FIELD.descendants, "page")}
    "Whom the unit and its bodies report to or notify on the date, explicit and by rule."
    reportingObligations(asOf: Date!): [Obligation!]! ${cypher(FIELD.obligations, "o")}
  }

  type UnitRef {
    id: ID!
    name: String!
    kind: String
  }

  type CitationRef {
    id: ID!
    documentNumber: String
  }

  type RuleRef {
    id: ID!
    title: String!
  }

  type Descendant {
    depth: Int!
    node: UnitRef!
  }

  type DescendantPage {
    totalCount: Int!
    edges: [Descendant!]!
    hasNextPage: Boolean!
  }

  type Obligation {
    obligor: UnitRef!
    type: String!
    recipient: UnitRef!
    frequencies: [String!]!
    via: [UnitRef!]!
    subject: String
    basis: [CitationRef!]!
    rule: RuleRef
    validFrom: String
    validTo: String
  }

  type ChainStep {
    i: Int!
    from: UnitRef!
    to: UnitRef!
    relation: String!
    frequencies: [String!]!
    via: [UnitRef!]!
    basis: [CitationRef!]!
    rules: [RuleRef!]!
  }

  type Query {
    reportingChain(unitId: ID!, asOf: Date!): [ChainStep!]! ${cypher(FIELD.chainOf, "step")}
    reportingObligations(unitId: ID!, asOf: Date!): [Obligation!]! ${cypher(FIELD.obligationsOf, "o")}
    searchUnits(text: String!, asOf: Date!, first: Int = 10): [Unit!]! ${cypher(FIELD.search, "u")}
  }
`;
