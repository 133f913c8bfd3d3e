/**
 * Cypher for relations: the facts around a unit on a date (its outgoing relations, its
 * superior, the units the kind-level rules point at, the rules that cover it, and every
 * citation and unit they mention), incoming relations, the chain to the top, paths and
 * neighbourhoods. Each is one query; the results carry the units and citations they
 * mention so that the request's loaders can be primed instead of asked again.
 */
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { RELATION_TYPE_NAMES } from "../domain/relation-types.ts";
import { active, attributeOn, basisOf, citationsOf, STRUCTURE, unitsOf } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { flag, maps, optNumber, text, texts } from "./fields.ts";
import {
  asCitations,
  asRelation,
  asRule,
  asUnit,
  type CitationRecord,
  type RelationRecord,
  type RuleRecord,
  type UnitRecord,
} from "./records.ts";

type Row = Record<string, unknown>;

const BODY_KINDS = ["EXECUTIVE_COMMITTEE", "STANDING_BOARD", "STANDING_MEMBERS"];
const DELEGATION_KINDS = ["PARTY_DELEGATION", "PARTY_CADRE_COMMITTEE"];
const BASIC_KINDS = ["BASIC_PARTY_COMMITTEE", "BASIC_PARTY_CELL"];
/** The party bodies through which a committee leads its locality's people's committee (ban cán sự đảng / đảng ủy UBND). */
const GOVERNMENT_PARTY_KINDS = ["GOVERNMENT_PARTY_COMMITTEE", "PARTY_CADRE_COMMITTEE"];
const MASS_KINDS = [
  "FATHERLAND_FRONT",
  "WOMENS_UNION",
  "FARMERS_UNION",
  "VETERANS_ASSOCIATION",
  "LABOUR_FEDERATION",
  "YOUTH_UNION",
];

/** What the rules' recipient selectors resolve to for one unit on one date. */
export type SelectorTargets = {
  DIRECT_SUPERIOR: string[];
  HOST_LEADERSHIP: string[];
  HOST_PARTY_ORGANISATION: string[];
  HOST_MASS_ORGANISATIONS: string[];
  LOCAL_COMMITTEE: string[];
  LOCAL_GOVERNMENT: string[];
  SUPERIOR_INSPECTION_COMMISSION: string[];
};

export interface UnitFacts {
  unitId: string;
  asOf: string;
  found: boolean;
  /** Active relations starting at the unit, every type. */
  outgoing: RelationRecord[];
  /** Active REPORTS_TO / NOTIFIES relations starting at the unit's bodies (BCH, BTV, Thường trực). */
  bodyReports: RelationRecord[];
  /** The active structural parent: SUBORDINATE_TO first, else PART_OF. */
  superiorId: string | null;
  targets: SelectorTargets;
  rules: RuleRecord[];
  units: UnitRecord[];
  citations: CitationRecord[];
}

/** The facts as the store answers them: rules and citations by id (reference data, loaded and kept apart). */
export interface StoredFacts extends Omit<UnitFacts, "rules" | "citations"> {
  ruleIds: string[];
  citationIds: string[];
}

export interface FactsKey {
  id: string;
  asOf: string;
}

/**
 * The units a rule's recipient may name (src/domain/obligations.ts), by recipient kind: the
 * unit's direct superior, its host agency's leadership, party organisation and mass
 * organisations, and the committee of the place where it sits. Only the selectors listed in
 * `wanted` (a Cypher list variable: the recipients of the rules covering the unit) are looked
 * up; the others are left empty, since nothing reads a selector no rule names — most units are
 * covered by no rule, and their facts then cost none of these reads, nor the units they name.
 */
