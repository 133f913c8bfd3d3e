/**
 * Invariants of the party hierarchy (Điều lệ Đảng, Điều 10–11: every party organisation has
 * one direct superior committee). Pure functions over SUBORDINATE_TO edges with validity.
 */
import { type Interval, isActiveOn } from "./dates.ts";

export interface SuperiorEdge extends Interval {
  from: string;
  to: string;
}

export interface SuperiorCycle {
  date: string;
  units: string[];
}

/**
 * Finds the dates on which SUBORDINATE_TO has a cycle. A cycle exists on some date exactly
 * when it exists on the latest start date of its edges, so checking each edge's start
 * (and the open past) is enough.
 */
export function findSuperiorCycles(edges: readonly SuperiorEdge[]): SuperiorCycle[] {
  const dates = new Set<string>(["0001-01-01"]);
  for (const e of edges) if (e.validFrom) dates.add(e.validFrom);
  const found = new Map<string, SuperiorCycle>();
  for (const date of [...dates].sort()) {
    const parent = new Map<string, string>();
    for (const e of edges) if (isActiveOn(e, date)) parent.set(e.from, e.to);
    for (const start of parent.keys()) {
      const path: string[] = [];
      const onPath = new Set<string>();
      let cur: string | undefined = start;
      while (cur !== undefined && !onPath.has(cur)) {
        onPath.add(cur);
        path.push(cur);
        cur = parent.get(cur);
      }
      if (cur !== undefined) {
        const cycle = path.slice(path.indexOf(cur));
        const key = [...cycle].sort().join(",");
        if (!found.has(key)) found.set(key, { date, units: cycle });
      }
    }
  }
  return [...found.values()];
}

export interface KindPairing extends Interval {
  id: string;
  children: readonly string[];
  superiors: readonly string[];
}

/**
 * Whether some pairing lets a unit of `childKind` be SUBORDINATE_TO one of `superiorKind`
 * on the relation's first day (the allowed pairs are data: seed/kind-pairings.yaml). A
 * relation that began under a pairing stays valid until a recorded change ends it — as
 * districts did on 30/06/2025 — so an editor need not know the end when recording a start.
 */
export function pairingAllows(
  pairings: readonly KindPairing[],
  childKind: string,
  superiorKind: string,
  interval: Interval,
): boolean {
  return pairings.some(
    (p) =>
      p.children.includes(childKind) &&
      p.superiors.includes(superiorKind) &&
      isActiveOn(p, interval.validFrom ?? "0001-01-01"),
  );
}
