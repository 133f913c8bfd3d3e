/**
 * The warm-up at start (src/graphql/services/warm-up.ts), seen from the server's /metrics: with
 * WARMUP=on a started server plans graphDiff's statements and then runs one small real graphDiff —
 * its first page and its summary, each once, without errors — in the background, after its port
 * is open; with WARMUP=off (the test servers' default) it runs none of that.
 */
import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "party_org_graph_";

/** The sum of this server's samples of counter `name` whose labels include `labels`. */
async function counted(server: TestServer, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^(\w+)\{([^}]*)\} (\S+)$/gm)) {
    if (m[1] !== `${P}${name}`) continue;
    const has = Object.fromEntries(
      [...(m[2] as string).matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** The statements of the diff repository's module this server has run. */
async function diffStatements(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(
    /^party_org_graph_cypher_statements_total\{[^}]*statement="(diff-repository\.\w+)"[^}]*\} (\S+)$/gm,
  ))
    counts[m[1] as string] = (counts[m[1] as string] ?? 0) + Number(m[2]);
  return counts;
}

const warmUpRequests = (server: TestServer, outcome: string) =>
  Promise.all(
    ["WarmUpDiffPage", "WarmUpDiffSummary"].map((operation) =>
      counted(server, "graphql_requests_total", { operation, outcome }),
    ),
  );

describe("the warm-up at start", () => {
  it("runs one small real graphDiff, page and summary, once each and without errors, with WARMUP=on", async () => {
    const server = await startTestServer({ WARMUP: "on" });
    try {
      // The server answers at once; the warm-up runs behind it (liveness bound only).
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
      const deadline = Date.now() + 150_000;
      let done = await warmUpRequests(server, "success");
      while (done.some((n) => n === 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        done = await warmUpRequests(server, "success");
      }
      expect(done).toEqual([1, 1]);
      expect(await warmUpRequests(server, "error")).toEqual([0, 0]);
      expect(await warmUpRequests(server, "partial")).toEqual([0, 0]);
      // The statements were planned on empty inputs first (each once, plain and as the result
      // cache wraps it), and the sample was read once.
      const statements = await diffStatements(server);
      expect(statements["diff-repository.diffRoots"]).toBeGreaterThanOrEqual(2);
      expect(statements["diff-repository.warmUpSample"]).toBe(1);
    } finally {
      await server.close();
    }
  }, 240_000);

  it("runs nothing with WARMUP=off", async () => {
    const server = await startTestServer({ WARMUP: "off" });
    try {
      // Long enough for the warm-up's first statements, had it started.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await warmUpRequests(server, "success")).toEqual([0, 0]);
      expect(await diffStatements(server)).toEqual({});
    } finally {
      await server.close();
    }
  });
});