export const targetsSubquery = (wanted: string) => `     CALL (u, d, wholes, superiors, ${wanted}) {
       // The agency the unit sits in: its host, or for an agency head the agency it is part of.
       WITH u, d, superiors, ${wanted} AS wanted,
            coalesce(${attributeOn("u", "host")}, CASE WHEN u.kind = 'AGENCY_HEAD' THEN wholes[0] END) AS hostId
       CALL (hostId, d, wanted) {
         WITH hostId, d, wanted WHERE 'HOST_LEADERSHIP' IN wanted
         OPTIONAL MATCH (l:Unit)-[lr:LEADS]->(:Unit {id: hostId})
         WHERE l.kind IN $delegationKinds AND ${active("lr")} AND ${active("l")}
         RETURN collect(l.id) AS leaders
       }
       CALL (hostId, d, wanted) {
         WITH hostId, d, wanted WHERE 'HOST_LEADERSHIP' IN wanted
         OPTIONAL MATCH (head:Unit {kind: 'AGENCY_HEAD'})-[hr:PART_OF]->(:Unit {id: hostId})
         WHERE ${active("hr")} AND ${active("head")}
         RETURN collect(head.id) AS heads
       }
       // Units hosted in the agency on d: those whose host is it now and was it on d (a unit
       // that has since moved to another host is not found: the host index holds current values).
       CALL (u, hostId, d, wanted) {
         WITH u, hostId, d, wanted WHERE 'HOST_PARTY_ORGANISATION' IN wanted AND u.kind = 'AGENCY_HEAD'
         OPTIONAL MATCH (o:Unit {host: hostId})
         WHERE o.kind IN $basicKinds AND ${active("o")} AND o <> u AND ${attributeOn("o", "host")} = hostId
         RETURN collect(o.id) AS partyOrgs
       }
       CALL (hostId, d, wanted) {
         WITH hostId, d, wanted WHERE 'HOST_MASS_ORGANISATIONS' IN wanted
         OPTIONAL MATCH (m:Unit {host: hostId})
         WHERE m.kind IN $massKinds AND ${active("m")} AND ${attributeOn("m", "host")} = hostId
         RETURN collect(m.id) AS massOrgs
       }
       // The selectors as seed/FORMAT.md and schema/reporting.graphql word them (d = the date):
       // LOCAL_COMMITTEE (138-QĐ/TW Điều 13): the seat, on the date, of the covered unit's host
       // agency (or of the unit itself when it has no host), if that committee is in force on the
       // date; no seat recorded, no recipient.
       // LOCAL_GOVERNMENT (Điều 13): the people's committee of the seat's locality, where the graph
       // holds it: the PEOPLES_COMMITTEE led (LEADS) on the date by a ban cán sự đảng / đảng ủy
       // UBND that is SUBORDINATE_TO the LOCAL_COMMITTEE.
       CALL (u, hostId, d, wanted) {
         WITH u, hostId, d, wanted WHERE 'LOCAL_COMMITTEE' IN wanted OR 'LOCAL_GOVERNMENT' IN wanted
         OPTIONAL MATCH (a:Unit {id: coalesce(hostId, u.id)})
         WITH a, d, wanted, CASE WHEN a IS NULL THEN null ELSE ${attributeOn("a", "seat")} END AS seatId
         OPTIONAL MATCH (c:Unit {id: seatId}) WHERE ${active("c")}
         CALL (c, d, wanted) {
           WITH c, d, wanted WHERE 'LOCAL_GOVERNMENT' IN wanted
           OPTIONAL MATCH (c)<-[gs:SUBORDINATE_TO]-(g:Unit)-[gl:LEADS]->(gov:Unit {kind: 'PEOPLES_COMMITTEE'})
           WHERE g.kind IN $governmentPartyKinds AND ${active("g")} AND ${active("gs")} AND ${active("gl")}
             AND ${active("gov")}
           RETURN collect(DISTINCT gov.id) AS governments
         }
         RETURN collect(c.id) AS locals, coalesce(head(collect(governments)), []) AS governments
       }
       // SUPERIOR_INSPECTION_COMMISSION (138-QĐ/TW Điều 6 khoản 2): the Ủy ban Kiểm tra (PART_OF,
       // up to three steps) of the covered unit's direct superior committee on the date.
       CALL (superiors, d, wanted) {
         WITH superiors, d, wanted WHERE 'SUPERIOR_INSPECTION_COMMISSION' IN wanted
         OPTIONAL MATCH (k:Unit {kind: 'INSPECTION_COMMISSION'}) (()-[p:PART_OF]->()){1,3} (sup:Unit)
         WHERE sup.id IN superiors AND ${active("k")} AND all(x IN p WHERE ${active("x")})
         RETURN collect(DISTINCT k.id) AS superiorInspection
       }
       RETURN {
         DIRECT_SUPERIOR: CASE WHEN 'DIRECT_SUPERIOR' IN wanted THEN superiors ELSE [] END,
         HOST_LEADERSHIP: leaders + heads,
         HOST_PARTY_ORGANISATION: partyOrgs,
         HOST_MASS_ORGANISATIONS: massOrgs,
         LOCAL_COMMITTEE: CASE WHEN 'LOCAL_COMMITTEE' IN wanted THEN locals ELSE [] END,
         LOCAL_GOVERNMENT: governments,
         SUPERIOR_INSPECTION_COMMISSION: superiorInspection
       } AS targets
     }`;

