/**
 * Reporting obligations and derived relations: explicit relations stated for a unit, and
 * kind-level rules applied to every unit they cover — 138-QĐ/TW Điều 9 khoản 2 (report
 * monthly, 6-monthly, at year-end and ad hoc to the direct superior committee), Điều 10
 * khoản 3 (notify the đảng đoàn / ban cán sự đảng / agency leadership), Điều 11 khoản 2
 * (the agency head reports to the committee), Điều 12 (work with the socio-political
 * organisations). Every result names the rule that produced it, or none.
 */
import { type Frequency, sortFrequencies } from "./frequencies.ts";

export interface RelationFact {
  id: string;
  type: string;
  from: string;
  to: string;
  validFrom: string | null;
  validTo: string | null;
  frequencies: string[];
  via: string[];
  subject: string | null;
  basis: string[];
  /** True for a seeded relation that no document states (an illustration); absent for derived ones. */
  synthetic?: boolean;
  note: string | null;
}

export interface RuleFact {
  id: string;
  relation: string;
  recipient: string;
  frequencies: string[];
  via: string[];
  subject: string | null;
  basis: string[];
  validFrom: string | null;
  validTo: string | null;
}

export interface Obligation {
  obligor: string;
  type: "REPORTS_TO" | "NOTIFIES";
  recipient: string;
  frequencies: Frequency[];
  via: string[];
  subject: string | null;
  basis: string[];
  ruleId: string | null;
  validFrom: string | null;
  validTo: string | null;
}

export interface DerivedRelation extends RelationFact {
  ruleId: string | null;
}

export interface ObligationFacts {
  unitId: string;
  outgoing: RelationFact[];
  bodyReports: RelationFact[];
  targets: Readonly<Partial<Record<string, readonly string[]>>>;
  rules: RuleFact[];
}

const REPORTING = new Set(["REPORTS_TO", "NOTIFIES"]);

/**
 * Relations in which the rule's recipient acts on the covered unit (the superior leads,
 * inspects, guides it); in the others the covered unit acts towards the recipient.
 */
const RECIPIENT_ACTS = new Set(["LEADS", "INSPECTS", "GUIDES"]);

export function deriveObligations(facts: ObligationFacts): Obligation[] {
  const explicit = [...facts.outgoing, ...facts.bodyReports]
    .filter((r) => REPORTING.has(r.type))
    .map<Obligation>((r) => ({
      obligor: r.from,
      type: r.type as Obligation["type"],
      recipient: r.to,
      frequencies: sortFrequencies(r.frequencies as Frequency[]),
      via: r.via,
      subject: r.subject,
      basis: r.basis,
      ruleId: null,
      validFrom: r.validFrom,
      validTo: r.validTo,
    }));
  const derived = facts.rules
    .filter((rule) => REPORTING.has(rule.relation))
    .flatMap((rule) =>
      (facts.targets[rule.recipient] ?? []).map<Obligation>((recipient) => ({
        obligor: facts.unitId,
        type: rule.relation as Obligation["type"],
        recipient,
        frequencies: sortFrequencies(rule.frequencies as Frequency[]),
        via: rule.via,
        subject: rule.subject,
        basis: rule.basis,
        ruleId: rule.id,
        validFrom: rule.validFrom,
        validTo: rule.validTo,
      })),
    );
  // The unit's own obligations first, then its bodies'; explicit before derived for each.
  const rank = (o: Obligation) => (o.obligor === facts.unitId ? 0 : 1);
  return [...explicit, ...derived].sort((a, b) => rank(a) - rank(b) || a.obligor.localeCompare(b.obligor));
}

/** The relations that the rules covering the unit imply, with the rule named. */
export function deriveRuleRelations(facts: ObligationFacts): DerivedRelation[] {
  return facts.rules.flatMap((rule) =>
    (facts.targets[rule.recipient] ?? []).map<DerivedRelation>((target) => {
      const [from, to] = RECIPIENT_ACTS.has(rule.relation) ? [target, facts.unitId] : [facts.unitId, target];
      return {
        id: `${rule.id}:${from}:${to}`,
        type: rule.relation,
        from,
        to,
        validFrom: rule.validFrom,
        validTo: rule.validTo,
        frequencies: sortFrequencies(rule.frequencies as Frequency[]),
        via: rule.via,
        subject: rule.subject,
        basis: rule.basis,
        note: null,
        ruleId: rule.id,
      };
    }),
  );
}

export interface ChainHopFacts {
  from: string;
  to: string;
  relation: RelationFact;
  reports: RelationFact[];
  rules: RuleFact[];
}

export interface ReportingStep {
  from: string;
  to: string;
  relation: string;
  frequencies: Frequency[];
  via: string[];
  basis: string[];
  ruleIds: string[];
}

/** One step per hop of the chain, with the reporting that explicit relations and rules put on it. */
export function reportingSteps(hops: readonly ChainHopFacts[]): ReportingStep[] {
  return hops.map((hop) => ({
    from: hop.from,
    to: hop.to,
    relation: hop.relation.type,
    frequencies: sortFrequencies([...hop.reports, ...hop.rules].flatMap((x) => x.frequencies) as Frequency[]),
    via: unique([...hop.reports, ...hop.rules].flatMap((x) => x.via)),
    basis: unique(
      [hop.relation.basis, ...hop.reports.map((r) => r.basis), ...hop.rules.map((r) => r.basis)].flat(),
    ),
    ruleIds: hop.rules.map((r) => r.id),
  }));
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
