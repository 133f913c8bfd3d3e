/**
 * `npm run build [-- --out <dir>]`: the production build in dist/ (or <dir>), run with
 * `node dist/main.js` (no TypeScript compiler, no dev dependency at run time).
 * 1. tsc -p tsconfig.build.json compiles the service's entry points (src/main.ts and the
 *    operators' CLIs listed there) and what they import, `.ts` specifiers rewritten to `.js`;
 *    incremental, so a rebuild after a small change is quick;
 * 2. compiled files whose source is gone are removed;
 * 3. the assets the service reads are copied (src/asset-paths.ts: COPIED_ASSETS);
 * 4. the explorer page is bundled with esbuild, with the function the source run uses.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { COPIED_ASSETS, EXPLORER_BUNDLE_SUBDIR, PACKAGE_ROOT } from "../src/asset-paths.ts";
import { BUNDLE_FILES, bundleExplorer } from "../src/explorer/bundle.ts";

const TSCONFIG = path.join(PACKAGE_ROOT, "tsconfig.build.json");
const { compilerOptions } = JSON.parse(fs.readFileSync(TSCONFIG, "utf8")) as {
  compilerOptions: { outDir: string; rootDir: string };
};
const OUT = parseArgs({ options: { out: { type: "string" } } }).values.out;
const DIST = path.resolve(PACKAGE_ROOT, OUT ?? compilerOptions.outDir);
const ROOT_DIR = path.join(PACKAGE_ROOT, compilerOptions.rootDir);

function compile(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  // Another output folder gets its own incremental state.
  const out = OUT ? ["--outDir", DIST, "--tsBuildInfoFile", path.join(DIST, ".tsbuildinfo")] : [];
  const run = spawnSync(process.execPath, [tsc, "-p", TSCONFIG, ...out], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`tsc failed (exit ${run.status ?? run.signal})`);
}

/** dist/x/y.js (and its .map) whose src/x/y.ts no longer exists: left over from an earlier build. */
function removeStale(dir = DIST): number {
  let removed = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== path.join(DIST, EXPLORER_BUNDLE_SUBDIR)) removed += removeStale(file);
      continue;
    }
    const js = /\.js(\.map)?$/.exec(entry.name);
    if (!js) continue;
    const source = path.join(ROOT_DIR, path.relative(DIST, file)).replace(/\.js(\.map)?$/, ".ts");
    if (fs.existsSync(source)) continue;
    fs.rmSync(file);
    removed++;
  }
  return removed;
}

const compiledIn = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));

function copyAssets(): void {
  for (const { source, compiled } of Object.values(COPIED_ASSETS)) {
    const to = path.join(DIST, compiled);
    // The copy replaces its folder: it must hold no compiled code (dist/seed/ is src/seed's).
    const code = fs.existsSync(to) && fs.statSync(to).isDirectory() ? compiledIn(to) : [];
    if (code.length > 0) throw new Error(`${compiled} would overwrite compiled code (${code[0]})`);
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(path.join(PACKAGE_ROOT, source), to, { recursive: true });
  }
}

async function writeExplorerBundle(): Promise<void> {
  const bundle = await bundleExplorer();
  const dir = path.join(DIST, EXPLORER_BUNDLE_SUBDIR);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, BUNDLE_FILES.js), bundle.js);
  fs.writeFileSync(path.join(dir, BUNDLE_FILES.css), bundle.css);
}

async function main(): Promise<void> {
  const started = Date.now();
  compile();
  const stale = removeStale();
  copyAssets();
  await writeExplorerBundle();
  const assets = Object.values(COPIED_ASSETS)
    .map((a) => a.compiled)
    .join(", ");
  console.log(
    `built ${path.relative(PACKAGE_ROOT, DIST)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `compiled service and CLIs, ${assets}, ${EXPLORER_BUNDLE_SUBDIR}` +
      (stale ? `; removed ${stale} stale compiled files` : ""),
  );
}

main().catch((e: unknown) => {
  console.error(`build failed: ${(e as Error).message}`);
  process.exit(1);
});