/**
 * The facts around each key's unit on its date, and the units, rules and citations they name,
 * once for the batch; `keys` is the Cypher list of {id, asOf} (a parameter, or a variable of an
 * enclosing query). Yields perKey and units.
 */
export const factsCypher = (keys: string) => `UNWIND range(0, size(${keys}) - 1) AS i
     WITH i, ${keys}[i] AS k
     OPTIONAL MATCH (u:Unit {id: k.id})
     WITH i, k, u, date(k.asOf) AS d
     CALL (u, d) {
       OPTIONAL MATCH (u)-[r]->(x:Unit) WHERE ${active("r")}
       RETURN collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), props: properties(r), to: x.id} END) AS outgoing
     }
     CALL (u, d) {
       OPTIONAL MATCH (b:Unit)-[:PART_OF]->{1,3}(u) WHERE b.kind IN $bodyKinds AND ${active("b")}
       OPTIONAL MATCH (b)-[r:REPORTS_TO|NOTIFIES]->(x:Unit) WHERE ${active("r")}
       RETURN collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), props: properties(r), from: b.id, to: x.id} END) AS bodyReports
     }
     CALL (u, d) {
       OPTIONAL MATCH (u)-[s:SUBORDINATE_TO]->(sup:Unit) WHERE ${active("s")}
       OPTIONAL MATCH (u)-[po:PART_OF]->(whole:Unit) WHERE ${active("po")}
       RETURN collect(DISTINCT sup.id) AS superiors, collect(DISTINCT whole.id) AS wholes
     }
     CALL (u, d) {
       OPTIONAL MATCH (rule:Rule)
       WHERE u.kind IN rule.kinds AND (rule.sectors IS NULL OR ${attributeOn("u", "sector")} IN rule.sectors)
         AND ${active("rule")}
       RETURN collect(rule {.id, .via, .basis}) AS rules, collect(DISTINCT rule.recipient) AS recipients
     }
${targetsSubquery("recipients")}
     WITH i, k, u, outgoing, bodyReports, superiors, wholes, targets, rules,
          CASE WHEN u IS NULL THEN [] ELSE [u.id] END +
          [x IN outgoing | x.to] + [x IN bodyReports | x.from] + [x IN bodyReports | x.to] +
          reduce(a = [], x IN outgoing + bodyReports | a + coalesce(x.props.via, [])) +
          reduce(a = [], r IN rules | a + coalesce(r.via, [])) +
          superiors + wholes + targets.HOST_LEADERSHIP + targets.HOST_PARTY_ORGANISATION +
          targets.HOST_MASS_ORGANISATIONS + targets.LOCAL_COMMITTEE + targets.LOCAL_GOVERNMENT +
          targets.SUPERIOR_INSPECTION_COMMISSION AS unitIds,
          reduce(a = [], x IN outgoing + bodyReports | a + coalesce(x.props.basis, [])) +
          reduce(a = [], r IN rules | a + coalesce(r.basis, [])) AS basisIds
     // Units once for the whole batch: children of one parent share most of them. Rules and
     // citations go by id: they are reference data, kept apart (src/graphql/result-cache.ts).
     WITH collect({i: i, found: u IS NOT NULL, outgoing: outgoing, bodyReports: bodyReports, superiors: superiors,
                   wholes: wholes, targets: targets, ruleIds: [r IN rules | r.id], unitIds: unitIds,
                   basisIds: basisIds}) AS perKey
     WITH perKey, COLLECT { UNWIND perKey AS x UNWIND x.unitIds AS id RETURN DISTINCT id } AS allUnitIds
     ${unitsOf("allUnitIds", "units")}`;

const UNIT_FACTS_CYPHER = factsCypher("$keys");

