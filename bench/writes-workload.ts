/**
 * The changes bench/writes.ts sends, picked from the generated graph: per provincial committee,
 * party cells (BASIC_PARTY_CELL) hanging under one of its commune committees, which an editor
 * scoped to the province moves between those communes or renames; and the check afterwards
 * that the moved cells still have one direct superior and sit on no cycle.
 */
import type { Database } from "../src/store/database.ts";

/** Cells per province the bench may touch. */
const CELLS_PER_PROVINCE = 400;
/** The day moves take effect (after the 2025 reform, when the communes in the graph begin). */
const MOVE_DAY = "2026-01-01";

export interface Move {
  unit: string;
  superior: string;
}

export interface ProvinceWork {
  /** The provincial committee: the editor's scope. */
  scope: string;
  province: string;
  /**
   * A move of one of the cells of `slot` (of `slots` clients sharing the province: each moves and
   * renames only its own cells, so that two clients never send the same change at once).
   */
  nextMove(slot: number, slots: number): Move;
  /** Records a move the server acknowledged (the cell's superior is now that commune). */
  moved(m: Move): void;
  /** A rename of one of the cells of `slot`, on the day after that cell's latest rename. */
  nextRename(slot: number, slots: number): { id: string; day: string };
}

export interface Workload {
  provinces: ProvinceWork[];
  moveDay: string;
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

function dayAfter(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function provinceWork(
  scope: string,
  province: string,
  cells: Map<string, string>,
  since: Map<string, string>,
): ProvinceWork {
  const communes = [...new Set(cells.values())];
  const ids = [...cells.keys()];
  const own = (slot: number, slots: number) => ids.filter((_, i) => i % slots === slot);
  return {
    scope,
    province,
    nextMove(slot, slots) {
      const unit = pick(own(slot, slots));
      const now = cells.get(unit) as string;
      return { unit, superior: pick(communes.filter((c) => c !== now)) };
    },
    moved: (m) => void cells.set(m.unit, m.superior),
    nextRename(slot, slots) {
      // A rename must take effect after the name it replaces (and within
      // EFFECTIVE_DATE_MAX_YEARS_AHEAD): each cell's renames go one day at a time.
      const id = pick(own(slot, slots));
      const last = since.get(id) ?? MOVE_DAY;
      const day = dayAfter(last > MOVE_DAY ? last : MOVE_DAY);
      since.set(id, day);
      return { id, day };
    },
  };
}

/** The provinces (largest first) with at least two communes holding cells; `atLeast` of them if there are. */
export async function loadWorkload(db: Database, atLeast: number): Promise<Workload> {
  const rows = await db.read(
    `MATCH (p:Unit {kind: 'PROVINCIAL_COMMITTEE'}) WHERE p.validTo IS NULL
     CALL (p) {
       MATCH (c:Unit {kind: 'COMMUNE_COMMITTEE'})-[r:SUBORDINATE_TO]->(p)
       WHERE r.validTo IS NULL AND c.validTo IS NULL
       MATCH (x:Unit {kind: 'BASIC_PARTY_CELL'})-[q:SUBORDINATE_TO]->(c)
       WHERE q.validTo IS NULL AND x.validTo IS NULL
       RETURN x.id AS cell, c.id AS commune, toString(coalesce(x.nameFrom, x.validFrom)) AS since
       LIMIT ${CELLS_PER_PROVINCE}
     }
     WITH p, collect([cell, commune, since]) AS cells
     WHERE size(cells) >= 32
     RETURN p.id AS scope, p.province AS province, cells
     ORDER BY size(cells) DESC, scope`,
  );
  const provinces = rows
    .map((r) => {
      const rows = r.cells as [string, string, string | null][];
      return provinceWork(
        r.scope as string,
        r.province as string,
        new Map(rows.map(([cell, commune]) => [cell, commune])),
        new Map(rows.map(([cell, , since]) => [cell, since ?? MOVE_DAY])),
      );
    })
    .filter((w) => w.nextMove(0, 1).superior !== undefined);
  if (provinces.length < atLeast) console.warn(`only ${provinces.length} provinces have cells to move`);
  return { provinces, moveDay: MOVE_DAY };
}

/** For the moved units: how many have two direct superiors at once, how many sit on a SUBORDINATE_TO cycle. */
export async function checkMoved(
  db: Database,
  ids: readonly string[],
): Promise<{ moved: number; twoSuperiors: number; cycles: number }> {
  const rows = await db.read(
    `UNWIND $ids AS id MATCH (u:Unit {id: id})
     WITH u,
       EXISTS {
         MATCH (u)-[a:SUBORDINATE_TO]->(), (u)-[b:SUBORDINATE_TO]->()
         WHERE elementId(a) < elementId(b)
           AND coalesce(a.validFrom, date('0001-01-01')) <= coalesce(b.validTo, date('9999-12-31'))
           AND coalesce(b.validFrom, date('0001-01-01')) <= coalesce(a.validTo, date('9999-12-31'))
       } AS two,
       EXISTS { MATCH (u)-[:SUBORDINATE_TO*1..64]->(u) } AS cycle
     RETURN count(u) AS moved, sum(CASE WHEN two THEN 1 ELSE 0 END) AS two, sum(CASE WHEN cycle THEN 1 ELSE 0 END) AS cycles`,
    { ids: [...ids] },
  );
  return {
    moved: Number(rows[0]?.moved ?? 0),
    twoSuperiors: Number(rows[0]?.two ?? 0),
    cycles: Number(rows[0]?.cycles ?? 0),
  };
}
