/** Plans, their tasks, targets and events, and the units' roles in tasks: each batched into one query. */
import DataLoader from "dataloader";
import type { Database, RoundTripCounter } from "../../store/database.ts";
import {
  type AssigneeSelectorRecord,
  assignmentsOfTasks,
  eventsOfPlans,
  findAssigneeSelectors,
  findPlanEvents,
  findPlans,
  findTasks,
  type PlanEventRecord,
  type PlanRecord,
  type TaskRecord,
  targetsOfPlans,
  tasksOfPlans,
  tasksOfUnits,
} from "../../store/plan-repository.ts";
import { byId } from "./record-loaders.ts";

/** A loader of one list per id from a function that reads the lists of many ids in one query. */
export function listLoader<V>(
  db: Database,
  counter: RoundTripCounter,
  fn: (db: Database, ids: readonly string[], counter?: RoundTripCounter) => Promise<V[]>,
): DataLoader<string, V> {
  return new DataLoader<string, V>(async (ids) => fn(db, ids, counter));
}

/** A loader of records by id (null for an unknown id). */
function recordLoader<V extends { id: string }>(
  db: Database,
  counter: RoundTripCounter,
  find: (db: Database, ids: readonly string[], counter?: RoundTripCounter) => Promise<V[]>,
): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(async (ids) => byId(ids, await find(db, ids, counter)));
}

type AssignmentsKey = Parameters<typeof assignmentsOfTasks>[1][number];
type TasksOfUnitKey = Parameters<typeof tasksOfUnits>[1][number];

export function planLoaders(db: Database, counter: RoundTripCounter) {
  return {
    plan: recordLoader<PlanRecord>(db, counter, findPlans),
    task: recordLoader<TaskRecord>(db, counter, findTasks),
    planEvent: recordLoader<PlanEventRecord>(db, counter, findPlanEvents),
    assigneeSelector: recordLoader<AssigneeSelectorRecord>(db, counter, findAssigneeSelectors),
    tasksOfPlan: listLoader(db, counter, tasksOfPlans),
    targetsOfPlan: listLoader(db, counter, targetsOfPlans),
    eventsOfPlan: listLoader(db, counter, eventsOfPlans),
    assignmentsOfTask: new DataLoader<
      AssignmentsKey,
      Awaited<ReturnType<typeof assignmentsOfTasks>>[number],
      string
    >(async (keys) => assignmentsOfTasks(db, keys, counter), { cacheKeyFn: (k) => `${k.id}:${k.asOf}` }),
    tasksOfUnit: new DataLoader<TasksOfUnitKey, Awaited<ReturnType<typeof tasksOfUnits>>[number], string>(
      async (keys) => tasksOfUnits(db, keys, counter),
      { cacheKeyFn: (k) => `${k.id}:${k.role ?? ""}:${k.asOf}` },
    ),
  };
}
