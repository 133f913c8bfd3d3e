/**
 * The as-of answers the reform replay is judged by: for a deterministic sample of generated
 * units, the direct superior, the reporting chain and the reporting obligations on dates before
 * and after 01/07/2025, read through GraphQL from a server on the bulk-imported history and from
 * one on the replayed graph, and compared; and the integrity report's counts on those dates.
 */
import { Random } from "../src/generator/prng.ts";
import type { Gql } from "./reform-replay.ts";

export const ANSWER_DATES = ["2025-06-30", "2025-07-01", "2026-01-01"] as const;

/** The integrity rules that are invariants of the hierarchy (the others are findings about content). */
export const INVARIANT_RULES = [
  "MISSING_SUPERIOR",
  "DOUBLE_SUPERIOR",
  "CYCLE",
  "RELATION_OUTSIDE_VALIDITY",
  "DOUBLE_WHOLE",
];

const ANSWER_QUERY = `query ($id: ID!, $d: Date) {
  unit(id: $id) { superior(asOf: $d) { id } }
  reportingChain(unitId: $id, asOf: $d) {
    from { id } to { id } relation frequencies via { id } basis { id } rules { id }
  }
  reportingObligations(unitId: $id, asOf: $d) {
    obligor { id } type recipient { id } frequencies via { id } subject basis { id } rule { id } validFrom validTo
  }
}`;

/**
 * `n` units (at least), deterministic for a seed: a third from those the reform ended, founded or
 * moved (a ninth each), the rest from every generated unit.
 */
export function sampleUnits(
  all: readonly string[],
  reform: { ended: readonly string[]; founded: readonly string[]; moved: readonly string[] },
  n: number,
  seed: number,
): string[] {
  const rng = new Random(seed, "reform-sample");
  const picked = new Set<string>();
  const take = (from: readonly string[], count: number, key: string) => {
    const list = rng.fork(key).shuffle([...from]);
    for (const id of list.slice(0, count)) picked.add(id);
  };
  const ninth = Math.ceil(n / 9);
  take(reform.ended, ninth, "ended");
  take(reform.founded, ninth, "founded");
  take(reform.moved, ninth, "moved");
  for (const id of rng.fork("all").shuffle([...all])) {
    if (picked.size >= n) break;
    picked.add(id);
  }
  return [...picked].sort();
}

type Json = unknown;

/** An answer with its lists in a stable order (obligations and citations are sets; the chain is ordered). */
function normalise(data: Json): Json {
  const d = data as {
    unit: { superior: { id: string } | null } | null;
    reportingChain: { basis: { id: string }[]; rules: { id: string }[] }[];
    reportingObligations: { basis: { id: string }[] }[];
  };
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
  return {
    superior: d.unit?.superior?.id ?? null,
    chain: d.reportingChain.map((h) => ({ ...h, basis: ids(h.basis), rules: ids(h.rules) })),
    obligations: d.reportingObligations
      .map((o) => JSON.stringify({ ...o, basis: ids(o.basis) }))
      .sort()
      .map((s) => JSON.parse(s)),
  };
}

/** Answers by `unit@date`: the normalised data, or the error code. */
export async function collectAnswers(
  gql: Gql,
  units: readonly string[],
  opts: { concurrency: number; onDone?: (n: number) => void },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const jobs = units.flatMap((id) => ANSWER_DATES.map((d) => ({ id, d })));
  let done = 0;
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const res = await gql(ANSWER_QUERY, { id: job.id, d: job.d });
      const answer = res.errors?.length
        ? { error: res.errors.map((e) => e.extensions?.code ?? e.message).join(",") }
        : normalise(res.data);
      out.set(`${job.id}@${job.d}`, JSON.stringify(answer));
      opts.onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return out;
}

export interface Mismatch {
  key: string;
  question: string;
  reference: string;
  replayed: string;
}

/** Where the replayed answers differ from the reference, by question. */
export function compareAnswers(reference: Map<string, string>, replayed: Map<string, string>): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [k, ref] of reference) {
    const got = replayed.get(k) ?? "missing";
    if (got === ref) continue;
    const a = JSON.parse(ref) as Record<string, Json>;
    const b = got === "missing" ? {} : (JSON.parse(got) as Record<string, Json>);
    const questions = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (q) => JSON.stringify(a[q]) !== JSON.stringify(b[q]),
    );
    for (const q of questions)
      out.push({
        key: k,
        question: q,
        reference: JSON.stringify(a[q] ?? null).slice(0, 400),
        replayed: JSON.stringify(b[q] ?? null).slice(0, 400),
      });
  }
  return out;
}

/** The integrity report's count of each rule on each date. */
export async function integrityCounts(gql: Gql): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const d of ANSWER_DATES) {
    const res = await gql("query ($d: Date) { integrityReport(asOf: $d) { counts { rule count } } }", { d });
    if (res.errors?.length) throw new Error(`integrityReport(${d}): ${res.errors[0]?.message}`);
    const counts = (res.data as { integrityReport: { counts: { rule: string; count: number }[] } })
      .integrityReport.counts;
    out[d] = Object.fromEntries(counts.map((c) => [c.rule, c.count]));
  }
  return out;
}

/** Invariant findings of the replayed graph beyond the reference's (which the generator may have by design). */
export function brokenInvariants(
  reference: Record<string, Record<string, number>>,
  replayed: Record<string, Record<string, number>>,
): string[] {
  const out: string[] = [];
  for (const d of ANSWER_DATES)
    for (const rule of INVARIANT_RULES) {
      const a = reference[d]?.[rule] ?? 0;
      const b = replayed[d]?.[rule] ?? 0;
      if (b > a) out.push(`${rule} on ${d}: ${b} (history: ${a})`);
    }
  return out;
}
