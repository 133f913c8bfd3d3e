/**
 * The hierarchy invariants, checked inside the write transaction after the change and before
 * commit (by Cypher, or on what Cypher reads where the rule has a home in src/domain) (src/domain/invariants.ts says what each means). A violation aborts the
 * transaction, so nothing is written.
 */
import { checkIntervalOrder, type Violation } from "../domain/invariants.ts";
import { active } from "./cypher-fragments.ts";
import type { TransactionRunner } from "./database.ts";
import { optText, text, texts } from "./fields.ts";

const START = "date('0001-01-01')";
const END = "date('9999-12-31')";

export async function checkInvariants(
  tx: TransactionRunner,
  unitIds: readonly string[],
  relationIds: readonly string[],
  createdRelationIds: readonly string[] = [],
): Promise<Violation[]> {
  const ids = [...new Set(unitIds)];
  return [
    ...(await checkNewRelations(tx, createdRelationIds)),
    ...(await oneDirectSuperior(tx, ids)),
    ...(await noCycle(tx, ids)),
    ...(await intervalOrder(tx, ids, relationIds)),
    ...(await endpointsActive(tx, ids)),
    ...(await kindPairings(tx, relationIds)),
  ];
}

/** A party unit has at most one active direct superior at any date. */
async function oneDirectSuperior(tx: TransactionRunner, ids: readonly string[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const r of await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})-[a:SUBORDINATE_TO]->(x:Unit), (u)-[b:SUBORDINATE_TO]->(y:Unit)
     WHERE elementId(a) < elementId(b)
       AND coalesce(a.validFrom, ${START}) <= coalesce(b.validTo, ${END})
       AND coalesce(b.validFrom, ${START}) <= coalesce(a.validTo, ${END})
     RETURN u.id AS unit, x.id AS first, y.id AS second,
            toString(CASE WHEN coalesce(a.validFrom, ${START}) > coalesce(b.validFrom, ${START}) THEN a.validFrom ELSE b.validFrom END) AS from
     LIMIT 5`,
    { ids: [...ids] },
  ))
    violations.push({
      rule: "ONE_DIRECT_SUPERIOR",
      units: [text(r, "unit"), text(r, "first"), text(r, "second")],
      message: `"${r.unit}" would have two direct superiors at once ("${r.first}" and "${r.second}", from ${r.from ?? "the start"})`,
    });
  return violations;
}

/** No cycle in SUBORDINATE_TO on any date: a cycle through a changed unit whose edges share a day. */
async function noCycle(tx: TransactionRunner, ids: readonly string[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const r of await tx.run(
    `UNWIND $ids AS id
     MATCH path = (u:Unit {id: id})-[rs:SUBORDINATE_TO*1..64]->(u)
     WITH u, path, rs,
          reduce(m = ${START}, x IN rs | CASE WHEN coalesce(x.validFrom, ${START}) > m THEN coalesce(x.validFrom, ${START}) ELSE m END) AS from,
          reduce(m = ${END}, x IN rs | CASE WHEN coalesce(x.validTo, ${END}) < m THEN coalesce(x.validTo, ${END}) ELSE m END) AS to
     WHERE from <= to
     RETURN [n IN nodes(path) | n.id] AS cycle, toString(from) AS on LIMIT 1`,
    { ids: [...ids] },
  ))
    violations.push({
      rule: "NO_CYCLE",
      units: texts(r, "cycle").slice(0, -1),
      message: `SUBORDINATE_TO would have a cycle on ${r.on}: ${texts(r, "cycle").join(" → ")}`,
    });
  return violations;
}

/** validFrom is not after validTo, for changed units and relations (the rule: src/domain/dates.ts). */
async function intervalOrder(
  tx: TransactionRunner,
  ids: readonly string[],
  rels: readonly string[],
): Promise<Violation[]> {
  const intervals = await tx.run(
    `CALL {
       UNWIND $ids AS id MATCH (u:Unit {id: id})
       RETURN 'unit "' + u.id + '"' AS what, [u.id] AS units, toString(u.validFrom) AS f, toString(u.validTo) AS t
       UNION
       UNWIND $rels AS rid MATCH (a:Unit)-[r]->(b:Unit) WHERE r.id = rid
       RETURN type(r) + ' "' + r.id + '"' AS what, [a.id, b.id] AS units, toString(r.validFrom) AS f, toString(r.validTo) AS t
     }
     RETURN what, units, f, t`,
    { ids: [...ids], rels: [...rels] },
  );
  const violations = intervals.flatMap((r) => {
    const v = checkIntervalOrder(text(r, "what"), texts(r, "units"), optText(r, "f"), optText(r, "t"));
    return v ? [v] : [];
  });
  return violations.slice(0, 5);
}

/** Every relation touching a changed unit lies within both endpoints' validity. */
async function endpointsActive(tx: TransactionRunner, ids: readonly string[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const r of await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})-[r]-(o:Unit)
     WITH DISTINCT r, startNode(r) AS a, endNode(r) AS b
     WHERE NOT type(r) IN ['DIRECTS', 'LEADS_ADVICE', 'COORDINATES', 'CARRIES_OUT']
     WITH r, a, b,
          coalesce(r.validFrom, ${START}) AS rf, coalesce(r.validTo, ${END}) AS rt
     WHERE rf < coalesce(a.validFrom, ${START}) OR rt > coalesce(a.validTo, ${END})
        OR rf < coalesce(b.validFrom, ${START}) OR rt > coalesce(b.validTo, ${END})
     RETURN type(r) AS type, a.id AS from, b.id AS to, toString(r.validFrom) AS rf, toString(r.validTo) AS rt,
            toString(a.validTo) AS aTo, toString(b.validTo) AS bTo
     LIMIT 5`,
    { ids: [...ids] },
  ))
    violations.push({
      rule: "ENDPOINTS_ACTIVE",
      units: [text(r, "from"), text(r, "to")],
      message: `${r.type} "${r.from}" → "${r.to}" (${r.rf ?? "…"} – ${r.rt ?? "…"}) is not within the validity of both units ("${r.from}" until ${r.aTo ?? "…"}, "${r.to}" until ${r.bTo ?? "…"})`,
    });
  return violations;
}

