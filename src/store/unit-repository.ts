/** Cypher for units: by id, pages of children and descendants, lists and full-text search. */
import { active, inSubtreeOnSomeDay, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { asUnit, type UnitRecord } from "./records.ts";

export async function findUnits(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<UnitRecord[]> {
  const rows = await db.read(
    "UNWIND $ids AS id MATCH (u:Unit {id: id}) RETURN properties(u) AS u",
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => asUnit(r.u));
}

export interface PageKey {
  /** Parent unit id. */
  id: string;
  asOf: string;
  kinds: string[] | null;
  first: number;
  /** Id of the last unit of the previous page (keyset), or null. */
  after: string | null;
}

export interface UnitPage {
  total: number;
  items: { unit: UnitRecord; relation: string | null; depth: number | null }[];
  hasNextPage: boolean;
}

/**
 * The page `k` (a PageKey) of the direct children of `p` on the date `d`: `total` and `page`, the
 * page's rows ({u: properties, rel: type}) and one more when there is a next page.
 */
export const CHILDREN_PAGE = `CALL (p, k, d) {
       OPTIONAL MATCH (c:Unit)-[r:${STRUCTURE}]->(p)
       WHERE ${active("r")} AND ${active("c")} AND (k.kinds IS NULL OR c.kind IN k.kinds)
       WITH c, r ORDER BY c.id
       WITH collect(CASE WHEN c IS NULL THEN null ELSE {u: properties(c), rel: type(r)} END) AS rows
       RETURN size(rows) AS total, [x IN rows WHERE k.after IS NULL OR x.u.id > k.after][0..(k.first + 1)] AS page
     }`;

/** Direct children (subordinates and organs) of several parents, one page each, in one query. */
export async function childrenPages(
  db: Database,
  keys: readonly PageKey[],
  counter?: RoundTripCounter,
): Promise<UnitPage[]> {
  const rows = await db.read(
    `UNWIND range(0, size($keys) - 1) AS i
     WITH i, $keys[i] AS k
     OPTIONAL MATCH (p:Unit {id: k.id})
     WITH i, k, p, date(k.asOf) AS d
     ${CHILDREN_PAGE}
     RETURN i, total, page ORDER BY i`,
    { keys: keys.map((k) => ({ ...k })) },
    counter,
  );
  return rows.map((r) => toPage(r.total as number, r.page as Row[], keys[r.i as number]?.first ?? 0));
}

type Row = Record<string, unknown>;

export function toPage(total: number, page: Row[], first: number): UnitPage {
  return {
    total,
    hasNextPage: page.length > first,
    items: page.slice(0, first).map((x) => ({
      unit: asUnit(x.u),
      relation: (x.rel as string) ?? null,
      depth: (x.depth as number) ?? null,
    })),
  };
}

/**
 * Every unit below `id` (subordinates and organs) as of the date, breadth-first by depth then id.
 * `maxDepth` is a validated integer (1..MAX_DEPTH): a quantifier bound cannot be a parameter.
 */
export async function descendantsPage(
  db: Database,
  args: {
    id: string;
    asOf: string;
    maxDepth: number;
    first: number;
    after: { depth: number; id: string } | null;
    kinds?: string[] | null;
  },
  counter?: RoundTripCounter,
): Promise<UnitPage> {
  if (!Number.isInteger(args.maxDepth) || args.maxDepth < 1 || args.maxDepth > 100)
    throw new Error("maxDepth out of range");
  const rows = await db.read(
    // Ids and depths of the whole subtree first (a province has thousands of units), then the
    // properties of the page's units only.
    `MATCH (p:Unit {id: $id})
     WITH p, date($asOf) AS d
     CALL (p, d) {
       MATCH (c:Unit) ((x:Unit)-[r:${STRUCTURE}]->(:Unit) WHERE ${active("r")} AND ${active("x")}){1,${args.maxDepth}} (p)
       WHERE ${active("p")}
       RETURN c.id AS cid, c.kind AS kind, min(size(r)) AS depth
     }
     WITH cid, depth WHERE $kinds IS NULL OR kind IN $kinds
     WITH cid, depth ORDER BY depth, cid
     WITH collect({id: cid, depth: depth}) AS rows
     WITH size(rows) AS total,
          [x IN rows WHERE $after IS NULL OR x.depth > $after.depth OR (x.depth = $after.depth AND x.id > $after.id)][0..($first + 1)] AS slice
     RETURN total,
            [x IN slice | {u: properties(head(COLLECT { MATCH (n:Unit {id: x.id}) RETURN n })), depth: x.depth}] AS page`,
    { id: args.id, asOf: args.asOf, first: args.first, after: args.after, kinds: args.kinds ?? null },
    counter,
  );
  const row = rows[0];
  if (!row) return { total: 0, items: [], hasNextPage: false };
  return toPage(row.total as number, row.page as Row[], args.first);
}

/** Units in force on the date, of the given kinds, paged by id. */
export async function unitsPage(
  db: Database,
  args: { asOf: string; kinds: string[] | null; first: number; after: string | null },
  counter?: RoundTripCounter,
): Promise<UnitPage> {
  const rows = await db.read(
    `WITH date($asOf) AS d
     CALL (d) {
       MATCH (u:Unit) WHERE ($kinds IS NULL OR u.kind IN $kinds) AND ${active("u")}
       RETURN count(u) AS total
     }
     CALL (d) {
       MATCH (u:Unit) WHERE ($kinds IS NULL OR u.kind IN $kinds) AND ${active("u")} AND ($after IS NULL OR u.id > $after)
       WITH u ORDER BY u.id LIMIT $limit
       RETURN collect({u: properties(u)}) AS page
     }
     RETURN total, page`,
    { asOf: args.asOf, kinds: args.kinds, after: args.after, limit: args.first + 1 },
    counter,
  );
  const row = rows[0] as Row;
  return toPage(row.total as number, row.page as Row[], args.first);
}

/** Full-text search over unit names (diacritics folded by the index's analyzer), best first. */
export async function searchUnits(
  db: Database,
  args: { query: string; asOf: string; first: number; skip?: number },
  counter?: RoundTripCounter,
): Promise<UnitRecord[]> {
  const rows = await db.read(
    `WITH date($asOf) AS d
     CALL db.index.fulltext.queryNodes('unit_names', $query) YIELD node AS u, score
     WHERE ${active("u")}
     RETURN properties(u) AS u, score ORDER BY score DESC, u.id SKIP $skip LIMIT $first`,
    { query: args.query, asOf: args.asOf, first: args.first, skip: args.skip ?? 0 },
    counter,
  );
  return rows.map((r) => asUnit(r.u));
}

/**
 * How a scoped reader reaches a unit: "subtree" when it lies in a subtree rooted at one of its
 * scopes, "host" when it is seen only because it sits in an agency that does (its own tree lies
 * outside, so what lies below it is seen unit by unit).
 */
export type Reach = "subtree" | "host";

/**
 * Which of the units lie in a subtree rooted at one of `scopes` (through SUBORDINATE_TO /
 * PART_OF links that hold together on some day: inSubtreeOnSomeDay), or sit in an agency that does, and how (Reach): what a scoped reader may see.
 */
export async function unitsReach(
  db: Database,
  ids: readonly string[],
  scopes: readonly string[],
  counter?: RoundTripCounter,
): Promise<Map<string, Reach>> {
  const inside = (x: string) => `(${x}.id IN $scopes OR ${inSubtreeOnSomeDay(x, "$scopes")})`;
  const rows = await db.read(
    `UNWIND $ids AS id
     MATCH (u:Unit {id: id})
     OPTIONAL MATCH (h:Unit {id: u.host})
     WITH u, h, ${inside("u")} AS own
     WITH u, own, CASE WHEN own THEN true WHEN h IS NULL THEN false ELSE ${inside("h")} END AS seen
     WHERE seen
     RETURN u.id AS id, own`,
    { ids: [...new Set(ids)], scopes: [...scopes] },
    counter,
  );
  return new Map(rows.map((r) => [r.id as string, r.own === true ? "subtree" : "host"]));
}

/** The units among `ids` a reader scoped to `scopes` may see (unitsReach). */
export async function unitsInSubtrees(
  db: Database,
  ids: readonly string[],
  scopes: readonly string[],
  counter?: RoundTripCounter,
): Promise<Set<string>> {
  return new Set((await unitsReach(db, ids, scopes, counter)).keys());
}
