/**
 * A unit, a page of its children and the children's facts on some dates, in one query: what a
 * request asking for a unit, its children and each child's superior or obligations needs
 * (src/graphql/loaders/tree-prefetch.ts), read in one round trip instead of three. The parts are
 * the same Cypher as the unit, children and facts reads, so the answers are the same.
 */
import type { Database, RoundTripCounter } from "./database.ts";
import { maps } from "./fields.ts";
import {
  asCitations,
  asRule,
  asUnit,
  type CitationRecord,
  type RuleRecord,
  type UnitRecord,
} from "./records.ts";
import {
  FACTS_KIND_PARAMS,
  type FactsKey,
  factsCypher,
  type StoredFacts,
  unitFactsFrom,
  WITH_REFERENCES,
} from "./relation-repository.ts";
import { CHILDREN_PAGE, type PageKey, toPage, type UnitPage } from "./unit-repository.ts";

export interface TreeKey {
  page: PageKey;
  /** The dates on which the children's facts are wanted (none: the unit and the page only). */
  factDates: string[];
}

export interface Tree {
  unit: UnitRecord | null;
  page: UnitPage;
  /** The facts of each child of the page on each date, dates outer: see factKeysOf. */
  facts: StoredFacts[];
  /** Only when asked (readers without the result cache): the rules and citations the facts name. */
  rules: RuleRecord[];
  citations: CitationRecord[];
}

/** The facts keys of a tree: each child of the page on each date, in the query's order. */
export function factKeysOf(key: TreeKey, page: UnitPage): FactsKey[] {
  return key.factDates.flatMap((asOf) => page.items.map((x) => ({ id: x.unit.id, asOf })));
}

const TREE = (withReferences: boolean) => `OPTIONAL MATCH (p:Unit {id: $page.id})
     WITH p, $page AS k, date($page.asOf) AS d
     ${CHILDREN_PAGE}
     WITH p, total, page,
          reduce(a = [], day IN $dates | a + [x IN page[0..$page.first] | {id: x.u.id, asOf: day}]) AS factKeys
     CALL (factKeys) {
       ${factsCypher("factKeys")}
       ${withReferences ? WITH_REFERENCES : "RETURN perKey, units"}
     }
     RETURN CASE WHEN p IS NULL THEN null ELSE properties(p) END AS unit, total, page, perKey, units
            ${withReferences ? ", allRules, citations, citationsDocuments" : ""}`;

export async function unitTree(
  db: Database,
  key: TreeKey,
  counter?: RoundTripCounter,
  withReferences = false,
): Promise<Tree> {
  const rows = await db.read(
    TREE(withReferences),
    { page: { ...key.page }, dates: key.factDates, ...FACTS_KIND_PARAMS },
    counter,
  );
  const row = rows[0] ?? {};
  const page = toPage(
    (row.total as number) ?? 0,
    (row.page as Record<string, unknown>[]) ?? [],
    key.page.first,
  );
  return {
    unit: row.unit ? asUnit(row.unit) : null,
    page,
    facts: unitFactsFrom(row, factKeysOf(key, page)),
    rules: maps(row, "allRules").map(asRule),
    citations: asCitations(row.citations ?? [], row.citationsDocuments ?? []),
  };
}
