/**
 * DataLoaders, created per request (never shared): each batches one kind of lookup into
 * one Cypher query. Queries that return units and citations alongside their main result
 * prime the unit and citation loaders, so that resolving them costs no further round trip.
 */
import DataLoader from "dataloader";
import type { Database, RoundTripCounter } from "../store/database.ts";
import {
  allRules,
  findCitations,
  findDocuments,
  findRules,
  provisionsOfDocuments,
  replacedBy,
} from "../store/document-repository.ts";
import { meetingRulesOf, positionsOf } from "../store/meeting-repository.ts";
import {
  assignmentsOfTasks,
  eventsOfPlans,
  findPlanEvents,
  findPlans,
  findTasks,
  targetsOfPlans,
  tasksOfPlans,
  tasksOfUnits,
} from "../store/plan-repository.ts";
import type { CitationRecord, DocumentRecord, RuleRecord, UnitRecord } from "../store/records.ts";
import {
  type FactsKey,
  type IncomingRelations,
  incomingRelations,
  type UnitFacts,
  unitFacts,
} from "../store/relation-repository.ts";
import { childrenPages, findUnits, type PageKey, unitsInSubtrees } from "../store/unit-repository.ts";
import { KnownLoader } from "./known-loader.ts";
import type { ResultCache } from "./result-cache.ts";

function byId<T extends { id: string }>(ids: readonly string[], items: T[]): (T | null)[] {
  const map = new Map(items.map((x) => [x.id, x]));
  return ids.map((id) => map.get(id) ?? null);
}

