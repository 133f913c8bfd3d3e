/** All resolvers, one file per area; resolvers stay thin and hand work to the domain and the store. */

import { Subscription } from "../../live/subscriptions.ts";
import type { Resolvers } from "../generated/resolvers-types.ts";
import { withNodeResolvers } from "../node.ts";
import { BatchMutations } from "./batch.ts";
import { CalendarQueries, CalendarResolvers } from "./calendar.ts";
import { DiffQueries, DiffResolvers } from "./diff.ts";
import { DocumentQueries, DocumentResolvers } from "./document.ts";
import { FeedMutations, FeedQueries, FeedResolvers } from "./feed.ts";
import { IntegrityQueries, IntegrityResolvers } from "./integrity.ts";
import { MeetingQueries, MeetingResolvers } from "./meeting.ts";
import { MergeManyMutations } from "./merge-many.ts";
import { AuditResolvers, Mutation, MutationQueries } from "./mutation.ts";
import { PlanQueries, PlanResolvers } from "./plan.ts";
import { Query as SystemQueries } from "./query.ts";
import { RegistryQueries } from "./registry.ts";
import { RelationQueries, RelationResolvers } from "./relation.ts";
import { ReminderMutations, ReminderQueries, ReminderResolvers } from "./reminders.ts";
import { ReportingQueries, ReportingResolvers } from "./reporting.ts";
import { DateScalar } from "./scalars.ts";
import { SubmissionQueries, SubmissionResolvers } from "./submission.ts";
import { UnitQueries, UnitResolvers } from "./unit.ts";

export const resolvers: Resolvers = withNodeResolvers({
  Date: DateScalar,
  Query: {
    ...SystemQueries,
    ...UnitQueries,
    ...RelationQueries,
    ...ReportingQueries,
    ...DocumentQueries,
    ...MeetingQueries,
    ...PlanQueries,
    ...MutationQueries,
    ...CalendarQueries,
    ...SubmissionQueries,
    ...IntegrityQueries,
    ...DiffQueries,
    ...RegistryQueries,
    ...ReminderQueries,
    ...FeedQueries,
  },
  Mutation: { ...Mutation, ...BatchMutations, ...MergeManyMutations, ...ReminderMutations, ...FeedMutations },
  Subscription,
  ...UnitResolvers,
  ...RelationResolvers,
  ...ReportingResolvers,
  ...DocumentResolvers,
  ...MeetingResolvers,
  ...PlanResolvers,
  ...AuditResolvers,
  ...CalendarResolvers,
  ...SubmissionResolvers,
  ...IntegrityResolvers,
  ...DiffResolvers,
  ...ReminderResolvers,
  ...FeedResolvers,
});
