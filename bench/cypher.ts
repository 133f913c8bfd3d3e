/**
 * The benchmark questions as raw Cypher: hand-written, one query per question, returning the
 * same information as the GraphQL responses (units as {id, name, kind}, citations as
 * {id, documentNumber}, rules as {id, title}). They are the floor for any layer on top, and
 * the bodies of the @cypher fields of the @neo4j/graphql type definitions
 * (bench/neo4j-graphql/type-defs.ts), which bind `u` to `this` and `d` to the asOf argument.
 */

/** `x` in force on the date `d` (validTo inclusive), as src/store/cypher-fragments.ts. */
const active = (x: string) =>
  `((${x}.validFrom IS NULL OR ${x}.validFrom <= d) AND (${x}.validTo IS NULL OR ${x}.validTo >= d))`;

const STRUCTURE = "SUBORDINATE_TO|PART_OF";
const BODY_KINDS = "['EXECUTIVE_COMMITTEE', 'STANDING_BOARD', 'STANDING_MEMBERS']";
const MASS_KINDS =
  "['FATHERLAND_FRONT', 'WOMENS_UNION', 'FARMERS_UNION', 'VETERANS_ASSOCIATION', 'LABOUR_FEDERATION', 'YOUTH_UNION']";

const unitRef = (x: string) => `${x} {.id, .name, .kind}`;
const unitsById = (ids: string) =>
  `COLLECT { UNWIND ${ids} AS vid MATCH (v:Unit {id: vid}) RETURN v {.id, .name} }`;
const citations = (ids: string) =>
  `COLLECT { UNWIND ${ids} AS pid MATCH (p:Provision {id: pid})-[:IN_DOCUMENT]->(doc:Document) RETURN {id: p.id, documentNumber: doc.number} }`;

/**
 * Obligations of `u` on `d`: explicit REPORTS_TO / NOTIFIES from the unit and its bodies, and
 * the kind-level rules covering it with their recipients resolved by selector. Yields `o`.
 */
export const OBLIGATIONS_BODY = `
  WITH u, d, coalesce(u.host, CASE WHEN u.kind = 'AGENCY_HEAD'
    THEN head(COLLECT { MATCH (u)-[po:PART_OF]->(w:Unit) WHERE ${active("po")} RETURN w.id }) END) AS hostId
  CALL (u, d, hostId) {
    MATCH (src:Unit)-[:PART_OF]->{0,3}(u)
    WHERE src = u OR (src.kind IN ${BODY_KINDS} AND ${active("src")})
    MATCH (src)-[r:REPORTS_TO|NOTIFIES]->(x:Unit) WHERE ${active("r")}
    RETURN src AS obligor, type(r) AS type, x AS recipient, r.frequencies AS frequencies, r.via AS via,
           r.subject AS subject, r.basis AS basis, null AS rule, r.validFrom AS validFrom, r.validTo AS validTo
    UNION ALL
    MATCH (rule:Rule)
    WHERE rule.relation IN ['REPORTS_TO', 'NOTIFIES'] AND u.kind IN rule.kinds
      AND (rule.sectors IS NULL OR u.sector IN rule.sectors) AND ${active("rule")}
    CALL (u, d, hostId, rule) {
      WITH u, d, rule WHERE rule.recipient = 'DIRECT_SUPERIOR'
      MATCH (u)-[s:SUBORDINATE_TO]->(x:Unit) WHERE ${active("s")}
      RETURN x
      UNION
      WITH d, hostId, rule WHERE rule.recipient = 'HOST_LEADERSHIP' AND hostId IS NOT NULL
      MATCH (x:Unit)-[lr:LEADS]->(:Unit {id: hostId})
      WHERE x.kind IN ['PARTY_DELEGATION', 'PARTY_CADRE_COMMITTEE'] AND ${active("lr")} AND ${active("x")}
      RETURN x
      UNION
      WITH d, hostId, rule WHERE rule.recipient = 'HOST_LEADERSHIP' AND hostId IS NOT NULL
      MATCH (x:Unit)-[hr:PART_OF]->(:Unit {id: hostId})
      WHERE x.kind = 'AGENCY_HEAD' AND ${active("hr")} AND ${active("x")}
      RETURN x
      UNION
      WITH u, d, hostId, rule WHERE rule.recipient = 'HOST_PARTY_ORGANISATION' AND u.kind = 'AGENCY_HEAD'
      MATCH (x:Unit {host: hostId})
      WHERE x.kind IN ['BASIC_PARTY_COMMITTEE', 'BASIC_PARTY_CELL'] AND ${active("x")} AND x <> u
      RETURN x
      UNION
      WITH d, hostId, rule WHERE rule.recipient = 'HOST_MASS_ORGANISATIONS' AND hostId IS NOT NULL
      MATCH (x:Unit {host: hostId}) WHERE x.kind IN ${MASS_KINDS} AND ${active("x")}
      RETURN x
      UNION
      WITH u, d, rule WHERE rule.recipient = 'LOCAL_COMMITTEE'
      MATCH (u)-[cr:COORDINATES_WITH]-(x:Unit)
      WHERE x.kind IN ['DISTRICT_COMMITTEE', 'COMMUNE_COMMITTEE'] AND ${active("cr")}
      RETURN x
    }
    RETURN u AS obligor, rule.relation AS type, x AS recipient, rule.frequencies AS frequencies, rule.via AS via,
           rule.subject AS subject, rule.basis AS basis, rule AS rule, rule.validFrom AS validFrom,
           rule.validTo AS validTo
  }
  RETURN {
    obligor: obligor {.id, .name}, type: type, recipient: ${unitRef("recipient")},
    frequencies: coalesce(frequencies, []), via: ${unitsById("coalesce(via, [])")}, subject: subject,
    basis: ${citations("coalesce(basis, [])")},
    rule: CASE WHEN rule IS NULL THEN null ELSE rule {.id, .title} END,
    validFrom: toString(validFrom), validTo: toString(validTo)
  } AS o`;

