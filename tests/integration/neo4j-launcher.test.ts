/**
 * Starts a real Neo4j 5.26 as a child JVM (no Docker). Slow: the first run builds neo4j/ with Maven.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import neo4j from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EmbeddedNeo4j,
  ensureNeo4jBuilt,
  Neo4jLaunchError,
  startEmbeddedNeo4j,
} from "../../src/neo4j/launcher.ts";
import { randomSecret } from "../support/secrets.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = randomSecret();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return cond();
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neo4j-launcher-test-"));
  tempDirs.push(dir);
  return dir;
}

describe("embedded Neo4j launcher", () => {
  let neo: EmbeddedNeo4j | undefined;
  let port = 0;
  const orphanPids: number[] = [];

  beforeAll(async () => {
    await ensureNeo4jBuilt();
    port = await freePort();
    neo = await startEmbeddedNeo4j({
      boltPort: port,
      dataDir: tempDir(),
      password: PASSWORD,
      heapMb: 512,
      pageCacheMb: 64,
    });
  }, 600_000);

  afterAll(async () => {
    await neo?.stop();
    for (const pid of orphanPids) {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("serves Bolt with the configured password", async () => {
    expect(neo?.uri).toBe(`bolt://127.0.0.1:${port}`);
    const driver = neo4j.driver(neo?.uri ?? "", neo4j.auth.basic("neo4j", PASSWORD));
    try {
      const result = await driver.executeQuery("RETURN 1 AS one");
      expect(result.records[0]?.get("one").toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it("rejects a second start on the same port with a clear 'in use' error", async () => {
    const attempt = startEmbeddedNeo4j({ boltPort: port, dataDir: tempDir(), password: PASSWORD });
    await expect(attempt).rejects.toBeInstanceOf(Neo4jLaunchError);
    await expect(attempt).rejects.toThrow(new RegExp(`Bolt port ${port} is in use`));
  });

  it("rejects a password shorter than Neo4j's minimum", async () => {
    await expect(
      startEmbeddedNeo4j({ boltPort: port, dataDir: tempDir(), password: "short" }),
    ).rejects.toThrow(/at least 8/);
  });

  it("does not outlive a parent Node process that is SIGKILLed", async () => {
    const orphanPort = await freePort();
    const fixture = path.join(REPO_ROOT, "tests/integration/fixtures/orphan-parent.ts");
    // `node --import tsx` keeps the fixture in this one process (the tsx CLI would add a wrapper process).
    const parent = spawn(
      process.execPath,
      ["--import", "tsx", fixture, String(orphanPort), tempDir(), PASSWORD],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const jvmPid = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error("fixture did not report a JVM pid in 240 s")),
          240_000,
        );
        readline.createInterface({ input: parent.stdout }).on("line", (line) => {
          const m = /^JVM_PID (\d+)$/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          } else if (line.startsWith("START_FAILED")) {
            clearTimeout(timer);
            reject(new Error(line));
          }
        });
        parent.once("exit", (code) => reject(new Error(`fixture exited early with code ${code}`)));
      });
      orphanPids.push(jvmPid);
      expect(isAlive(jvmPid)).toBe(true);

      // A crash of the parent: no exit hooks run, only the closed stdin pipe and the parent-PID poll remain.
      parent.kill("SIGKILL");
      const gone = await waitUntil(() => !isAlive(jvmPid), 20_000);
      expect(gone).toBe(true);
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
    }
  }, 300_000);
});
