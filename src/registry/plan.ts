/**
 * The import's diff and its problems (pure, no I/O): the checked rows of a file against a
 * snapshot of the units they name, as of the effective date. Every row becomes at most one of
 * create / change (name, level, registry code) / move (under another superior) / close — or a
 * problem naming its line and column: an unknown superior, a cycle or a second superior the
 * import would make, a code another unit holds, a unit outside the editor's scope. Units the
 * file does not name are left as they are; a row that matches the graph changes nothing, so the
 * same file imported twice changes nothing the second time.
 */
import type { Principal } from "../auth/principal.ts";
import { type Named, type ScopeFacts, scopeRefusal } from "../auth/scope.ts";
import { DATED_ATTRIBUTES, NO_VALUE } from "../domain/dated-attributes.ts";
import { type DateRange, isActiveOn, outOfRange, previousDay } from "../domain/dates.ts";
import { relationId } from "../domain/ids.ts";
import { type StructuralType, structuralType } from "../domain/relation-types.ts";
import { foldText } from "../domain/text-folding.ts";
import { type RegistryUnit, UNIT_COLUMNS, type UnitColumnKey } from "./layout.ts";
import type { ImportRow, Problem } from "./parse.ts";

/** The operation name in scope refusals and on the Event. */
export const IMPORT_OPERATION = "REGISTRY_IMPORT";

/** A unit of the graph that the file names (by id or registry code), or that a superior chain passes. */
export interface ExistingUnit {
  id: string;
  registryCode: string | null;
  name: string;
  kind: string;
  level: string | null;
  province: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** Its direct superior on the effective date (SUBORDINATE_TO, else PART_OF). */
  superiorId: string | null;
  /** Units hanging under it (SUBORDINATE_TO or PART_OF) on the day after it would close: checked when it closes. */
  children: string[];
  /** Its stored properties (dated attributes' history), for renames. */
  props: Record<string, unknown>;
}

export interface Snapshot {
  units: ReadonlyMap<string, ExistingUnit>;
  /** Registry code → the id of the unit holding it. */
  byCode: ReadonlyMap<string, string>;
  /** Direct superior on the effective date, for every unit up the chains of the units named. */
  parentOf: ReadonlyMap<string, string>;
  /** The provision ids among the rows' basis that exist. */
  provisions: ReadonlySet<string>;
  /** An editor's scope facts for the existing units named; null for an admin. */
  scope: ScopeFacts | null;
}

/** A unit the import creates: a registry row (without the superior's name, which is read) from a file line. */
export interface CreateUnit extends Omit<RegistryUnit, "superiorName" | "validFrom"> {
  line: number;
  validFrom: string;
}

export interface ChangeUnit {
  line: number;
  id: string;
  changes: Partial<Record<"name" | "level" | "registryCode", { from: string | null; to: string }>>;
  /** What the store sets: the new values, and each dated attribute's history (src/domain/dated-attributes.ts). */
  set: Record<string, unknown>;
  dates: Record<string, string | string[]>;
  basis: string[];
}

export interface MoveUnit {
  line: number;
  id: string;
  kind: string;
  from: string | null;
  to: string;
  basis: string[];
}

export interface CloseUnit {
  line: number;
  id: string;
  lastDay: string;
  basis: string[];
}

export interface ImportPlan {
  effectiveOn: string;
  create: CreateUnit[];
  change: ChangeUnit[];
  move: MoveUnit[];
  close: CloseUnit[];
  problems: Problem[];
}

export const isEmptyPlan = (p: ImportPlan) =>
  p.create.length + p.change.length + p.move.length + p.close.length === 0;

const header = (key: UnitColumnKey) => UNIT_COLUMNS.find((c) => c.key === key)?.header ?? key;

/** The ids and codes a file names, which the snapshot must hold. */
export function referencesOf(rows: readonly ImportRow[]): { refs: string[]; basis: string[] } {
  const refs = new Set<string>();
  const basis = new Set<string>();
  for (const r of rows) {
    for (const x of [r.id, r.registryCode, r.superior]) if (x) refs.add(x);
    for (const b of r.basis) basis.add(b);
  }
  return { refs: [...refs], basis: [...basis] };
}