/**
 * The chain from `u` to the top on `d`, one row `step` per hop, with the reporting on it:
 * REPORTS_TO from the lower unit or its bodies to the higher or its bodies, and the rules
 * whose recipient is the direct superior.
 */
export const CHAIN_BODY = `
  MATCH path = (u) (()-[r:${STRUCTURE}]->(n:Unit) WHERE ${active("r")} AND ${active("n")}){0,40} (top:Unit)
  WHERE NOT EXISTS { MATCH (top)-[r2:${STRUCTURE}]->(t2:Unit) WHERE ${active("r2")} AND ${active("t2")} }
  WITH d, path ORDER BY length(path) DESC LIMIT 1
  WITH d, nodes(path) AS ns, relationships(path) AS rs
  UNWIND range(0, size(rs) - 1) AS i
  WITH d, i, ns[i] AS a, ns[i + 1] AS b, rs[i] AS hop
  CALL (a, b, d) {
    OPTIONAL MATCH (src:Unit)-[:PART_OF]->{0,3}(a)
    WHERE src.kind <> 'AGENCY_HEAD'
    OPTIONAL MATCH (src)-[rep:REPORTS_TO]->(dst:Unit)
    WHERE ${active("rep")} AND (dst = b OR EXISTS { (dst)-[:PART_OF]->{1,3}(b) })
    RETURN collect(rep) AS reports
  }
  CALL (a, hop, d) {
    OPTIONAL MATCH (rule:Rule {relation: 'REPORTS_TO', recipient: 'DIRECT_SUPERIOR'})
    WHERE type(hop) = 'SUBORDINATE_TO' AND a.kind IN rule.kinds
      AND (rule.sectors IS NULL OR a.sector IN rule.sectors) AND ${active("rule")}
    RETURN collect(rule) AS rules
  }
  WITH i, a, b, hop, reports, rules,
       reduce(s = [], x IN reports + rules | s + coalesce(x.frequencies, [])) AS freqs,
       reduce(s = [], x IN reports + rules | s + coalesce(x.via, [])) AS viaIds,
       coalesce(hop.basis, []) + reduce(s = [], x IN reports + rules | s + coalesce(x.basis, [])) AS basisIds
  RETURN {
    i: i, from: ${unitRef("a")}, to: ${unitRef("b")}, relation: type(hop),
    frequencies: reduce(s = [], f IN freqs | CASE WHEN f IN s THEN s ELSE s + f END),
    via: ${unitsById("reduce(s = [], v IN viaIds | CASE WHEN v IN s THEN s ELSE s + v END)")},
    basis: ${citations("reduce(s = [], p IN basisIds | CASE WHEN p IN s THEN s ELSE s + p END)")},
    rules: [x IN rules | x {.id, .title}]
  } AS step`;

/** Direct children of `p` on `d` (subordinates and organs), by id; `first` of them and the count. */
const childrenOf = (first: string) => `
  CALL (p, d) {
    MATCH (c:Unit)-[r:${STRUCTURE}]->(p) WHERE ${active("r")} AND ${active("c")}
    WITH DISTINCT c ORDER BY c.id
    RETURN collect(c) AS cs
  }
  WITH p, d, size(cs) AS total, cs[0..${first}] AS page`;

