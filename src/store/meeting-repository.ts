/** Cypher for bodies' meeting rules and committees' positions. */
import type { Database, RoundTripCounter } from "./database.ts";

export interface MeetingRuleRecord {
  id: string;
  bodyId: string;
  cadence: string;
  quorum: number | null;
  quorumText: string | null;
  papersLeadDays: number | null;
  papersLeadDaysComplex: number | null;
  /** Deciding without a meeting by written approval of more than a share of the members, if stated. */
  writtenConsent: WrittenConsentRecord | null;
  basis: string[];
}

export interface WrittenConsentRecord {
  /** The share of members whose written approval is needed, strictly exceeded (0.5 for "trên 50%"). */
  moreThan: number;
  text: string;
  /** The body that sends the draft and asks (e.g. the Ban Thường vụ for the Ban Chấp hành). */
  requestedById: string;
  basis: string[];
}

export interface PositionRecord {
  id: string;
  title: string;
  committeeId: string;
  sitsIn: string[];
  duties: string | null;
  basis: string[];
}

/** Meeting rules of each unit and of the bodies inside it (BCH, BTV, Thường trực). */
export async function meetingRulesOf(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<MeetingRuleRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (u:Unit {id: id})
     OPTIONAL MATCH (m:MeetingRule)-[:GOVERNS]->(b:Unit)
     WHERE b = u OR EXISTS { (b)-[:PART_OF]->{1,3}(u) }
     WITH id, m, b ORDER BY b.id, m.id
     RETURN id, collect(CASE WHEN m IS NULL THEN null ELSE m {.*, bodyId: b.id} END) AS rules`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, (r.rules as MeetingRuleRecord[]) ?? []]));
  return ids.map((id) => (byId.get(id) ?? []).map(normaliseMeetingRule));
}

function normaliseMeetingRule(m: MeetingRuleRecord): MeetingRuleRecord {
  const raw = m as unknown as Record<string, unknown>;
  return {
    id: m.id,
    bodyId: m.bodyId,
    cadence: m.cadence,
    quorum: m.quorum ?? null,
    quorumText: m.quorumText ?? null,
    papersLeadDays: m.papersLeadDays ?? null,
    papersLeadDaysComplex: m.papersLeadDaysComplex ?? null,
    writtenConsent:
      typeof raw.writtenConsentMoreThan === "number"
        ? {
            moreThan: raw.writtenConsentMoreThan,
            text: raw.writtenConsentText as string,
            requestedById: raw.writtenConsentBy as string,
            basis: (raw.writtenConsentBasis as string[]) ?? [],
          }
        : null,
    basis: m.basis ?? [],
  };
}

/** Positions of each committee, with the bodies they sit in. */
export async function positionsOf(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<PositionRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (p:Position)-[:OF_COMMITTEE]->(:Unit {id: id})
     OPTIONAL MATCH (p)-[:SITS_IN]->(b:Unit)
     WITH id, p, collect(b.id) AS bodies ORDER BY p.id
     RETURN id, collect(CASE WHEN p IS NULL THEN null ELSE {id: p.id, title: p.title, committeeId: id, sitsIn: bodies,
            duties: p.duties, basis: p.basis} END) AS positions`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, (r.positions as PositionRecord[]) ?? []]));
  return ids.map((id) => byId.get(id) ?? []);
}

/** Positions by id (the federation's entity references), in no particular order; unknown ids are left out. */
export async function findPositions(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<PositionRecord[]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     MATCH (p:Position {id: id})-[:OF_COMMITTEE]->(c:Unit)
     OPTIONAL MATCH (p)-[:SITS_IN]->(b:Unit)
     WITH p, c, collect(b.id) AS bodies
     RETURN {id: p.id, title: p.title, committeeId: c.id, sitsIn: bodies, duties: p.duties, basis: p.basis} AS p`,
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => r.p as PositionRecord);
}