/**
 * The rows' own dates (validFrom, validTo) outside the range a change may take effect in
 * (EFFECTIVE_DATE_MIN … today + EFFECTIVE_DATE_MAX_YEARS_AHEAD), as mutations refuse them: a year
 * mistyped as 9999 would otherwise fix a unit's dates beyond any later change.
 */
export function rowDateProblems(rows: readonly ImportRow[], range: DateRange): Problem[] {
  const problems: Problem[] = [];
  for (const row of rows)
    for (const key of ["validFrom", "validTo"] as const) {
      const date = row[key];
      const message = date ? outOfRange(date, range) : null;
      if (message) problems.push({ line: row.line, column: header(key), rule: "EFFECTIVE_DATE", message });
    }
  return problems;
}

export function planImport(
  rows: readonly ImportRow[],
  snapshot: Snapshot,
  principal: Principal,
  effectiveOn: string,
  /** Lines whose cells already had problems: they name their unit for the others, but are not judged again. */
  failedLines: ReadonlySet<number> = new Set(),
): ImportPlan {
  const plan: ImportPlan = { effectiveOn, create: [], change: [], move: [], close: [], problems: [] };
  const problem: Report = (row, key, rule, message) => {
    plan.problems.push({ line: row.line, column: key === "" ? "" : header(key), rule, message });
    return false;
  };
  const seen = new Map<string, ImportRow>();
  const codes = new Map<string, string>();
  const byCode = codesInReach(snapshot, principal);
  const idOf = (row: ImportRow) =>
    row.id ?? (row.registryCode ? (byCode.get(row.registryCode) ?? null) : null);
  /** The id each row stands for (existing or new), for superiors named by a code or an id of the file. */
  const fileIds = new Map<string, string>();
  for (const row of rows) {
    const id = idOf(row);
    if (id) fileIds.set(id, id);
    if (id && row.registryCode) fileIds.set(row.registryCode, id);
  }
  const resolve = (ref: string): string | null =>
    snapshot.units.has(ref) ? ref : (fileIds.get(ref) ?? byCode.get(ref) ?? null);
  const fileParent = new Map<string, string>();
  const checked: { row: ImportRow; id: string; superior: string | null }[] = [];

  for (const row of rows) {
    if (failedLines.has(row.line)) continue;
    const before = plan.problems.length;
    const id = idOf(row);
    if (!id) {
      problem(row, "id", "MISSING_ID", "a new unit needs an id (the registry code names no unit yet)");
      continue;
    }
    const twice = seen.get(id);
    if (twice) {
      const rule = twice.superior !== row.superior ? "DOUBLE_SUPERIOR" : "DUPLICATE_ROW";
      const message =
        rule === "DOUBLE_SUPERIOR"
          ? `"${id}" is also on line ${twice.line} under another superior: a unit has one direct superior`
          : `"${id}" is also on line ${twice.line}`;
      problem(row, rule === "DOUBLE_SUPERIOR" ? "superiorId" : "id", rule, message);
      continue;
    }
    seen.set(id, row);
    if (row.registryCode) {
      // A holder outside an editor's reach is not told apart from no holder: the unique
      // constraint refuses the write at apply time, as a conflict that names nothing.
      const holder = byCode.get(row.registryCode);
      const inFile = codes.get(row.registryCode);
      if (holder && holder !== id)
        problem(
          row,
          "registryCode",
          "DUPLICATE_CODE",
          `registry code “${row.registryCode}” already belongs to another unit`,
        );
      else if (inFile && inFile !== id)
        problem(
          row,
          "registryCode",
          "DUPLICATE_CODE",
          `registry code “${row.registryCode}” is also given to "${inFile}" in this file`,
        );
      codes.set(row.registryCode, id);
    }
    let superior: string | null = null;
    if (row.superior) {
      superior = resolve(row.superior);
      if (!superior) {
        if (principal.role === "admin")
          problem(
            row,
            "superiorId",
            "UNKNOWN_SUPERIOR",
            `no unit has the id or registry code “${row.superior}”`,
          );
        else outsideScope(row, [{ argument: header("superiorId"), ids: [row.superior] }]);
      } else if (superior === id)
        problem(row, "superiorId", "NO_CYCLE", `"${id}" cannot be its own superior`);
      else fileParent.set(id, superior);
    }
    if (row.validFrom && row.validTo && row.validFrom > row.validTo)
      problem(
        row,
        "validTo",
        "INTERVAL_ORDER",
        `the unit ends (${row.validTo}) before it starts (${row.validFrom})`,
      );
    for (const b of row.basis)
      if (!snapshot.provisions.has(b)) problem(row, "basis", "UNKNOWN_PROVISION", `unknown provision “${b}”`);
    if (plan.problems.length === before) checked.push({ row, id, superior });
  }

  // A cycle the file's superiors would make, with the graph's superiors above them.
  const parent = (x: string) =>
    fileParent.get(x) ?? (snapshot.units.has(x) || !fileIds.has(x) ? snapshot.parentOf.get(x) : undefined);
  for (const c of checked) {
    if (!c.superior) continue;
    const chain = [c.id];
    for (let x: string | undefined = c.superior; x && chain.length <= rows.length + 64; x = parent(x)) {
      chain.push(x);
      if (x === c.id) {
        problem(c.row, "superiorId", "NO_CYCLE", `the import would make a cycle: ${chain.join(" → ")}`);
        break;
      }
    }
  }
  const failed = new Set(plan.problems.map((p) => p.line));
  const closing = new Map(
    checked
      .filter((c) => c.row.validTo && snapshot.units.has(c.id))
      .map((c) => [c.id, c.row.validTo as string]),
  );
  for (const c of checked)
    if (!failed.has(c.row.line))
      diffRow(c, snapshot, principal, effectiveOn, plan, fileParent, closing, problem, outsideScope);
  plan.problems.sort((a, b) => a.line - b.line);
  return plan;

  function outsideScope(row: ImportRow, named: Named[]): boolean {
    if (principal.role === "admin") return false;
    const refusal = scopeRefusal(
      principal,
      IMPORT_OPERATION,
      named,
      snapshot.scope ?? { within: new Set(), below: new Set() },
    );
    if (!refusal) return false;
    const column = UNIT_COLUMNS.find((x) => x.header === refusal.details.argument)?.key ?? "id";
    problem(row, column, String(refusal.details.rule ?? "EDITOR_SCOPE"), refusal.message);
    return true;
  }
}