/** The kind lists UNIT_FACTS_CYPHER and targetsSubquery take as parameters (also read by the integrity report). */
export const FACTS_KIND_PARAMS = {
  bodyKinds: BODY_KINDS,
  delegationKinds: DELEGATION_KINDS,
  basicKinds: BASIC_KINDS,
  massKinds: MASS_KINDS,
  governmentPartyKinds: GOVERNMENT_PARTY_KINDS,
};

/**
 * The rules and citations the facts name, once for the batch: for a reader without the result
 * cache, which would otherwise read them in further round trips.
 */
export const WITH_REFERENCES = `
     WITH perKey, units,
          COLLECT { UNWIND perKey AS x UNWIND x.basisIds AS id RETURN DISTINCT id } AS allBasisIds,
          COLLECT { UNWIND perKey AS x UNWIND x.ruleIds AS id RETURN DISTINCT id } AS allRuleIds
     CALL (allRuleIds) {
       UNWIND allRuleIds AS rid
       MATCH (r:Rule {id: rid})
       RETURN collect(properties(r)) AS allRules
     }
     ${citationsOf("allBasisIds")}
     RETURN perKey, units, allRules, citations, citationsDocuments`;

/** The facts around several units, and (when asked) the rules and citations they name: one query for all of them. */
export async function unitFacts(
  db: Database,
  keys: readonly FactsKey[],
  counter?: RoundTripCounter,
  withReferences = false,
): Promise<{ facts: StoredFacts[]; rules: RuleRecord[]; citations: CitationRecord[] }> {
  const rows = await db.read(
    withReferences ? UNIT_FACTS_CYPHER + WITH_REFERENCES : `${UNIT_FACTS_CYPHER}\n     RETURN perKey, units`,
    {
      keys: keys.map((k) => ({ id: k.id, asOf: k.asOf })),
      ...FACTS_KIND_PARAMS,
    },
    counter,
  );
  const row = rows[0] ?? {};
  return {
    facts: unitFactsFrom(row, keys),
    rules: maps(row, "allRules").map(asRule),
    citations: asCitations(row.citations ?? [], row.citationsDocuments ?? []),
  };
}

/** Each key's facts, with the units it names picked from the batch's. */
export function unitFactsFrom(row: Row, keys: readonly FactsKey[]): StoredFacts[] {
  const units = new Map(
    maps(row, "units")
      .map(asUnit)
      .map((u) => [u.id, u]),
  );
  const perKey = new Map(maps(row, "perKey").map((x) => [optNumber(x, "i"), x]));
  return keys.map((key, i) => {
    const r = perKey.get(i) ?? {};
    const superiors = texts(r, "superiors");
    const wholes = texts(r, "wholes");
    return {
      unitId: key.id,
      asOf: key.asOf,
      found: flag(r, "found"),
      outgoing: maps(r, "outgoing").map((x) => asRelation(text(x, "type"), key.id, text(x, "to"), x.props)),
      bodyReports: maps(r, "bodyReports").map((x) =>
        asRelation(text(x, "type"), text(x, "from"), text(x, "to"), x.props),
      ),
      superiorId: superiors[0] ?? wholes[0] ?? null,
      targets: r.targets as SelectorTargets,
      ruleIds: [...new Set(texts(r, "ruleIds"))],
      units: [...new Set(texts(r, "unitIds"))].flatMap((id) => {
        const found = units.get(id);
        return found === undefined ? [] : [found];
      }),
      citationIds: [...new Set(texts(r, "basisIds"))],
    };
  });
}

export interface IncomingRelations {
  relations: RelationRecord[];
  units: UnitRecord[];
  citations: CitationRecord[];
}

