/**
 * integrityReport on the seed: every rule counted, each finding checked against what the rest
 * of the API says (no superior, no obligation), per-province depth and span against
 * descendants and children, the `under` subtree, and errors naming the argument.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentOrganisations } from "./helpers/silent-organisations.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const DATE = "2025-07-01";
const PROVINCE = "tinh-uy-lam-dong-2025";

interface Report {
  counts: { rule: string; ruleLabel: string; count: number }[];
  findings: {
    rule: string;
    ruleLabel: string;
    message: string;
    units: { id: string }[];
    explorerPath: string | null;
  }[];
  provinces: {
    root: { id: string };
    depth: number;
    largestSpan: number;
    largestSpanUnit: { id: string } | null;
  }[];
}

async function report(under?: string): Promise<Report> {
  const r = await server.gql<{ integrityReport: Report }>(
    `query($under: ID) { integrityReport(asOf: "${DATE}", under: $under) {
      counts { rule ruleLabel count }
      findings { rule ruleLabel message units { id } explorerPath }
      provinces { root { id } depth largestSpan largestSpanUnit { id } }
    } }`,
    { under: under ?? null },
  );
  expect(r.errors).toBeUndefined();
  return r.data?.integrityReport as Report;
}

describe("integrityReport", () => {
  it("counts every rule, and each finding names its rule and opens its unit in the explorer", async () => {
    const rules = await server.gql<{ __type: { enumValues: { name: string }[] } }>(
      `{ __type(name: "IntegrityRule") { enumValues { name } } }`,
    );
    const r = await report();
    expect(r.counts.map((c) => c.rule).sort()).toEqual(
      rules.data?.__type.enumValues.map((v) => v.name).sort(),
    );
    expect(r.counts.reduce((n, c) => n + c.count, 0)).toBe(r.findings.length);
    for (const f of r.findings) {
      expect(f.ruleLabel.length).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(0);
      for (const u of f.units.slice(0, 1)) expect(f.explorerPath).toBe(`/explorer?unit=${u.id}&date=${DATE}`);
    }
  });

  it("reports a unit without a superior or without obligations only when the API agrees", async () => {
    const r = await report();
    const check = async (rule: string, field: string) => {
      for (const f of r.findings.filter((x) => x.rule === rule)) {
        const id = f.units[0]?.id as string;
        const a = await server.gql<Record<string, unknown>>(
          field === "superior"
            ? `{ value: unit(id: "${id}") { superior(asOf: "${DATE}") { id } } }`
            : `{ value: reportingObligations(unitId: "${id}", asOf: "${DATE}") { type } }`,
        );
        const value = a.data?.value as { superior?: unknown } | unknown[];
        if (field === "superior") expect((value as { superior: unknown }).superior, id).toBeNull();
        else expect(value, id).toEqual([]);
      }
    };
    await check("MISSING_SUPERIOR", "superior");
    await check("NO_REPORTING_OBLIGATION", "obligations");
    const withObligations = r.findings.filter(
      (f) => f.rule === "NO_REPORTING_OBLIGATION" && f.units[0]?.id === "chi-bo-so-noi-vu-lam-dong",
    );
    expect(withObligations).toEqual([]);
  });

  it("finds exactly the party organisations whose reportingObligations is empty, before, on and after the reform", async () => {
    // Before 138-QĐ/TW (01/12/2023) its rules are not in force; 30/06 and 01/07/2025 straddle the reform.
    for (const asOf of ["2023-06-01", "2025-06-30", DATE]) {
      const r = await server.gql<{
        integrityReport: { findings: { rule: string; units: { id: string }[] }[] };
      }>(`{ integrityReport(asOf: "${asOf}") { findings { rule units { id } } } }`);
      expect(r.errors).toBeUndefined();
      const found = (r.data?.integrityReport.findings ?? [])
        .filter((f) => f.rule === "NO_REPORTING_OBLIGATION")
        .map((f) => f.units[0]?.id as string)
        .sort();
      expect(found, asOf).toEqual(await silentOrganisations(server, null, asOf));
    }
  });

  it("gives each province's depth and largest span as descendants and children count them", async () => {
    const r = await report();
    expect(r.provinces.length).toBeGreaterThan(0);
    for (const p of r.provinces) {
      const d = await server.gql<{ unit: { descendants: { edges: { depth: number }[] } } }>(
        `{ unit(id: "${p.root.id}") { descendants(asOf: "${DATE}", first: 500) { edges { depth } } } }`,
      );
      const depths = d.data?.unit.descendants.edges.map((e) => e.depth) ?? [];
      expect(p.depth, p.root.id).toBe(Math.max(0, ...depths));
      const span = p.largestSpanUnit?.id as string;
      const c = await server.gql<{ unit: { children: { totalCount: number } } }>(
        `{ unit(id: "${span}") { children(asOf: "${DATE}") { totalCount } } }`,
      );
      expect(p.largestSpan, span).toBe(c.data?.unit.children.totalCount);
    }
  });

  it("keeps to the subtree of `under`", async () => {
    const r = await report(PROVINCE);
    expect(r.provinces.map((p) => p.root.id)).toEqual([PROVINCE]);
    const d = await server.gql<{ unit: { descendants: { nodes: { id: string }[] } } }>(
      `{ unit(id: "${PROVINCE}") { descendants(asOf: "${DATE}", first: 500) { nodes { id } } } }`,
    );
    const inside = new Set([PROVINCE, ...(d.data?.unit.descendants.nodes.map((n) => n.id) ?? [])]);
    for (const f of r.findings.filter((x) => x.units.length > 0 && x.rule !== "RELATION_OUTSIDE_VALIDITY"))
      expect(inside.has(f.units[0]?.id as string), f.message).toBe(true);
  });

  it("refuses an unknown `under` and a bad date, naming the argument", async () => {
    const unknown = await server.gql(`{ integrityReport(under: "no-such-unit") { asOf } }`);
    expect(unknown.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const bad = await server.gql(`{ integrityReport(asOf: "2025-02-30") { asOf } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("pages the findings: first, offset and rule slice the same list, in the same order", async () => {
    const all = await report();
    const key = (f: { rule: string; message: string }) => `${f.rule} ${f.message}`;
    const page = async (args: string) => {
      const r = await server.gql<{ integrityReport: { findings: { rule: string; message: string }[] } }>(
        `{ integrityReport(asOf: "${DATE}") { findings(${args}) { rule message } } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data?.integrityReport.findings ?? [];
    };
    expect(all.findings.length).toBeGreaterThan(4);
    expect((await page("first: 3, offset: 2")).map(key)).toEqual(all.findings.slice(2, 5).map(key));
    const rule = "NO_REPORTING_OBLIGATION";
    const ofRule = all.findings.filter((f) => f.rule === rule);
    expect(ofRule.length).toBe(all.counts.find((c) => c.rule === rule)?.count);
    expect((await page(`rule: ${rule}, first: 500`)).map(key)).toEqual(ofRule.map(key));
    expect(await page(`offset: ${all.findings.length}`)).toEqual([]);
  });

  it("refuses a negative offset and a page above MAX_PAGE_SIZE, naming the argument", async () => {
    for (const [args, name] of [
      ["offset: -1", "offset"],
      ["first: 100000", "first"],
    ]) {
      const r = await server.gql(`{ integrityReport(asOf: "${DATE}") { findings(${args}) { rule } } }`);
      expect(r.errors?.[0]?.extensions?.code, args).toMatch(/BAD_USER_INPUT|QUERY_TOO_COMPLEX/);
      expect(r.errors?.[0]?.message, args).toContain(name);
    }
  });
});
