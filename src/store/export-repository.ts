/**
 * Reads for the exports (/export/…): which units an export holds — the whole graph, a subtree,
 * either as of a date or over all periods, limited to a scoped reader's subtrees — and their
 * properties and outgoing relations page by page, so that an export of the national graph is
 * streamed with bounded memory (one page of rows at a time; a subtree's member ids are kept).
 * Each read takes the download's `counter`, whose budget (EXPORT_TIMEOUT_MS) is its transaction timeout.
 */
import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import type { UnitProperties } from "../domain/records.ts";
import { active, attributeOn, holdTogether, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";
import { unitsInScopeOn } from "./scope-membership.ts";
import { unitsInSubtrees } from "./unit-repository.ts";

/** Units read per round trip. */
export const EXPORT_PAGE = 1000;

/** A unit as an export writes it: the stored properties (src/domain/records.ts) the formats name. */
export type ExportUnit = Pick<
  UnitProperties,
  "id" | "name" | "kind" | "level" | "province" | "sector" | "host" | "validFrom" | "validTo" | "synthetic"
>;

export interface ExportRelation {
  id: string;
  type: string;
  from: string;
  to: string;
  frequencies: string[];
  via: string[];
  subject: string | null;
  basis: string[];
  citations: {
    id: string;
    article: number | null;
    clause: number | null;
    point: string | null;
    section: string | null;
    document: string;
  }[];
  validFrom: string | null;
  validTo: string | null;
  synthetic: boolean;
}

export interface ExportScope {
  /** The subtree's root, or null for the whole graph. */
  root: string | null;
  /** As of this date (yyyy-mm-dd); null: every period. */
  asOf: string | null;
  /** A scoped reader's subtree roots; null when reading is not scoped. */
  scopes: readonly string[] | null;
}

const unitProps = (asOf: string | null) =>
  asOf === null
    ? "u.name AS name, u.level AS level, u.sector AS sector, u.host AS host"
    : `${attributeOn("u", "name")} AS name, ${attributeOn("u", "level")} AS level,
       ${attributeOn("u", "sector")} AS sector, ${attributeOn("u", "host")} AS host`;

const UNIT_RETURN = (asOf: string | null) => `RETURN u.id AS id, ${unitProps(asOf)}, u.kind AS kind,
  u.province AS province, toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo,
  coalesce(u.synthetic, false) AS synthetic`;

const dateParam = (asOf: string | null) => (asOf === null ? "" : "WITH *, date($asOf) AS d ");
/** `condition` on a date, `otherwise` (default: nothing more) over the whole history. */
const when = (asOf: string | null, condition: string, otherwise = "true") =>
  asOf === null ? otherwise : condition;

/**
 * The member ids of a subtree or of a scoped reader's part of the graph, in id order; null for
 * the whole graph unscoped (then pages are read by id directly, nothing is kept). A scoped
 * reader's subtree of a unit it sees only through its host holds only the units it may see
 * (unitsReach: such a unit opens no subtree).
 */
export async function exportMembers(
  db: Database,
  scope: ExportScope,
  counter?: RoundTripCounter,
): Promise<string[] | null> {
  if (scope.root === null && scope.scopes === null) return null;
  if (scope.root !== null) {
    const rows = await db.read(
      `${scope.asOf === null ? "" : "WITH date($asOf) AS d "}
       MATCH (root:Unit {id: $root})
       MATCH (x:Unit)-[rels:${STRUCTURE}]->{0,${MAX_STRUCTURE_DEPTH}}(root)
       WHERE ${when(scope.asOf, `${active("x")} AND all(r IN rels WHERE ${active("r")})`, holdTogether("rels"))}
       RETURN DISTINCT x.id AS id ORDER BY id`,
      { root: scope.root, asOf: scope.asOf },
      counter,
    );
    const ids = rows.map((r) => r.id as string);
    if (scope.scopes === null) return ids;
    if (await opensSubtree(db, scope.root, scope.scopes, scope.asOf, counter)) return ids;
    const seen = await unitsInSubtrees(db, ids, scope.scopes, counter);
    return ids.filter((id) => seen.has(id));
  }
  // A scoped reader's whole graph: what unitsInSubtrees lets it see (also units hosted inside).
  const rows = await db.read(
    `${scope.asOf === null ? "" : "WITH date($asOf) AS d "}
     OPTIONAL MATCH (x:Unit)-[rels:${STRUCTURE}]->{0,${MAX_STRUCTURE_DEPTH}}(root:Unit) WHERE root.id IN $scopes AND ${holdTogether("rels")}
     WITH ${scope.asOf === null ? "" : "d, "}collect(DISTINCT x.id) AS inside
     MATCH (u:Unit) WHERE (u.id IN inside OR u.host IN inside) AND ${when(scope.asOf, active("u"))}
     RETURN u.id AS id ORDER BY id`,
    { scopes: [...(scope.scopes ?? [])], asOf: scope.asOf },
    counter,
  );
  return rows.map((r) => r.id as string);
}

/**
 * Whether every member of `root`'s subtree is the scoped reader's: a scope root (its members hang
 * below it on some day with their links holding together), or on `asOf` a unit inside the reader's
 * subtrees that day. Not a unit inside only on other days (what joined it after it left was never
 * inside), nor over the whole history.
 */
async function opensSubtree(
  db: Database,
  root: string,
  scopes: readonly string[],
  asOf: string | null,
  counter?: RoundTripCounter,
): Promise<boolean> {
  if (scopes.includes(root)) return true;
  return asOf !== null && (await unitsInScopeOn(db, [root], scopes, asOf, counter)).has(root);
}

/**
 * Pages of rows that carry their ids: the `members` in chunks of EXPORT_PAGE, or (null) the whole
 * graph in id order, each page read after the last id of the one before.
 */
export async function* pagesById<T extends { id: string }>(
  members: readonly string[] | null,
  readPage: (page: { after: string } | { ids: string[] }) => Promise<T[]>,
): AsyncGenerator<T[]> {
  if (members !== null) {
    for (let i = 0; i < members.length; i += EXPORT_PAGE)
      yield await readPage({ ids: members.slice(i, i + EXPORT_PAGE) });
    return;
  }
  let after = "";
  for (;;) {
    const page = await readPage({ after });
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) return;
    after = (page[page.length - 1] as T).id;
  }
}

