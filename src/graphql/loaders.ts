/**
 * DataLoaders, created per request (never shared): each batches one kind of lookup into
 * one Cypher query. Queries that return units and citations alongside their main result
 * prime the unit and citation loaders, so that resolving them costs no further round trip.
 */
import DataLoader from "dataloader";
import type { Database, RoundTripCounter } from "../store/database.ts";
import { allRules, provisionsOfDocuments, replacedBy } from "../store/document-repository.ts";
import { meetingRulesOf, positionsOf } from "../store/meeting-repository.ts";
import { unitsInScopeOn } from "../store/scope-membership.ts";
import { type Reach, unitsReach } from "../store/unit-repository.ts";
import { entityLoaders } from "./entity-loaders.ts";
import { factLoaders } from "./loaders/fact-loaders.ts";
import { listLoader, planLoaders } from "./loaders/plan-loaders.ts";
import { recordLoaders } from "./loaders/record-loaders.ts";
import { requestReads } from "./loaders/request-reads.ts";
import type { ResultCache } from "./result-cache.ts";

export function createLoaders(
  db: Database,
  counter: RoundTripCounter,
  scopes: readonly string[] = [],
  cache: ResultCache | null = null,
) {
  const reads = requestReads(cache, counter);
  const records = recordLoaders(db, reads);
  const facts = factLoaders(db, reads, records);

  /** For scoped reading: how the reader reaches each unit, null when it may not see it (visibility.ts). */
  const visible = new DataLoader<string, Reach | null>(async (ids) => {
    const reach = await unitsReach(db, ids, scopes, counter);
    return ids.map((id) => reach.get(id) ?? null);
  });

  /**
   * For scoped reading: whether a unit lies in the reader's subtrees on a day (key `day|id`), by
   * the structural links in force that day (visibility.ts opensSubtree).
   */
  const insideOn = new DataLoader<string, boolean>(async (keys) => {
    const byDay = new Map<string, string[]>();
    for (const key of keys) {
      const [day, id] = splitDayKey(key);
      byDay.set(day, [...(byDay.get(day) ?? []), id]);
    }
    const inside = new Set<string>();
    for (const [day, ids] of byDay)
      for (const id of await unitsInScopeOn(db, ids, scopes, day, counter)) inside.add(`${day}|${id}`);
    return keys.map((key) => inside.has(key));
  });

  /** After a write in this request: read the version again and forget what was loaded before it. */
  const afterWrite = () => {
    reads.reset();
    const { unit, citation, document, rule } = records;
    for (const loader of [
      unit,
      citation,
      document,
      rule,
      facts.facts,
      facts.incoming,
      facts.children,
      visible,
      insideOn,
    ])
      loader.clearAll();
  };

  return {
    read: reads.read,
    hold: reads.hold,
    learn: reads.learn,
    caching: reads.caching,
    afterWrite,
    visible,
    insideOn,
    ...records,
    ...facts,
    allRules: () => allRules(db, counter),
    provisionsOfDocument: listLoader(db, counter, provisionsOfDocuments),
    replacedBy: listLoader(db, counter, replacedBy),
    meetingRules: listLoader(db, counter, meetingRulesOf),
    positions: listLoader(db, counter, positionsOf),
    ...planLoaders(db, counter),
    ...entityLoaders(db, counter),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** A key of `insideOn` as its day and unit id (a date has no `|`). */
function splitDayKey(key: string): [day: string, id: string] {
  const at = key.indexOf("|");
  return [key.slice(0, at), key.slice(at + 1)];
}
