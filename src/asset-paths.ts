/**
 * Where the files the service reads at run time are, in both ways it runs:
 * - from source (`npm run dev`, the CLIs through tsx, the tests): the repository's own folders;
 * - compiled (`node dist/main.js`): the copies `npm run build` (scripts/build.ts) puts under
 *   dist/, so dist/ with the production node_modules is the whole service.
 * Which one is known from this module's own file name: tsc turns it into asset-paths.js.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

/** src/ from source, dist/ compiled. */
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** True in `node dist/...`; false under tsx or vitest. */
export const COMPILED = import.meta.url.endsWith(".js");

/** The folder holding package.json, node_modules and neo4j/ (the JVM launcher Maven builds). */
export const PACKAGE_ROOT = path.resolve(HERE, "..");

/**
 * The assets the build copies: where each is in the repository (from the package root) and
 * where it goes under dist/ (under assets/, apart from the compiled code: dist/seed/ holds
 * src/seed's JavaScript). The one list both the build and the paths below are made from.
 */
export const COPIED_ASSETS = {
  schema: { source: "schema", compiled: "assets/schema" },
  seed: { source: "seed", compiled: "assets/seed" },
  dueDates: { source: "config/due-dates.yaml", compiled: "assets/config/due-dates.yaml" },
  migrations: { source: "src/store/migrations", compiled: "store/migrations" },
} as const;

function asset(name: keyof typeof COPIED_ASSETS): string {
  const a = COPIED_ASSETS[name];
  return COMPILED ? path.join(HERE, a.compiled) : path.join(PACKAGE_ROOT, a.source);
}

/** schema/*.graphql: the subgraph's SDL, one file per area. */
export const SCHEMA_DIR = asset("schema");
/** seed/*.yaml: what an empty database is loaded with. */
export const SEED_DIR = asset("seed");
/** The shipped due-date policy (DUE_DATES_FILE's default). */
export const DUE_DATES_FILE = asset("dueDates");
/** The Cypher migrations, applied in name order. */
export const MIGRATIONS_DIR = asset("migrations");

/** The explorer page's TypeScript and CSS, bundled by esbuild when running from source. */
export const EXPLORER_SOURCE_DIR = path.join(PACKAGE_ROOT, "web/explorer");
/** Where, under dist/, the build puts the explorer bundle (explorer.js, explorer.css). */
export const EXPLORER_BUNDLE_SUBDIR = "assets/explorer";
/** The explorer bundle the build made, read when compiled. */
export const EXPLORER_BUNDLE_DIR = path.join(HERE, EXPLORER_BUNDLE_SUBDIR);
