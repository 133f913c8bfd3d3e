/**
 * A unit's facts on a date (its relations, the rules that cover it), the relations ending at it,
 * and its children page by page: each batched into one query through the result cache; the
 * units they return prime the unit loader. The facts name rules and citations by id: those are
 * read through the reference loaders (kept across unit edits), not sent again with every unit.
 */
import DataLoader from "dataloader";
import type { Database } from "../../store/database.ts";
import {
  type FactsKey,
  type IncomingRelations,
  incomingRelations,
  type StoredFacts,
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

/** A facts key as the loaders hold it. */
export const factsKey = (k: FactsKey) => `${k.id}@${k.asOf}`;

/**
 * The facts with their rules and citations, which the store answers by id: read through the
 * reference loaders, which hold them across unit edits (after the first request, no round trip).
 * One object per stored record, so what is derived from it (services/lookups.ts) is derived once.
 */
const hydrated = new WeakMap<StoredFacts, UnitFacts>();

async function withReferences(stored: StoredFacts[], records: RecordLoaders): Promise<UnitFacts[]> {
  const missing = stored.filter((f) => !hydrated.has(f));
  if (missing.length > 0) {
    const [rules, citations] = await Promise.all([
      records.rule.loadMany([...new Set(missing.flatMap((f) => f.ruleIds))]),
      records.citation.loadMany([...new Set(missing.flatMap((f) => f.citationIds))]),
    ]);
    const ruleById = new Map(present(rules).map((r) => [r.id, r]));
    const citationById = new Map(present(citations).map((c) => [c.provision.id, c]));
    for (const f of missing) {
      const { ruleIds, citationIds, ...rest } = f;
      hydrated.set(f, {
        ...rest,
        rules: pick(ruleById, ruleIds),
        citations: pick(citationById, citationIds),
      });
    }
  }
  const out = stored.map((f) => hydrated.get(f) as UnitFacts);
  for (const f of out) records.primeCitations(f.citations);
  return out;
}

const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);
const pick = <T>(map: Map<string, T>, ids: string[]): T[] =>
  ids.flatMap((id) => {
    const found = map.get(id);
    return found === undefined ? [] : [found];
  });
const json = (k: unknown) => JSON.stringify(k);

export function factLoaders(db: Database, reads: RequestReads, records: RecordLoaders) {
  // Without the cache the rules and citations come with the facts (one round trip); with it they
  // are read through the reference loaders, which keep them across unit edits.
  const load = reads.cached("facts", factsKey, async (missing: FactsKey[], rt) => {
    const found = await unitFacts(db, missing, rt, !reads.caching);
    for (const r of found.rules) records.rule.prime(r.id, r);
    records.primeCitations(found.citations);
    return found.facts;
  });
  const facts = new DataLoader<FactsKey, UnitFacts, string>(
    async (keys) => {
      const stored = (await load(keys)) as StoredFacts[];
      for (const f of stored) records.primeUnits(f.units);
      return withReferences(stored, records);
    },
    { cacheKeyFn: factsKey },
  );

  const loadIncoming = reads.cached("incoming", json, (missing: IncomingKey[], rt) =>
    incomingRelations(db, missing, rt),
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

  const loadChildren = reads.cached("children", json, (missing: PageKey[], rt) =>
    childrenPages(db, missing, rt),
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
