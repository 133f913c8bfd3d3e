/**
 * The prescribed channel of Lâm Đồng's 350-CV/TU over HTTP, of the real seed (the synthetic
 * commune Minh họa A): the route UBND xã → Đảng ủy UBND xã → Thường trực / BTV đảng ủy xã, and
 * both practices the letter corrects detected with their rule and basis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const XA = "xa-minh-hoa-a-lam-dong";
const UBND = `ubnd-${XA}`;
const DU_UBND = `dang-uy-ubnd-${XA}`;
const BTV = `ban-thuong-vu-dang-uy-${XA}`;
const TT = `thuong-truc-dang-uy-${XA}`;
const UBKT = `uy-ban-kiem-tra-dang-uy-${XA}`;
const ASOF = "2026-01-15";

const RULE = "id kind title basis { id label document { number } }";
const ROUTE = `units { id } prescribed rules { id } basis { id label } explanation unresolved`;
const CHECK = `query ($path: [ID!]!, $asOf: Date, $kind: SubmissionKind) {
  checkSubmission(path: $path, asOf: $asOf, kind: $kind) {
    valid kind asOf path { id }
    violations { rule { ${RULE} } from { id } to { id } fromIndex toIndex expected { id } message basis { id label } }
    rulesApplied { id }
    route { ${ROUTE} }
  }
}`;

interface Check {
  valid: boolean;
  kind: string;
  path: { id: string }[];
  violations: {
    rule: {
      id: string;
      kind: string;
      title: string;
      basis: { id: string; label: string; document: { number: string } }[];
    };
    from: { id: string };
    to: { id: string };
    fromIndex: number;
    toIndex: number;
    expected: { id: string }[];
    message: string;
    basis: { id: string; label: string }[];
  }[];
  rulesApplied: { id: string }[];
  route: { units: { id: string }[]; prescribed: boolean } | null;
}

async function check(path: string[], kind?: string, asOf = ASOF): Promise<Check> {
  const res = await server.gql<{ checkSubmission: Check }>(CHECK, { path, kind, asOf });
  expect(res.errors).toBeUndefined();
  return res.data?.checkSubmission as Check;
}

describe("submissionRoute", () => {
  it("UBND xã → Đảng ủy UBND xã → Ban Thường vụ / Thường trực đảng ủy xã (350-CV/TU)", async () => {
    for (const to of [BTV, TT]) {
      const res = await server.gql<{ submissionRoute: Record<string, unknown> }>(
        `query ($from: ID!, $to: ID!, $asOf: Date) {
          submissionRoute(fromId: $from, toId: $to, asOf: $asOf) { from { id } to { id } asOf ${ROUTE} }
        }`,
        { from: UBND, to, asOf: ASOF },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.submissionRoute).toMatchObject({
        from: { id: UBND },
        to: { id: to },
        asOf: ASOF,
        units: [{ id: UBND }, { id: DU_UBND }, { id: to }],
        prescribed: true,
        rules: [{ id: "ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa" }],
        basis: [
          { id: "ld-350-2025-s0", label: "mục 0, 350-CV/TU" },
          { id: "ld-350-2025-s1", label: "mục 1, 350-CV/TU" },
        ],
        unresolved: [],
      });
      expect(res.data?.submissionRoute.explanation).toMatch(
        /Ủy ban nhân dân xã Minh họa A → Đảng ủy Ủy ban nhân dân xã Minh họa A → /,
      );
    }
  });

  it("is direct where no rule applies", async () => {
    const q = `query ($from: ID!, $to: ID!, $asOf: Date) { submissionRoute(fromId: $from, toId: $to, asOf: $asOf) { units { id } prescribed } }`;
    const office = await server.gql<{ submissionRoute: unknown }>(q, {
      from: `van-phong-dang-uy-${XA}`,
      to: BTV,
      asOf: ASOF,
    });
    expect(office.data?.submissionRoute).toEqual({
      units: [{ id: `van-phong-dang-uy-${XA}` }, { id: BTV }],
      prescribed: false,
    });
  });
});

describe("checkSubmission", () => {
  it("UBND xã submitting directly to the BTV đảng ủy xã is a violation, with its rule and basis", async () => {
    const c = await check([UBND, BTV]);
    expect(c.valid).toBe(false);
    expect(c.kind).toBe("SUBMISSION");
    expect(c.violations).toHaveLength(1);
    const v = c.violations[0];
    expect(v).toMatchObject({
      rule: { id: "ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa", kind: "SUBMISSION" },
      from: { id: UBND },
      to: { id: BTV },
      fromIndex: 0,
      toIndex: 1,
      expected: [{ id: DU_UBND }],
    });
    expect(v?.basis.map((b) => b.label)).toEqual(["mục 0, 350-CV/TU", "mục 1, 350-CV/TU"]);
    expect(v?.rule.basis.every((b) => b.document.number === "350-CV/TU")).toBe(true);
    expect(v?.message).toMatch(/mà không thông qua Đảng ủy Ủy ban nhân dân xã Minh họa A/);
    // The answer also gives the prescribed route.
    expect(c.route?.units.map((u) => u.id)).toEqual([UBND, DU_UBND, BTV]);
  });

  it("a path that follows the route is valid", async () => {
    const c = await check([UBND, DU_UBND, TT]);
    expect(c).toMatchObject({
      valid: true,
      violations: [],
      rulesApplied: [{ id: "ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa" }],
    });
    expect(c.path.map((u) => u.id)).toEqual([UBND, DU_UBND, TT]);
  });

  it("a coordination rule signed between the UBKT đảng ủy xã and the UBND xã is a violation", async () => {
    const c = await check([UBKT, UBND], "COORDINATION_AGREEMENT");
    expect(c.valid).toBe(false);
    expect(c.route).toBeNull();
    expect(c.violations).toEqual([
      expect.objectContaining({
        rule: expect.objectContaining({
          id: "ld-350-quy-che-phoi-hop-ubkt-voi-dang-uy-ubnd-xa",
          kind: "COORDINATION_AGREEMENT",
        }),
        from: { id: UBKT },
        to: { id: UBND },
        expected: [{ id: DU_UBND }],
      }),
    ]);
    expect(c.violations[0]?.message).toMatch(/thay vì với Đảng ủy Ủy ban nhân dân xã Minh họa A/);
    expect(c.violations[0]?.basis.map((b) => b.id)).toContain("ld-350-2025-s0");
    // With the Đảng ủy UBND xã, as 350-CV/TU requires, it is valid.
    expect((await check([UBKT, DU_UBND], "COORDINATION_AGREEMENT")).valid).toBe(true);
  });

  it("before the two-level government (30/06/2025) the units did not exist: BAD_USER_INPUT naming path", async () => {
    const res = await server.gql(CHECK, { path: [UBND, BTV], asOf: "2025-06-30" });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "path" });
  });
});

describe("bad submission requests", () => {
  it("an unknown id in the path: NOT_FOUND naming the id", async () => {
    const res = await server.gql(CHECK, { path: [UBND, "khong-co-don-vi-nay"] });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "NOT_FOUND",
      id: "khong-co-don-vi-nay",
      argument: "path",
    });
    expect(res.errors?.[0]?.message).toMatch(/khong-co-don-vi-nay/);
  });
  it("a path of one unit, or a unit repeated next to itself: BAD_USER_INPUT naming path", async () => {
    for (const path of [[UBND], [UBND, UBND, BTV]]) {
      const res = await server.gql(CHECK, { path });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "path" });
    }
  });
  it("an unknown unit, or the same unit twice, in submissionRoute", async () => {
    const q = `query ($from: ID!, $to: ID!) { submissionRoute(fromId: $from, toId: $to) { units { id } } }`;
    const unknown = await server.gql(q, { from: "khong-co", to: BTV });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: "NOT_FOUND",
      argument: "fromId",
      id: "khong-co",
    });
    const same = await server.gql(q, { from: BTV, to: BTV });
    expect(same.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "toId" });
  });
});

describe("channelRules", () => {
  it("lists the rules as data, with their selectors and basis", async () => {
    const res = await server.gql<{ channelRules: Record<string, unknown>[] }>(
      `{ channelRules { id kind from { kinds levels label } to { kinds } via { kinds label } instead { kinds } within provinces validFrom basis { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.channelRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: "ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa",
          from: { kinds: ["PEOPLES_COMMITTEE"], levels: ["COMMUNE"], label: "Ủy ban nhân dân (cấp xã)" },
          via: [{ kinds: ["GOVERNMENT_PARTY_COMMITTEE"], label: "Đảng ủy Ủy ban nhân dân (cấp xã)" }],
          instead: null,
          within: ["COMMUNE_COMMITTEE"],
          provinces: ["lam-dong"],
          validFrom: "2025-07-01",
        }),
      ]),
    );
  });
});
