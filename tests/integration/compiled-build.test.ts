/**
 * The compiled build runs as production runs it: `npm run build` into a folder of its own, beside
 * it a node_modules with only the production dependencies of package-lock.json (linked from this
 * checkout's install, so no network), and `node dist/main.js` started there with no loader,
 * against the test Neo4j. scripts/prod-check.ts does the same with a real `npm ci --omit=dev`.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  askSmoke,
  BUILD_TOOLS,
  buildInto,
  type CompiledService,
  linkProductionTree,
  type SmokeAnswers,
  startCompiled,
} from "../../scripts/compiled-service.ts";
import { PACKAGE_ROOT } from "../../src/asset-paths.ts";
import { freePort } from "../support/global-setup.ts";
import { randomSecret } from "../support/secrets.ts";

let dir = "";
let service: CompiledService | undefined;
let answers: SmokeAnswers;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "party-org-graph-dist-"));
  await buildInto(dir);
  linkProductionTree(dir);
  const neo4j = inject("neo4j");
  service = await startCompiled(dir, await freePort(), {
    NEO4J_URI: neo4j.uri,
    NEO4J_USER: neo4j.user,
    NEO4J_PASSWORD: neo4j.password,
    SEED_ON_START: "never",
    RATE_LIMIT_PER_MINUTE: "0",
    // A first query on a cold Neo4j can take seconds on a busy machine (as in test-server.ts).
    REQUEST_TIMEOUT_MS: "120000",
    JWT_SECRET: randomSecret(),
  });
  answers = await askSmoke(service.base);
}, 600_000);

afterAll(async () => {
  await service?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the production build", () => {
  it("holds JavaScript only, the migrations and the other assets", () => {
    const dist = path.join(dir, "dist");
    for (const code of ["main.js", "seed/load-seed.js", "cli/seed.js", "cli/token.js"])
      expect(fs.existsSync(path.join(dist, code)), code).toBe(true);
    const files = fs.readdirSync(dist, { recursive: true, encoding: "utf8" });
    expect(files.filter((f) => f.endsWith(".ts"))).toEqual([]);
    const migrations = (d: string) => fs.readdirSync(d).filter((f) => f.endsWith(".cypher"));
    expect(migrations(path.join(dist, "store/migrations"))).toEqual(
      migrations(path.join(PACKAGE_ROOT, "src/store/migrations")),
    );
    for (const asset of ["schema", "seed", "config/due-dates.yaml", "explorer/explorer.js"].map(
      (a) => `assets/${a}`,
    ))
      expect(fs.existsSync(path.join(dist, asset)), asset).toBe(true);
  });

  it("has no build tool where the compiled service resolves its packages", () => {
    const resolveFromDist = createRequire(path.join(dir, "dist/main.js"));
    for (const tool of BUILD_TOOLS)
      expect(() => resolveFromDist.resolve(`${tool}/package.json`), tool).toThrow(/Cannot find module/);
    // …while the run-time packages are there.
    expect(resolveFromDist.resolve("neo4j-driver/package.json")).toContain("neo4j-driver");
  });

  it("starts with `node dist/main.js` and no loader, and answers /health and /graphql", () => {
    expect(service?.child.spawnargs.slice(1)).toEqual(["dist/main.js"]);
    expect(answers.health).toBe(200);
    expect(answers.graphql.status, JSON.stringify(answers.graphql.body)).toBe(200);
    expect(answers.graphql.body.errors).toBeUndefined();
    expect(answers.graphql.body.data?.reportingObligations?.length).toBeGreaterThan(0);
  });

  it("serves the explorer bundle the build made and GraphiQL from the installed package", () => {
    expect(answers.explorerJs.status).toBe(200);
    expect(answers.explorerJs.type).toMatch(/javascript/);
    expect(answers.explorerJs.bytes).toBeGreaterThan(10_000);
    expect(answers.graphiqlJs).toBe(200);
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await service?.stop()).toBe(0);
  });
});
