/** A stored task's deadline as the domain reads it (src/domain/deadlines.ts): the plan and calendar resolvers share it. */
import type { Deadline } from "../../domain/deadlines.ts";
import type { TaskRecord } from "../../store/plan-repository.ts";
import { DeadlineType } from "../generated/resolvers-types.ts";
import { asEnum } from "../stored-values.ts";

export function taskDeadline(t: TaskRecord): Deadline {
  return {
    type: asEnum(DeadlineType, t.deadlineType),
    date: t.deadlineDate,
    year: t.deadlineYear,
    quarter: t.deadlineQuarter,
    months: t.deadlineMonths,
    days: t.deadlineDays,
    eventOccurredOn: t.eventOccurredOn,
  };
}
