/**
 * The reform plan's single-unit steps (reform-plan.ts) grouped into the batch mutations
 * (createUnits, moveUnits, closeUnits, addRelations) and the mergers of a wave (the communes of a
 * province) into mergeMany, so that a province's reform is a few dozen changes instead of
 * thousands. Pure.
 *
 * Steps of one op in one wave are independent, so they go together, in chunks that run side by
 * side. Two runs of waves go further: the creations of all levels (waves 40–69) form one
 * sequence, parents first, and the closures of all rounds (waves 80–99) another, lowest first —
 * a batch may create a unit under one it creates earlier, and may close a unit together with its
 * subordinates — so their chunks run one after the other.
 */
import type { MergeSpec, ReformStep, SingleReformStep, SingleStep, StepBody } from "./reform-plan.ts";

type MergeStep = Extract<SingleStep, { op: "mergeUnits" }>;

/** The most items one batch carries (below the API's limits, so that a wave's chunks spread over clients). */
export const PLAN_BATCH = {
  createUnit: 500,
  setSuperior: 500,
  closeUnit: 500,
  addRelation: 1000,
  mergeUnits: 50,
} as const;

type Batched = keyof typeof PLAN_BATCH;
const isBatched = (op: string): op is Batched => op in PLAN_BATCH;

/** The run of waves a step belongs to, and whether its chunks must run in order. */
function phaseOf(step: SingleReformStep): { phase: number; sequential: boolean } {
  if (step.op === "createUnit" && step.wave >= 40 && step.wave < 70) return { phase: 40, sequential: true };
  if (step.op === "closeUnit" && step.wave >= 80 && step.wave < 100) return { phase: 80, sequential: true };
  return { phase: step.wave, sequential: false };
}

/** Chunks of at most `size`, a new chunk also when `key` repeats within one (a unit moved twice). */
function chunks<T>(xs: readonly T[], size: number, key: (x: T) => string): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const x of xs) {
    if (current.length >= size || keys.has(key(x))) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(x);
    keys.add(key(x));
  }
  if (current.length > 0) out.push(current);
  return out;
}

function itemKey(step: SingleReformStep): string {
  switch (step.op) {
    case "createUnit":
      return step.unit.id;
    case "setSuperior":
      return step.unitId;
    case "closeUnit":
      return step.id;
    case "addRelation":
      return `${step.input.type}|${step.input.fromId}|${step.input.toId}|${step.input.validFrom}`;
    case "mergeUnits":
      return step.into.id;
    default:
      return "";
  }
}

/** One batch mutation for a chunk of steps of one op. */
function batchOf(op: Batched, steps: SingleReformStep[]): StepBody {
  const first = steps[0] as SingleReformStep;
  const basis =
    "basis" in first ? [...first.basis] : first.op === "addRelation" ? [...first.input.basis] : [];
  switch (op) {
    case "mergeUnits":
      // A merger alone stays a mergeUnits (a province's); the communes' go together.
      if (steps.length === 1) return { ...(first as MergeStep) };
      return {
        op: "mergeMany",
        merges: steps.flatMap((s) => {
          if (s.op !== "mergeUnits") return [];
          const { op: _, wave: __, abolishLevel: ___, ...merge } = s;
          return [merge as MergeSpec];
        }),
        basis,
      };
    case "createUnit":
      return {
        op: "createUnits",
        units: steps.flatMap((s) =>
          s.op === "createUnit" ? [{ unit: s.unit, superiorId: s.superiorId, basis: s.basis }] : [],
        ),
        basis,
      };
    case "setSuperior":
      return {
        op: "moveUnits",
        moves: steps.flatMap((s) =>
          s.op === "setSuperior" ? [{ unitId: s.unitId, superiorId: s.superiorId, basis: s.basis }] : [],
        ),
        basis,
      };
    case "closeUnit":
      return { op: "closeUnits", ids: steps.flatMap((s) => (s.op === "closeUnit" ? [s.id] : [])), basis };
    case "addRelation":
      return {
        op: "addRelations",
        relations: steps.flatMap((s) => (s.op === "addRelation" ? [s.input] : [])),
        basis,
      };
  }
}

/** The steps (sorted by wave) as batches; the waves renumbered so that their order holds. */
export function batchSteps(steps: readonly SingleReformStep[]): ReformStep[] {
  const out: ReformStep[] = [];
  const groups = new Map<
    string,
    { op: Batched; phase: number; sequential: boolean; steps: SingleReformStep[] }
  >();
  for (const step of steps) {
    if (!isBatched(step.op)) {
      out.push({ ...(step as StepBody), wave: step.wave * 100 });
      continue;
    }
    const { phase, sequential } = phaseOf(step);
    const key = `${phase}|${step.op}`;
    const group = groups.get(key) ?? { op: step.op, phase, sequential, steps: [] };
    group.steps.push(step);
    groups.set(key, group);
  }
  for (const g of groups.values())
    for (const [k, chunk] of chunks(g.steps, PLAN_BATCH[g.op], itemKey).entries())
      out.push({ ...batchOf(g.op, chunk), wave: g.phase * 100 + (g.sequential ? k : 0) } as ReformStep);
  return out.sort((a, b) => a.wave - b.wave);
}
