/** Cypher for plans, their tasks, targets and events, and the units' roles in tasks. */
import type { Database, RoundTripCounter } from "./database.ts";

export interface PlanRecord {
  id: string;
  title: string;
  documentId: string | null;
  implementsId: string | null;
  ownerId: string | null;
}

export interface TaskRecord {
  id: string;
  planId: string;
  code: string;
  order: number;
  title: string;
  basis: string[];
  note: string | null;
  deadlineType: string;
  deadlineText: string | null;
  deadlineDate: string | null;
  deadlineYear: number | null;
  deadlineQuarter: number | null;
  deadlineMonths: number | null;
  deadlineDays: number | null;
  deadlineAfter: string | null;
  /** The date of the event a relative deadline counts from, when recorded. */
  eventOccurredOn: string | null;
}

export interface AssignmentRecord {
  role: string;
  unitId: string;
  taskId: string;
}

export interface PlanEventRecord {
  id: string;
  title: string;
  occurredOn: string | null;
}

export interface TargetRecord {
  id: string;
  text: string;
  metric: string;
  min: number | null;
  max: number | null;
  per: string | null;
  basis: string[];
}

const TASK_PROJECTION = `t {.*, eventOccurredOn: toString(ev.occurredOn)}`;
const TASK_EVENT = "OPTIONAL MATCH (ev:PlanEvent {id: t.deadlineAfter})";

function asTask(row: unknown): TaskRecord {
  const t = row as Record<string, unknown>;
  return {
    id: t.id as string,
    planId: t.planId as string,
    code: t.code as string,
    order: (t.order as number) ?? 0,
    title: t.title as string,
    basis: (t.basis as string[]) ?? [],
    note: (t.note as string) ?? null,
    deadlineType: t.deadlineType as string,
    deadlineText: (t.deadlineText as string) ?? null,
    deadlineDate: (t.deadlineDate as string) ?? null,
    deadlineYear: (t.deadlineYear as number) ?? null,
    deadlineQuarter: (t.deadlineQuarter as number) ?? null,
    deadlineMonths: (t.deadlineMonths as number) ?? null,
    deadlineDays: (t.deadlineDays as number) ?? null,
    deadlineAfter: (t.deadlineAfter as string) ?? null,
    eventOccurredOn: (t.eventOccurredOn as string) ?? null,
  };
}

export async function findPlans(
  db: Database,
  ids: readonly string[] | null,
  counter?: RoundTripCounter,
): Promise<PlanRecord[]> {
  const rows = await db.read(
    `MATCH (p:Plan) WHERE $ids IS NULL OR p.id IN $ids
     RETURN p {.id, .title, .documentId, .implementsId, .ownerId} AS p ORDER BY p.id`,
    { ids: ids ? [...ids] : null },
    counter,
  );
  return rows.map((r) => {
    const p = r.p as Record<string, unknown>;
    return {
      id: p.id as string,
      title: p.title as string,
      documentId: (p.documentId as string) ?? null,
      implementsId: (p.implementsId as string) ?? null,
      ownerId: (p.ownerId as string) ?? null,
    };
  });
}

export async function findTasks(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<TaskRecord[]> {
  const rows = await db.read(
    `UNWIND $ids AS id MATCH (t:Task {id: id}) ${TASK_EVENT} RETURN ${TASK_PROJECTION} AS t`,
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => asTask(r.t));
}

/** A task by its code, in one plan or in any (the first plan by id when several use the code). */
export async function findTaskByCode(
  db: Database,
  args: { code: string; planId: string | null },
  counter?: RoundTripCounter,
): Promise<TaskRecord | null> {
  const rows = await db.read(
    `MATCH (t:Task {code: $code}) WHERE $planId IS NULL OR t.planId = $planId
     ${TASK_EVENT}
     RETURN ${TASK_PROJECTION} AS t ORDER BY t.planId LIMIT 1`,
    args,
    counter,
  );
  return rows[0] ? asTask(rows[0].t) : null;
}

export async function tasksOfPlans(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<TaskRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (t:Task {planId: id})
     ${TASK_EVENT}
     WITH id, t, ev ORDER BY t.order
     RETURN id, collect(CASE WHEN t IS NULL THEN null ELSE ${TASK_PROJECTION} END) AS tasks`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, ((r.tasks as unknown[]) ?? []).map(asTask)]));
  return ids.map((id) => byId.get(id) ?? []);
}

export async function assignmentsOfTasks(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<AssignmentRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (u:Unit)-[r:DIRECTS|LEADS_ADVICE|COORDINATES|CARRIES_OUT]->(:Task {id: id})
     WITH id, u, r ORDER BY CASE type(r) WHEN 'DIRECTS' THEN 0 WHEN 'LEADS_ADVICE' THEN 1 WHEN 'COORDINATES' THEN 2 ELSE 3 END, u.id
     RETURN id, collect(CASE WHEN r IS NULL THEN null ELSE {role: type(r), unitId: u.id, taskId: id} END) AS a`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, (r.a as AssignmentRecord[]) ?? []]));
  return ids.map((id) => byId.get(id) ?? []);
}

/** Tasks a unit has a role in, with the tasks themselves. */
export async function tasksOfUnits(
  db: Database,
  keys: readonly { id: string; role: string | null }[],
  counter?: RoundTripCounter,
): Promise<{ assignments: AssignmentRecord[]; tasks: TaskRecord[] }[]> {
  const rows = await db.read(
    `UNWIND range(0, size($keys) - 1) AS i
     WITH i, $keys[i] AS k
     OPTIONAL MATCH (u:Unit {id: k.id})-[r:DIRECTS|LEADS_ADVICE|COORDINATES|CARRIES_OUT]->(t:Task)
     WHERE k.role IS NULL OR type(r) = k.role
     ${TASK_EVENT}
     WITH i, r, t, ev ORDER BY t.planId, t.order, type(r)
     RETURN i, collect(CASE WHEN r IS NULL THEN null ELSE {role: type(r), taskId: t.id, task: ${TASK_PROJECTION}} END) AS rows
     ORDER BY i`,
    { keys: keys.map((k) => ({ ...k })) },
    counter,
  );
  return rows.map((r) => {
    const key = keys[r.i as number] as { id: string };
    const items = (r.rows as Record<string, unknown>[]) ?? [];
    return {
      assignments: items.map((x) => ({ role: x.role as string, unitId: key.id, taskId: x.taskId as string })),
      tasks: items.map((x) => asTask(x.task)),
    };
  });
}

export async function targetsOfPlans(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<TargetRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (t:Target)-[:IN_PLAN]->(:Plan {id: id})
     WITH id, t ORDER BY t.id
     RETURN id, collect(t {.id, .text, .metric, .min, .max, .per, .basis}) AS ts`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, (r.ts as TargetRecord[]) ?? []]));
  return ids.map((id) => byId.get(id) ?? []);
}

export async function eventsOfPlans(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<PlanEventRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (e:PlanEvent)-[:IN_PLAN]->(:Plan {id: id})
     WITH id, e ORDER BY e.id
     RETURN id, collect(e {.id, .title, occurredOn: toString(e.occurredOn)}) AS es`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, (r.es as PlanEventRecord[]) ?? []]));
  return ids.map((id) => byId.get(id) ?? []);
}

export async function findPlanEvents(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<PlanEventRecord[]> {
  const rows = await db.read(
    "UNWIND $ids AS id MATCH (e:PlanEvent {id: id}) RETURN e {.id, .title, occurredOn: toString(e.occurredOn)} AS e",
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => r.e as PlanEventRecord);
}
