/**
 * `npm run supergraph:compose` writes supergraph.graphql from supergraph.yaml;
 * `npm run supergraph:check` (part of `npm run check`) fails when the checked-in file is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import {
  CompositionError,
  composeSupergraph,
  loadSupergraphConfig,
  ROOT,
  SUPERGRAPH_FILE,
} from "./supergraph-config.ts";

const check = process.argv.includes("--check");
const shown = relative(ROOT, SUPERGRAPH_FILE);
try {
  const sdl = composeSupergraph(loadSupergraphConfig());
  if (!check) {
    writeFileSync(SUPERGRAPH_FILE, sdl);
    console.log(`${shown} composed (@apollo/composition and @theguild/federation-composition agree)`);
  } else if (!existsSync(SUPERGRAPH_FILE) || readFileSync(SUPERGRAPH_FILE, "utf8") !== sdl) {
    console.error(`${shown} is stale: run \`npm run supergraph:compose\` and commit it`);
    process.exitCode = 1;
  } else {
    console.log(`${shown} is up to date`);
  }
} catch (e) {
  if (!(e instanceof CompositionError)) throw e;
  console.error(`composition failed: ${e.message}`);
  process.exitCode = 1;
}
