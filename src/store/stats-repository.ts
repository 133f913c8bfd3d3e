import { MAX_STRUCTURE_DEPTH } from "../domain/invariants.ts";
import { holdTogether, inSubtreeOnSomeDay, STRUCTURE } from "./cypher-fragments.ts";
import type { Database, RoundTripCounter } from "./database.ts";

export interface GraphStats {
  units: number;
  relations: number;
  documents: number;
  provisions: number;
}

/**
 * What the graph holds. With `scopes` (a scoped reader), units and relations are counted only
 * inside the subtrees rooted there — the units unitsInSubtrees lets the reader see, and the
 * relations both of whose ends are among them; documents and provisions are public law.
 */
export async function graphStats(
  db: Database,
  counter?: RoundTripCounter,
  scopes: readonly string[] | null = null,
): Promise<GraphStats> {
  const rows = await db.read(
    scopes === null
      ? `CALL { MATCH (u:Unit) RETURN count(u) AS units }
         CALL { MATCH (:Unit)-[r]->(:Unit) RETURN count(r) AS relations }
         ${PUBLIC_COUNTS}`
      : `CALL {
           OPTIONAL MATCH (x:Unit)-[rels:${STRUCTURE}]->{0,${MAX_STRUCTURE_DEPTH}}(root:Unit) WHERE root.id IN $scopes AND ${holdTogether("rels")}
           WITH collect(DISTINCT x.id) AS inside
           MATCH (u:Unit) WHERE u.id IN inside OR u.host IN inside
           RETURN collect(u.id) AS visible
         }
         CALL { WITH visible RETURN size(visible) AS units }
         CALL {
           WITH visible UNWIND visible AS id
           MATCH (:Unit {id: id})-[r]->(b:Unit)
           WHERE ${inSubtreeOnSomeDay("b", "$scopes")}
              OR EXISTS { MATCH (h:Unit {id: b.host}) WHERE ${inSubtreeOnSomeDay("h", "$scopes")} }
           RETURN count(r) AS relations
         }
         ${PUBLIC_COUNTS}`,
    { scopes: scopes ? [...scopes] : [] },
    counter,
  );
  return rows[0] as unknown as GraphStats;
}

const PUBLIC_COUNTS = `CALL { MATCH (d:Document) RETURN count(d) AS documents }
     CALL { MATCH (p:Provision) RETURN count(p) AS provisions }
     RETURN units, relations, documents, provisions`;
