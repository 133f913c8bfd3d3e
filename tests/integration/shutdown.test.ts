/**
 * SIGTERM: the real service (`src/main.ts` as a child process, on the test Neo4j through
 * NEO4J_URI so that no JVM of its own is started) stops accepting, answers every request it has
 * received, and exits with status 0. (recovery.test.ts does the same under a stream of writes,
 * with the service's own embedded Neo4j.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../support/global-setup.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const QUERY = `{ unit(id: "tinh-uy-quang-ngai") { name descendants(asOf: "2024-06-01", first: 200) { totalCount } } }`;

type Outcome = "answered" | "not-connected" | { dropped: string };

let service: ChildProcess;
let exited: Promise<number | null>;
let url = "";
const logs: { msg?: string }[] = [];

beforeAll(async () => {
  const neo4j = inject("neo4j");
  const port = await freePort();
  url = `http://127.0.0.1:${port}/graphql`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    NEO4J_URI: neo4j.uri,
    NEO4J_USER: neo4j.user,
    NEO4J_PASSWORD: neo4j.password,
    SEED_ON_START: "never",
    LOG_LEVEL: "info",
    RATE_LIMIT_PER_MINUTE: "0",
    JWT_SECRET: "shutdown-test-secret-that-is-long-enough-for-hs256",
  };
  // `node --import tsx` keeps the service in this one process, so the signal reaches it directly.
  service = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  exited = new Promise((resolve) => service.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    readline.createInterface({ input: service.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        logs.push(JSON.parse(line) as { msg?: string });
      } catch {
        logs.push({ msg: line });
      }
      if (logs.at(-1)?.msg?.startsWith("GraphQL ready")) resolve();
    });
  });
  const early = exited.then((code) => {
    throw new Error(`the service exited during start-up (code ${code})`);
  });
  await Promise.race([ready, early]);
}, 180_000);

afterAll(async () => {
  if (service.exitCode === null && service.signalCode === null) {
    service.kill("SIGKILL");
    await exited;
  }
});

async function ask(): Promise<Outcome> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await res.json()) as { data?: { unit?: { name?: string } }; errors?: unknown[] };
    return res.status === 200 && body.data?.unit?.name && !body.errors
      ? "answered"
      : { dropped: JSON.stringify(body) };
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    return code === "ECONNREFUSED" ? "not-connected" : { dropped: `${(e as Error).message} ${code ?? ""}` };
  }
}

describe("SIGTERM", () => {
  it("answers every request it received, refuses new connections, and exits 0", async () => {
    expect(await ask()).toBe("answered");
    const inFlight = Array.from({ length: 8 }, ask);
    service.kill("SIGTERM");
    expect(await exited).toBe(0);
    const outcomes = await Promise.all(inFlight);
    // Each request was answered in full or never reached the service; none was cut off.
    expect(outcomes.filter((o) => typeof o === "object")).toEqual([]);
    expect(await ask()).toBe("not-connected");
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        "shutting down: draining requests in flight",
        "requests drained; stopping Neo4j",
      ]),
    );
  }, 60_000);
});
