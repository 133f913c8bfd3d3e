/**
 * The warm-up at start (src/graphql/services/warm-up.ts), seen from the server's /metrics: with
 * WARMUP=on a started server plans graphDiff's statements, runs one small real graphDiff and one
 * under a real-sized scope (each its first page and its summary, without errors), plans the
 * facts statement at each size class of its keys, and reads the scope's diff again in rounds —
 * in the background, after its port is open; with WARMUP=off (the test servers' default) it runs
 * none of that. And the real-sized scope it picks: an ancestor within the bound, bounded.
 */
import { describe, expect, it } from "vitest";
import { warmUpScope } from "../../src/store/diff-repository.ts";
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

/** The statements of the diff and relation repositories' modules this server has run. */
async function diffStatements(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(
    /^party_org_graph_cypher_statements_total\{[^}]*statement="((?:diff|relation)-repository\.\w+)"[^}]*\} (\S+)$/gm,
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
  it("runs a small and a real-sized graphDiff, plans the facts at each size, then reads the scope in rounds, with WARMUP=on", async () => {
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
      // The small diff's and the real-sized one's, each page and summary.
      while (done.some((n) => n < 2) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        done = await warmUpRequests(server, "success");
      }
      expect(done).toEqual([2, 2]);
      expect(await warmUpRequests(server, "error")).toEqual([0, 0]);
      expect(await warmUpRequests(server, "partial")).toEqual([0, 0]);
      // The rounds come after the Apollo diffs: each walks the scope again (diffMembers), outside
      // the result cache, which kept the walks the Apollo diffs asked for (one per scope).
      const planned = 2; // warmDiffStatements, plain and wrapped (the result cache is on)
      let statements = await diffStatements(server);
      while ((statements["diff-repository.diffMembers"] ?? 0) < planned + 2 + 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        statements = await diffStatements(server);
      }
      expect(statements["diff-repository.diffMembers"]).toBeGreaterThanOrEqual(planned + 2 + 3);
      // Planned on empty inputs first, the sample and the scope read once each, the facts
      // statement at each of its four size classes (besides the pages' own obligations).
      expect(statements["diff-repository.diffRoots"]).toBeGreaterThanOrEqual(2);
      expect(statements["diff-repository.warmUpSample"]).toBe(1);
      expect(statements["diff-repository.warmUpScope"]).toBe(1);
      expect(statements["relation-repository.unitFacts"]).toBeGreaterThanOrEqual(4);
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

  it("picks as the real-sized scope the highest ancestor within the bound, the top left out", async () => {
    const server = await startTestServer();
    try {
      // A chi bộ of the seed (the README's example), on a day its chain of superiors is in force.
      const unit = "chi-bo-so-noi-vu-quang-ngai";
      const date = "2024-06-01";
      const big = await warmUpScope(server.db, { unit, date, maxUnits: 1_000_000 });
      expect(big).not.toBeNull();
      // It lies above the leaf, and it is not the top.
      const [found] = await server.db.read(
        `MATCH (root:Unit {id: $root}), (leaf:Unit {id: $leaf})
         RETURN EXISTS { (leaf)-[:SUBORDINATE_TO|PART_OF*1..40]->(root) } AS above,
                EXISTS { (root)-[:SUBORDINATE_TO|PART_OF]->(:Unit) } AS under`,
        { root: big?.id, leaf: unit },
      );
      expect(found).toEqual({ above: true, under: true });
      expect(big?.units).toBeGreaterThan(1);
      // A bound below it picks a lower unit, with fewer units; a bound of one, the leaf itself.
      const lower = await warmUpScope(server.db, { unit, date, maxUnits: (big?.units as number) - 1 });
      expect(lower?.id).not.toBe(big?.id);
      expect(lower?.units).toBeLessThan(big?.units as number);
      expect(await warmUpScope(server.db, { unit, date, maxUnits: 1 })).toEqual({ id: unit, units: 1 });
      expect(await warmUpScope(server.db, { unit, date, maxUnits: 0 })).toBeNull();
    } finally {
      await server.close();
    }
  });
});
