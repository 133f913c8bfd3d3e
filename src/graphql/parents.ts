/**
 * The records each GraphQL object type's resolvers receive as their parent, and return where
 * the schema names the type: GraphQL Code Generator maps the schema's types to these
 * (codegen.ts, `mappers`), so a resolver typed with the generated `Resolvers` is checked
 * against the records it really gets. One file, so that a record moving between modules
 * changes one import here and needs no regeneration.
 */

import type { DueDateInfo } from "../domain/calendar.ts";
import type { DiffCause, DiffChange, DiffSummary, DiffWindow } from "../domain/diff.ts";
import type { IntegrityFinding, IntegrityRule } from "../domain/integrity.ts";
import type { DerivedRelation, Obligation, ReportingStep } from "../domain/obligations.ts";
import type { ChannelRule, Route, UnitSelector, Violation } from "../domain/submission-routes.ts";
import type { Reminder, ReminderFormat } from "../reminders/message.ts";
import type { ChangeRecord, EventRecord } from "../store/change-repository.ts";
import type { FeedCapabilityRecord } from "../store/feed-capability-repository.ts";
import type { ProvinceShapeRow } from "../store/integrity-repository.ts";
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
import type { SubscriptionRecord } from "../store/reminder-repository.ts";
import type { DiffRun } from "./services/graph-diff.ts";
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
  DiffCause as DiffCauseFact,
  DiffSummary as DiffSummaryFact,
  DocumentRecord,
  DueDateInfo,
  EventRecord,
  FeedCapabilityRecord,
  IntegrityFinding as IntegrityFindingFact,
  MeetingRuleRecord,
  Obligation,
  PlanEventRecord,
  PlanRecord,
  PositionRecord,
  ProvinceShapeRow,
  ReportingStep as ReportingStepFact,
  RuleRecord,
  SubscriptionRecord,
  TargetRecord,
  TaskRecord,
  UnitCalendar,
  UnitRecord,
  UnitSelector as UnitSelectorFact,
  WrittenConsentRecord,
};

/**
 * An integrity report, `under` as an id; its parts are read when a field asks
 * (src/graphql/services/integrity-report.ts).
 */
export interface IntegrityReportView {
  asOf: string;
  under: string | null;
  counts(): Promise<{ rule: IntegrityRule; ruleLabel: string; count: number }[]>;
  /** `first` findings after `offset`, of `rule` when given. */
  findings(rule: IntegrityRule | null, offset: number, first: number): Promise<IntegrityFinding[]>;
  provinces(): Promise<ProvinceShapeRow[]>;
}

/** A feed link just minted: its record, the signed capability, and the feed's path carrying it. */
export interface MintedFeedCapabilityView {
  capability: FeedCapabilityRecord;
  token: string;
  path: string;
}

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

/**
 * A change record as its resolvers get it: from a `changes` page, with the horizon that page was
 * read under, at which its `cursor` is cut as the page's end cursor is (src/domain/change-feed.ts);
 * without one (read by `history` or `Event.changes`), its cursor is cut at now's horizon.
 */
export type ChangeView = ChangeRecord & { horizonMs?: number };

/** A change of a diff, with the diff's window (its obligations are compared on both dates). */
export type GraphChangeView = DiffChange & { window: DiffWindow };

/** A diff: its window and roots as ids, and the run that reads its page and summary when asked. */
export interface GraphDiffView {
  from: string;
  to: string;
  under: string[];
  predecessors: string[];
  run: DiffRun;
}

/** A reminder the scheduler would post, with its subscription's target and whether it went out. */
export type ReminderPreviewView = Reminder & {
  webhookUrl: string;
  format: ReminderFormat;
  alreadySent: boolean;
};
