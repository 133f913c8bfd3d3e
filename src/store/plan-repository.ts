/** Cypher for plans, their tasks, targets and events, and the units' roles in tasks. */
import { active } from "./cypher-fragments.ts";
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
  /** "Từ năm 2022": the year an ONGOING or YEARLY deadline starts. */
  deadlineStartYear: number | null;
  /** The date of the event a relative deadline counts from, when recorded. */
  eventOccurredOn: string | null;
  /** Every line of the deadline as the text states it, the first being the fields above. */
  deadlines: DeadlineLineRecord[];
}

/** One line of a task's deadline ("Thường xuyên", "Hằng năm", "Quý III/2022" …). */
export interface DeadlineLineRecord {
  type: string;
  text: string | null;
  date: string | null;
  year: number | null;
  quarter: number | null;
  months: number | null;
  days: number | null;
  after: string | null;
  startYear: number | null;
  eventOccurredOn: string | null;
}

export interface AssignmentRecord {
  role: string;
  unitId: string;
  taskId: string;
  /** The assignee selector that produced this assignment; null for a unit the task names itself. */
  selectorId: string | null;
  /** For a selector's assignment: the member unit (e.g. the huyện ủy whose Ban Thường vụ is assigned). */
  memberId: string | null;
}

export interface AssigneeSelectorRecord {
  id: string;
  title: string;
  anchor: string;
  memberKinds: string[];
  depth: number;
  bodyKinds: string[];
  basis: string[];
  validFrom: string | null;
  validTo: string | null;
  note: string | null;
}

const ROLES = "DIRECTS|LEADS_ADVICE|COORDINATES|CARRIES_OUT";
const ROLE_ORDER =
  "CASE type(r) WHEN 'DIRECTS' THEN 0 WHEN 'LEADS_ADVICE' THEN 1 WHEN 'COORDINATES' THEN 2 ELSE 3 END";

/**
 * The units selector `s` names on date `d`, as `units` [{unitId, memberId}]: the members (units
 * of s.memberKinds at most s.depth SUBORDINATE_TO steps below the anchor, every step and
 * member in force on d) or, when s.bodyKinds is not empty, each member's organs of those
 * kinds (PART_OF, up to three steps, in force on d).
 */
const EXPAND_SELECTOR = `CALL (s, d) {
       OPTIONAL MATCH (m:Unit) (()-[h:SUBORDINATE_TO]->()){1,4} (a:Unit {id: s.anchor})
       WHERE size(h) <= s.depth AND m.kind IN s.memberKinds AND ${active("m")}
         AND all(x IN h WHERE ${active("x")})
       WITH DISTINCT s, d, m
       OPTIONAL MATCH (b:Unit) (()-[p:PART_OF]->()){1,3} (m)
       WHERE size(s.bodyKinds) > 0 AND b.kind IN s.bodyKinds AND ${active("b")} AND all(x IN p WHERE ${active("x")})
       WITH m, CASE WHEN size(s.bodyKinds) = 0 THEN m ELSE b END AS x
       WITH DISTINCT m, x WHERE x IS NOT NULL
       RETURN collect({unitId: x.id, memberId: m.id}) AS units
     }`;

const SELECTOR_PROJECTION = `s {.id, .title, .anchor, .memberKinds, .depth, .bodyKinds, .basis, .note,
  validFrom: toString(s.validFrom), validTo: toString(s.validTo)}`;

