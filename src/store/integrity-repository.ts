/**
 * Reads for the integrity report (integrityReport): structural findings on a date, each query
 * limited to the subtree of `under` when given. The rules themselves are named and labelled in
 * src/domain/integrity.ts; here only Cypher.
 */

import type { FindingFacts } from "../domain/integrity.ts";
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { active, attributeOn, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { FACTS_KIND_PARAMS, targetsSubquery } from "./relation-repository.ts";

/** A finding as a structural check reads it, with its rule. */
export interface RawFinding extends FindingFacts {
  rule: string;
}

export interface ProvinceShapeRow {
  root: string;
  province: string | null;
  depth: number;
  largestSpan: number;
  largestSpanUnit: string | null;
}

/**
 * `x` is among $members: the subtree of `under` on the date, read once (exportMembers), or
 * anything when $members is null (the whole graph).
 */
const inScope = (x: string) => `($members IS NULL OR ${x}.id IN $members)`;

/** The rules found by the structural statements (CITES_REPLACED_DOCUMENT: by relations; rules apart). */
export const STRUCTURAL_RULES = [
  "MISSING_SUPERIOR",
  "DOUBLE_SUPERIOR",
  "DOUBLE_WHOLE",
  "CYCLE",
  "RELATION_OUTSIDE_VALIDITY",
  "CITES_REPLACED_DOCUMENT",
] as const;
export type StructuralRule = (typeof STRUCTURAL_RULES)[number];

/**
 * One structural rule's findings on `d`: each row a finding `f` and its `key`, the order of the
 * report's findings within the rule (unique per finding).
 */
const STRUCTURAL: Record<StructuralRule, string> = {
  MISSING_SUPERIOR: `MATCH (u:Unit) WHERE u.kind IN $needSuperior AND ${active("u")} AND ${inScope("u")}
         AND NOT EXISTS { MATCH (u)-[r:${STRUCTURE}]->(s:Unit) WHERE ${active("r")} AND ${active("s")} }
       RETURN {rule: 'MISSING_SUPERIOR', units: [u.id]} AS f, u.id AS key`,
  DOUBLE_SUPERIOR: `MATCH (u:Unit)-[r:SUBORDINATE_TO]->(s:Unit) WHERE ${active("u")} AND ${active("r")} AND ${active("s")} AND ${inScope("u")}
       WITH u, collect(s.id) AS superiors WHERE size(superiors) > 1
       RETURN {rule: 'DOUBLE_SUPERIOR', units: [u.id] + superiors} AS f, u.id AS key`,
  DOUBLE_WHOLE: `MATCH (u:Unit)-[r:PART_OF]->(w:Unit) WHERE ${active("u")} AND ${active("r")} AND ${active("w")} AND ${inScope("u")}
       WITH u, collect(w.id) AS wholes WHERE size(wholes) > 1
       RETURN {rule: 'DOUBLE_WHOLE', units: [u.id] + wholes} AS f, u.id AS key`,
  CYCLE: `MATCH (u:Unit)-[rs:${STRUCTURE}]->{1,${MAX_STRUCTURE_DEPTH}}(u) WHERE ${active("u")} AND all(r IN rs WHERE ${active("r")}) AND ${inScope("u")}
       RETURN {rule: 'CYCLE', units: [u.id]} AS f, u.id AS key`,
  RELATION_OUTSIDE_VALIDITY: `MATCH (a:Unit)-[r]->(b:Unit) WHERE r.id IS NOT NULL AND (${inScope("a")} OR ${inScope("b")})
         AND any(x IN [a, b] WHERE
           (x.validFrom IS NOT NULL AND (r.validFrom IS NULL OR r.validFrom < x.validFrom)) OR
           (x.validTo IS NOT NULL AND (r.validTo IS NULL OR r.validTo > x.validTo)))
       RETURN {rule: 'RELATION_OUTSIDE_VALIDITY', units: [a.id, b.id], relation: r.id, relationType: type(r),
               detail: coalesce(toString(r.validFrom), '…') + ' – ' + coalesce(toString(r.validTo), '…')} AS f,
              r.id AS key`,
  CITES_REPLACED_DOCUMENT: `MATCH (a:Unit)-[r]->(b:Unit) WHERE r.basis IS NOT NULL AND ${active("r")} AND ${inScope("a")}
       UNWIND r.basis AS pid
       MATCH (:Provision {id: pid})-[:IN_DOCUMENT]->(old:Document)<-[:REPLACES]-(new:Document)
       WHERE new.issuedOn IS NULL OR new.issuedOn <= d
       RETURN {rule: 'CITES_REPLACED_DOCUMENT', units: [a.id, b.id], relation: r.id, relationType: type(r),
               documents: [old.number, new.number]} AS f, r.id + '|' + old.number + '|' + new.number AS key`,
};

interface StructuralArgs {
  asOf: string;
  members: string[] | null;
  needSuperior: string[];
}

/** Every structural finding on the date (in scope), each with its key, by rule and key. */
export async function structuralFindings(
  db: Database,
  args: StructuralArgs,
  counter?: RoundTripCounter,
): Promise<(RawFinding & { key: string })[]> {
  const rows = await db.read(
    `WITH date($asOf) AS d
     CALL (d) {
       ${STRUCTURAL_RULES.map((rule) => STRUCTURAL[rule]).join("\n       UNION\n       ")}
     }
     RETURN DISTINCT f, key ORDER BY key`,
    { asOf: args.asOf, members: args.members, needSuperior: args.needSuperior },
    counter,
  );
  return rows.map((r) => ({ ...(r.f as RawFinding), key: r.key as string }));
}

/**
 * How many findings each structural rule has on the date (in scope), counted in Neo4j: a
 * report that asks only its counts holds no finding (the whole graph's run to tens of thousands).
 */
export async function structuralCounts(
  db: Database,
  args: StructuralArgs,
  counter?: RoundTripCounter,
): Promise<Record<StructuralRule, number>> {
  const rows = await db.read(
    `WITH date($asOf) AS d
     CALL (d) {
       ${STRUCTURAL_RULES.map((rule) => `CALL (d) { ${STRUCTURAL[rule]} } RETURN '${rule}' AS rule, count(DISTINCT [f, key]) AS n`).join("\n       UNION ALL\n       ")}
     }
     RETURN rule, n`,
    { asOf: args.asOf, members: args.members, needSuperior: args.needSuperior },
    counter,
  );
  const counts = Object.fromEntries(STRUCTURAL_RULES.map((r) => [r, 0])) as Record<StructuralRule, number>;
  for (const r of rows) counts[r.rule as StructuralRule] = Number(r.n);
  return counts;
}

/** Rules in force on the date that cite a document replaced by then (no unit: rules are law). */
export async function rulesCitingReplaced(db: Database, asOf: string, counter?: RoundTripCounter) {
  const rows = await db.read(
    `WITH date($asOf) AS d
     MATCH (rule:Rule) WHERE ${active("rule")}
     UNWIND coalesce(rule.basis, []) AS pid
     MATCH (:Provision {id: pid})-[:IN_DOCUMENT]->(old:Document)<-[:REPLACES]-(new:Document)
     WHERE new.issuedOn IS NULL OR new.issuedOn <= d
     RETURN DISTINCT rule.id AS rule, rule.title AS title, old.number AS old, new.number AS new`,
    { asOf },
    counter,
  );
  return rows as unknown as { rule: string; title: string; old: string; new: string }[];
}

/**
 * `x` (an id) may be seen by the reader: anything when $visible is null (reading is not
 * scoped), else one of the reader's units (a list Neo4j checks as a set).
 */
const seen = (x: string) => `($visible IS NULL OR ${x} IN $visible)`;

/**
 * The reporting obligations of unit `u` on `d`, as src/domain/obligations.ts derives them from
 * the facts (UNIT_FACTS_CYPHER), but only asked whether there is one the reader may see: an
 * active REPORTS_TO / NOTIFIES from the unit or from its bodies (BCH, BTV, Thường trực), or a
 * reporting rule in force covering the unit whose recipient selector names someone on the date.
 * The selectors are computed only for the units that are left, with targetsSubquery itself.
 */
const NO_OBLIGATION = (subtree: boolean, tail: string) => `WITH date($asOf) AS d
     ${subtree ? "UNWIND $members AS id MATCH (u:Unit {id: id})" : "MATCH (u:Unit)"}
     WITH d, u WHERE u.kind IN $kinds AND ${active("u")}
       AND NOT EXISTS {
         MATCH (u)-[r:REPORTS_TO|NOTIFIES]->(x:Unit) WHERE ${active("r")} AND ${seen("x.id")}
       }
       AND NOT EXISTS {
         MATCH (b:Unit)-[:PART_OF]->{1,3}(u) WHERE b.kind IN $bodyKinds AND ${active("b")} AND ${seen("b.id")}
         MATCH (b)-[r:REPORTS_TO|NOTIFIES]->(x:Unit) WHERE ${active("r")} AND ${seen("x.id")}
       }
     CALL (u, d) {
       OPTIONAL MATCH (rule:Rule)
       WHERE rule.relation IN ['REPORTS_TO', 'NOTIFIES'] AND u.kind IN rule.kinds
         AND (rule.sectors IS NULL OR ${attributeOn("u", "sector")} IN rule.sectors) AND ${active("rule")}
       RETURN collect(DISTINCT rule.recipient) AS selectors
     }
     OPTIONAL CALL (u, d, selectors) {
       WITH u, d, selectors WHERE size(selectors) > 0
       CALL (u, d) {
         OPTIONAL MATCH (u)-[s:SUBORDINATE_TO]->(sup:Unit) WHERE ${active("s")}
         OPTIONAL MATCH (u)-[po:PART_OF]->(whole:Unit) WHERE ${active("po")}
         RETURN collect(DISTINCT sup.id) AS superiors, collect(DISTINCT whole.id) AS wholes
       }
${targetsSubquery("selectors")}
       RETURN any(sel IN selectors WHERE any(t IN coalesce(targets[sel], []) WHERE ${seen("t")})) AS served
     }
     WITH u, coalesce(served, false) AS served WHERE NOT served
     ${tail}`;

interface NoObligationArgs {
  asOf: string;
  members: string[] | null;
  kinds: string[];
  visible: string[] | null;
}

const noObligationParams = (args: NoObligationArgs) => ({
  asOf: args.asOf,
  members: args.members,
  kinds: args.kinds,
  visible: args.visible,
  ...FACTS_KIND_PARAMS,
});

/**
 * Party organisations in force on the date (in scope) with no reporting obligation on it, in
 * the order of their ids. For a scoped reader (`visible`
 * its units), none that it may see, so that the report neither counts nor hints at an
 * obligation towards a unit hidden from it (as reportingObligations leaves those out). One
 * set-based query rather than every organisation's full facts; a subtree is read from its
 * members by id (an index seek each), not by filtering every unit.
 */
export async function organisationsWithoutObligation(
  db: Database,
  args: NoObligationArgs,
  counter?: RoundTripCounter,
): Promise<string[]> {
  const rows = await db.read(
    NO_OBLIGATION(args.members !== null, "RETURN u.id AS id ORDER BY id"),
    noObligationParams(args),
    counter,
  );
  return rows.map((r) => r.id as string);
}

/** How many party organisations organisationsWithoutObligation would list, counted in Neo4j. */
export async function countWithoutObligation(
  db: Database,
  args: NoObligationArgs,
  counter?: RoundTripCounter,
): Promise<number> {
  const rows = await db.read(
    NO_OBLIGATION(args.members !== null, "RETURN count(u) AS n"),
    noObligationParams(args),
    counter,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Per province committee in force (in scope): the depth of its subtree and its largest span of control. */
export async function provinceShapes(
  db: Database,
  args: { asOf: string; under: string | null; members: string[] | null },
  counter?: RoundTripCounter,
): Promise<ProvinceShapeRow[]> {
  const rows = await db.read(
    `WITH date($asOf) AS d
     MATCH (root:Unit {kind: 'PROVINCIAL_COMMITTEE'}) WHERE ${active("root")}
       AND (${inScope("root")} OR EXISTS {
         MATCH (root)<-[rs:${STRUCTURE}]-{1,${MAX_STRUCTURE_DEPTH}}(:Unit {id: $under}) WHERE all(r IN rs WHERE ${active("r")})
       })
     CALL (root, d) {
       OPTIONAL MATCH (x:Unit)-[rs:${STRUCTURE}]->{1,${MAX_STRUCTURE_DEPTH}}(root)
       WHERE ${active("x")} AND all(r IN rs WHERE ${active("r")})
       WITH x, min(size(rs)) AS depth
       WITH collect(x) AS below, coalesce(max(depth), 0) AS depth
       RETURN depth, below + [root] AS members
     }
     CALL (members, d) {
       UNWIND members AS m
       OPTIONAL MATCH (m)<-[r:${STRUCTURE}]-(c:Unit) WHERE ${active("r")} AND ${active("c")}
       WITH m, count(c) AS span ORDER BY span DESC, m.id LIMIT 1
       RETURN m.id AS largestSpanUnit, span AS largestSpan
     }
     RETURN root.id AS root, root.province AS province, depth, largestSpan, largestSpanUnit
     ORDER BY province, root`,
    { asOf: args.asOf, under: args.under, members: args.members },
    counter,
  );
  return rows.map((r) => ({
    root: r.root as string,
    province: (r.province as string) ?? null,
    depth: Number(r.depth),
    largestSpan: Number(r.largestSpan),
    largestSpanUnit: (r.largestSpanUnit as string) ?? null,
  }));
}
