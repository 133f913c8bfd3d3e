/**
 * An oracle for the graph's invariants that shares nothing with the production checks: the
 * units and relations are fetched with the plainest Cypher (no date logic), and every rule is
 * checked here, in TypeScript, over ISO date strings (which order as dates do).
 */
import type { Database } from "../../../src/store/database.ts";

export interface PlainUnit {
  id: string;
  validFrom: string | null;
  validTo: string | null;
}

export interface PlainRelation {
  type: string;
  from: string;
  to: string;
  validFrom: string | null;
  validTo: string | null;
}

export interface PlainGraph {
  units: Map<string, PlainUnit>;
  relations: PlainRelation[];
}

/** The units whose id starts with `prefix`, every relation touching one, and its other end. */
export async function fetchPlainGraph(db: Database, prefix: string): Promise<PlainGraph> {
  const rows = await db.read(
    `MATCH (a:Unit)-[r]->(b:Unit) WHERE a.id STARTS WITH $prefix OR b.id STARTS WITH $prefix
     RETURN type(r) AS type, a.id AS from, b.id AS to,
            toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo,
            toString(a.validFrom) AS fromValidFrom, toString(a.validTo) AS fromValidTo,
            toString(b.validFrom) AS toValidFrom, toString(b.validTo) AS toValidTo`,
    { prefix },
  );
  const lone = await db.read(
    `MATCH (u:Unit) WHERE u.id STARTS WITH $prefix
     RETURN u.id AS id, toString(u.validFrom) AS validFrom, toString(u.validTo) AS validTo`,
    { prefix },
  );
  const units = new Map<string, PlainUnit>();
  const date = (v: unknown) => (typeof v === "string" ? v : null);
  for (const u of lone)
    units.set(u.id as string, { id: u.id as string, validFrom: date(u.validFrom), validTo: date(u.validTo) });
  const relations = rows.map((r) => {
    units.set(r.from as string, {
      id: r.from as string,
      validFrom: date(r.fromValidFrom),
      validTo: date(r.fromValidTo),
    });
    units.set(r.to as string, {
      id: r.to as string,
      validFrom: date(r.toValidFrom),
      validTo: date(r.toValidTo),
    });
    return {
      type: r.type as string,
      from: r.from as string,
      to: r.to as string,
      validFrom: date(r.validFrom),
      validTo: date(r.validTo),
    };
  });
  return { units, relations };
}

const EARLIEST = "0000-01-01";
const LATEST = "9999-12-31";
const inForce = (x: { validFrom: string | null; validTo: string | null }, day: string) =>
  (x.validFrom ?? EARLIEST) <= day && day <= (x.validTo ?? LATEST);

/** Every day on which something starts: a cycle or a double superior, if any, exists on one of them. */
function probeDays(relations: PlainRelation[]): string[] {
  return [...new Set([EARLIEST, ...relations.map((r) => r.validFrom ?? EARLIEST)])].sort();
}

/** "unit on day" for each unit with two direct superiors in force on one day. */
export function doubleSuperiors(graph: PlainGraph): string[] {
  const superiors = graph.relations.filter((r) => r.type === "SUBORDINATE_TO");
  const found = new Set<string>();
  for (const day of probeDays(superiors)) {
    const seen = new Set<string>();
    for (const r of superiors.filter((x) => inForce(x, day))) {
      if (seen.has(r.from)) found.add(`${r.from} on ${day}`);
      seen.add(r.from);
    }
  }
  return [...found];
}

/** The cycles of SUBORDINATE_TO in force on one day, each as the ids walked, found by following superiors. */
export function superiorCycles(graph: PlainGraph): string[][] {
  const superiors = graph.relations.filter((r) => r.type === "SUBORDINATE_TO");
  const cycles: string[][] = [];
  for (const day of probeDays(superiors)) {
    const up = new Map(superiors.filter((r) => inForce(r, day)).map((r) => [r.from, r.to]));
    for (const start of up.keys()) {
      const walked = [start];
      for (let at = up.get(start); at !== undefined; at = up.get(at)) {
        if (at === start) {
          cycles.push([...walked, `(${day})`]);
          break;
        }
        if (walked.includes(at) || walked.length > up.size) break;
        walked.push(at);
      }
    }
  }
  return cycles;
}

/** Relations that start before or end after one of their ends, or end before they start. */
export function relationsOutsideEndpoints(graph: PlainGraph): string[] {
  return graph.relations
    .filter((r) => {
      const ends = [graph.units.get(r.from), graph.units.get(r.to)];
      const outside = ends.some(
        (u) =>
          u === undefined ||
          (r.validFrom ?? EARLIEST) < (u.validFrom ?? EARLIEST) ||
          (r.validTo ?? LATEST) > (u.validTo ?? LATEST),
      );
      return outside || (r.validFrom ?? EARLIEST) > (r.validTo ?? LATEST);
    })
    .map((r) => `${r.from} -${r.type}-> ${r.to} [${r.validFrom} .. ${r.validTo}]`);
}
