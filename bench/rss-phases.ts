/**
 * The servers' RSS through a whole bench run, peak by phase (issue 16, item 6): sampled every
 * 200 ms from /proc whatever runs, and charged to the phase named last. The load runs alone used
 * to sample it, so a peak in a latency round or between runs went unseen and nobody could say
 * which workload made it.
 */
import { rssMb } from "./http-client.ts";

/** Peak RSS in MB by phase, for each process watched. */
export type PhasePeaks = Record<string, Record<string, number>>;

export class RssPhases {
  private phase = "start";
  readonly peaks: PhasePeaks = {};
  private readonly timer: NodeJS.Timeout;

  /** `pids`: the processes to watch, by name ("ours", "lib", "uncached"). */
  constructor(private readonly pids: Record<string, number | undefined>) {
    this.timer = setInterval(() => void this.sample(), 200);
    this.timer.unref();
  }

  /** The work from now on is `name` (sampled once more first, so the last one gets its end). */
  async enter(name: string): Promise<void> {
    await this.sample();
    this.phase = name;
  }

  /** Peak of one process over every phase. */
  max(name: string): number | null {
    const all = Object.values(this.peaks[name] ?? {});
    return all.length > 0 ? Math.max(...all) : null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sample();
  }

  private async sample(): Promise<void> {
    const phase = this.phase;
    await Promise.all(
      Object.entries(this.pids).map(async ([name, pid]) => {
        if (!pid) return;
        const mb = await rssMb(pid);
        if (mb <= 0) return;
        this.peaks[name] ??= {};
        const peaks = this.peaks[name];
        peaks[phase] = Math.max(peaks[phase] ?? 0, mb);
      }),
    );
  }
}

/** The phases of one process with the highest peaks, highest first: "phase 362, phase 341…". */
export function topPhases(peaks: Record<string, number> | undefined, n = 5): string {
  return Object.entries(peaks ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([phase, mb]) => `${phase} ${mb.toFixed(0)}`)
    .join(", ");
}
