/**
 * The workloads integrations actually send (issue 16):
 *
 * - **distinct inputs**: every request asks about a unit (and date) not asked before. The inputs
 *   are spread over the whole graph (every active unit of the question's kinds, in a fixed
 *   pseudo-random order); where a small graph has fewer units than `count`, the list goes round
 *   again on earlier dates, so each (unit, date) is still new to a cache. The same list, in the
 *   same order, for the three ways: the latency rounds ask input n of each way once; each
 *   throughput run carries on through the list from where that way's last run stopped (a run
 *   that would need more inputs than are left goes round again, and says so: `wrapped`).
 * - **mixed**: readers ask the repeated sample inputs (a hot set, as dashboards do) while a
 *   writer renames units elsewhere through the API, one change every `writeEveryMs`: the cache
 *   hit rate, from our server's counters (its /metrics), shows what writes
 *   cost it.
 */
import autocannon from "autocannon";
import { SignJWT } from "jose";
import type { Driver } from "neo4j-driver";
import {
  AS_OF,
  chainQuestion,
  type Input,
  nestedQuestion,
  obligationsQuestion,
  type Question,
} from "./questions.ts";

export interface DistinctInputs {
  chain: Input[];
  obligations: Input[];
  nested: Input[];
  /** Distinct units behind each list (the rest of the list is the same units on earlier dates). */
  units: Record<"chain" | "obligations" | "nested", number>;
}