/** Active relations ending at each unit, optionally of some types only. */
export async function incomingRelations(
  db: Database,
  keys: readonly { id: string; asOf: string; types: string[] | null }[],
  counter?: RoundTripCounter,
): Promise<IncomingRelations[]> {
  const rows = await db.read(
    `UNWIND range(0, size($keys) - 1) AS i
     WITH i, $keys[i] AS k
     OPTIONAL MATCH (u:Unit {id: k.id})
     WITH i, k, u, date(k.asOf) AS d
     CALL (u, k, d) {
       OPTIONAL MATCH (x:Unit)-[r]->(u) WHERE ${active("r")} AND (k.types IS NULL OR type(r) IN k.types)
       RETURN collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), props: properties(r), from: x.id, unit: properties(x)} END) AS incoming
     }
     WITH i, incoming, ${basisOf("incoming")} AS basisIds
     ${citationsOf("basisIds")}
     RETURN i, incoming, citations, citationsDocuments ORDER BY i`,
    { keys: keys.map((k) => ({ ...k })) },
    counter,
  );
  return rows.map((r) => {
    const key = keys[r.i as number] as { id: string };
    const incoming = (r.incoming as Row[]) ?? [];
    return {
      relations: incoming.map((x) => asRelation(x.type as string, x.from as string, key.id, x.props)),
      units: incoming.map((x) => asUnit(x.unit)),
      citations: asCitations(r.citations, r.citationsDocuments),
    };
  });
}

export interface ChainHop {
  from: string;
  to: string;
  relation: RelationRecord;
  /** REPORTS_TO relations from `from` (or its bodies) to `to` (or its bodies). */
  reports: RelationRecord[];
  /** Rules covering `from` whose recipient is its direct superior. */
  rules: RuleRecord[];
}

export interface Chain {
  found: boolean;
  hops: ChainHop[];
  units: UnitRecord[];
  /** Only when asked (readers without the result cache): the citations the hops name. */
  citations: CitationRecord[];
}

/**
 * The chain from a unit to the top as of the date: structural hops (SUBORDINATE_TO, PART_OF),
 * and on each hop the reporting that explicit relations and rules prescribe. One query: the
 * path, the hops' reports and rules, every unit the answer names and (when asked) every
 * citation. Without them the hops name their citations by id, as the facts do: reference data
 * a result cache keeps apart (a dozen provisions serve every chain of the country, and their
 * excerpts were half of each answer).
 */
const REPORTING_CHAIN = (withReferences: boolean) => `OPTIONAL MATCH (u:Unit {id: $id})
  WITH u, date($asOf) AS d
  CALL (u, d) {
    OPTIONAL MATCH path = (u) (()-[r:${STRUCTURE}]->(n:Unit) WHERE ${active("r")} AND ${active("n")}){0,${MAX_STRUCTURE_DEPTH}} (top:Unit)
    WHERE NOT EXISTS { MATCH (top)-[r2:${STRUCTURE}]->(t2:Unit) WHERE ${active("r2")} AND ${active("t2")} }
    RETURN path ORDER BY length(path) DESC LIMIT 1
  }
  WITH u, d, CASE WHEN path IS NULL THEN [] ELSE nodes(path) END AS ns,
       CASE WHEN path IS NULL THEN [] ELSE relationships(path) END AS rs
  CALL (ns, rs, d) {
    UNWIND range(0, size(rs) - 1) AS i
    WITH i, ns[i] AS a, ns[i + 1] AS b, rs[i] AS hop, d
    CALL (a, b, d) {
      // Anchored at the hop's lower unit and its bodies, so the cost does not grow with the graph.
      MATCH (src:Unit)-[:PART_OF]->{0,3}(a)
      WITH DISTINCT src, b, d
      OPTIONAL MATCH (src)-[rep:REPORTS_TO]->(dst:Unit)
      WHERE ${active("rep")} AND src.kind <> 'AGENCY_HEAD' AND (dst = b OR EXISTS { (dst)-[:PART_OF]->{1,3}(b) })
      RETURN collect(CASE WHEN rep IS NULL THEN null ELSE {props: properties(rep), from: src.id, to: dst.id} END) AS reports
    }
    CALL (a, hop, d) {
      OPTIONAL MATCH (rule:Rule {relation: 'REPORTS_TO', recipient: 'DIRECT_SUPERIOR'})
      WHERE type(hop) = 'SUBORDINATE_TO' AND a.kind IN rule.kinds
        AND (rule.sectors IS NULL OR ${attributeOn("a", "sector")} IN rule.sectors) AND ${active("rule")}
      RETURN collect(properties(rule)) AS rules
    }
    RETURN collect({i: i, from: a.id, to: b.id, type: type(hop), props: properties(hop), reports: reports, rules: rules}) AS hops
  }
  WITH u, ns, hops,
       reduce(a = [], h IN hops | a + coalesce(h.props.basis, []) +
         reduce(b = [], x IN h.reports | b + coalesce(x.props.basis, [])) +
         reduce(c = [], x IN h.rules | c + coalesce(x.basis, []))) AS basisIds,
       reduce(a = [], h IN hops | a + [x IN h.reports | x.from] + [x IN h.reports | x.to] +
         reduce(b = [], x IN h.reports | b + coalesce(x.props.via, []))) AS extraIds
  ${unitsOf("extraIds", "extra")}
  ${withReferences ? citationsOf("basisIds") : ""}
  RETURN u IS NOT NULL AS found, [n IN ns | properties(n)] + extra AS units, hops
         ${withReferences ? ", citations, citationsDocuments" : ""}`;

