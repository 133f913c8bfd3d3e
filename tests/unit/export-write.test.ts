/**
 * The export's chunk writer against a real HTTP response: a response whose client has gone
 * makes it fail at once rather than wait for a "drain" that never comes.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { write } from "../../src/http/file-download.ts";

/** A response whose client connected, then left. */
async function abandonedResponse(): Promise<{ res: ServerResponse; close: () => void }> {
  let resolve!: (res: ServerResponse) => void;
  const got = new Promise<ServerResponse>((r) => {
    resolve = r;
  });
  const server = createServer((_req, res) => {
    res.once("close", () => resolve(res));
    res.write("first chunk");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  controller.abort();
  return { res: await got, close: () => server.close() };
}

describe("export write", () => {
  it("fails at once on a response whose client has gone", async () => {
    const { res, close } = await abandonedResponse();
    try {
      const outcome = Promise.race([
        write(res as never, "x".repeat(1 << 20)).then(() => "written"),
        new Promise((r) => setTimeout(() => r("still waiting after 5 s"), 5000)),
      ]);
      await expect(outcome).rejects.toThrow("client closed the connection");
    } finally {
      close();
    }
  });
});
