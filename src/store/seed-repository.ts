/**
 * Writes a validated seed graph to Neo4j in one transaction. MERGE on ids makes it
 * idempotent; anything that an earlier seed wrote (origin 'seed') and the current seed no
 * longer has is removed, so the database follows the files.
 */

import { unitProperties } from "../domain/records.ts";
import { RELATION_TYPE_NAMES, TASK_ROLE_NAMES } from "../domain/relation-types.ts";
import type { SeedGraphRecords } from "../domain/seed-records.ts";
import { unitAssignments } from "./cypher-fragments.ts";
import type { Database, TransactionRunner } from "./database.ts";
import { bumpAllVersions } from "./graph-version.ts";

const SEED_LABELS = [
  "Unit",
  "Document",
  "Provision",
  "Rule",
  "MeetingRule",
  "Position",
  "Plan",
  "PlanEvent",
  "Target",
  "Task",
  "ChannelRule",
  "AssigneeSelector",
  "MergerEvent",
];

export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const rows = await db.read("MATCH (u:Unit) RETURN count(u) > 0 AS any");
  return rows[0]?.any !== true;
}

export async function writeSeed(db: Database, seed: SeedGraphRecords): Promise<void> {
  await db.writeTransaction(async (tx) => {
    await writeDocuments(tx, seed);
    await writeUnits(tx, seed);
    await writeRelations(tx, seed);
    await writeRules(tx, seed);
    await writeAssigneeSelectors(tx, seed);
    await writePlans(tx, seed);
    await writeKindPairings(tx, seed);
    await writeChannelRules(tx, seed);
    await writeMergers(tx, seed);
    await removeStale(tx, seed);
    await bumpAllVersions(tx);
  });
}

/**
 * Writes assignee selectors and plans beside what the graph holds, removing nothing: plans over
 * a generated (bulk-imported) graph, whose units the seed files do not list.
 */
export async function writePlansAndSelectors(
  db: Database,
  seed: Pick<SeedGraphRecords, "assigneeSelectors" | "plans">,
): Promise<void> {
  await db.writeTransaction(async (tx) => {
    await writeAssigneeSelectors(tx, seed);
    await writePlans(tx, seed);
    await bumpAllVersions(tx);
  });
}

async function writeDocuments(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $documents AS d
     MERGE (n:Document {id: d.id})
     SET n.number = d.number, n.type = d.type, n.title = d.title, n.issuedOn = date(d.issuedOn),
         n.signer = d.signer, n.file = d.file, n.note = d.note, n.issuerId = d.issuer,
         n.replacesIds = d.replaces, n.origin = 'seed'`,
    {
      documents: seed.documents.map((d) => ({
        id: d.id,
        number: d.number,
        type: d.type,
        title: d.title,
        issuedOn: d.issuedOn ?? null,
        signer: d.signer ?? null,
        file: d.file ?? null,
        note: d.note ?? null,
        issuer: d.issuer ?? null,
        replaces: d.replaces,
      })),
    },
  );
  await tx.run(
    `UNWIND $provisions AS p
     MATCH (d:Document {id: p.document})
     MERGE (n:Provision {id: p.id})
     SET n.article = p.article, n.clause = p.clause, n.point = p.point, n.section = p.section,
         n.kind = p.kind, n.excerpt = p.excerpt, n.documentId = p.document, n.origin = 'seed'
     MERGE (n)-[:IN_DOCUMENT]->(d)`,
    {
      provisions: seed.provisions.map((p) => ({
        id: p.id,
        document: p.document,
        article: p.article ?? null,
        clause: p.clause ?? null,
        point: p.point ?? null,
        section: p.section ?? null,
        kind: p.kind,
        excerpt: p.excerpt,
      })),
    },
  );
  await tx.run(
    `MATCH (d:Document {origin: 'seed'})
     OPTIONAL MATCH (d)-[old:REPLACES|ISSUED_BY]->() DELETE old
     WITH DISTINCT d
     UNWIND d.replacesIds AS rid MATCH (r:Document {id: rid}) MERGE (d)-[:REPLACES]->(r)`,
  );
}

async function writeUnits(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $units AS u
     MERGE (n:Unit {id: u.id})
     SET ${unitAssignments("n", (p) => `u.${p}`)}, n.origin = 'seed'`,
    {
      units: seed.units.map((u) =>
        unitProperties(u, {
          synthetic: u.source === "synthetic",
          source: u.source === "synthetic" ? [] : u.source,
        }),
      ),
    },
  );
  await tx.run(
    `MATCH (d:Document {origin: 'seed'}) WHERE d.issuerId IS NOT NULL
     MATCH (u:Unit {id: d.issuerId}) MERGE (d)-[:ISSUED_BY]->(u)`,
  );
}

