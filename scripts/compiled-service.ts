/**
 * The compiled service as production runs it, for scripts/prod-check.ts and
 * tests/integration/compiled-build.test.ts: `npm run build` into a folder of its own, a
 * production node_modules beside it (no dev dependency), and `node dist/main.js` started there
 * with no loader of any kind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { PACKAGE_ROOT } from "../src/asset-paths.ts";

/** Dev dependencies that must not be in a production install (what "no compiler at run time" means). */
export const BUILD_TOOLS = ["typescript", "tsx", "esbuild"] as const;

/** Runs a command to its end without blocking the event loop (a build takes minutes on a busy machine). */
function run(command: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
  });
}

/** `npm run build -- --out <dir>/dist`, with the package files beside it: the folder production deploys. */
export async function buildInto(dir: string): Promise<void> {
  const build = path.join(PACKAGE_ROOT, "scripts/build.ts");
  const code = await run(
    process.execPath,
    ["--import", "tsx", build, "--out", path.join(dir, "dist")],
    PACKAGE_ROOT,
  );
  if (code !== 0) throw new Error(`npm run build failed (exit ${code})`);
  for (const file of ["package.json", "package-lock.json"])
    fs.copyFileSync(path.join(PACKAGE_ROOT, file), path.join(dir, file));
}

interface LockEntry {
  dev?: boolean;
  optional?: boolean;
}

/**
 * What `npm ci --omit=dev` would install, read from package-lock.json: the top-level packages
 * not marked dev (nested node_modules come along inside them).
 */
export function productionPackages(): { name: string; optional: boolean }[] {
  const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  return Object.entries(lock.packages)
    .filter(([key, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) && !entry.dev)
    .map(([key, entry]) => ({ name: key.slice("node_modules/".length), optional: entry.optional === true }));
}

/**
 * The production install without the network: <dir>/node_modules holds a link to each package of
 * productionPackages() in this checkout's install, and nothing else. Optional packages for other
 * platforms are not installed here, and are skipped.
 */
export function linkProductionTree(dir: string): number {
  let linked = 0;
  for (const { name, optional } of productionPackages()) {
    const installed = path.join(PACKAGE_ROOT, "node_modules", name);
    if (!fs.existsSync(installed)) {
      if (optional) continue;
      throw new Error(`${name} is a production dependency in package-lock.json but is not installed`);
    }
    const link = path.join(dir, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(fs.realpathSync(installed), link, "dir");
    linked++;
  }
  return linked;
}

/** The real production install: `npm ci --omit=dev` (npm 10 when this npm refuses the lock file, as in .ci/run). */
export async function npmInstallProduction(dir: string): Promise<void> {
  const args = ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
  if ((await run("npm", args, dir)) === 0) return;
  console.log("npm ci failed; installing the same lock file with npm 10");
  const code = await run("npx", ["-y", "npm@10", ...args], dir);
  if (code !== 0) throw new Error(`npm ci --omit=dev failed (exit ${code})`);
}

export interface CompiledService {
  child: ChildProcess;
  base: string;
  /** The JSON log lines it has written. */
  logs: { msg?: string }[];
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/**
 * `node dist/main.js` in `dir`, on `port`, with `env` on top of a clean environment (PATH and
 * HOME only: no NODE_OPTIONS, so no loader); resolves once it logs "GraphQL ready".
 */
export async function startCompiled(
  dir: string,
  port: number,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<CompiledService> {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: { msg?: string }[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        logs.push(JSON.parse(line) as { msg?: string });
      } catch {
        logs.push({ msg: line });
      }
      if (logs.at(-1)?.msg?.startsWith("GraphQL ready")) resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      exited.then((code) => {
        throw new Error(`node dist/main.js exited during start-up (code ${code}): ${stderr.trim()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`node dist/main.js not ready within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** The signature question, for a smoke test of a running service. */
export const SMOKE_QUERY = `{
  reportingObligations(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2024-06-01") {
    recipient { id name }
    basis { label }
  }
}`;

export interface SmokeAnswers {
  health: number;
  graphql: { status: number; body: { data?: { reportingObligations?: unknown[] }; errors?: unknown[] } };
  explorerJs: { status: number; type: string | null; bytes: number };
  /** GraphiQL's script, served from the installed graphiql package. */
  graphiqlJs: number;
}

/** Asks a running service what a smoke test checks: health, one query, the explorer bundle, GraphiQL. */
export async function askSmoke(base: string): Promise<SmokeAnswers> {
  const health = await fetch(`${base}/health`);
  const gql = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: SMOKE_QUERY }),
  });
  const js = await fetch(`${base}/explorer/assets/explorer.js`);
  const graphiql = await fetch(`${base}/assets/graphiql.min.js`);
  await graphiql.arrayBuffer();
  return {
    health: health.status,
    graphql: { status: gql.status, body: (await gql.json()) as SmokeAnswers["graphql"]["body"] },
    explorerJs: { status: js.status, type: js.headers.get("content-type"), bytes: (await js.text()).length },
    graphiqlJs: graphiql.status,
  };
}
