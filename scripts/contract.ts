/**
 * The published contract (README, "Contract"): contract/schema.graphql and contract/introspection.json,
 * the schema this service serves, printed from schema/*.graphql as the server builds it.
 *
 *   npm run contract           writes the artefacts
 *   npm run contract:check     (part of `npm run check`) fails when an artefact is stale, when a
 *                              breaking change against the last released schema
 *                              (contract/released/schema-<version>.graphql) is not marked in
 *                              contract/breaking-changes.yaml, when a mark names no change, or when an
 *                              @deprecated has no reason
 *   npm run contract:release   copies the artefact to contract/released/schema-<package version>.graphql
 *                              and empties the marks (they are part of that release)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema as buildFromSdl, parse } from "graphql";
import { parse as parseYaml } from "yaml";
import { buildSchema, readTypeDefs } from "../src/graphql/schema.ts";
import {
  changeKey,
  compareContract,
  contractHolds,
  deprecationsWithoutReason,
  type Mark,
  marksFileSchema,
  publishedArtefacts,
} from "./contract-diff.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIR = join(ROOT, "contract");
const SDL_FILE = join(DIR, "schema.graphql");
const INTROSPECTION_FILE = join(DIR, "introspection.json");
const RELEASED_DIR = join(DIR, "released");
const MARKS_FILE = join(DIR, "breaking-changes.yaml");

const EMPTY_MARKS = `# Breaking changes accepted against the last released schema (contract/released/), each named
# exactly as \`npm run contract:check\` prints it, with the reason (what clients were told).
# \`npm run contract:release\` empties this list: the accepted changes are then part of the release.
accepted: []
`;

/** A released file's version as one comparable number (major, minor, patch below 1000 each). */
function versionOf(file: string): number | undefined {
  const m = /^schema-(\d+)\.(\d+)\.(\d+)\.graphql$/.exec(file);
  return m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]) : undefined;
}

/** The last released schema's file (highest version), if any. */
function lastReleased(): string | undefined {
  const files = readdirSync(RELEASED_DIR).filter((f) => versionOf(f) !== undefined);
  files.sort((a, b) => (versionOf(a) ?? 0) - (versionOf(b) ?? 0));
  return files.at(-1);
}

function readMarks(): Mark[] {
  if (!existsSync(MARKS_FILE)) return [];
  const parsed = marksFileSchema.safeParse(parseYaml(readFileSync(MARKS_FILE, "utf8")) ?? {});
  if (!parsed.success)
    throw new Error(
      `contract/breaking-changes.yaml: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data.accepted;
}

const same = (file: string, text: string) => existsSync(file) && readFileSync(file, "utf8") === text;

function check(): boolean {
  const problems: string[] = [];
  const { sdl, introspection } = publishedArtefacts(buildSchema());
  if (!same(SDL_FILE, sdl) || !same(INTROSPECTION_FILE, introspection))
    problems.push(
      "contract/schema.graphql or introspection.json is stale: run `npm run contract` and commit it",
    );
  for (const where of deprecationsWithoutReason(parse(readTypeDefs())))
    problems.push(`${where}: @deprecated needs a reason naming what replaces it`);
  const released = lastReleased();
  if (released) {
    const report = compareContract(
      buildFromSdl(readFileSync(join(RELEASED_DIR, released), "utf8")),
      buildFromSdl(sdl),
      readMarks(),
    );
    for (const c of report.accepted) console.log(`accepted breaking change: ${changeKey(c)}`);
    for (const c of report.dangerous) console.log(`dangerous change (allowed): ${changeKey(c)}`);
    for (const c of report.unmarked)
      problems.push(
        `breaking change against ${released} not marked in contract/breaking-changes.yaml: ${changeKey(c)}`,
      );
    for (const m of report.unusedMarks)
      problems.push(`contract/breaking-changes.yaml marks a change that is not there: ${m.change}`);
    if (contractHolds(report) && problems.length === 0)
      console.log(`contract is up to date; no unmarked breaking change against ${released}`);
  } else {
    problems.push("contract/released/ holds no released schema: run `npm run contract:release`");
  }
  for (const p of problems) console.error(p);
  return problems.length === 0;
}

function write(): void {
  const { sdl, introspection } = publishedArtefacts(buildSchema());
  writeFileSync(SDL_FILE, sdl);
  writeFileSync(INTROSPECTION_FILE, introspection);
  console.log("contract/schema.graphql and contract/introspection.json written");
}

function release(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const file = join(RELEASED_DIR, `schema-${pkg.version}.graphql`);
  if (existsSync(file)) throw new Error(`${file} exists: raise the version in package.json first`);
  write();
  writeFileSync(file, readFileSync(SDL_FILE, "utf8"));
  writeFileSync(MARKS_FILE, EMPTY_MARKS);
  console.log(`released as contract/released/schema-${pkg.version}.graphql; marks emptied`);
}

if (process.argv.includes("--check")) process.exitCode = check() ? 0 : 1;
else if (process.argv.includes("--release")) release();
else write();
