/**
 * Units, citations, documents and rules by id. They are mostly primed by the query that
 * mentions them, so their loaders answer synchronously for what the request holds
 * (known-loader.ts).
 */
import type { Database } from "../../store/database.ts";
import { findCitations, findDocuments, findRules } from "../../store/document-repository.ts";
import type { CitationRecord, DocumentRecord, RuleRecord, UnitRecord } from "../../store/records.ts";
import { findUnits } from "../../store/unit-repository.ts";
import { KnownLoader } from "../known-loader.ts";
import type { RequestReads } from "./request-reads.ts";

/** The records found, in the order of `ids`, null where none has the id. */
export function byId<T extends { id: string }>(ids: readonly string[], items: T[]): (T | null)[] {
  const map = new Map(items.map((x) => [x.id, x]));
  return ids.map((id) => map.get(id) ?? null);
}

const same = (id: string) => id;

export function recordLoaders(db: Database, reads: RequestReads) {
  const unit = new KnownLoader<UnitRecord>(
    reads.cached("unit", same, async (ids, rt) => byId(ids, await findUnits(db, ids, rt))),
  );
  const citation = new KnownLoader<CitationRecord>(
    reads.cached("citation", same, async (ids, rt) => {
      const found = await findCitations(db, ids, rt);
      const map = new Map(found.map((c) => [c.provision.id, c]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  );
  const document = new KnownLoader<DocumentRecord>(
    reads.cached("document", same, async (ids, rt) => byId(ids, await findDocuments(db, ids, rt))),
  );
  const rule = new KnownLoader<RuleRecord>(
    reads.cached("rule", same, async (ids, rt) => byId(ids, await findRules(db, ids, rt))),
  );
  return {
    unit,
    citation,
    document,
    rule,
    primeUnits: (units: UnitRecord[]) => {
      for (const u of units) unit.prime(u.id, u);
    },
    primeCitations: (citations: CitationRecord[]) => {
      for (const c of citations) {
        citation.prime(c.provision.id, c);
        document.prime(c.document.id, c.document);
      }
    },
  };
}

export type RecordLoaders = ReturnType<typeof recordLoaders>;