/** Only allowed kind pairings for SUBORDINATE_TO (the pairs are data: KindPairing nodes). */
async function kindPairings(tx: TransactionRunner, rels: readonly string[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const r of await tx.run(
    `UNWIND $rels AS rid
     MATCH (a:Unit)-[r:SUBORDINATE_TO]->(b:Unit) WHERE r.id = rid
     WITH a, b, r, coalesce(r.validFrom, ${START}) AS rf
     WHERE EXISTS { MATCH (:KindPairing) } AND NOT EXISTS {
       MATCH (k:KindPairing) WHERE a.kind IN k.children AND b.kind IN k.superiors
         AND coalesce(k.validFrom, ${START}) <= rf AND rf <= coalesce(k.validTo, ${END})
     }
     RETURN a.id AS child, a.kind AS childKind, b.id AS superior, b.kind AS superiorKind,
            toString(r.validFrom) AS rf LIMIT 5`,
    { rels: [...rels] },
  ))
    violations.push({
      rule: "KIND_PAIRING",
      units: [text(r, "child"), text(r, "superior")],
      message: `a ${r.childKind} ("${r.child}") cannot be SUBORDINATE_TO a ${r.superiorKind} ("${r.superior}") from ${r.rf ?? "the start"}: no kind pairing allows it`,
    });
  return violations;
}

/**
 * A relation created by the change neither loops on one unit nor repeats a relation of the
 * same type between the same units whose validity overlaps its own (DUPLICATE_RELATION names it).
 */
async function checkNewRelations(tx: TransactionRunner, created: readonly string[]): Promise<Violation[]> {
  if (created.length === 0) return [];
  const violations: Violation[] = [];
  for (const r of await tx.run(
    `UNWIND $created AS rid
     MATCH (a:Unit)-[r]->(a) WHERE r.id = rid
     RETURN type(r) AS type, a.id AS unit LIMIT 5`,
    { created: [...created] },
  ))
    violations.push({
      rule: "NO_SELF_RELATION",
      units: [text(r, "unit")],
      message: `a ${r.type} relation cannot go from "${r.unit}" to itself`,
    });
  for (const r of await tx.run(
    `UNWIND $created AS rid
     MATCH (a:Unit)-[r]->(b:Unit) WHERE r.id = rid
     MATCH (a)-[o]->(b)
     WHERE type(o) = type(r) AND o <> r
       AND coalesce(o.validFrom, ${START}) <= coalesce(r.validTo, ${END})
       AND coalesce(r.validFrom, ${START}) <= coalesce(o.validTo, ${END})
     RETURN type(r) AS type, a.id AS from, b.id AS to, r.id AS created, coalesce(o.id, elementId(o)) AS existing,
            toString(o.validFrom) AS of, toString(o.validTo) AS ot
     LIMIT 5`,
    { created: [...created] },
  ))
    violations.push({
      rule: "DUPLICATE_RELATION",
      units: [text(r, "from"), text(r, "to")],
      relations: [text(r, "existing")],
      message: `${r.type} "${r.from}" → "${r.to}" already holds over part of that time as relation "${r.existing}" (${r.of ?? "…"} – ${r.ot ?? "…"}); end it or change its dates instead`,
    });
  return violations;
}

/**
 * For each id, whether the unit lies in one of the subtrees rooted at `scopes` (the root
 * included) on either date, and whether it lies strictly below one of the roots. An id that
 * names no unit is in neither.
 */
export async function subtreeMembership(
  tx: TransactionRunner,
  ids: readonly string[],
  scopes: readonly string[],
  dates: readonly string[],
): Promise<{ within: Set<string>; below: Set<string> }> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     WITH u, any(day IN $dates WHERE EXISTS {
       MATCH (u) (()-[r:SUBORDINATE_TO|PART_OF]->(n:Unit) WHERE ${active("r", "date(day)")}){1,40} (root:Unit)
       WHERE root.id IN $scopes
     }) AS below
     RETURN u.id AS id, below, below OR u.id IN $scopes AS within`,
    { ids: [...new Set(ids)], scopes: [...scopes], dates: [...dates] },
  );
  return {
    within: new Set(rows.filter((r) => r.within === true).map((r) => text(r, "id"))),
    below: new Set(rows.filter((r) => r.below === true).map((r) => text(r, "id"))),
  };
}
