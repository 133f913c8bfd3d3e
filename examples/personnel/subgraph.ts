/** The personnel subgraph's schema: schema.graphql with resolvers over the synthetic data in data.ts. */
import { readFileSync } from "node:fs";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, GraphQLScalarType, type GraphQLSchema, Kind, parse } from "graphql";
import {
  type OfficeTitle,
  PEOPLE,
  type PersonRecord,
  TERMS,
  type TermRecord,
  TITLE_LABELS,
  TITLE_ORDER,
} from "./data.ts";

export const PERSONNEL_SCHEMA_FILE = new URL("./schema.graphql", import.meta.url);

export function readPersonnelTypeDefs(): string {
  return readFileSync(PERSONNEL_SCHEMA_FILE, "utf8");
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: unknown): string {
  if (typeof value !== "string" || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))
    throw new GraphQLError(`Date must be yyyy-mm-dd, got ${JSON.stringify(value)}`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  return value;
}

const DateScalar = new GraphQLScalarType({
  name: "Date",
  serialize: checkDate,
  parseValue: checkDate,
  parseLiteral: (ast) => checkDate(ast.kind === Kind.STRING ? ast.value : null),
});

/** Today in Vietnam (UTC+7), the default `asOf`. */
function today(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

const covers = (t: TermRecord, date: string) => t.from <= date && (t.to === null || date <= t.to);
const personById = new Map(PEOPLE.map((p) => [p.id, p]));

export function officeHolders(unitId: string, asOf: string, title?: OfficeTitle | null): TermRecord[] {
  return TERMS.filter((t) => t.unitId === unitId && covers(t, asOf) && (!title || t.title === title)).sort(
    (a, b) => TITLE_ORDER.indexOf(a.title) - TITLE_ORDER.indexOf(b.title),
  );
}

const resolvers = {
  Date: DateScalar,
  Query: {
    person: (_: unknown, args: { id: string }) => personById.get(args.id) ?? null,
    people: () => PEOPLE,
  },
  Unit: {
    // Any unit id is a valid reference: a unit this subgraph knows nothing of has no office holders.
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    officeHolders: (unit: { id: string }, args: { asOf?: string | null; title?: OfficeTitle | null }) =>
      officeHolders(unit.id, args.asOf ?? today(), args.title),
  },
  Person: {
    __resolveReference: (ref: { id: string }) => personById.get(ref.id) ?? null,
    terms: (p: PersonRecord) =>
      TERMS.filter((t) => t.personId === p.id).sort((a, b) => a.from.localeCompare(b.from)),
  },
  OfficeTerm: {
    person: (t: TermRecord) => personById.get(t.personId),
    unit: (t: TermRecord) => ({ id: t.unitId }),
    titleLabel: (t: TermRecord) => TITLE_LABELS[t.title],
    position: (t: TermRecord) => (t.positionId ? { id: t.positionId } : null),
  },
};

export function buildPersonnelSchema(): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(readPersonnelTypeDefs()), resolvers });
}