const CHAIN_WITH_CITATIONS = REPORTING_CHAIN(true);
const CHAIN_CITING_BY_ID = REPORTING_CHAIN(false);

/** The chain, with its citations when `withReferences` (the default: one round trip for a reader without the result cache). */
export async function reportingChain(
  db: Database,
  args: { id: string; asOf: string },
  counter?: RoundTripCounter,
  withReferences = true,
): Promise<Chain> {
  const cypher = withReferences ? CHAIN_WITH_CITATIONS : CHAIN_CITING_BY_ID;
  const rows = await db.read(cypher, { id: args.id, asOf: args.asOf }, counter);
  return chainOf(rows[0] as Row);
}

function chainOf(row: Row): Chain {
  const hops = ((row.hops as Row[]) ?? []).sort((a, b) => (a.i as number) - (b.i as number));
  return {
    found: row.found as boolean,
    hops: hops.map((h) => ({
      from: h.from as string,
      to: h.to as string,
      relation: asRelation(h.type as string, h.from as string, h.to as string, h.props),
      reports: ((h.reports as Row[]) ?? []).map((x) =>
        asRelation("REPORTS_TO", x.from as string, x.to as string, x.props),
      ),
      rules: ((h.rules as Row[]) ?? []).map(asRule),
    })),
    units: ((row.units as Row[]) ?? []).map(asUnit),
    citations: asCitations(row.citations, row.citationsDocuments),
  };
}

export interface GraphSlice {
  relations: RelationRecord[];
  units: UnitRecord[];
  citations: CitationRecord[];
}

/** A shortest path between two units as of the date, ignoring direction; null when none within `maxDepth`. */
export async function pathBetween(
  db: Database,
  args: { fromId: string; toId: string; types: string[] | null; asOf: string; maxDepth: number },
  counter?: RoundTripCounter,
): Promise<GraphSlice | null> {
  if (!Number.isInteger(args.maxDepth) || args.maxDepth < 1 || args.maxDepth > 100)
    throw new Error("maxDepth out of range");
  const rows = await db.read(
    `MATCH (a:Unit {id: $fromId}), (b:Unit {id: $toId})
     WITH a, b, date($asOf) AS d
     OPTIONAL MATCH path = shortestPath((a)-[rs*..${args.maxDepth}]-(b))
     WHERE all(r IN rs WHERE ${active("r")} AND ($types IS NULL OR type(r) IN $types) AND type(r) IN $allTypes)
       AND all(n IN nodes(path) WHERE n:Unit AND ${active("n")})
     WITH path WHERE path IS NOT NULL
     WITH [r IN relationships(path) | {type: type(r), props: properties(r), from: startNode(r).id, to: endNode(r).id}] AS rels,
          [n IN nodes(path) | properties(n)] AS units
     WITH *, ${basisOf("rels")} AS basisIds
     ${citationsOf("basisIds")}
     RETURN rels, units, citations, citationsDocuments`,
    { ...args, allTypes: ALL_TYPES },
    counter,
  );
  const row = rows[0];
  if (!row) return null;
  return toSlice(row);
}

/** The relations between units: a path takes no other link of a unit (its audit records, its events). */
const ALL_TYPES = RELATION_TYPE_NAMES;

function toSlice(row: Row): GraphSlice {
  return {
    relations: ((row.rels as Row[]) ?? []).map((x) =>
      asRelation(x.type as string, x.from as string, x.to as string, x.props),
    ),
    units: ((row.units as Row[]) ?? []).map(asUnit),
    citations: asCitations(row.citations, row.citationsDocuments),
  };
}

