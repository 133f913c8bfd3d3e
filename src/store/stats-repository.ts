import type { Database, RoundTripCounter } from "./database.ts";

export async function graphStats(db: Database, counter?: RoundTripCounter) {
  const rows = await db.read(
    `CALL { MATCH (u:Unit) RETURN count(u) AS units }
     CALL { MATCH (:Unit)-[r]->(:Unit) RETURN count(r) AS relations }
     CALL { MATCH (d:Document) RETURN count(d) AS documents }
     CALL { MATCH (p:Provision) RETURN count(p) AS provisions }
     RETURN units, relations, documents, provisions`,
    {},
    counter,
  );
  return rows[0] as { units: number; relations: number; documents: number; provisions: number };
}