export async function findAssigneeSelectors(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<AssigneeSelectorRecord[]> {
  const rows = await db.read(
    `UNWIND $ids AS id MATCH (s:AssigneeSelector {id: id}) RETURN ${SELECTOR_PROJECTION} AS s`,
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => r.s as AssigneeSelectorRecord);
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

function deadlineLines(t: Record<string, unknown>, first: DeadlineLineRecord): DeadlineLineRecord[] {
  if (typeof t.deadlineLines !== "string") return [first];
  const [, ...more] = JSON.parse(t.deadlineLines) as Record<string, unknown>[];
  return [
    first,
    ...more.map((d) => ({
      type: d.type as string,
      text: (d.text as string) ?? null,
      date: (d.date as string) ?? null,
      year: (d.year as number) ?? null,
      quarter: (d.quarter as number) ?? null,
      months: null,
      days: null,
      after: null,
      startYear: (d.startYear as number) ?? null,
      eventOccurredOn: null,
    })),
  ];
}

function asTask(row: unknown): TaskRecord {
  const t = row as Record<string, unknown>;
  const first: DeadlineLineRecord = {
    type: t.deadlineType as string,
    text: (t.deadlineText as string) ?? null,
    date: (t.deadlineDate as string) ?? null,
    year: (t.deadlineYear as number) ?? null,
    quarter: (t.deadlineQuarter as number) ?? null,
    months: (t.deadlineMonths as number) ?? null,
    days: (t.deadlineDays as number) ?? null,
    after: (t.deadlineAfter as string) ?? null,
    startYear: (t.deadlineStartYear as number) ?? null,
    eventOccurredOn: (t.eventOccurredOn as string) ?? null,
  };
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
    deadlineStartYear: first.startYear,
    eventOccurredOn: (t.eventOccurredOn as string) ?? null,
    deadlines: deadlineLines(t, first),
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

/**
 * Who holds each role in each task on the date: the units the task names, and the units its
 * assignee selectors name on that date (each saying which selector produced it), in one query.
 */
export async function assignmentsOfTasks(
  db: Database,
  keys: readonly { id: string; asOf: string }[],
  counter?: RoundTripCounter,
): Promise<{ assignments: AssignmentRecord[]; selectors: AssigneeSelectorRecord[] }[]> {
  const rows = await db.read(
    `UNWIND range(0, size($keys) - 1) AS i
     WITH i, $keys[i] AS k, date($keys[i].asOf) AS d
     CALL (k) {
       OPTIONAL MATCH (u:Unit)-[r:${ROLES}]->(:Task {id: k.id})
       WITH u, r ORDER BY ${ROLE_ORDER}, u.id
       RETURN collect(CASE WHEN r IS NULL THEN null
                      ELSE {role: type(r), unitId: u.id, taskId: k.id, selectorId: null, memberId: null} END) AS named
     }
     CALL (k, d) {
       OPTIONAL MATCH (s:AssigneeSelector)-[r:${ROLES}]->(:Task {id: k.id}) WHERE ${active("s")}
       WITH s, r, d ORDER BY ${ROLE_ORDER}, s.id
       ${EXPAND_SELECTOR}
       RETURN collect(CASE WHEN r IS NULL THEN null ELSE {role: type(r), selectorId: s.id, units: units} END) AS bySelector,
              collect(DISTINCT ${SELECTOR_PROJECTION}) AS selectors
     }
     RETURN i, named, bySelector, selectors`,
    { keys: keys.map((k) => ({ id: k.id, asOf: k.asOf })) },
    counter,
  );
  const byIndex = new Map(
    rows.map((r) => {
      const taskId = (keys[r.i as number] as { id: string }).id;
      const expanded = (
        (r.bySelector as {
          role: string;
          selectorId: string;
          units: { unitId: string; memberId: string }[];
        }[]) ?? []
      ).flatMap((x) =>
        [...x.units]
          .sort((a, b) => a.unitId.localeCompare(b.unitId))
          .map((u) => ({
            role: x.role,
            unitId: u.unitId,
            taskId,
            selectorId: x.selectorId,
            memberId: u.memberId,
          })),
      );
      const assignments = [...((r.named as AssignmentRecord[]) ?? []), ...expanded];
      return [r.i as number, { assignments, selectors: (r.selectors as AssigneeSelectorRecord[]) ?? [] }];
    }),
  );
  return keys.map((_, i) => byIndex.get(i) ?? { assignments: [], selectors: [] });
}

/**
 * Tasks a unit has a role in on the date, with the tasks themselves: the roles the tasks give
 * it by name, and those an assignee selector gives it (as a member of the selector's class, or
 * as the named organ of such a member).
 */
export async function tasksOfUnits(
  db: Database,
  keys: readonly { id: string; role: string | null; asOf: string }[],
  counter?: RoundTripCounter,
): Promise<{ assignments: AssignmentRecord[]; tasks: TaskRecord[] }[]> {
  const rows = await db.read(
    `UNWIND range(0, size($keys) - 1) AS i
     WITH i, $keys[i] AS k, date($keys[i].asOf) AS d
     OPTIONAL MATCH (u:Unit {id: k.id})
     CALL (u, k) {
       OPTIONAL MATCH (u)-[r:${ROLES}]->(t:Task)
       WHERE k.role IS NULL OR type(r) = k.role
       RETURN collect(CASE WHEN r IS NULL THEN null ELSE {role: type(r), t: t, selectorId: null, memberId: null} END) AS named
     }
     CALL (u, k, d) {
       OPTIONAL MATCH (s:AssigneeSelector)-[r:${ROLES}]->(t:Task)
       WHERE u IS NOT NULL AND (k.role IS NULL OR type(r) = k.role) AND ${active("s")} AND ${active("u")}
       OPTIONAL MATCH (u) (()-[p:PART_OF]->()){0,3} (m:Unit)
       WHERE s IS NOT NULL AND m.kind IN s.memberKinds AND ${active("m")} AND all(x IN p WHERE ${active("x")})
         AND ((size(s.bodyKinds) = 0 AND size(p) = 0) OR (size(p) > 0 AND u.kind IN s.bodyKinds))
         AND EXISTS {
           MATCH (m) (()-[h:SUBORDINATE_TO]->()){1,4} (:Unit {id: s.anchor})
           WHERE size(h) <= s.depth AND all(x IN h WHERE ${active("x")})
         }
       WITH r, t, s, m WHERE m IS NOT NULL
       RETURN collect(DISTINCT {role: type(r), t: t, selectorId: s.id, memberId: m.id}) AS selected
     }
     UNWIND (named + selected) AS x
     WITH i, x, x.t AS t
     ${TASK_EVENT}
     WITH i, x, t, ev ORDER BY t.planId, t.order, x.role, x.selectorId
     RETURN i, collect({role: x.role, taskId: t.id, task: ${TASK_PROJECTION}, selectorId: x.selectorId, memberId: x.memberId}) AS rows
     ORDER BY i`,
    { keys: keys.map((k) => ({ ...k })) },
    counter,
  );
  const byIndex = new Map(rows.map((r) => [r.i as number, (r.rows as Record<string, unknown>[]) ?? []]));
  return keys.map((key, i) => {
    const items = byIndex.get(i) ?? [];
    return {
      assignments: items.map((x) => ({
        role: x.role as string,
        unitId: key.id,
        taskId: x.taskId as string,
        selectorId: (x.selectorId as string) ?? null,
        memberId: (x.memberId as string) ?? null,
      })),
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