/**
 * Registry code → holder, as the importer may resolve it: every code for an admin; for an editor
 * only the codes of units within their scope, so that a code held outside answers exactly as an
 * unknown one (no id, no existence).
 */
function codesInReach(snapshot: Snapshot, principal: Principal): ReadonlyMap<string, string> {
  if (principal.role === "admin") return snapshot.byCode;
  const within = snapshot.scope?.within ?? new Set<string>();
  return new Map([...snapshot.byCode].filter(([, id]) => within.has(id)));
}

/** Records a problem; false, so that a check can `return problem(…)`. */
type Report = (row: ImportRow, key: UnitColumnKey | "", rule: string, message: string) => false;

function missingBasis(row: ImportRow, problem: Report): false {
  return problem(row, "basis", "MISSING_BASIS", "cite at least one provision id for the change");
}

/** False (and a problem) when the superior the row names is a unit of the graph not in force on `day`. */
function superiorInForce(
  row: ImportRow,
  snapshot: Snapshot,
  superior: string,
  day: string,
  problem: Report,
): boolean {
  const sup = snapshot.units.get(superior);
  if (!sup || isActiveOn(sup, day)) return true;
  return problem(
    row,
    "superiorId",
    "ENDPOINTS_ACTIVE",
    `the superior "${superior}" is not in force on ${day}`,
  );
}

