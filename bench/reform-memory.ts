/**
 * Where the server's memory goes during the reform replay (issue 16, item 6): every second its
 * RSS (/proc) and, from its Prometheus metrics (`GET /metrics`), the V8 heap's total and used
 * bytes and the memory held outside it (Buffers, the driver's and the HTTP parser's); the peak of
 * each phase, with the heap figures and the mutations in flight at that moment, so that a peak
 * can be put down to a request and to the heap or the buffers. And where the replay's time goes:
 * the Cypher statements' total time by statement, from the same metrics.
 */
import { rssMb } from "./http-client.ts";

export interface MemorySample {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  /** The mutations (by field) in flight when it was taken. */
  inFlight: Record<string, number>;
}

const MB = 1024 * 1024;

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text);
  return m ? Number(m[1]) / MB : 0;
}

/** Samples the server `pid` answering at `graphqlUrl` every `everyMs` until stopped; peaks by phase. */
export function memorySampler(pid: number, graphqlUrl: string, everyMs = 1000) {
  const metricsUrl = new URL("/metrics", graphqlUrl).toString();
  const inFlight: Record<string, number> = {};
  const peaks: Record<string, MemorySample> = {};
  let phase = "start";
  const sample = async () => {
    const rss = await rssMb(pid);
    const text = await fetch(metricsUrl)
      .then((r) => (r.ok ? r.text() : ""))
      .catch(() => "");
    const s: MemorySample = {
      rssMb: Math.round(rss),
      heapTotalMb: Math.round(metric(text, "nodejs_heap_size_total_bytes")),
      heapUsedMb: Math.round(metric(text, "nodejs_heap_size_used_bytes")),
      externalMb: Math.round(metric(text, "nodejs_external_memory_bytes")),
      inFlight: { ...inFlight },
    };
    if (s.rssMb > (peaks[phase]?.rssMb ?? 0)) peaks[phase] = s;
  };
  const timer = setInterval(() => void sample(), everyMs);
  return {
    /** Names the phase the next samples belong to. */
    phase: (name: string) => {
      phase = name;
    },
    /** Wraps a request: counts it in flight under the mutation's first field. */
    track: async <T>(query: string, run: () => Promise<T>): Promise<T> => {
      const op = /\{\s*(\w+)/.exec(query)?.[1] ?? "?";
      inFlight[op] = (inFlight[op] ?? 0) + 1;
      try {
        return await run();
      } finally {
        inFlight[op] = (inFlight[op] ?? 1) - 1;
        if (inFlight[op] === 0) delete inFlight[op];
      }
    },
    peaks: () => peaks,
    stop: () => {
      clearInterval(timer);
      return {
        peaks,
        peakRssMb: Math.max(0, ...Object.values(peaks).map((p) => p.rssMb)),
      };
    },
  };
}

/** The statements that took longest in all (seconds, count), from the server's `/metrics`. */
export async function statementTimes(
  graphqlUrl: string,
  top = 15,
): Promise<{ statement: string; seconds: number; count: number }[]> {
  const text = await fetch(new URL("/metrics", graphqlUrl))
    .then((r) => r.text())
    .catch(() => "");
  const byStatement = new Map<string, { seconds: number; count: number }>();
  for (const m of text.matchAll(
    /^(?:\w+_)?cypher_statement_duration_seconds_(sum|count)\{([^}]*)\} (\S+)/gm,
  )) {
    const statement = /statement="([^"]*)"/.exec(m[2] as string)?.[1] ?? "?";
    const entry = byStatement.get(statement) ?? { seconds: 0, count: 0 };
    if (m[1] === "sum") entry.seconds += Number(m[3]);
    else entry.count += Number(m[3]);
    byStatement.set(statement, entry);
  }
  return [...byStatement]
    .map(([statement, x]) => ({ statement, seconds: Math.round(x.seconds * 10) / 10, count: x.count }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, top);
}
