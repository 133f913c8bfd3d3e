/**
 * integrityReport for a scoped reader (READ_ACCESS=scoped): the findings and provinces of the
 * whole-graph report whose units all lie in the reader's subtrees (its part of the graph, as
 * its whole-graph export lists it), no more and no fewer, and counts that add up to them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gqlAs, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
let scoped: TestServer;

beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET: TEST_SECRET });
  scoped = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
});

afterAll(async () => {
  await server?.close();
  await scoped?.close();
});

const DATE = "2025-07-01";
const PROVINCE = "tinh-uy-lam-dong-2025";

interface Report {
  counts: { rule: string; count: number }[];
  findings: { rule: string; message: string; units: { id: string }[] }[];
  provinces: { root: { id: string } }[];
}

async function report(s: TestServer, bearer: string): Promise<Report> {
  const r = await gqlAs<{ integrityReport: Report }>(
    s,
    bearer,
    `{ integrityReport(asOf: "${DATE}") {
      counts { rule count } findings { rule message units { id } } provinces { root { id } }
    } }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data?.integrityReport as Report;
}

/** The unit ids the reader may see: the first column of its whole-graph nodes.csv. */
async function readersUnits(bearer: string): Promise<Set<string>> {
  const res = await fetch(`${scoped.base}/export/_all.csv?part=nodes`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(res.status).toBe(200);
  const lines = (await res.text()).split("\r\n").slice(1);
  return new Set(lines.filter((l) => l !== "").map((l) => l.split(",")[0] as string));
}

describe("integrityReport under READ_ACCESS=scoped", () => {
  it("shows exactly the findings and provinces whose units are all the reader's", async () => {
    const reader = await token("viewer", [PROVINCE], "viewer-integrity");
    const admin = await token("admin");
    const mine = await readersUnits(reader);
    const all = await report(server, admin);
    const expected = all.findings.filter((f) => f.units.every((u) => mine.has(u.id)));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.findings.length);
    const got = await report(scoped, reader);
    const key = (f: Report["findings"][number]) => `${f.rule} ${f.message}`;
    expect(got.findings.map(key).sort()).toEqual(expected.map(key).sort());
    expect(got.counts.reduce((n, c) => n + c.count, 0)).toBe(got.findings.length);
    expect(got.provinces.map((p) => p.root.id)).toEqual([PROVINCE]);
  });
});