/** One checked row against the unit it names: what the import would do with it (false: nothing, or a problem). */
function diffRow(
  c: { row: ImportRow; id: string; superior: string | null },
  snapshot: Snapshot,
  principal: Principal,
  effectiveOn: string,
  plan: ImportPlan,
  fileParent: ReadonlyMap<string, string>,
  closing: ReadonlyMap<string, string>,
  problem: Report,
  outsideScope: (row: ImportRow, named: Named[]) => boolean,
): boolean {
  const { row, id, superior } = c;
  const existing = snapshot.units.get(id);
  const supHeader = header("superiorId");
  // A unit the row names by its registry code is shown by that code in refusals, not by its id.
  const superiorNamed: Named[] =
    superior && snapshot.units.has(superior)
      ? [{ argument: supHeader, ids: [superior], label: labelOf(row.superior, superior) }]
      : [];
  const self = (structural?: true): Named => ({
    argument: header("id"),
    ids: [id],
    label: labelOf(row.id ?? row.registryCode, id),
    structural,
  });
  if (!existing) {
    if (!row.name) return problem(row, "name", "MISSING_VALUE", "a new unit needs a name");
    if (!row.kind) return problem(row, "kind", "MISSING_VALUE", "a new unit needs a kind");
    if (row.basis.length === 0) return missingBasis(row, problem);
    if (!superior && principal.role !== "admin")
      return problem(
        row,
        "superiorId",
        "EDITOR_SCOPE",
        `${IMPORT_OPERATION}: only an admin may create a unit without a superior`,
      );
    if (outsideScope(row, superiorNamed)) return false;
    const validFrom = row.validFrom ?? effectiveOn;
    if (superior && !superiorInForce(row, snapshot, superior, validFrom, problem)) return false;
    plan.create.push({
      line: row.line,
      id,
      registryCode: row.registryCode,
      name: row.name,
      kind: row.kind,
      level: row.level,
      province: row.province,
      superiorId: superior,
      validFrom,
      validTo: row.validTo,
      basis: row.basis,
    });
    return true;
  }
  if (outsideScope(row, [self()])) return false;
  if (row.kind && row.kind !== existing.kind)
    return problem(
      row,
      "kind",
      "KIND_CHANGE",
      `"${id}" is a ${existing.kind}; a change of kind is a restructuring (close the unit and create another)`,
    );
  if (row.province && row.province !== existing.province)
    return problem(
      row,
      "province",
      "PROVINCE_CHANGE",
      `"${id}" belongs to province “${existing.province ?? "—"}”; a change of province is a restructuring`,
    );
  if (existing.validTo && existing.validTo < effectiveOn) {
    if (row.validTo !== existing.validTo)
      problem(
        row,
        "validTo",
        "CLOSED",
        `"${id}" closed on ${existing.validTo}; an import does not reopen or re-date a closed unit`,
      );
    return false;
  }
  if (row.validTo) {
    if (row.validTo === existing.validTo) return false;
    if (row.basis.length === 0) return missingBasis(row, problem);
    if (outsideScope(row, [self(true)])) return false;
    // A move takes effect on effectiveOn: it leaves no day between the closure and it only if
    // the unit closes no earlier than the day before (else the child would hang under nothing).
    const movedInTime = previousDay(effectiveOn) <= row.validTo;
    const left = existing.children.filter(
      (x) =>
        !closesBy(closing.get(x), row.validTo as string) &&
        !(movedInTime && movesAway(fileParent.get(x), id)),
    );
    if (left.length > 0)
      return problem(
        row,
        "validTo",
        "NO_ORPHANS",
        `"${id}" would still have units under it after ${row.validTo} (${left
          .slice(0, 5)
          .map((x) => `"${x}"`)
          .join(", ")}${left.length > 5 ? ", …" : ""}); move or close them in the file too${
          movedInTime
            ? ""
            : ` (a move takes effect on ${effectiveOn}: close it no earlier than the day before)`
        }`,
      );
    plan.close.push({ line: row.line, id, lastDay: row.validTo, basis: row.basis });
    return false;
  }
  const change = changeOf(row, existing, effectiveOn, problem);
  const moves = superior !== null && superior !== existing.superiorId;
  if (change === "refused" || (!change && !moves)) return false;
  if (row.basis.length === 0) return missingBasis(row, problem);
  if (moves) {
    if (outsideScope(row, [self(true), ...superiorNamed])) return false;
    if (!superiorInForce(row, snapshot, superior, effectiveOn, problem)) return false;
    plan.move.push({
      line: row.line,
      id,
      kind: existing.kind,
      from: existing.superiorId,
      to: superior,
      basis: row.basis,
    });
  }
  if (change) plan.change.push({ ...change, line: row.line, id, basis: row.basis });
  return true;
}

/** The label of a unit the row named by something other than its id (a registry code); undefined when named by id. */
const labelOf = (ref: string | null, id: string) => (ref && ref !== id ? `"${ref}"` : undefined);

const closesBy = (lastDay: string | undefined, by: string) => lastDay !== undefined && lastDay <= by;
const movesAway = (to: string | undefined, from: string) => to !== undefined && to !== from;

