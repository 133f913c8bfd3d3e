/**
 * Reads and writes of the unit registry (src/registry): the registry rows of a page of units as
 * of a date (with each unit's direct superior then), the snapshot of the graph an import is
 * judged against, and the writes an import makes inside runChange (src/store/change-session.ts),
 * batched with UNWIND so that a file of 10,000 rows is a handful of round trips.
 */

import type { RegistryRelation, RegistryUnit } from "../registry/layout.ts";
import { attributeOn, STRUCTURE } from "./cypher-fragments.ts";
import type { Database } from "./database.ts";
import { EXPORT_PAGE } from "./export-repository.ts";

const UNIT_ROW = `RETURN u.id AS id, u.registryCode AS registryCode, ${attributeOn("u", "name")} AS name,
  u.kind AS kind, ${attributeOn("u", "level")} AS level, u.province AS province,
  sup.id AS superiorId, CASE WHEN sup IS NULL THEN null ELSE ${attributeOn("sup", "name")} END AS superiorName,
  toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo, coalesce(u.source, []) AS basis`;

/** The unit's direct superior on d: its SUBORDINATE_TO in force, else its PART_OF. */
const SUPERIOR = `CALL (u, d) {
    OPTIONAL MATCH (u)-[r:${STRUCTURE}]->(p:Unit)
    WHERE (r.validFrom IS NULL OR r.validFrom <= d) AND (r.validTo IS NULL OR r.validTo >= d)
    RETURN p AS sup ORDER BY type(r) DESC LIMIT 1
  }`;

/** One page of registry rows as of `asOf`: the next EXPORT_PAGE units after `after`, or these members. */
export async function registryUnitPage(
  db: Database,
  asOf: string,
  page: { after: string } | { ids: string[] },
): Promise<RegistryUnit[]> {
  const rows =
    "ids" in page
      ? await db.read(
          `WITH date($asOf) AS d UNWIND $ids AS id MATCH (u:Unit {id: id}) ${SUPERIOR} ${UNIT_ROW} ORDER BY id`,
          { ids: page.ids, asOf },
        )
      : await db.read(
          `WITH date($asOf) AS d MATCH (u:Unit) WHERE u.id > $after
             AND (u.validFrom IS NULL OR u.validFrom <= d) AND (u.validTo IS NULL OR u.validTo >= d)
           WITH u, d ORDER BY u.id LIMIT ${EXPORT_PAGE}
           ${SUPERIOR} ${UNIT_ROW} ORDER BY id`,
          { after: page.after, asOf },
        );
  return rows as unknown as RegistryUnit[];
}

/** The stored relations going out of these units that are in force on `asOf`, to a unit in force then. */
export async function registryRelationsFrom(
  db: Database,
  asOf: string,
  ids: readonly string[],
): Promise<RegistryRelation[]> {
  const rows = await db.read(
    `WITH date($asOf) AS d UNWIND $ids AS id
     MATCH (a:Unit {id: id})-[r]->(b:Unit)
     WHERE (r.validFrom IS NULL OR r.validFrom <= d) AND (r.validTo IS NULL OR r.validTo >= d)
       AND (b.validFrom IS NULL OR b.validFrom <= d) AND (b.validTo IS NULL OR b.validTo >= d)
     RETURN coalesce(r.id, elementId(r)) AS id, type(r) AS type, a.id AS from, b.id AS to,
            toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo, coalesce(r.basis, []) AS basis
     ORDER BY from, type, to, id`,
    { ids: [...ids], asOf },
  );
  return rows as unknown as RegistryRelation[];
}
