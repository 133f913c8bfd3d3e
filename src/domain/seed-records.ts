/**
 * The seed graph as the store writes it (src/store/seed-repository.ts): the fields it reads of
 * each entry, after src/seed has read and validated the files (src/seed/seed-schema.ts is the
 * files' format; its SeedGraph must fit this shape, which tsc checks where the seed is loaded).
 * Here so that the store does not depend on the seed reader.
 */
import type { UnitInput } from "./records.ts";

type Maybe<T> = T | null | undefined;

interface Dated {
  validFrom?: Maybe<string>;
  validTo?: Maybe<string>;
}

interface Noted {
  note?: Maybe<string>;
}

export interface SeedDocumentRecord extends Noted {
  id: string;
  number: string;
  type: string;
  title: string;
  issuedOn?: Maybe<string>;
  signer?: Maybe<string>;
  file?: Maybe<string>;
  issuer?: Maybe<string>;
  replaces: string[];
}

export interface SeedProvisionRecord {
  id: string;
  document: string;
  article?: Maybe<number>;
  clause?: Maybe<number>;
  point?: Maybe<string>;
  section?: Maybe<string>;
  kind: string;
  excerpt: string;
}

export interface SeedUnitRecord extends UnitInput {
  /** Provision ids, or "synthetic" for an illustration that no document states. */
  source: "synthetic" | string[];
}

export interface SeedRelationRecord extends Dated, Noted {
  id: string;
  type: string;
  from: string;
  to: string;
  frequencies: string[];
  via: string[];
  subject?: Maybe<string>;
  basis: string[];
  synthetic: boolean;
}

export interface SeedRuleRecord extends Dated, Noted {
  id: string;
  relation: string;
  title: string;
  appliesTo: { kinds: string[]; sectors?: Maybe<string[]> };
  recipient: string;
  frequencies: string[];
  via: string[];
  subject?: Maybe<string>;
  basis: string[];
}

export interface SeedMeetingRuleRecord extends Noted {
  id: string;
  body: string;
  cadence: string;
  quorum?: Maybe<number>;
  quorumText?: Maybe<string>;
  papersLeadDays?: Maybe<number>;
  papersLeadDaysComplex?: Maybe<number>;
  /** A decision by written consent: more than `moreThan` of the body approve in writing. */
  writtenConsent?: Maybe<{ moreThan: number; text: string; requestedBy: string; basis: string[] }>;
  basis: string[];
}

export interface SeedPositionRecord extends Noted {
  id: string;
  title: string;
  committee: string;
  sitsIn: string[];
  duties?: Maybe<string>;
  basis: string[];
}

export type SeedDeadlineRecord = { text?: Maybe<string> } & (
  | { type: "DATE"; date: string }
  | { type: "QUARTER"; year: number; quarter: number }
  | { type: "YEAR"; year: number }
  | { type: "ONGOING" | "YEARLY"; startYear?: Maybe<number> }
  | { type: "PER_TERM" }
  | { type: "RELATIVE"; months?: Maybe<number>; days?: Maybe<number>; after: string }
);

export interface SeedTaskRecord extends Noted {
  id: string;
  code: string;
  title: string;
  deadline: SeedDeadlineRecord;
  /** Further deadline lines, in the document's order. */
  moreDeadlines: SeedDeadlineRecord[];
  roles: { role: string; unit?: Maybe<string>; selector?: Maybe<string>; note?: Maybe<string> }[];
  basis: string[];
}

export interface SeedPlanRecord {
  id: string;
  title: string;
  document: string;
  implements?: Maybe<string>;
  owner?: Maybe<string>;
  events: ({ id: string; title: string; occurredOn?: Maybe<string> } & Noted)[];
  targets: ({
    id: string;
    text: string;
    metric: string;
    min?: Maybe<number>;
    max?: Maybe<number>;
    per?: Maybe<string>;
    basis: string[];
  } & Noted)[];
  tasks: SeedTaskRecord[];
}

export interface SeedKindPairingRecord extends Dated, Noted {
  id: string;
  children: string[];
  superiors: string[];
  basis: string[];
}

interface KindLevelSelector {
  kinds: string[];
  levels: string[];
}

export interface SeedChannelRuleRecord extends Dated, Noted {
  id: string;
  kind: string;
  title: string;
  from: KindLevelSelector;
  to: KindLevelSelector;
  via: KindLevelSelector[];
  instead?: Maybe<KindLevelSelector>;
  within: string[];
  provinces: string[];
  basis: string[];
}

export interface SeedAssigneeSelectorRecord extends Dated, Noted {
  id: string;
  title: string;
  anchor: string;
  members: { kinds: string[]; depth: number };
  bodies: string[];
  basis: string[];
}

/** A restructuring the seed records (seed/FORMAT.md, mergers): the units it ended and founded. */
export interface SeedMergerRecord extends Noted {
  id: string;
  kind: string;
  name: string;
  date: string;
  ended: string[];
  founded: string[];
  basis: string[];
}

export interface SeedGraphRecords {
  documents: SeedDocumentRecord[];
  provisions: SeedProvisionRecord[];
  units: SeedUnitRecord[];
  relations: SeedRelationRecord[];
  rules: SeedRuleRecord[];
  meetingRules: SeedMeetingRuleRecord[];
  positions: SeedPositionRecord[];
  plans: SeedPlanRecord[];
  kindPairings: SeedKindPairingRecord[];
  channelRules: SeedChannelRuleRecord[];
  assigneeSelectors: SeedAssigneeSelectorRecord[];
  mergers: SeedMergerRecord[];
}
