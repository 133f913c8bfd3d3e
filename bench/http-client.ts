/**
 * What the benchmarks that write through our server share (bench/writes.ts, bench/reform.ts):
 * our server as a child process (bench/our-server.ts, so that its RSS can be read from /proc),
 * tokens signed with the secret it verifies, and one GraphQL request over HTTP.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { type Dispatcher, fetch } from "undici";
import { BENCH_PASSWORD } from "./neo4j.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface GqlResult {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; rule?: string; retryable?: boolean } }[];
}

/** A bearer token for our server, signed with `secret` (HS256), valid for `lifetimeS`. */
export async function signToken(
  secret: string,
  claims: { role: "editor" | "admin"; scopes?: string[] },
  subject: string,
  lifetimeS = 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeS)
    .sign(new TextEncoder().encode(secret));
}

/**
 * Starts our server (bench/our-server.ts) on the Neo4j at `uri` and `port`; `env` adds settings
 * (JWT_SECRET, WRITE_TIMEOUT_MS…). Resolves once it prints READY.
 */
export async function startOurServer(
  uri: string,
  port: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", path.join(ROOT, "bench/our-server.ts")],
    {
      cwd: ROOT,
      env: { ...process.env, NEO4J_URI: uri, NEO4J_PASSWORD: BENCH_PASSWORD, PORT: port, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const errors: string[] = [];
  proc.stderr?.on("data", (d: Buffer) => errors.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m) resolve(m[1] as string);
    });
    proc.once("exit", (code) => reject(new Error(`our server exited (${code}): ${errors.join("")}`)));
  });
  return { proc, url };
}

/**
 * Our server as `npm start` runs it — `node [nodeArgs] dist/main.js`, built beforehand (no tsx,
 * whose source maps make the driver's per-result stack capture dear) — on the Neo4j at `uri` and
 * `port`, with the bench's settings and `env`; resolves once /ready answers (within 300 s).
 */
export async function startCompiledServer(
  uri: string,
  port: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<{ proc: ChildProcess; url: string; base: string }> {
  const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, "dist", "main.js")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEO4J_URI: uri,
      NEO4J_PASSWORD: BENCH_PASSWORD,
      PORT: port,
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      GRAPHIQL: "false",
      // The bench's clients all come from 127.0.0.1.
      RATE_LIMIT_PER_MINUTE: "0",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; waited < 300_000; waited += 250) {
    if (proc.exitCode !== null) throw new Error(`dist/main.js exited (${proc.exitCode})`);
    const ok = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { proc, url: `${base}/graphql`, base };
    await new Promise((r) => setTimeout(r, 250));
  }
  proc.kill("SIGTERM");
  throw new Error("dist/main.js did not become ready within 300 s");
}

/** Stops a server started by startOurServer or startCompiledServer (SIGTERM), once it has exited. */
export async function stopOurServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}

/** A process's resident memory, MB (/proc/<pid>/status; 0 once it has gone). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * One GraphQL request with a bearer token; an unreadable answer reads as an error naming the HTTP
 * status. `dispatcher`: undici's connection settings (e.g. no 300 s wait for headers).
 */
export async function postGraphql(
  url: string,
  jwt: string,
  query: string,
  variables: unknown,
  dispatcher?: Dispatcher,
): Promise<{ status: number; body: GqlResult }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ query, variables }),
    dispatcher,
  });
  const body = (await res.json().catch(() => null)) as GqlResult | null;
  return { status: res.status, body: body ?? { errors: [{ message: `HTTP ${res.status}` }] } };
}
