/**
 * SIGTERM: the real service (`src/main.ts` as a child process, on the test Neo4j through
 * NEO4J_URI so that no JVM of its own is started) stops accepting, answers every request it has
 * received, and exits with status 0. (recovery.test.ts does the same under a stream of writes,
 * with the service's own embedded Neo4j.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../support/global-setup.ts";
import { randomSecret } from "../support/secrets.ts";

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
    JWT_SECRET: randomSecret(),
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

/**
 * A request the service has received but not finished reading when the signal comes: the
 * headers and half the body are sent first, the rest only after `release` resolves. (Requests
 * merely queued by the kernel, not yet accepted, are reset when the listener closes; they were
 * never received, and would make a test of "answers what it received" racy.)
 */
function heldRequest(release: Promise<void>): Promise<Outcome> {
  const body = JSON.stringify({ query: QUERY });
  const half = Math.floor(body.length / 2);
  return new Promise<Outcome>((resolve) => {
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        const parsed = JSON.parse(text) as { data?: { unit?: { name?: string } }; errors?: unknown[] };
        resolve(
          res.statusCode === 200 && parsed.data?.unit?.name && !parsed.errors
            ? "answered"
            : { dropped: text },
        );
      });
    });
    req.on("error", (e) => resolve({ dropped: `${e.message} ${(e as { code?: string }).code ?? ""}` }));
    req.write(body.slice(0, half));
    void release.then(() => req.end(body.slice(half)));
  });
}

describe("SIGTERM", () => {
  it("answers every request it received (even one still arriving), refuses new connections, and exits 0", async () => {
    expect(await ask()).toBe("answered");
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const inFlight = Array.from({ length: 8 }, () => heldRequest(released));
    // Long enough for the service to accept the connections and read the requests' headers.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    service.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const outcomes = await Promise.all(inFlight);
    expect(await exited).toBe(0);
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
