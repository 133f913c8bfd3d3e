/**
 * `npm run prod-check`: the production install for real. Builds into a temporary folder, runs
 * `npm ci --omit=dev` there (from the registry or npm's cache), checks that no build tool was
 * installed, starts `node dist/main.js` against a Neo4j of its own (the embedded launcher, on an
 * empty store: the migrations and the seed come from dist/) or NEO4J_URI when set, asks it the
 * smoke questions, runs the operators' CLIs, and stops it with SIGTERM. Exits non-zero on any
 * failure. tests/integration/compiled-build.test.ts does the same offline, with linked packages.
 */

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "../src/asset-paths.ts";
import { type EmbeddedNeo4j, ensureNeo4jBuilt, startEmbeddedNeo4j } from "../src/neo4j/launcher.ts";
import { freePort } from "../tests/support/global-setup.ts";
import {
  askSmoke,
  BUILD_TOOLS,
  buildInto,
  type CompiledService,
  npmInstallProduction,
  startCompiled,
} from "./compiled-service.ts";

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`prod-check: ${what}`);
  console.log(`ok  ${what}`);
}

async function neo4jTarget(dir: string): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  if (process.env.NEO4J_URI)
    return {
      env: {
        NEO4J_URI: process.env.NEO4J_URI,
        NEO4J_USER: process.env.NEO4J_USER ?? "neo4j",
        NEO4J_PASSWORD: process.env.NEO4J_PASSWORD ?? "",
      },
      stop: async () => {},
    };
  await ensureNeo4jBuilt();
  // Random per run: the service refuses every secret the repository holds (src/repository-secrets.ts).
  const password = randomBytes(32).toString("base64url");
  const neo4j: EmbeddedNeo4j = await startEmbeddedNeo4j({
    boltPort: await freePort(),
    dataDir: path.join(dir, "neo4j-data"),
    password,
    heapMb: 512,
    pageCacheMb: 128,
    startTimeoutMs: Number(process.env.NEO4J_START_TIMEOUT_MS) || undefined,
    log: () => {},
  });
  return {
    env: { NEO4J_URI: neo4j.uri, NEO4J_USER: neo4j.user, NEO4J_PASSWORD: password },
    stop: () => neo4j.stop(),
  };
}

function cli(
  dir: string,
  args: string[],
  env: Record<string, string>,
): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, ...env },
    encoding: "utf8",
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "party-org-graph-prod-"));
  let service: CompiledService | undefined;
  let neo4j: Awaited<ReturnType<typeof neo4jTarget>> | undefined;
  try {
    await buildInto(dir);
    await npmInstallProduction(dir);
    for (const tool of BUILD_TOOLS)
      check(!fs.existsSync(path.join(dir, "node_modules", tool)), `${tool} is not installed`);
    neo4j = await neo4jTarget(dir);
    const secret = { JWT_SECRET: randomBytes(32).toString("base64url") };
    service = await startCompiled(dir, await freePort(), {
      ...neo4j.env,
      ...secret,
      REQUEST_TIMEOUT_MS: "120000",
    });
    check(true, "node dist/main.js started (migrations and seed from dist/)");
    const a = await askSmoke(service.base);
    check(a.health === 200, "/health answers 200");
    check(
      a.graphql.status === 200 &&
        !a.graphql.body.errors &&
        (a.graphql.body.data?.reportingObligations?.length ?? 0) > 0,
      "/graphql answers the signature question",
    );
    check(
      a.explorerJs.status === 200 && a.explorerJs.bytes > 10_000,
      "the prebuilt explorer bundle is served",
    );
    check(a.graphiqlJs === 200, "GraphiQL is served from the installed package");
    check(cli(dir, ["dist/cli/seed.js", "--check"], {}).status === 0, "node dist/cli/seed.js --check");
    const token = cli(dir, ["dist/cli/token.js", "--sub", "prod-check"], secret);
    check(token.status === 0 && /eyJ/.test(token.out), "node dist/cli/token.js mints a token");
    check((await service.stop()) === 0, "SIGTERM stops it with status 0");
    console.log(`prod-check passed (${path.relative(PACKAGE_ROOT, dir)})`);
  } finally {
    await service?.stop();
    await neo4j?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