/** One page of units: the next EXPORT_PAGE after `after` (whole graph), or these members. */
export async function exportUnitPage(
  db: Database,
  asOf: string | null,
  page: { after: string } | { ids: string[] },
  counter?: RoundTripCounter,
): Promise<ExportUnit[]> {
  const rows =
    "ids" in page
      ? await db.read(
          `UNWIND $ids AS id MATCH (u:Unit {id: id}) ${dateParam(asOf)}${UNIT_RETURN(asOf)} ORDER BY id`,
          { ids: page.ids, asOf },
          counter,
        )
      : await db.read(
          `MATCH (u:Unit) WHERE u.id > $after ${dateParam(asOf)}
           WITH * WHERE ${when(asOf, active("u"))}
           ${UNIT_RETURN(asOf)} ORDER BY id LIMIT ${EXPORT_PAGE}`,
          { after: page.after, asOf },
          counter,
        );
  return rows as unknown as ExportUnit[];
}

/** The relations going out of these units (in force on the date, to a unit in force then). */
export async function exportRelationsFrom(
  db: Database,
  asOf: string | null,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<ExportRelation[]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     MATCH (a:Unit {id: id})-[r]->(b:Unit) ${dateParam(asOf)}
     WITH * WHERE ${when(asOf, `${active("r")} AND ${active("b")}`)}
     CALL (r) {
       UNWIND coalesce(r.basis, []) AS pid
       MATCH (p:Provision {id: pid})-[:IN_DOCUMENT]->(doc:Document)
       RETURN collect({id: p.id, article: p.article, clause: p.clause, point: p.point, section: p.section,
                       document: doc.number}) AS citations
     }
     RETURN coalesce(r.id, elementId(r)) AS id, type(r) AS type, a.id AS from, b.id AS to,
            coalesce(r.frequencies, []) AS frequencies, coalesce(r.via, []) AS via, r.subject AS subject,
            coalesce(r.basis, []) AS basis, citations, toString(r.validFrom) AS validFrom,
            toString(r.validTo) AS validTo, coalesce(r.synthetic, false) AS synthetic
     ORDER BY from, type, to, id`,
    { ids: [...ids], asOf },
    counter,
  );
  return rows as unknown as ExportRelation[];
}
