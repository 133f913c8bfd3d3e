/**
 * Where the server's memory goes during the reform replay (issue 16, item 6): every second its
 * RSS (/proc) and, from its Prometheus metrics (`GET /metrics`), the V8 heap's total and used
 * bytes and the memory held outside it (Buffers, the driver's and the HTTP parser's); the peak of
 * each phase, with the heap figures and the mutations in flight at that moment, so that a peak
 * can be put down to a request and to the heap or the buffers.
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
    stop: () => {
      clearInterval(timer);
      return {
        peaks,
        peakRssMb: Math.max(0, ...Object.values(peaks).map((p) => p.rssMb)),
      };
    },
  };
}
