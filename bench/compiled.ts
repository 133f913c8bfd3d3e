/**
 * The servers the benchmark measures, compiled as they run in production: no TypeScript loader,
 * no source maps. Under tsx every process has source maps on (`process.setSourceMapsEnabled`),
 * so each `new Error().stack` — neo4j-driver takes one per result — maps every frame through
 * them: a cost production does not pay.
 * - ours: `npm run build` (scripts/build.ts: tsc into dist/), then `node dist/main.js` with
 *   NEO4J_URI set (no embedded Neo4j; the migrations find nothing to do);
 * - the library's: bench/neo4j-graphql/server.ts bundled by esbuild into .data/bench/compiled/
 *   (packages left to node_modules). esbuild hoists the packages' imports above the bundled
 *   src/runtime.ts, so NODE_ENV=production is given in its environment instead.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";

export interface CompiledServers {
  /** dist/main.js */
  ours: string;
  /** The library's server, bundled. */
  lib: string;
}

/** `npm run build` (scripts/build.ts: tsc into dist/); answers dist/main.js. */
export function buildOurServer(root: string): string {
  const tsx = ["--import", "tsx", path.join(root, "scripts", "build.ts")];
  const run = spawnSync(process.execPath, tsx, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  if (run.status !== 0) throw new Error(`npm run build failed (exit ${run.status ?? run.signal})`);
  return path.join(root, "dist", "main.js");
}

export async function compileServers(root: string): Promise<CompiledServers> {
  const started = Date.now();
  const ours = buildOurServer(root);
  const lib = path.join(root, ".data", "bench", "compiled", "lib-server.mjs");
  await build({
    entryPoints: [path.join(root, "bench", "neo4j-graphql", "server.ts")],
    outfile: lib,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  console.log(
    `compiled the servers in ${((Date.now() - started) / 1000).toFixed(1)} s (dist/main.js, ${path.relative(root, lib)})`,
  );
  return { ours, lib };
}