/** The dates a list goes round on when the graph has fewer units than inputs wanted: AS_OF, then a week earlier, … */
function dateBack(weeks: number): string {
  const d = new Date(`${AS_OF}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 7 * weeks);
  return d.toISOString().slice(0, 10);
}

/** `count` inputs over `ids` (already in a spread order): each id on AS_OF, then again a week earlier, … */
function rounds(ids: string[], count: number): Input[] {
  const out: Input[] = [];
  for (let i = 0; i < count && ids.length > 0; i++)
    out.push({ id: ids[i % ids.length] as string, asOf: dateBack(Math.floor(i / ids.length)) });
  return out;
}

/** Every active generated unit `match` (a MATCH … WHERE … of `u`) finds, in a fixed pseudo-random order (spread over the graph). */
async function spreadIds(driver: Driver, match: string): Promise<string[]> {
  const session = driver.session({ defaultAccessMode: "READ" });
  try {
    const res = await session.run(
      `${match}
       AND u.id STARTS WITH 'gen-'
         AND (u.validFrom IS NULL OR u.validFrom <= date($asOf)) AND (u.validTo IS NULL OR u.validTo >= date($asOf))
       RETURN DISTINCT u.id AS id`,
      { asOf: AS_OF },
    );
    const ids = res.records.map((r) => r.get("id") as string);
    // A fixed shuffle (a hash of the id), so that consecutive inputs lie in different provinces.
    const hash = (s: string) => {
      let h = 2166136261;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
      return h >>> 0;
    };
    return ids.sort((a, b) => hash(a) - hash(b) || a.localeCompare(b));
  } finally {
    await session.close();
  }
}

export async function pickDistinct(driver: Driver, count: number): Promise<DistinctInputs> {
  // Every party cell and basic organisation has a chain to the top (the longest chains among them).
  const chainIds = await spreadIds(
    driver,
    "MATCH (u:Unit) WHERE u.kind IN ['SUBORDINATE_PARTY_CELL', 'BASIC_PARTY_CELL', 'BASIC_PARTY_COMMITTEE']",
  );
  // Basic organisations of every sector: the 138-QĐ/TW rules cover the agency ones.
  const obligationIds = await spreadIds(
    driver,
    "MATCH (u:Unit) WHERE u.kind IN ['BASIC_PARTY_COMMITTEE', 'BASIC_PARTY_CELL']",
  );
  // Any unit with a structural child: a parent and (up to) its first 100 children.
  const nestedIds = await spreadIds(driver, "MATCH (u:Unit)<-[:SUBORDINATE_TO|PART_OF]-(:Unit) WHERE true");
  return {
    chain: rounds(chainIds, count),
    obligations: rounds(obligationIds, count),
    nested: rounds(nestedIds, count),
    units: { chain: chainIds.length, obligations: obligationIds.length, nested: nestedIds.length },
  };
}

export function distinctQuestions(d: DistinctInputs): Question[] {
  return [chainQuestion(d.chain), obligationsQuestion(d.obligations), nestedQuestion(d.nested)];
}

/**
 * The result cache's counters of our server, from its /metrics (src/observability/metrics.ts),
 * for the questions' own answers (`data="hierarchy"`): the rules, citations and documents a
 * miss names are read through the cache too, and held across requests (a dozen provisions serve
 * every chain), so counting them would call most of a distinct workload's keys hits.
 */
export interface CacheCounters {
  hits: number;
  misses: number;
  joined: number;
}

export async function cacheCounters(metricsUrl: string): Promise<CacheCounters> {
  // Asked again on a failed fetch: a kept-alive connection the server has just closed fails once.
  const text = await fetch(metricsUrl)
    .catch(() => fetch(metricsUrl))
    .then((r) => r.text());
  const counter = (what: string) => {
    const name = `party_org_graph_result_cache_${what}_total`;
    const m = new RegExp(`^${name}\\{data="hierarchy"\\} (\\S+)$`, "m").exec(text);
    if (!m) throw new Error(`${metricsUrl} has no ${name}{data="hierarchy"}`);
    return Number(m[1]);
  };
  return { hits: counter("hits"), misses: counter("misses"), joined: counter("joins") };
}

/** Hits ÷ keys asked between two readings of the counters (joined reads count as hits: no read of their own). */
export function hitRate(before: CacheCounters, after: CacheCounters): number {
  const hits = after.hits - before.hits + (after.joined - before.joined);
  const misses = after.misses - before.misses;
  return hits + misses === 0 ? Number.NaN : hits / (hits + misses);
}

/**
 * An HTTP load of `seconds` whose requests take their bodies from a cursor shared by all
 * connections (autocannon's own `requests` list restarts at the first for every connection).
 */
export async function httpLoadFrom(
  url: string,
  next: () => unknown,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
) {
  const u = new URL(url);
  const result = await autocannon({
    url: u.origin,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST" as const,
        path: u.pathname,
        headers: { "content-type": "application/json", ...headers },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(next()) }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/** A token for our server's mutations (HS256 with the bench's JWT_SECRET). */
export function adminToken(secret: string): Promise<string> {
  return new SignJWT({ role: "admin", scopes: [] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("bench-writer")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secret));
}

/** A unit the mixed workload's writer renames, and the day its current name took effect. */
export interface WriteTarget {
  id: string;
  nameFrom: string;
}

/**
 * Units the mixed workload's writer renames: communes, which none of the read questions asks
 * about directly, with the day each one's current name holds from (a rename must take effect
 * after it, and the bench store keeps earlier runs' renames).
 */
export async function writeTargets(driver: Driver, n = 200): Promise<WriteTarget[]> {
  const ids = (await spreadIds(driver, "MATCH (u:Unit) WHERE u.kind = 'COMMUNE_COMMITTEE'")).slice(0, n);
  const session = driver.session({ defaultAccessMode: "READ" });
  try {
    const res = await session.run(
      `UNWIND $ids AS id MATCH (u:Unit {id: id})
       RETURN u.id AS id, toString(coalesce(u.nameFrom, u.validFrom, date($asOf))) AS since`,
      { ids, asOf: AS_OF },
    );
    const since = new Map(res.records.map((r) => [r.get("id") as string, r.get("since") as string]));
    return ids.map((id) => ({ id, nameFrom: since.get(id) ?? AS_OF }));
  } finally {
    await session.close();
  }
}

/** The day after `date` (ISO). */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const RENAME = `mutation Rename($input: UpdateUnitInput!) { updateUnit(input: $input) { id } }`;

/**
 * Writes one change every `everyMs` until `stop()` is called: a rename of one of `targets`
 * through our API (an event, audit and invariants, as for any editor), each taking effect the
 * day after that unit's previous name did, so that every rename is a valid change. Counts
 * acknowledged changes, changes refused with a GraphQL error (by code) and failed requests.
 */
export function startWriter(url: string, token: string, targets: WriteTarget[], everyMs: number) {
  const tally = {
    ok: 0,
    refused: 0,
    failed: 0,
    byCode: {} as Record<string, number>,
    latencies: [] as number[],
    lastError: "",
  };
  const since = new Map(targets.map((t) => [t.id, t.nameFrom]));
  // A name no earlier run gave (a rename to the current name is refused: nothing to change).
  const run = Date.now().toString(36);
  let n = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && targets.length > 0) {
      const started = performance.now();
      const id = (targets[n % targets.length] as WriteTarget).id;
      const effectiveOn = nextDay(since.get(id) as string);
      n++;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: RENAME,
            variables: {
              input: {
                id,
                name: `Đảng ủy xã (bench ${run}-${n})`,
                effectiveOn,
                basis: ["dieu-le-dang-whole"],
              },
            },
          }),
        });
        const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
        const error = body.errors?.[0];
        if (error) {
          tally.refused++;
          const code = error.extensions?.code ?? "UNKNOWN";
          tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
          tally.lastError = error.message;
        } else {
          tally.ok++;
          since.set(id, effectiveOn);
        }
      } catch (e) {
        tally.failed++;
        tally.lastError = e instanceof Error ? e.message : String(e);
      }
      const took = performance.now() - started;
      tally.latencies.push(took);
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - took)));
    }
  })();
  return {
    tally,
    stop: async () => {
      stopped = true;
      await loop;
      return tally;
    },
  };
}
