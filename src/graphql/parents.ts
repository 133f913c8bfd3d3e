/**
 * The records each GraphQL object type's resolvers receive as their parent, and return where
 * the schema names the type: GraphQL Code Generator maps the schema's types to these
 * (codegen.ts, `mappers`), so a resolver typed with the generated `Resolvers` is checked
 * against the records it really gets. One file, so that a record moving between modules
 * changes one import here and needs no regeneration.
 */

import type { DueDateInfo } from "../domain/calendar.ts";
import type { DerivedRelation, Obligation, ReportingStep } from "../domain/obligations.ts";
import type { ChannelRule, Route, UnitSelector, Violation } from "../domain/submission-routes.ts";
import type { ChangeRecord, EventRecord } from "../store/change-repository.ts";
import type { MeetingRuleRecord, PositionRecord, WrittenConsentRecord } from "../store/meeting-repository.ts";
import type {
  AssigneeSelectorRecord,
  AssignmentRecord,
  PlanEventRecord,
  PlanRecord,
  TargetRecord,
  TaskRecord,
} from "../store/plan-repository.ts";
import type { CitationRecord, DocumentRecord, RuleRecord, UnitRecord } from "../store/records.ts";
import type { CalendarEntryView, UnitCalendar } from "./services/unit-calendar.ts";

/** One line of a task's deadline: the domain's deadline with its text and the plan event it follows. */
export type { DeadlineLine as DeadlineView } from "./services/task-deadline.ts";
// The domain's names for these clash with the schema's type names in the generated file.
export type {
  AssigneeSelectorRecord,
  CalendarEntryView,
  ChangeRecord,
  ChannelRule as ChannelRuleFact,
  CitationRecord,
  DerivedRelation,
  DocumentRecord,
  DueDateInfo,
  EventRecord,
  MeetingRuleRecord,
  Obligation,
  PlanEventRecord,
  PlanRecord,
  PositionRecord,
  ReportingStep as ReportingStepFact,
  RuleRecord,
  TargetRecord,
  TaskRecord,
  UnitCalendar,
  UnitRecord,
  UnitSelector as UnitSelectorFact,
  WrittenConsentRecord,
};

/** A unit's role in a task, with the date its assignments were taken on. */
export type AssignmentView = AssignmentRecord & { asOf: string };

/** A prescribed route between two units on a date, with the rules that prescribe it. */
export interface RouteView extends Route {
  from: string;
  to: string;
  asOf: string;
  rules: ChannelRule[];
}

/** A breach of a channel rule, with the rule. */
export interface ViolationView extends Violation {
  rule: ChannelRule;
}

/** A unit in a page, with its cursor and how it hangs below the parent. */
export interface UnitEdgeView {
  cursor: string;
  node: UnitRecord;
  relation: string | null;
  depth: number | null;
}

/** A checked path, as unit ids; the units are loaded when asked for. */
export interface SubmissionCheckView {
  valid: boolean;
  kind: ChannelRule["kind"];
  path: string[];
  asOf: string;
  violations: ViolationView[];
  rulesApplied: ChannelRule[];
  route: RouteView | null;
}