/** The name, level and code changes a row asks of an existing unit; "refused" after a problem. */
function changeOf(
  row: ImportRow,
  existing: ExistingUnit,
  effectiveOn: string,
  problem: Report,
): Omit<ChangeUnit, "line" | "id" | "basis"> | "refused" | null {
  const changes: ChangeUnit["changes"] = {};
  const set: Record<string, unknown> = {};
  const dates: Record<string, string | string[]> = {};
  const p = existing.props;
  for (const attribute of ["name", "level"] as const) {
    const to = row[attribute];
    const from = existing[attribute];
    if (to === null || to === from) continue;
    const keys = DATED_ATTRIBUTES[attribute];
    const since = (p[keys.since] ?? p.validFrom ?? null) as string | null;
    if (since && effectiveOn <= since) {
      problem(
        row,
        attribute,
        "EFFECTIVE_DATE",
        `the current ${attribute} of "${existing.id}" holds from ${since}; the import must take effect after it`,
      );
      return "refused";
    }
    changes[attribute] = { from, to };
    set[attribute] = to;
    if (attribute === "name") set.nameFolded = foldText(to);
    set[keys.values] = [...((p[keys.values] as string[] | undefined) ?? []), from ?? NO_VALUE];
    dates[keys.until] = [
      ...((p[keys.until] as unknown[] | undefined) ?? []).map(String),
      previousDay(effectiveOn),
    ];
    dates[keys.since] = effectiveOn;
  }
  if (row.registryCode && row.registryCode !== existing.registryCode) {
    changes.registryCode = { from: existing.registryCode, to: row.registryCode };
    set.registryCode = row.registryCode;
  }
  return Object.keys(changes).length === 0 ? null : { changes, set, dates };
}

export interface NewEdge {
  id: string;
  type: StructuralType;
  from: string;
  to: string;
  validFrom: string;
  validTo: string | null;
  basis: string[];
}

/** The earlier of two optional last days (null = open). */
function earlier(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

/**
 * The structural links the plan makes: a new unit under its superior from its first day, a moved
 * unit under its new superior from the effective date — each for as long as both ends exist.
 */
export function newStructuralEdges(plan: ImportPlan, snapshot: Snapshot): NewEdge[] {
  const created = new Map(plan.create.map((c) => [c.id, c]));
  const lastDayOf = (id: string) => created.get(id)?.validTo ?? snapshot.units.get(id)?.validTo ?? null;
  const edge = (e: Omit<NewEdge, "id" | "validTo">): NewEdge => ({
    ...e,
    id: relationId(e),
    validTo: earlier(lastDayOf(e.from), lastDayOf(e.to)),
  });
  return [
    ...plan.create.flatMap((c) =>
      c.superiorId
        ? [
            edge({
              type: structuralType(c.kind),
              from: c.id,
              to: c.superiorId,
              validFrom: c.validFrom,
              basis: c.basis,
            }),
          ]
        : [],
    ),
    ...plan.move.map((m) =>
      edge({
        type: structuralType(m.kind),
        from: m.id,
        to: m.to,
        validFrom: plan.effectiveOn,
        basis: m.basis,
      }),
    ),
  ];
}

/** Every provision the plan's rows cite: the Event's basis. */
export function planBasis(plan: ImportPlan): string[] {
  return [...new Set([...plan.create, ...plan.change, ...plan.move, ...plan.close].flatMap((x) => x.basis))];
}

/** The units the plan names, by the column they come from, for the change session's scope check. */
/** The argument a refusal about the units a file names (its rows' ids) names: the id column's header. */
export const ID_COLUMN = header("id");

export function namedUnits(plan: ImportPlan): Named[] {
  const id = header("id");
  const sup = header("superiorId");
  const created = new Set(plan.create.map((c) => c.id));
  const existing = (ids: (string | null)[]) => ids.filter((x): x is string => x !== null && !created.has(x));
  return [
    { argument: sup, ids: existing(plan.create.map((c) => c.superiorId)) },
    { argument: id, ids: plan.change.map((c) => c.id) },
    { argument: id, ids: [...plan.move.map((m) => m.id), ...plan.close.map((c) => c.id)], structural: true },
    { argument: sup, ids: existing(plan.move.map((m) => m.to)) },
  ];
}