async function writeRelations(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  // The relationship type cannot be a parameter; it comes from our own closed list, never from input.
  for (const type of RELATION_TYPE_NAMES) {
    const rels = seed.relations.filter((r) => r.type === type);
    if (rels.length === 0) continue;
    await tx.run(
      `UNWIND $rels AS r
       MATCH (a:Unit {id: r.from}), (b:Unit {id: r.to})
       MERGE (a)-[x:${type} {id: r.id}]->(b)
       SET x.validFrom = date(r.validFrom), x.validTo = date(r.validTo), x.frequencies = r.frequencies,
           x.via = r.via, x.subject = r.subject, x.basis = r.basis, x.synthetic = r.synthetic, x.note = r.note,
           x.origin = 'seed'`,
      {
        rels: rels.map((r) => ({
          id: r.id,
          from: r.from,
          to: r.to,
          validFrom: r.validFrom ?? null,
          validTo: r.validTo ?? null,
          frequencies: r.frequencies,
          via: r.via,
          subject: r.subject ?? null,
          basis: r.basis,
          synthetic: r.synthetic,
          note: r.note ?? null,
        })),
      },
    );
  }
}

async function writeRules(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await writeReportingRules(tx, seed);
  await writeMeetingRules(tx, seed);
  await writePositions(tx, seed);
}

async function writeReportingRules(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $rules AS r
     MERGE (n:Rule {id: r.id})
     SET n.relation = r.relation, n.title = r.title, n.kinds = r.kinds, n.sectors = r.sectors,
         n.recipient = r.recipient, n.frequencies = r.frequencies, n.via = r.via, n.subject = r.subject,
         n.basis = r.basis, n.validFrom = date(r.validFrom), n.validTo = date(r.validTo), n.note = r.note,
         n.origin = 'seed'`,
    {
      rules: seed.rules.map((r) => ({
        id: r.id,
        relation: r.relation,
        title: r.title,
        kinds: r.appliesTo.kinds,
        sectors: r.appliesTo.sectors ?? null,
        recipient: r.recipient,
        frequencies: r.frequencies,
        via: r.via,
        subject: r.subject ?? null,
        basis: r.basis,
        validFrom: r.validFrom ?? null,
        validTo: r.validTo ?? null,
        note: r.note ?? null,
      })),
    },
  );
}

async function writeMeetingRules(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $rules AS r
     MATCH (body:Unit {id: r.body})
     MERGE (n:MeetingRule {id: r.id})
     SET n.cadence = r.cadence, n.quorum = r.quorum, n.quorumText = r.quorumText,
         n.papersLeadDays = r.papersLeadDays, n.papersLeadDaysComplex = r.papersLeadDaysComplex,
         n.writtenConsentMoreThan = r.consent.moreThan, n.writtenConsentText = r.consent.text,
         n.writtenConsentBy = r.consent.requestedBy, n.writtenConsentBasis = r.consent.basis,
         n.basis = r.basis, n.note = r.note, n.origin = 'seed'
     WITH n, body
     OPTIONAL MATCH (n)-[old:GOVERNS]->() DELETE old
     WITH DISTINCT n, body
     MERGE (n)-[:GOVERNS]->(body)`,
    {
      rules: seed.meetingRules.map((m) => ({
        id: m.id,
        body: m.body,
        cadence: m.cadence,
        quorum: m.quorum ?? null,
        quorumText: m.quorumText ?? null,
        papersLeadDays: m.papersLeadDays ?? null,
        papersLeadDaysComplex: m.papersLeadDaysComplex ?? null,
        consent: {
          moreThan: m.writtenConsent?.moreThan ?? null,
          text: m.writtenConsent?.text ?? null,
          requestedBy: m.writtenConsent?.requestedBy ?? null,
          basis: m.writtenConsent?.basis ?? null,
        },
        basis: m.basis,
        note: m.note ?? null,
      })),
    },
  );
}

