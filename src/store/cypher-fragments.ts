/**
 * Small Cypher fragments shared by the repositories. They interpolate only our own
 * variable names, never input: every value travels as a parameter.
 */
import { DATED_ATTRIBUTES, type DatedAttribute, NO_VALUE } from "../domain/dated-attributes.ts";
import { UNIT_DATE_PROPERTIES, UNIT_PROPERTY_NAMES, type UnitPropertyName } from "../domain/records.ts";
import { STRUCTURAL_TYPES } from "../domain/relation-types.ts";

/** `x` is in force on the date `d` (a Cypher date variable); validTo is inclusive. */
export function active(x: string, d = "d"): string {
  return `((${x}.validFrom IS NULL OR ${x}.validFrom <= ${d}) AND (${x}.validTo IS NULL OR ${x}.validTo >= ${d}))`;
}

/**
 * The value of a dated attribute of unit `x` on the date `d` (src/domain/dated-attributes.ts):
 * the first earlier value whose last day is on or after d, else the current one.
 */
export function attributeOn(x: string, attribute: DatedAttribute, d = "d"): string {
  const k = DATED_ATTRIBUTES[attribute];
  const values = `${x}.${k.values}`;
  const until = `${x}.${k.until}`;
  return `reduce(v = ${x}.${attribute}, i IN reverse(range(0, size(coalesce(${until}, [])) - 1)) |
    CASE WHEN ${d} <= ${until}[i] THEN CASE WHEN ${values}[i] = '${NO_VALUE}' THEN null ELSE ${values}[i] END ELSE v END)`;
}

/**
 * The assignments that write every stored unit property (src/domain/records.ts) of node `x`,
 * each from `value(property)`; dates become Neo4j dates. The writers add `origin`.
 */
export function unitAssignments(x: string, value: (p: UnitPropertyName) => string): string {
  return UNIT_PROPERTY_NAMES.map((p) => {
    const v = value(p);
    return `${x}.${p} = ${UNIT_DATE_PROPERTIES.has(p) ? `date(${v})` : v}`;
  }).join(", ");
}

/** The structural relation types (src/domain/relation-types.ts) as a pattern's alternation: `SUBORDINATE_TO|PART_OF`. */
export const STRUCTURE = STRUCTURAL_TYPES.join("|");

const FIRST_DAY = "date('0001-01-01')";
const LAST_DAY = "date('9999-12-31')";

/**
 * The relations of the list `rels` all hold on one common day: the latest start is not after the
 * earliest end (open ends count as unbounded). A path of structural links made of links of
 * different times does not put a unit in a subtree: a unit that left Y before Y joined a root
 * was never below that root.
 */
export function holdTogether(rels: string): string {
  // Names of their own: Cypher refuses a reduce variable that shadows one of the caller's.
  const from = `coalesce(holdRel.validFrom, ${FIRST_DAY})`;
  const to = `coalesce(holdRel.validTo, ${LAST_DAY})`;
  return `(reduce(holdLo = ${FIRST_DAY}, holdRel IN ${rels} | CASE WHEN ${from} > holdLo THEN ${from} ELSE holdLo END)
    <= reduce(holdHi = ${LAST_DAY}, holdRel IN ${rels} | CASE WHEN ${to} < holdHi THEN ${to} ELSE holdHi END))`;
}

/**
 * `(x)` lies, on some day, in a subtree rooted at one of the unit ids in the list `roots` (itself
 * one of them, or below one through structural links that hold together, holdTogether): what a
 * reader scoped to those roots may see of the graph's history. Its own variable names, so that
 * they never capture the caller's.
 */
export function inSubtreeOnSomeDay(x: string, roots: string, depth = 40): string {
  return `EXISTS { MATCH (${x})-[inRels:${STRUCTURE}]->{0,${depth}}(inRoot:Unit) WHERE inRoot.id IN ${roots} AND ${holdTogether("inRels")} }`;
}

/**
 * A subquery that collects the citations of the given provision ids as `${as}` (each the
 * provision and its document's id) and the documents they cite, once each, as
 * `${as}Documents` — an answer's citations mostly come from a handful of documents, which
 * were otherwise sent once per citation. asCitations (records.ts) joins them back.
 */
export function citationsOf(ids: string, as = "citations"): string {
  return `CALL (${ids}) {
       UNWIND ${ids} AS pid
       WITH DISTINCT pid
       MATCH (p:Provision {id: pid})-[:IN_DOCUMENT]->(doc:Document)
       WITH collect({p: properties(p), doc: doc.id}) AS cs, collect(DISTINCT doc) AS docs
       RETURN cs AS ${as}, [x IN docs | properties(x)] AS ${as}Documents
     }`;
}

/** A subquery that collects the properties of the units with the given ids. */
export function unitsOf(ids: string, as: string): string {
  return `CALL (${ids}) {
       UNWIND ${ids} AS uid
       WITH DISTINCT uid
       MATCH (x:Unit {id: uid})
       RETURN collect(properties(x)) AS ${as}
     }`;
}

/** The provision ids cited by a list of relation maps `{props: …}`. */
export function basisOf(list: string): string {
  return `reduce(a = [], x IN ${list} | a + coalesce(x.props.basis, []))`;
}
