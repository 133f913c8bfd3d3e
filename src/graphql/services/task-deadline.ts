/** A stored task's deadline as the domain reads it (src/domain/deadlines.ts): the plan and calendar resolvers share it. */
import type { Deadline, DeadlineType } from "../../domain/deadlines.ts";
import type { TaskRecord } from "../../store/plan-repository.ts";

export function taskDeadline(t: TaskRecord): Deadline {
  return {
    // Tasks come only from the seed, whose schema (src/seed/seed-schema.ts) admits only these types.
    type: t.deadlineType as DeadlineType,
    date: t.deadlineDate,
    year: t.deadlineYear,
    quarter: t.deadlineQuarter,
    months: t.deadlineMonths,
    days: t.deadlineDays,
    eventOccurredOn: t.eventOccurredOn,
  };
}