async function writePositions(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $positions AS p
     MATCH (c:Unit {id: p.committee})
     MERGE (n:Position {id: p.id})
     SET n.title = p.title, n.duties = p.duties, n.basis = p.basis, n.note = p.note, n.origin = 'seed'
     WITH n, c, p
     OPTIONAL MATCH (n)-[old:OF_COMMITTEE|SITS_IN]->() DELETE old
     WITH DISTINCT n, c, p
     MERGE (n)-[:OF_COMMITTEE]->(c)
     WITH n, p
     UNWIND p.sitsIn AS bodyId
     MATCH (b:Unit {id: bodyId})
     MERGE (n)-[:SITS_IN]->(b)`,
    {
      positions: seed.positions.map((p) => ({
        id: p.id,
        title: p.title,
        committee: p.committee,
        sitsIn: p.sitsIn,
        duties: p.duties ?? null,
        basis: p.basis,
        note: p.note ?? null,
      })),
    },
  );
}

type SeedPlan = SeedGraphRecords["plans"][number];
type SeedTask = SeedPlan["tasks"][number];

async function writePlans(tx: TransactionRunner, seed: Pick<SeedGraphRecords, "plans">): Promise<void> {
  for (const plan of seed.plans) {
    await writePlanNode(tx, plan);
    await writePlanEvents(tx, plan);
    await writeTargets(tx, plan);
    const tasks = plan.tasks.map(taskRow);
    await writeTasks(tx, plan.id, tasks);
    await writeTaskRoles(tx, tasks);
  }
}

/** The plan, with its document, the document it implements and its owner. */
async function writePlanNode(tx: TransactionRunner, plan: SeedPlan): Promise<void> {
  await tx.run(
    `MERGE (p:Plan {id: $id})
     SET p.title = $title, p.documentId = $document, p.implementsId = $implements, p.ownerId = $owner, p.origin = 'seed'
     WITH p
     OPTIONAL MATCH (p)-[old:PLAN_DOCUMENT|IMPLEMENTS|OWNED_BY]->() DELETE old
     WITH DISTINCT p
     OPTIONAL MATCH (d:Document {id: $document})
     OPTIONAL MATCH (i:Document {id: $implements})
     OPTIONAL MATCH (o:Unit {id: $owner})
     FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (p)-[:PLAN_DOCUMENT]->(d))
     FOREACH (_ IN CASE WHEN i IS NULL THEN [] ELSE [1] END | MERGE (p)-[:IMPLEMENTS]->(i))
     FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | MERGE (p)-[:OWNED_BY]->(o))`,
    {
      id: plan.id,
      title: plan.title,
      document: plan.document,
      implements: plan.implements ?? null,
      owner: plan.owner ?? null,
    },
  );
}

async function writePlanEvents(tx: TransactionRunner, plan: SeedPlan): Promise<void> {
  await tx.run(
    `MATCH (p:Plan {id: $plan})
     UNWIND $events AS e
     MERGE (n:PlanEvent {id: e.id})
     SET n.title = e.title, n.occurredOn = date(e.occurredOn), n.note = e.note, n.origin = 'seed'
     MERGE (n)-[:IN_PLAN]->(p)`,
    {
      plan: plan.id,
      events: plan.events.map((e) => ({
        id: e.id,
        title: e.title,
        occurredOn: e.occurredOn ?? null,
        note: e.note ?? null,
      })),
    },
  );
}

async function writeTargets(tx: TransactionRunner, plan: SeedPlan): Promise<void> {
  await tx.run(
    `MATCH (p:Plan {id: $plan})
     UNWIND $targets AS t
     MERGE (n:Target {id: t.id})
     SET n.text = t.text, n.metric = t.metric, n.min = t.min, n.max = t.max, n.per = t.per,
         n.basis = t.basis, n.note = t.note, n.origin = 'seed'
     MERGE (n)-[:IN_PLAN]->(p)`,
    {
      plan: plan.id,
      targets: plan.targets.map((t) => ({
        id: t.id,
        text: t.text,
        metric: t.metric,
        min: t.min ?? null,
        max: t.max ?? null,
        per: t.per ?? null,
        basis: t.basis,
        note: t.note ?? null,
      })),
    },
  );
}

/** A task as stored: its deadline's first line in fields, every line as JSON, its roles. */
function taskRow(t: SeedTask, order: number) {
  const d = t.deadline;
  return {
    id: t.id,
    code: t.code,
    order,
    title: t.title,
    basis: t.basis,
    note: t.note ?? null,
    deadlineType: d.type,
    deadlineText: d.text ?? null,
    deadlineDate: d.type === "DATE" ? d.date : null,
    deadlineYear: d.type === "QUARTER" || d.type === "YEAR" ? d.year : null,
    deadlineQuarter: d.type === "QUARTER" ? d.quarter : null,
    deadlineMonths: d.type === "RELATIVE" ? (d.months ?? null) : null,
    deadlineDays: d.type === "RELATIVE" ? (d.days ?? null) : null,
    deadlineAfter: d.type === "RELATIVE" ? d.after : null,
    deadlineStartYear: d.type === "ONGOING" || d.type === "YEARLY" ? (d.startYear ?? null) : null,
    // Every line of the deadline, the first included, as JSON (a node property holds no maps).
    deadlineLines: t.moreDeadlines.length > 0 ? JSON.stringify([d, ...t.moreDeadlines]) : null,
    roles: t.roles.map((r) => ({
      role: r.role,
      unit: r.unit ?? null,
      selector: r.selector ?? null,
      note: r.note ?? null,
    })),
  };
}

type TaskRow = ReturnType<typeof taskRow>;

async function writeTasks(tx: TransactionRunner, planId: string, tasks: TaskRow[]): Promise<void> {
  await tx.run(
    `MATCH (p:Plan {id: $plan})
     UNWIND $tasks AS t
     MERGE (n:Task {id: t.id})
     SET n.code = t.code, n.order = t.order, n.title = t.title, n.basis = t.basis, n.note = t.note,
         n.deadlineType = t.deadlineType, n.deadlineText = t.deadlineText, n.deadlineDate = date(t.deadlineDate),
         n.deadlineYear = t.deadlineYear, n.deadlineQuarter = t.deadlineQuarter,
         n.deadlineMonths = t.deadlineMonths, n.deadlineDays = t.deadlineDays, n.deadlineAfter = t.deadlineAfter,
         n.deadlineStartYear = t.deadlineStartYear, n.deadlineLines = t.deadlineLines,
         n.planId = $plan, n.origin = 'seed'
     MERGE (n)-[:IN_PLAN]->(p)
     WITH n, t
     OPTIONAL MATCH (n)<-[old:${TASK_ROLE_NAMES.join("|")}]-() DELETE old`,
    { plan: planId, tasks },
  );
}

/** Each role held by a unit, or by a selector (a class of units resolved at query time). */
async function writeTaskRoles(tx: TransactionRunner, tasks: TaskRow[]): Promise<void> {
  for (const role of TASK_ROLE_NAMES) {
    const assignments = tasks.flatMap((t) =>
      t.roles
        .filter((r) => r.role === role)
        .map((r) => ({ task: t.id, unit: r.unit, selector: r.selector, note: r.note, basis: t.basis })),
    );
    if (assignments.length === 0) continue;
    await tx.run(
      `UNWIND $assignments AS a
       MATCH (t:Task {id: a.task})
       OPTIONAL MATCH (u:Unit {id: a.unit})
       OPTIONAL MATCH (s:AssigneeSelector {id: a.selector})
       WITH t, a, coalesce(u, s) AS holder WHERE holder IS NOT NULL
       MERGE (holder)-[x:${role}]->(t)
       SET x.note = a.note, x.basis = a.basis, x.origin = 'seed'`,
      { assignments },
    );
  }
}

/** Assignee selectors: a class of units relative to an anchor, stored once with its provision. */
async function writeAssigneeSelectors(
  tx: TransactionRunner,
  seed: Pick<SeedGraphRecords, "assigneeSelectors">,
): Promise<void> {
  await tx.run(
    `UNWIND $selectors AS a
     MERGE (n:AssigneeSelector {id: a.id})
     SET n.title = a.title, n.anchor = a.anchor, n.memberKinds = a.memberKinds, n.depth = a.depth,
         n.bodyKinds = a.bodyKinds, n.basis = a.basis, n.validFrom = date(a.validFrom),
         n.validTo = date(a.validTo), n.note = a.note, n.origin = 'seed'`,
    {
      selectors: seed.assigneeSelectors.map((a) => ({
        id: a.id,
        title: a.title,
        anchor: a.anchor,
        memberKinds: a.members.kinds,
        depth: a.members.depth,
        bodyKinds: a.bodies,
        basis: a.basis,
        validFrom: a.validFrom ?? null,
        validTo: a.validTo ?? null,
        note: a.note ?? null,
      })),
    },
  );
}

async function writeKindPairings(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $pairings AS k
     MERGE (n:KindPairing {id: k.id})
     SET n.children = k.children, n.superiors = k.superiors, n.validFrom = date(k.validFrom),
         n.validTo = date(k.validTo), n.basis = k.basis, n.note = k.note, n.origin = 'seed'`,
    {
      pairings: seed.kindPairings.map((k) => ({
        id: k.id,
        children: k.children,
        superiors: k.superiors,
        validFrom: k.validFrom ?? null,
        validTo: k.validTo ?? null,
        basis: k.basis,
        note: k.note ?? null,
      })),
    },
  );
}

