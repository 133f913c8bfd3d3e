/**
 * `npx tsx bench/cpu-profile.ts <dir or .cpuprofile>… [--top 25]`
 *
 * Where a V8 CPU profile (`node --cpu-prof`) spent its busy time: self time summed by module —
 * a package in node_modules, a file of ours (dist/… or src/…), Node's internals, the garbage
 * collector — then the top functions. bench/run.ts --profile prints the same for our server.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The module a frame's script belongs to: a package, one of our files, node: internals, or a V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, "") || "native"})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return "node: internals";
  return url.replace(/^file:\/\//, "").replace(ROOT, "");
}

/** Lines of text: busy time, self time by module (all above 0.5 %), the top functions. */
export function summarizeProfile(p: Profile, name: string, top = 25): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!n) return;
    total += dt;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === "(idle)") {
      idle += dt;
      return;
    }
    const mod = moduleOf(url, functionName);
    byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
    const key = `${functionName || "(anonymous)"} ${mod}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
  });
  const busy = total - idle;
  const pct = (v: number) => `${((100 * v) / Math.max(1, busy)).toFixed(1)}%`.padStart(6);
  const ms = (v: number) => `${(v / 1000).toFixed(0)} ms`.padStart(9);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return [
    `profile ${name}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`,
    "self time by module:",
    ...sorted(byModule)
      .filter(([, v]) => v / Math.max(1, busy) >= 0.005)
      .map(([k, v]) => `${pct(v)} ${ms(v)}  ${k}`),
    `top ${top} functions (self time):`,
    ...sorted(byFunction)
      .slice(0, top)
      .map(([k, v]) => `${pct(v)} ${ms(v)}  ${k}`),
  ];
}

/** Every .cpuprofile in `dir`, summarised. */
export async function summarizeProfiles(dir: string, top = 25): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  const out: string[] = [];
  for (const f of files)
    out.push(...summarizeProfile(JSON.parse(await readFile(path.join(dir, f), "utf8")) as Profile, f, top));
  return out;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: "string", default: "25" } },
  });
  const top = Number(values.top);
  for (const target of positionals) {
    const lines = (await stat(target)).isDirectory()
      ? await summarizeProfiles(target, top)
      : summarizeProfile(JSON.parse(await readFile(target, "utf8")) as Profile, target, top);
    console.log(lines.join("\n"));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
