/**
 * Runs a reform plan (src/generator/national/reform-plan.ts) through the public GraphQL
 * mutations, as any editor's client would: one mutation per step (a restructuring, or a batch of
 * creations, moves, closures or relations), each province's steps in the order of their waves,
 * at most `concurrency` at once. A step refused with a retryable error is tried again.
 */
import { LAST_OLD_DAY, REFORM_DAY } from "../src/generator/national/constants.ts";
import type { ProvinceReform, ReformStep } from "../src/generator/national/reform-plan.ts";

import type { GqlResult } from "./http-client.ts";

export type { GqlResult };

/** Sends one GraphQL request (with the editor's or admin's token). */
export type Gql = (query: string, variables: Record<string, unknown>) => Promise<GqlResult>;

const DOCUMENTS = {
  abolishLevel: "mutation ($input: AbolishLevelInput!) { abolishLevel(input: $input) { id } }",
  mergeUnits: "mutation ($input: MergeUnitsInput!) { mergeUnits(input: $input) { id } }",
  createUnits: "mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id } }",
  moveUnits: "mutation ($input: MoveUnitsInput!) { moveUnits(input: $input) { id } }",
  closeUnits: "mutation ($input: CloseUnitsInput!) { closeUnits(input: $input) { id } }",
  endRelation:
    "mutation ($id: ID!, $d: Date!, $b: [ID!]!) { endRelation(relationId: $id, lastDay: $d, basis: $b) { id } }",
  addRelations: "mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id } }",
  mergeMany: "mutation ($input: MergeManyInput!) { mergeMany(input: $input) { id } }",
} as const;

/** The GraphQL request of one step. */
export function stepRequest(step: ReformStep): { query: string; variables: Record<string, unknown> } {
  const query = DOCUMENTS[step.op];
  switch (step.op) {
    case "abolishLevel":
      return {
        query,
        variables: {
          input: { underId: step.underId, kind: step.kind, effectiveOn: REFORM_DAY, basis: step.basis },
        },
      };
    case "mergeUnits":
      return {
        query,
        variables: {
          input: {
            sourceIds: step.sourceIds,
            into: step.into,
            superiorId: step.superiorId,
            effectiveOn: REFORM_DAY,
            basis: step.basis,
            subordinatesBasis: step.subordinatesBasis,
            abolishLevel: step.abolishLevel ?? null,
          },
        },
      };
    case "createUnits":
      return {
        query,
        variables: { input: { units: step.units, effectiveOn: REFORM_DAY, basis: step.basis } },
      };
    case "moveUnits":
      return {
        query,
        variables: { input: { moves: step.moves, effectiveOn: REFORM_DAY, basis: step.basis } },
      };
    case "closeUnits":
      return { query, variables: { input: { ids: step.ids, lastDay: LAST_OLD_DAY, basis: step.basis } } };
    case "endRelation":
      return { query, variables: { id: step.relationId, d: LAST_OLD_DAY, b: step.basis } };
    case "addRelations":
      return { query, variables: { input: { relations: step.relations, basis: step.basis } } };
    case "mergeMany":
      return {
        query,
        variables: { input: { merges: step.merges, effectiveOn: REFORM_DAY, basis: step.basis } },
      };
  }
}

export interface ReplayFailure {
  province: string;
  step: ReformStep;
  error: string;
}

export interface ReplayReport {
  steps: number;
  byOp: Record<string, { n: number; ms: number }>;
  failures: ReplayFailure[];
  retries: number;
  seconds: number;
}

const RETRIES = 5;

async function runStep(gql: Gql, step: ReformStep): Promise<{ error: string | null; retries: number }> {
  const { query, variables } = stepRequest(step);
  for (let attempt = 0; ; attempt++) {
    let res: GqlResult;
    try {
      res = await gql(query, variables);
    } catch (e) {
      if (attempt < RETRIES) continue;
      return { error: `request failed: ${(e as Error).message}`, retries: attempt };
    }
    const e = res.errors?.[0];
    if (!e) return { error: null, retries: attempt };
    const code = e.extensions?.code ?? "ERROR";
    if (attempt < RETRIES && (code === "SERVICE_UNAVAILABLE" || e.extensions?.retryable)) {
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      continue;
    }
    return {
      error: `${code}${e.extensions?.rule ? `/${e.extensions.rule}` : ""}: ${e.message.slice(0, 240)}`,
      retries: attempt,
    };
  }
}

/** At most `n` at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Replays every province's steps, wave after wave; the steps of one wave, and different
 * provinces, run side by side, at most `concurrency` mutations at once. `onStep` after each.
 */
export async function replayReform(
  gql: Gql,
  provinces: readonly ProvinceReform[],
  opts: { concurrency: number; onStep?: (done: number) => void },
): Promise<ReplayReport> {
  const started = performance.now();
  const report: ReplayReport = { steps: 0, byOp: {}, failures: [], retries: 0, seconds: 0 };
  const limit = limiter(Math.max(1, opts.concurrency));
  const one = async (province: string, step: ReformStep) => {
    const t = performance.now();
    const { error, retries } = await runStep(gql, step);
    const op = report.byOp[step.op] ?? { n: 0, ms: 0 };
    report.byOp[step.op] = op;
    op.n++;
    op.ms += performance.now() - t;
    report.retries += retries;
    report.steps++;
    if (error) report.failures.push({ province, step, error });
    opts.onStep?.(report.steps);
  };
  const province = async (p: ProvinceReform) => {
    for (let i = 0; i < p.steps.length; ) {
      const wave = (p.steps[i] as ReformStep).wave;
      let j = i;
      while (j < p.steps.length && (p.steps[j] as ReformStep).wave === wave) j++;
      await Promise.all(p.steps.slice(i, j).map((step) => limit(() => one(p.key, step))));
      i = j;
    }
  };
  await Promise.all(provinces.map(province));
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
