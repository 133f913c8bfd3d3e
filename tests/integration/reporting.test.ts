/**
 * The signature question, asked over HTTP of the real seed: whom must this unit report to,
 * how often, through whom, and on what basis — and the chain to the top, before and after
 * the 2025 reform.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  // Round-trip counts here describe the queries themselves, so the result cache is off; with it
  // on, a request first reads the graph's version (tests/integration/result-cache.test.ts).
  server = await startTestServer({ RESULT_CACHE_MB: "0" });
});
afterAll(async () => {
  await server.close();
});

interface Obligation {
  obligor: { id: string };
  type: string;
  recipient: { id: string; kind: string };
  frequencies: string[];
  frequencyLabels: string[];
  via: { id: string }[];
  subject: string | null;
  basis: {
    id: string;
    article: number | null;
    clause: number | null;
    excerpt: string;
    label: string;
    document: { number: string };
  }[];
  rule: { id: string } | null;
}

const OBLIGATIONS = `query ($id: ID!, $asOf: Date) {
  reportingObligations(unitId: $id, asOf: $asOf) {
    obligor { id } type recipient { id kind } frequencies frequencyLabels via { id } subject
    basis { id article clause excerpt label document { number } } rule { id }
  }
}`;

async function obligations(id: string, asOf?: string): Promise<Obligation[]> {
  const res = await server.gql<{ reportingObligations: Obligation[] }>(OBLIGATIONS, { id, asOf });
  expect(res.errors).toBeUndefined();
  return res.data?.reportingObligations ?? [];
}

describe("reportingObligations", () => {
  it("a chi bộ cơ sở cơ quan reports to its direct superior monthly, 6-monthly, at year-end and ad hoc (138-QĐ/TW Điều 9 khoản 2)", async () => {
    const list = await obligations("chi-bo-so-noi-vu-quang-ngai", "2024-06-01");
    const toSuperior = list.find(
      (o) => o.recipient.id === "dang-uy-khoi-co-quan-quang-ngai" && o.type === "REPORTS_TO",
    );
    expect(toSuperior).toBeDefined();
    expect(toSuperior?.frequencies).toEqual(["MONTHLY", "SEMI_ANNUAL", "ANNUAL", "AD_HOC"]);
    expect(toSuperior?.frequencyLabels).toEqual([
      "hằng tháng",
      "6 tháng",
      "cuối năm",
      "đột xuất khi có yêu cầu",
    ]);
    expect(toSuperior?.rule).not.toBeNull();
    const basis = toSuperior?.basis.find(
      (b) => b.document.number === "138-QĐ/TW" && b.article === 9 && b.clause === 2,
    );
    expect(basis?.excerpt).toMatch(/hàng tháng, 6 tháng, cuối năm/);
    expect(basis?.label).toBe("Điều 9 khoản 2, 138-QĐ/TW");
  });

  it("after the reform the same cell reports to its new superior, by the same rule", async () => {
    const before = await obligations("chi-bo-so-noi-vu-quang-ngai", "2025-06-30");
    const after = await obligations("chi-bo-so-noi-vu-quang-ngai", "2025-07-01");
    const superiorOf = (list: Obligation[]) =>
      list.find((o) => o.rule && o.type === "REPORTS_TO" && o.frequencies.includes("MONTHLY"))?.recipient.id;
    expect(superiorOf(before)).toBe("dang-uy-khoi-co-quan-quang-ngai");
    expect(superiorOf(after)).toMatch(/-2025$/);
    expect(superiorOf(after)).not.toBe(superiorOf(before));
  });

  it("the cell notifies the leadership of its agency 6-monthly and at year-end (138-QĐ/TW Điều 10 khoản 3)", async () => {
    const list = await obligations("chi-bo-so-noi-vu-quang-ngai", "2024-06-01");
    const notices = list.filter((o) => o.type === "NOTIFIES");
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) {
      expect(n.frequencies).toEqual(expect.arrayContaining(["SEMI_ANNUAL", "ANNUAL"]));
      expect(n.basis.some((b) => b.document.number === "138-QĐ/TW" && b.article === 10)).toBe(true);
    }
  });

  it("Quảng Ngãi's units report on Quy định 138 to BTV Tỉnh ủy through Ban Tổ chức Tỉnh ủy (1976-CV/TU)", async () => {
    const rows = await server.db.read(
      `MATCH (u:Unit)-[r:REPORTS_TO]->(:Unit {id: 'ban-thuong-vu-tinh-uy-quang-ngai'})
       WHERE 'ban-to-chuc-tinh-uy-quang-ngai' IN r.via RETURN u.id AS id LIMIT 1`,
    );
    const reporter = rows[0]?.id as string;
    expect(reporter).toBeDefined();
    const list = await obligations(reporter, "2024-06-01");
    const o = list.find(
      (x) =>
        x.recipient.id === "ban-thuong-vu-tinh-uy-quang-ngai" &&
        x.basis.some((b) => b.document.number === "1976-CV/TU"),
    );
    expect(o?.via.map((v) => v.id)).toEqual(["ban-to-chuc-tinh-uy-quang-ngai"]);
    // "định kỳ báo cáo" with no period named: PERIODIC, nothing guessed.
    expect(o?.frequencies).toEqual(["PERIODIC"]);
    expect(o?.rule).toBeNull();
    expect(o?.basis.some((b) => b.document.number === "1976-CV/TU")).toBe(true);
    expect(o?.subject).toMatch(/138/);
  });

  it("the Ban Thường vụ of Đảng ủy Khối Lâm Đồng reports to the province (Quy chế Điều 13), and the committee lists it", async () => {
    const list = await obligations("dang-uy-khoi-co-quan-lam-dong", "2024-06-01");
    const byBodies = list.filter((o) => o.obligor.id !== "dang-uy-khoi-co-quan-lam-dong");
    expect(byBodies.length).toBeGreaterThan(0);
    expect(
      byBodies.some((o) => o.recipient.id.endsWith("tinh-uy-lam-dong") && o.frequencies.length > 0),
    ).toBe(true);
  });

  it("gives NOT_FOUND naming an unknown unit id", async () => {
    const res = await server.gql(OBLIGATIONS, { id: "khong-co-don-vi-nay" });
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(res.errors?.[0]?.message).toContain("khong-co-don-vi-nay");
  });
});

const CHAIN = `query ($id: ID!, $asOf: Date) {
  reportingChain(unitId: $id, asOf: $asOf) {
    from { id } to { id kind } relation frequencies via { id }
    basis { id label document { number } } rules { id }
  }
}`;

interface Step {
  from: { id: string };
  to: { id: string; kind: string };
  relation: string;
  frequencies: string[];
  basis: { id: string; document: { number: string } }[];
  rules: { id: string }[];
}

async function chain(id: string, asOf: string) {
  const res = await server.gql<{ reportingChain: Step[] }>(CHAIN, { id, asOf });
  expect(res.errors).toBeUndefined();
  return { steps: res.data?.reportingChain ?? [], roundTrips: res.extensions?.cypherRoundTrips };
}

describe("reportingChain", () => {
  it("walks every hop to the Central Committee in one round trip", async () => {
    const { steps, roundTrips } = await chain("chi-bo-so-noi-vu-quang-ngai", "2024-06-01");
    expect(roundTrips).toBe(1);
    expect(steps.map((s) => s.to.id)).toEqual([
      "dang-uy-khoi-co-quan-quang-ngai",
      "tinh-uy-quang-ngai",
      "bch-trung-uong",
    ]);
    expect(steps[0]?.frequencies).toEqual(["MONTHLY", "SEMI_ANNUAL", "ANNUAL", "AD_HOC"]);
    expect(steps[0]?.rules.length).toBeGreaterThan(0);
    for (const s of steps) expect(s.basis.length).toBeGreaterThan(0);
    for (let i = 1; i < steps.length; i++) expect(steps[i]?.from.id).toBe(steps[i - 1]?.to.id);
  });

  it("differs on 2025-06-30 and 2025-07-01 exactly as the reform says", async () => {
    const before = await chain("chi-bo-so-noi-vu-quang-ngai", "2025-06-30");
    const after = await chain("chi-bo-so-noi-vu-quang-ngai", "2025-07-01");
    expect(before.steps.map((s) => s.to.id)).toContain("tinh-uy-quang-ngai");
    expect(after.steps.map((s) => s.to.id)).toContain("tinh-uy-quang-ngai-2025");
    expect(after.steps.map((s) => s.to.id)).not.toContain("dang-uy-khoi-co-quan-quang-ngai");
    expect(after.steps.at(-1)?.to.id).toBe("bch-trung-uong");
  });

  it("a commune's chain goes through its district before the reform and straight to the province after", async () => {
    // Phường 1 (Đà Lạt) sat under its district until the reform ended; xã Minh họa A was founded
    // under the province on 01/07/2025.
    const before = await chain("dang-uy-phuong-1-da-lat-lam-dong", "2025-06-30");
    expect(before.steps[0]?.to.kind).toBe("DISTRICT_COMMITTEE");
    const steps = (await chain("dang-uy-xa-minh-hoa-a-lam-dong", "2025-07-01")).steps;
    expect(steps.map((s) => s.to.kind)).toEqual(["PROVINCIAL_COMMITTEE", "CENTRAL_COMMITTEE"]);
  });

  it("climbs from a body to its committee, then up", async () => {
    const { steps } = await chain("ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong", "2024-06-01");
    expect(steps[0]?.relation).toBe("PART_OF");
    expect(steps.map((s) => s.to.id)).toContain("dang-uy-khoi-co-quan-lam-dong");
    expect(steps.at(-1)?.to.id).toBe("bch-trung-uong");
  });
});

describe("meetingRules", () => {
  it("the Ban Thường vụ of Đảng ủy Khối Lâm Đồng meets monthly with a 2/3 quorum (Quy chế Điều 11)", async () => {
    const res = await server.gql<{
      meetingRules: {
        body: { id: string };
        cadence: string;
        cadenceLabel: string;
        quorum: number;
        papersLeadDays: number;
        basis: { article: number }[];
      }[];
    }>(
      `{ meetingRules(unitId: "dang-uy-khoi-co-quan-lam-dong") {
          body { id } cadence cadenceLabel quorum papersLeadDays papersLeadDaysComplex basis { article }
      } }`,
    );
    expect(res.errors).toBeUndefined();
    const rules = res.data?.meetingRules ?? [];
    const btv = rules.find((r) => r.body.id === "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong");
    expect(btv).toMatchObject({ cadence: "MONTHLY", cadenceLabel: "hằng tháng" });
    expect(btv?.quorum).toBeCloseTo(2 / 3, 3);
    expect(btv?.basis.some((b) => b.article === 11)).toBe(true);
    const bch = rules.find((r) => r.body.id === "bch-dang-uy-khoi-co-quan-lam-dong");
    expect(bch?.cadence).toBe("QUARTERLY");
    const tt = rules.find((r) => r.body.id === "thuong-truc-dang-uy-khoi-co-quan-lam-dong");
    expect(tt?.cadence).toBe("WEEKLY");
  });
});