/** A relation a neighbourhood goes along and shows: in force on `d`, of the types asked for. */
const neighbourRelation = (r: string) =>
  `${active(r)} AND ($types IS NULL OR type(${r}) IN $types) AND type(${r}) IN $allTypes`;

/** Ends a neighbourhood read: the relations among the units `xs` (with the date `d`), their units and citations. */
const SLICE_AMONG = `CALL (xs, d) {
       UNWIND xs AS a
       MATCH (a)-[r]->(b:Unit) WHERE b IN xs AND ${neighbourRelation("r")}
       RETURN collect({type: type(r), props: properties(r), from: a.id, to: b.id}) AS rels
     }
     WITH *, ${basisOf("rels")} AS basisIds
     ${citationsOf("basisIds")}
     RETURN rels, [x IN xs | properties(x)] AS units, citations, citationsDocuments`;

export interface NeighbourhoodArgs {
  id: string;
  depth: number;
  types: string[] | null;
  asOf: string;
  limit: number;
}

/**
 * Units within `depth` relations of a unit (either direction) and the relations among them, as of
 * the date. With `keep` (a scoped reader's visibility: the ids among those given it may enter), the
 * walk goes a hop at a time and only through the units `keep` answers, so that two units it keeps
 * are never shown as neighbours through one it does not; without it, one statement.
 */
export async function neighbourhood(
  db: Database,
  args: NeighbourhoodArgs,
  counter?: RoundTripCounter,
  keep?: (ids: string[]) => Promise<string[]>,
): Promise<GraphSlice> {
  if (!Number.isInteger(args.depth) || args.depth < 1 || args.depth > 10)
    throw new Error("depth out of range");
  if (keep) return neighbourhoodThrough(db, args, keep, counter);
  const rows = await db.read(
    `MATCH (u:Unit {id: $id})
     WITH u, date($asOf) AS d
     CALL (u, d) {
       MATCH (u) (()-[r]-(n:Unit) WHERE ${neighbourRelation("r")} AND ${active("n")}){0,${args.depth}} (x:Unit)
       RETURN DISTINCT x LIMIT $limit
     }
     WITH d, collect(x) AS xs
     ${SLICE_AMONG}`,
    { ...args, allTypes: ALL_TYPES },
    counter,
  );
  const row = rows[0];
  if (!row) return { relations: [], units: [], citations: [] };
  return toSlice(row);
}

/**
 * How many neighbours one hop of a kept walk reads (and has `keep` judge) per unit the answer may
 * hold: a hub's thousands of relations are not all checked, the answer holding `limit` at most.
 */
const HOP_READ_PER_UNIT = 4;

/** The neighbourhood entered only through kept units: one read per hop, from the units the last hop kept. */
async function neighbourhoodThrough(
  db: Database,
  args: NeighbourhoodArgs,
  keep: (ids: string[]) => Promise<string[]>,
  counter?: RoundTripCounter,
): Promise<GraphSlice> {
  const reached = [args.id];
  let frontier = [args.id];
  for (let hop = 0; hop < args.depth && frontier.length > 0 && reached.length < args.limit; hop++) {
    const rows = await db.read(
      `UNWIND $frontier AS fid
       MATCH (:Unit {id: fid})-[r]-(n:Unit)
       WITH n, r, date($asOf) AS d
       WHERE ${neighbourRelation("r")} AND ${active("n")} AND NOT n.id IN $reached
       RETURN DISTINCT n.id AS id ORDER BY id LIMIT $cap`,
      {
        frontier,
        reached,
        cap: HOP_READ_PER_UNIT * args.limit,
        types: args.types,
        asOf: args.asOf,
        allTypes: ALL_TYPES,
      },
      counter,
    );
    frontier = (await keep(rows.map((r) => r.id as string))).slice(0, args.limit - reached.length);
    reached.push(...frontier);
  }
  const rows = await db.read(
    `MATCH (x:Unit) WHERE x.id IN $reached
     WITH date($asOf) AS d, collect(x) AS xs
     ${SLICE_AMONG}`,
    { reached, types: args.types, asOf: args.asOf, allTypes: ALL_TYPES },
    counter,
  );
  const row = rows[0];
  if (!row) return { relations: [], units: [], citations: [] };
  return toSlice(row);
}
