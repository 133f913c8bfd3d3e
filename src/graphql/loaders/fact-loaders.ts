/**
 * A unit's facts on a date (its relations, the rules that cover it), the relations ending at it,
 * and its children page by page: each batched into one query through the result cache; the
 * units, citations and rules they return prime the record loaders.
 */
import DataLoader from "dataloader";
import type { Database, RoundTripCounter } from "../../store/database.ts";
import {
  type FactsKey,
  type IncomingRelations,
  incomingRelations,
  type UnitFacts,
  unitFacts,
} from "../../store/relation-repository.ts";
import { childrenPages, type PageKey, type UnitPage } from "../../store/unit-repository.ts";
import type { RecordLoaders } from "./record-loaders.ts";
import type { RequestReads } from "./request-reads.ts";

export interface IncomingKey {
  id: string;
  asOf: string;
  types: string[] | null;
}

const factsKey = (k: FactsKey) => `${k.id}@${k.asOf}`;
const json = (k: unknown) => JSON.stringify(k);

export function factLoaders(
  db: Database,
  counter: RoundTripCounter,
  reads: RequestReads,
  records: RecordLoaders,
) {
  const load = reads.cached("facts", factsKey, (missing: FactsKey[]) => unitFacts(db, missing, counter));
  const facts = new DataLoader<FactsKey, UnitFacts, string>(
    async (keys) => {
      const results = (await load(keys)) as UnitFacts[];
      for (const f of results) {
        records.primeUnits(f.units);
        records.primeCitations(f.citations);
        for (const r of f.rules) records.rule.prime(r.id, r);
      }
      return results;
    },
    { cacheKeyFn: factsKey },
  );

  const loadIncoming = reads.cached("incoming", json, (missing: IncomingKey[]) =>
    incomingRelations(db, missing, counter),
  );
  const incoming = new DataLoader<IncomingKey, IncomingRelations, string>(
    async (keys) => {
      const results = (await loadIncoming(keys)) as IncomingRelations[];
      for (const r of results) {
        records.primeUnits(r.units);
        records.primeCitations(r.citations);
      }
      return results;
    },
    { cacheKeyFn: json },
  );

  const loadChildren = reads.cached("children", json, (missing: PageKey[]) =>
    childrenPages(db, missing, counter),
  );
  const children = new DataLoader<PageKey, UnitPage, string>(
    async (keys) => {
      const pages = (await loadChildren(keys)) as UnitPage[];
      for (const p of pages) records.primeUnits(p.items.map((x) => x.unit));
      return pages;
    },
    { cacheKeyFn: json },
  );

  return { facts, incoming, children };
}
