/**
 * The explorer's script and style. From source they are bundled from web/explorer/ with
 * esbuild's JS API in memory, once per process, on the first request that needs them (so
 * `npm run dev` and the tests need no build step, and a server that nobody opens the explorer
 * on never spends the CPU). Compiled, `npm run build` has bundled them into dist/ with the same
 * function, and they are read from there: esbuild, cytoscape, cytoscape-elk and elkjs are build
 * tools then, not run-time dependencies. No CDN either way.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { COMPILED, EXPLORER_BUNDLE_DIR, EXPLORER_SOURCE_DIR } from "../asset-paths.ts";

export interface ExplorerBundle {
  js: string;
  css: string;
  /** Content hash, for ETags. */
  hash: string;
}

/** The bundle's file names, in dist/explorer/assets/ and in the page's URLs. */
export const BUNDLE_FILES = { js: "explorer.js", css: "explorer.css" } as const;

/** Bundles web/explorer/ with esbuild (imported here only: the compiled service never calls this). */
export async function bundleExplorer(): Promise<ExplorerBundle> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [path.join(EXPLORER_SOURCE_DIR, "main.ts")],
    bundle: true,
    write: false,
    outdir: "/explorer",
    entryNames: "explorer",
    format: "iife",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext));
  const js = file(".js");
  const css = file(".css");
  if (!js || !css) throw new Error("esbuild produced no explorer.js / explorer.css");
  return { js: js.text, css: css.text, hash: js.hash + css.hash };
}

/** The bundle `npm run build` wrote. */
async function readBuiltBundle(): Promise<ExplorerBundle> {
  const [js, css] = await Promise.all([
    readFile(path.join(EXPLORER_BUNDLE_DIR, BUNDLE_FILES.js), "utf8"),
    readFile(path.join(EXPLORER_BUNDLE_DIR, BUNDLE_FILES.css), "utf8"),
  ]);
  return { js, css, hash: createHash("sha256").update(js).update(css).digest("base64url").slice(0, 22) };
}

const bundle = () => (COMPILED ? readBuiltBundle() : bundleExplorer());

let pending: Promise<ExplorerBundle> | null = null;

/** The bundle, built once; a failed build is retried on the next request. */
export function explorerBundle(): Promise<ExplorerBundle> {
  if (!pending)
    pending = bundle().catch((e) => {
      pending = null;
      throw e;
    });
  return pending;
}
