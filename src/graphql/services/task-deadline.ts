/** A stored task's deadline lines as the domain reads them (src/domain/deadlines.ts): the plan and calendar resolvers share them. */
import type { Deadline } from "../../domain/deadlines.ts";
import type { DeadlineLineRecord, TaskRecord } from "../../store/plan-repository.ts";
import { DeadlineType } from "../generated/resolvers-types.ts";
import { asEnum } from "../stored-values.ts";

/** One line of a task's deadline, with its own text and the plan event it follows. */
export type DeadlineLine = Deadline & { text: string | null; after: string | null };

export function deadlineLine(d: DeadlineLineRecord): DeadlineLine {
  return { ...d, type: asEnum(DeadlineType, d.type) };
}

/** The first line: what `Task.deadline`, `Task.overdue` and the calendar's task date read. */
export function taskDeadline(t: TaskRecord): DeadlineLine {
  const [first] = t.deadlines;
  if (!first) throw new Error(`task ${t.id} has no deadline line`);
  return deadlineLine(first);
}
