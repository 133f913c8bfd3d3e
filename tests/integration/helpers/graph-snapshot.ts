/** A canonical dump of the whole graph, to prove that a rejected write changed nothing. */
import { createHash } from "node:crypto";
import type { Database } from "../../../src/store/database.ts";

export async function graphSnapshot(
  db: Database,
): Promise<{ nodes: number; relationships: number; hash: string }> {
  // The graph's version counts writes, not content: a no-op reload raises it and still changes nothing.
  const nodes = await db.read(
    `MATCH (n) RETURN labels(n) AS labels,
            CASE WHEN n:WriteLock THEN n {.*, graphVersion: null, referenceVersion: null} ELSE properties(n) END AS props
     ORDER BY coalesce(n.id, elementId(n))`,
  );
  const rels = await db.read(
    `MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.id, elementId(a)) AS a, coalesce(b.id, elementId(b)) AS b,
            properties(r) AS props ORDER BY type, a, b, coalesce(r.id, '')`,
  );
  const canonical = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  const hash = createHash("sha256")
    .update(JSON.stringify(canonical({ nodes, rels })))
    .digest("hex");
  return { nodes: nodes.length, relationships: rels.length, hash };
}
