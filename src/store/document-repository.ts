/** Cypher for documents, provisions and rules. */
import type { Database, RoundTripCounter } from "./database.ts";
import {
  asCitation,
  asDocument,
  asRule,
  type CitationRecord,
  type DocumentRecord,
  type RuleRecord,
} from "./records.ts";

export async function findCitations(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<CitationRecord[]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     MATCH (p:Provision {id: id})-[:IN_DOCUMENT]->(doc:Document)
     RETURN {p: properties(p), doc: properties(doc)} AS c`,
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => asCitation(r.c));
}

export async function findDocuments(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<DocumentRecord[]> {
  const rows = await db.read(
    "UNWIND $ids AS id MATCH (d:Document {id: id}) RETURN properties(d) AS d",
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => asDocument(r.d));
}

/** A document by number (e.g. "138-QĐ/TW"), or by id; the number match ignores case and spaces. */
export async function findDocumentByNumber(
  db: Database,
  number: string,
  counter?: RoundTripCounter,
): Promise<DocumentRecord | null> {
  const rows = await db.read(
    `MATCH (d:Document)
     WHERE d.number = $number OR d.id = $number
        OR toLower(replace(d.number, ' ', '')) = toLower(replace($number, ' ', ''))
     RETURN properties(d) AS d ORDER BY d.number = $number DESC LIMIT 1`,
    { number },
    counter,
  );
  return rows[0] ? asDocument(rows[0].d) : null;
}

export async function allDocuments(db: Database, counter?: RoundTripCounter): Promise<DocumentRecord[]> {
  const rows = await db.read(
    "MATCH (d:Document) RETURN properties(d) AS d ORDER BY d.issuedOn DESC, d.number",
    {},
    counter,
  );
  return rows.map((r) => asDocument(r.d));
}

/** Provisions of several documents, in article / clause / section order. */
export async function provisionsOfDocuments(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<CitationRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (p:Provision)-[:IN_DOCUMENT]->(doc:Document {id: id})
     WITH id, p, doc ORDER BY p.article, p.clause, p.point, p.section, p.id
     RETURN id, collect(CASE WHEN p IS NULL THEN null ELSE {p: properties(p), doc: properties(doc)} END) AS cs`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, ((r.cs as unknown[]) ?? []).map(asCitation)]));
  return ids.map((id) => byId.get(id) ?? []);
}

/** Documents that replace each of the given documents. */
export async function replacedBy(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<DocumentRecord[][]> {
  const rows = await db.read(
    `UNWIND $ids AS id
     OPTIONAL MATCH (n:Document)-[:REPLACES]->(:Document {id: id})
     RETURN id, collect(properties(n)) AS ds`,
    { ids: [...ids] },
    counter,
  );
  const byId = new Map(rows.map((r) => [r.id as string, ((r.ds as unknown[]) ?? []).map(asDocument)]));
  return ids.map((id) => byId.get(id) ?? []);
}

export async function findRules(
  db: Database,
  ids: readonly string[],
  counter?: RoundTripCounter,
): Promise<RuleRecord[]> {
  const rows = await db.read(
    "UNWIND $ids AS id MATCH (r:Rule {id: id}) RETURN properties(r) AS r",
    { ids: [...ids] },
    counter,
  );
  return rows.map((r) => asRule(r.r));
}

export async function allRules(db: Database, counter?: RoundTripCounter): Promise<RuleRecord[]> {
  const rows = await db.read("MATCH (r:Rule) RETURN properties(r) AS r ORDER BY r.id", {}, counter);
  return rows.map((r) => asRule(r.r));
}
