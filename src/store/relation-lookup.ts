/**
 * Relations found by id. Neo4j's relationship indexes are per type (migration 002), so a lookup
 * that does not name the type scans every relationship in the graph (hundreds of thousands at
 * national size); these name it, one index seek per type.
 */
import { RELATION_TYPE_NAMES } from "../domain/relation-types.ts";
import type { Row, TransactionRunner } from "./database.ts";

/** A relation's id and type. */
export interface RelationRef {
  id: string;
  type: string;
}

function assertKnown(type: string): void {
  if (!RELATION_TYPE_NAMES.includes(type as never)) throw new Error(`unknown relation type ${type}`);
}

/**
 * One statement returning `body` for the relations (bound as `a`, `r`, `b`) of each type whose ids
 * are in `$ids[type]`: a UNION ALL of index seeks, one per type present.
 */
function byIdCypher(types: readonly string[], body: string): string {
  return types
    .map((type) => {
      assertKnown(type);
      return `MATCH (a:Unit)-[r:${type}]->(b:Unit) WHERE r.id IN $ids.${type} ${body}`;
    })
    .join(" UNION ALL ");
}

function idsByType(refs: readonly RelationRef[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // Pushed, not copied: a copy per id was quadratic (a merger's tens of thousands of relations).
  for (const r of refs) {
    const list = out[r.type];
    if (list) list.push(r.id);
    else out[r.type] = [r.id];
  }
  return out;
}

/**
 * The statement reading the state of relations (rows `id`, `p`: properties, type, ends) and its
 * `ids` parameter, for a caller that folds it into a statement of its own.
 */
export function relationStatesCypher(refs: readonly RelationRef[]): {
  cypher: string;
  ids: Record<string, string[]>;
} {
  const ids = idsByType(refs);
  return {
    cypher: byIdCypher(
      Object.keys(ids),
      "RETURN r.id AS id, r {.*, type: type(r), from: a.id, to: b.id} AS p",
    ),
    ids,
  };
}

/** The current state of relations (properties, type, ends), by id; an absent id is not there. */
export async function relationStates(
  tx: TransactionRunner,
  refs: readonly RelationRef[],
): Promise<Map<string, Row>> {
  if (refs.length === 0) return new Map();
  const { cypher, ids } = relationStatesCypher(refs);
  const rows = await tx.run(cypher, { ids });
  return new Map(rows.map((r) => [r.id as string, r.p as Row]));
}

/** A relation of any of our types by id alone (one index seek per type), with `returns` (a, r, b bound). */
export async function relationOfAnyType(tx: TransactionRunner, id: string, returns: string): Promise<Row[]> {
  const ids = Object.fromEntries(RELATION_TYPE_NAMES.map((t) => [t, [id]]));
  return tx.run(byIdCypher(RELATION_TYPE_NAMES, `RETURN ${returns}`), { ids });
}