export function createLoaders(
  db: Database,
  counter: RoundTripCounter,
  scopes: readonly string[] = [],
  cache: ResultCache | null = null,
) {
  // The graph's version, read once per request and only when something is read through the cache.
  let versionRead: Promise<number> | null = null;
  const version = () => {
    if (!versionRead && cache) {
      counter.count++;
      versionRead = cache.version();
    }
    return versionRead ?? Promise.resolve(0);
  };
  /** A batch function through the cross-request cache (when there is one). */
  const cached =
    <K, V extends object>(
      area: string,
      keyOf: (k: K) => string,
      load: (keys: K[]) => Promise<(V | null)[]>,
    ) =>
    async (keys: readonly K[]): Promise<(V | null)[]> =>
      cache ? cache.batch(area, await version(), keys, keyOf, load) : load([...keys]);
  /**
   * One answer through the cross-request cache (when there is one), read once per request: aliases
   * asking the same question (500 × the same `descendants` page) share the read, cache or not.
   */
  let reads = new Map<string, Promise<unknown>>();
  const read = <V extends object>(area: string, key: unknown, load: () => Promise<V>): Promise<V> => {
    const json = JSON.stringify(key);
    const slot = `${area}|${json}`;
    let reading = reads.get(slot) as Promise<V> | undefined;
    if (!reading) {
      reading = cache ? (async () => (await cache.one(area, await version(), json, load)) as V)() : load();
      reads.set(slot, reading);
    }
    return reading;
  };
  const same = (id: string) => id;

  // Units, citations, documents and rules are mostly primed by the query that mentions them,
  // so their loaders answer synchronously for what the request holds (known-loader.ts).
  const unit = new KnownLoader<UnitRecord>(
    cached("unit", same, async (ids) => byId(ids, await findUnits(db, ids, counter))),
  );
  const citation = new KnownLoader<CitationRecord>(
    cached("citation", same, async (ids) => {
      const found = await findCitations(db, ids, counter);
      const map = new Map(found.map((c) => [c.provision.id, c]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  );
  const document = new KnownLoader<DocumentRecord>(
    cached("document", same, async (ids) => byId(ids, await findDocuments(db, ids, counter))),
  );
  const rule = new KnownLoader<RuleRecord>(
    cached("rule", same, async (ids) => byId(ids, await findRules(db, ids, counter))),
  );

  const primeUnits = (units: UnitRecord[]) => {
    for (const u of units) unit.prime(u.id, u);
  };
  const primeCitations = (citations: CitationRecord[]) => {
    for (const c of citations) {
      citation.prime(c.provision.id, c);
      document.prime(c.document.id, c.document);
    }
  };

  const factsKey = (k: FactsKey) => `${k.id}@${k.asOf}`;
  const facts = new DataLoader<FactsKey, UnitFacts, string>(
    async (keys) => {
      const results = (await cached("facts", factsKey, (missing: FactsKey[]) =>
        unitFacts(db, missing, counter),
      )(keys)) as UnitFacts[];
      for (const f of results) {
        primeUnits(f.units);
        primeCitations(f.citations);
        for (const r of f.rules) rule.prime(r.id, r);
      }
      return results;
    },
    { cacheKeyFn: factsKey },
  );

  const incoming = new DataLoader<
    { id: string; asOf: string; types: string[] | null },
    Awaited<ReturnType<typeof incomingRelations>>[number],
    string
  >(
    async (keys) => {
      const results = (await cached(
        "incoming",
        (k) => JSON.stringify(k),
        (missing: (typeof keys)[number][]) => incomingRelations(db, missing, counter),
      )(keys)) as IncomingRelations[];
      for (const r of results) {
        primeUnits(r.units);
        primeCitations(r.citations);
      }
      return results;
    },
    { cacheKeyFn: (k) => JSON.stringify(k) },
  );

  const children = new DataLoader<PageKey, Awaited<ReturnType<typeof childrenPages>>[number], string>(
    async (keys) => {
      const pages = (await cached(
        "children",
        (k: PageKey) => JSON.stringify(k),
        (missing: PageKey[]) => childrenPages(db, missing, counter),
      )(keys)) as Awaited<ReturnType<typeof childrenPages>>;
      for (const p of pages) primeUnits(p.items.map((x) => x.unit));
      return pages;
    },
    { cacheKeyFn: (k) => JSON.stringify(k) },
  );

  const list = <V>(fn: (db: Database, ids: readonly string[], counter?: RoundTripCounter) => Promise<V[]>) =>
    new DataLoader<string, V>(async (ids) => fn(db, ids, counter));

  /** For scoped reading: whether each unit lies in one of the reader's subtrees. */
  const visible = new DataLoader<string, boolean>(async (ids) => {
    const ok = await unitsInSubtrees(db, ids, scopes, counter);
    return ids.map((id) => ok.has(id));
  });

  /** After a write in this request: read the version again and forget what was loaded before it. */
  const afterWrite = () => {
    versionRead = null;
    reads = new Map();
    for (const loader of [unit, citation, document, rule, facts, incoming, children, visible])
      loader.clearAll();
  };

  return {
    read,
    afterWrite,
    unit,
    visible,
    citation,
    document,
    rule,
    facts,
    incoming,
    children,
    primeUnits,
    primeCitations,
    allRules: () => allRules(db, counter),
    provisionsOfDocument: list(provisionsOfDocuments),
    replacedBy: list(replacedBy),
    meetingRules: list(meetingRulesOf),
    positions: list(positionsOf),
    plan: new DataLoader<string, Awaited<ReturnType<typeof findPlans>>[number] | null>(async (ids) =>
      byId(ids, await findPlans(db, ids, counter)),
    ),
    task: new DataLoader<string, Awaited<ReturnType<typeof findTasks>>[number] | null>(async (ids) =>
      byId(ids, await findTasks(db, ids, counter)),
    ),
    planEvent: new DataLoader<string, Awaited<ReturnType<typeof findPlanEvents>>[number] | null>(
      async (ids) => byId(ids, await findPlanEvents(db, ids, counter)),
    ),
    tasksOfPlan: list(tasksOfPlans),
    targetsOfPlan: list(targetsOfPlans),
    eventsOfPlan: list(eventsOfPlans),
    assignmentsOfTask: list(assignmentsOfTasks),
    tasksOfUnit: new DataLoader<
      { id: string; role: string | null },
      Awaited<ReturnType<typeof tasksOfUnits>>[number],
      string
    >(async (keys) => tasksOfUnits(db, keys, counter), { cacheKeyFn: (k) => `${k.id}:${k.role ?? ""}` }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
