/**
 * The explorer's script and style, bundled from web/explorer/ with esbuild's JS API in memory,
 * once per process, on the first request that needs them (so `npm start` and the tests need no
 * build step, and a server that nobody opens the explorer on never spends the CPU). cytoscape,
 * cytoscape-elk and elkjs come from node_modules: no CDN.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface ExplorerBundle {
  js: string;
  css: string;
  /** Content hash, for ETags. */
  hash: string;
}

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/explorer");

let pending: Promise<ExplorerBundle> | null = null;

async function bundle(): Promise<ExplorerBundle> {
  const result = await build({
    entryPoints: [path.join(WEB_DIR, "main.ts")],
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

/** The bundle, built once; a failed build is retried on the next request. */
export function explorerBundle(): Promise<ExplorerBundle> {
  if (!pending)
    pending = bundle().catch((e) => {
      pending = null;
      throw e;
    });
  return pending;
}