/** Every unit below `p` on `d`, at its smallest depth, by depth then id: `first` of them and the total. */
export const DESCENDANTS_BODY = `
  CALL (p, d) {
    MATCH (c:Unit) ((x)-[r:${STRUCTURE}]->(y:Unit) WHERE ${active("r")} AND ${active("x")}){1,10} (p)
    WITH c, min(size(r)) AS depth
    RETURN c, depth ORDER BY depth, c.id
  }
  WITH collect({depth: depth, node: c {.id, .name, .kind}}) AS rows`;

export const RAW = {
  chain: {
    cypher: `MATCH (u:Unit {id: $id}) WITH u, date($asOf) AS d
      CALL (u, d) { ${CHAIN_BODY} }
      RETURN step ORDER BY step.i`,
  },
  obligations: {
    cypher: `MATCH (u:Unit {id: $id}) WITH u, date($asOf) AS d
      CALL (u, d) { ${OBLIGATIONS_BODY} }
      RETURN o`,
  },
  descendants: {
    cypher: `MATCH (p:Unit {id: $id}) WITH p, date($asOf) AS d
      ${DESCENDANTS_BODY}
      RETURN size(rows) AS totalCount, rows[0..$first] AS edges, size(rows) > $first AS hasNextPage`,
  },
  search: {
    cypher: `WITH date($asOf) AS d
      CALL db.index.fulltext.queryNodes('unit_names', $query) YIELD node AS u, score
      WHERE ${active("u")}
      RETURN u {.id, .name, .kind} AS unit ORDER BY score DESC, u.id LIMIT $first`,
  },
  nested: {
    cypher: `MATCH (p:Unit {id: $id}) WITH p, date($asOf) AS d
      ${childrenOf("100")}
      UNWIND page AS u
      CALL (u, d) {
        OPTIONAL MATCH (u)-[s:${STRUCTURE}]->(sup:Unit) WHERE ${active("s")}
        RETURN sup.id AS superior ORDER BY CASE type(s) WHEN 'SUBORDINATE_TO' THEN 0 ELSE 1 END LIMIT 1
      }
      CALL (u, d) { CALL (u, d) { ${OBLIGATIONS_BODY} } RETURN collect(o) AS obligations }
      RETURN p.id AS id, total, collect({id: u.id, name: u.name, kind: u.kind, superior: superior, obligations: obligations}) AS children`,
  },
  entities: {
    cypher: `UNWIND $ids AS id MATCH (u:Unit {id: id})
      RETURN u {.id, .name, .kind, .province, validFrom: toString(u.validFrom), validTo: toString(u.validTo)} AS unit`,
  },
} as const;

/** The same bodies for @cypher fields: `this` is the unit, `$asOf` the date argument. */
export const FIELD = {
  obligations: `WITH this AS u, date($asOf) AS d CALL (u, d) { ${OBLIGATIONS_BODY} } RETURN o`,
  chainOf: `MATCH (u:Unit {id: $unitId}) WITH u, date($asOf) AS d CALL (u, d) { ${CHAIN_BODY} } RETURN step ORDER BY step.i`,
  obligationsOf: `MATCH (u:Unit {id: $unitId}) WITH u, date($asOf) AS d CALL (u, d) { ${OBLIGATIONS_BODY} } RETURN o`,
  superior: `WITH this AS u, date($asOf) AS d
    OPTIONAL MATCH (u)-[s:${STRUCTURE}]->(sup:Unit) WHERE ${active("s")}
    RETURN sup ORDER BY CASE type(s) WHEN 'SUBORDINATE_TO' THEN 0 ELSE 1 END LIMIT 1`,
  children: `WITH this AS p, date($asOf) AS d
    MATCH (c:Unit)-[r:${STRUCTURE}]->(p) WHERE ${active("r")} AND ${active("c")}
    WITH DISTINCT c ORDER BY c.id LIMIT $first
    RETURN c`,
  childCount: `WITH this AS p, date($asOf) AS d
    MATCH (c:Unit)-[r:${STRUCTURE}]->(p) WHERE ${active("r")} AND ${active("c")}
    RETURN count(DISTINCT c) AS n`,
  descendants: `WITH this AS p, date($asOf) AS d ${DESCENDANTS_BODY}
    RETURN {totalCount: size(rows), edges: rows[0..$first], hasNextPage: size(rows) > $first} AS page`,
  search: `WITH date($asOf) AS d
    CALL db.index.fulltext.queryNodes('unit_names', $text) YIELD node AS u, score
    WHERE ${active("u")}
    RETURN u ORDER BY score DESC, u.id LIMIT $first`,
} as const;
