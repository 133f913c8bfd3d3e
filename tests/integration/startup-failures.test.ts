/**
 * `npm start` fails clearly: each known problem gives one line saying what is wrong and how
 * to fix it, a non-zero exit, and no stack trace.
 */
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomSecret } from "../support/secrets.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim(), stdout: stdout.trim() });
    });
  });
}

function expectOneClearLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("npm warn"));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^party-org-graph: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

let blocker: Server;
let blockedPort: number;
let closedPort: number;
const sockets = new Set<Socket>();
beforeAll(async () => {
  blocker = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  blockedPort = (blocker.address() as { port: number }).port;
  // A port nobody listens on: connections are refused at once.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => blocker.close(r));
});

describe("start-up failures", () => {
  it("an invalid variable names it", async () => {
    expectOneClearLine(
      await start({ PORT: "http", NEO4J_URI: "localhost:7687" }),
      /Invalid configuration: PORT .*NEO4J_URI must look like bolt:\/\//,
    );
  });

  it("an unreachable NEO4J_URI says so and how to fix it", async () => {
    expectOneClearLine(
      await start({
        NEO4J_URI: `bolt://127.0.0.1:${closedPort}`,
        NEO4J_PASSWORD: randomSecret(),
        JWT_SECRET: randomSecret(),
      }),
      /Neo4j|NEO4J_URI/,
    );
  });

  it("an external NEO4J_URI without NEO4J_PASSWORD names it", async () => {
    expectOneClearLine(
      await start({ NEO4J_URI: `bolt://127.0.0.1:${closedPort}` }),
      /NEO4J_PASSWORD must be set when NEO4J_URI is/,
    );
  });

  it("wrong credentials name NEO4J_USER and NEO4J_PASSWORD", async () => {
    const neo4j = inject("neo4j");
    expectOneClearLine(
      await start({
        NEO4J_URI: neo4j.uri,
        NEO4J_PASSWORD: randomSecret(),
        JWT_SECRET: randomSecret(),
      }),
      /credentials.*NEO4J_USER and NEO4J_PASSWORD/,
    );
  });

  it("an HTTP port in use says which and what to do", async () => {
    const neo4j = inject("neo4j");
    expectOneClearLine(
      await start({
        NEO4J_URI: neo4j.uri,
        NEO4J_PASSWORD: neo4j.password,
        JWT_SECRET: randomSecret(),
        PORT: String(blockedPort),
        HOST: "127.0.0.1",
        SEED_ON_START: "never",
      }),
      new RegExp(`HTTP port ${blockedPort} is already in use`),
    );
  });

  it("a Bolt port in use for the embedded Neo4j says which", async () => {
    expectOneClearLine(
      await start({
        NEO4J_BOLT_PORT: String(blockedPort),
        // The generated JWT secret and Neo4j password go beside the data folder: here, not in /tmp itself.
        NEO4J_DATA_DIR: "/tmp/party-org-graph-never-started/neo4j",
      }),
      new RegExp(`Bolt port ${blockedPort} is in use`),
    );
  });
});
