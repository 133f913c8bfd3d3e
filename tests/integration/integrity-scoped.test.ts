/**
 * integrityReport for a scoped reader (READ_ACCESS=scoped): the findings and provinces of the
 * whole-graph report whose units all lie in the reader's subtrees (its part of the graph, as
 * its whole-graph export lists it), no more and no fewer, and counts that add up to them. The
 * obligation check counts only the obligations the reader may see (as reportingObligations
 * shows them to it), so it neither counts nor hints at one towards a hidden unit.
 */
import { describe, expect, it } from "vitest";
import { readerServersForFile } from "./helpers/reader-servers.ts";
import { gqlAs, token } from "./helpers/sandbox.ts";
import { silentOrganisations } from "./helpers/silent-organisations.ts";
import type { TestServer } from "./helpers/test-server.ts";

const servers = readerServersForFile();

const DATE = "2025-07-01";
const PROVINCE = "tinh-uy-lam-dong-2025";

interface Report {
  counts: { rule: string; count: number }[];
  findings: { rule: string; message: string; units: { id: string }[] }[];
  provinces: { root: { id: string } }[];
}

async function report(s: TestServer, bearer: string, under: string | null = null): Promise<Report> {
  const r = await gqlAs<{ integrityReport: Report }>(
    s,
    bearer,
    `query($under: ID) { integrityReport(asOf: "${DATE}", under: $under) {
      counts { rule count } findings { rule message units { id } } provinces { root { id } }
    } }`,
    { under },
  );
  expect(r.errors).toBeUndefined();
  return r.data?.integrityReport as Report;
}

/** The unit ids the reader may see: the first column of its whole-graph nodes.csv. */
async function readersUnits(bearer: string): Promise<Set<string>> {
  const res = await fetch(`${servers.scoped.base}/export/_all.csv?part=nodes`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(res.status).toBe(200);
  const lines = (await res.text()).split("\r\n").slice(1);
  return new Set(lines.filter((l) => l !== "").map((l) => l.split(",")[0] as string));
}

const key = (f: Report["findings"][number]) => `${f.rule} ${f.message}`;
const NO_OBLIGATION = "NO_REPORTING_OBLIGATION";
const silentIn = (r: Report) =>
  r.findings
    .filter((f) => f.rule === NO_OBLIGATION)
    .map((f) => f.units[0]?.id as string)
    .sort();

describe("integrityReport under READ_ACCESS=scoped", () => {
  it("shows exactly the structural findings and provinces whose units are all the reader's", async () => {
    const reader = await token("viewer", [PROVINCE], "viewer-integrity");
    const admin = await token("admin");
    const mine = await readersUnits(reader);
    const all = await report(servers.server, admin);
    // NO_REPORTING_OBLIGATION is the reader's own answer: the next test.
    const structural = (f: Report["findings"][number]) => f.rule !== NO_OBLIGATION;
    const expected = all.findings.filter((f) => structural(f) && f.units.every((u) => mine.has(u.id)));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.findings.filter(structural).length);
    const got = await report(servers.scoped, reader);
    expect(got.findings.filter(structural).map(key).sort()).toEqual(expected.map(key).sort());
    expect(got.counts.reduce((n, c) => n + c.count, 0)).toBe(got.findings.length);
    expect(got.provinces.map((p) => p.root.id)).toEqual([PROVINCE]);
  });

  it("reports an organisation without obligations exactly when reportingObligations shows the reader none", async () => {
    // A reader of one agency chi bộ cơ sở: its obligations (138-QĐ/TW Điều 9) go to its direct
    // superior, outside the reader's part, so to this reader it has none.
    const CELL = "chi-bo-so-noi-vu-lam-dong";
    for (const root of [PROVINCE, CELL]) {
      const reader = await token("viewer", [root], `viewer-integrity-${root}`);
      const silent = await silentOrganisations(servers.scoped, reader, DATE);
      expect(silentIn(await report(servers.scoped, reader)), root).toEqual(silent);
      expect(silentIn(await report(servers.scoped, reader, root)), root).toEqual(silent);
    }
    const admin = silentIn(await report(servers.server, await token("admin")));
    expect(admin).not.toContain(CELL);
    const cellReader = await token("viewer", [CELL], "viewer-integrity-cell");
    expect(silentIn(await report(servers.scoped, cellReader))).toContain(CELL);
  });
});