/** Channel rules (350-CV/TU): selectors as lists of kinds and levels; the via selectors as JSON. */
async function writeChannelRules(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $rules AS c
     MERGE (n:ChannelRule {id: c.id})
     SET n.kind = c.kind, n.title = c.title, n.fromKinds = c.fromKinds, n.fromLevels = c.fromLevels,
         n.toKinds = c.toKinds, n.toLevels = c.toLevels, n.via = c.via, n.insteadKinds = c.insteadKinds,
         n.insteadLevels = c.insteadLevels, n.within = c.within, n.provinces = c.provinces, n.basis = c.basis,
         n.validFrom = date(c.validFrom), n.validTo = date(c.validTo), n.note = c.note, n.origin = 'seed'`,
    {
      rules: seed.channelRules.map((c) => ({
        id: c.id,
        kind: c.kind,
        title: c.title,
        fromKinds: c.from.kinds,
        fromLevels: c.from.levels,
        toKinds: c.to.kinds,
        toLevels: c.to.levels,
        via: JSON.stringify(c.via.map((v) => ({ kinds: v.kinds, levels: v.levels }))),
        insteadKinds: c.instead?.kinds ?? null,
        insteadLevels: c.instead?.levels ?? null,
        within: c.within,
        provinces: c.provinces,
        basis: c.basis,
        validFrom: c.validFrom ?? null,
        validTo: c.validTo ?? null,
        note: c.note ?? null,
      })),
    },
  );
}

/** Mergers the seed records: MergerEvent nodes like the generator's, linked to the units they ended and founded. */
async function writeMergers(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  await tx.run(
    `UNWIND $mergers AS m
     MERGE (n:MergerEvent {id: m.id})
     SET n.kind = m.kind, n.name = m.name, n.date = date(m.date), n.basis = m.basis, n.note = m.note,
         n.origin = 'seed'
     WITH n, m
     CALL (n, m) {
       OPTIONAL MATCH (n)-[old:ENDED|FOUNDED]->(u:Unit)
       WHERE NOT u.id IN (CASE type(old) WHEN 'ENDED' THEN m.ended ELSE m.founded END)
       DELETE old
     }
     CALL (n, m) {
       UNWIND m.ended AS uid
       MATCH (u:Unit {id: uid})
       MERGE (n)-[x:ENDED]->(u) SET x.origin = 'seed'
     }
     CALL (n, m) {
       UNWIND m.founded AS uid
       MATCH (u:Unit {id: uid})
       MERGE (n)-[x:FOUNDED]->(u) SET x.origin = 'seed'
     }`,
    {
      mergers: seed.mergers.map((m) => ({
        id: m.id,
        kind: m.kind,
        name: m.name,
        date: m.date,
        ended: m.ended,
        founded: m.founded,
        basis: m.basis,
        note: m.note ?? null,
      })),
    },
  );
}

async function removeStale(tx: TransactionRunner, seed: SeedGraphRecords): Promise<void> {
  const keep = [
    ...seed.units.map((u) => u.id),
    ...seed.documents.map((d) => d.id),
    ...seed.provisions.map((p) => p.id),
    ...seed.rules.map((r) => r.id),
    ...seed.meetingRules.map((m) => m.id),
    ...seed.positions.map((p) => p.id),
    ...seed.kindPairings.map((k) => k.id),
    ...seed.channelRules.map((c) => c.id),
    ...seed.assigneeSelectors.map((a) => a.id),
    ...seed.mergers.map((m) => m.id),
    ...seed.plans.flatMap((p) => [
      p.id,
      ...p.events.map((e) => e.id),
      ...p.targets.map((t) => t.id),
      ...p.tasks.map((t) => t.id),
    ]),
  ];
  await tx.run(
    `MATCH (n) WHERE n.origin = 'seed' AND any(l IN labels(n) WHERE l IN $labels) AND NOT n.id IN $keep
     DETACH DELETE n`,
    { labels: SEED_LABELS, keep },
  );
  await tx.run(
    `MATCH ()-[r]->() WHERE r.origin = 'seed' AND type(r) IN $types AND NOT r.id IN $keep DELETE r`,
    { types: RELATION_TYPE_NAMES, keep: seed.relations.map((r) => r.id) },
  );
}
