/**
 * The pair of servers the scoped-reading tests compare: one where every valid token reads the
 * whole graph, one with READ_ACCESS=scoped; both verify tokens signed with TEST_SECRET. Call at
 * the top of a test file: the servers start before its tests and stop after them.
 */
import { afterAll, beforeAll } from "vitest";
import { TEST_SECRET } from "./sandbox.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

export interface ReaderServers {
  /** READ_ACCESS as by default. */
  server: TestServer;
  /** READ_ACCESS=scoped. */
  scoped: TestServer;
}

export function readerServersForFile(): ReaderServers {
  const servers = {} as ReaderServers;
  beforeAll(async () => {
    servers.server = await startTestServer({ JWT_SECRET: TEST_SECRET });
    servers.scoped = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
  });
  afterAll(async () => {
    await servers.server?.close();
    await servers.scoped?.close();
  });
  return servers;
}
