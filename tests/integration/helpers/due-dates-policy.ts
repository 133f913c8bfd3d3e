/** Test servers with a due-date policy of the test's own (DUE_DATES_FILE), in a temporary folder. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { startTestServer, type TestServer } from "./test-server.ts";

async function inTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "due-dates-"));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `use` against a test server whose policy file (`due-dates.yaml`) holds `lines`. */
export function withDueDatesPolicy(
  lines: string[],
  use: (server: TestServer) => Promise<void>,
): Promise<void> {
  return inTempDir(async (dir) => {
    const file = path.join(dir, "due-dates.yaml");
    await writeFile(file, [...lines, ""].join("\n"));
    const server = await startTestServer({ DUE_DATES_FILE: file });
    try {
      await use(server);
    } finally {
      await server.close();
    }
  });
}

/** A policy file (`bad.yaml`) holding `yaml` stops the start with an error matching `refusal`. */
export function expectPolicyRefused(yaml: string, refusal: RegExp): Promise<void> {
  return inTempDir(async (dir) => {
    const bad = path.join(dir, "bad.yaml");
    await writeFile(bad, yaml);
    await expect(startTestServer({ DUE_DATES_FILE: bad })).rejects.toThrow(refusal);
  });
}
