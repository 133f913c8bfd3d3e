/**
 * The statements the review of issue 13 (section 6) found not modelled, now held by the graph,
 * through the API: the superior Ủy ban Kiểm tra's guidance (138-QĐ/TW Điều 6 khoản 2), the local
 * government where the agency sits (Điều 13), decisions by written consent (Quy chế Điều 10
 * khoản 5, Điều 11 khoản 4), the private-sector steering committee and deadlines of two lines
 * or with a start year (Quảng Ngãi plan 2.1.1.c, 2.2.4.c, 2.2.9.b). Writes go to a sandbox
 * province that is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASIS, create, gqlAs, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "s6-";
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET: TEST_SECRET });
  admin = await token("admin", [], "admin-tester");
  await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: `${P}huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
  await create(server, admin, { id: `${P}ubkt-huyen`, kind: "INSPECTION_COMMISSION" }, `${P}huyen`);
  // A commune of the two-level local government (from 01/07/2025), with its Đảng ủy UBND xã.
  const REFORM = "2025-07-01";
  await create(server, admin, { id: `${P}xa`, kind: "COMMUNE_COMMITTEE" }, `${P}tinh-uy`, REFORM);
  await create(
    server,
    admin,
    { id: `${P}dang-uy-ubnd-xa`, kind: "GOVERNMENT_PARTY_COMMITTEE" },
    `${P}xa`,
    REFORM,
  );
  await create(server, admin, { id: `${P}ubnd-xa`, kind: "PEOPLES_COMMITTEE" }, null, REFORM);
  await create(server, admin, { id: `${P}so`, kind: "STATE_AGENCY" }, `${P}tinh-uy`);
  await create(
    server,
    admin,
    { id: `${P}chi-bo-so`, kind: "BASIC_PARTY_CELL", sector: "AGENCY", host: `${P}so` },
    `${P}huyen`,
  );
  const leads = await gqlAs(
    server,
    admin,
    `mutation ($input: AddRelationInput!) { addRelation(input: $input) { kind } }`,
    {
      input: {
        type: "LEADS",
        fromId: `${P}dang-uy-ubnd-xa`,
        toId: `${P}ubnd-xa`,
        validFrom: REFORM,
        basis: BASIS,
      },
    },
  );
  if (leads.errors) throw new Error(leads.errors[0]?.message);
});

afterAll(async () => {
  if (!server) return;
  await removeSandbox(server.db, P);
  await server.close();
});

interface Rel {
  type: string;
  from: { id: string };
  to: { id: string };
  rule: { id: string } | null;
}

async function ruleRelations(
  unitId: string,
  asOf: string,
  ruleIds: string[],
): Promise<[string, string, string][]> {
  const res = await gqlAs<{ unit: { relations: Rel[] } }>(
    server,
    admin,
    `query ($id: ID!, $d: Date) { unit(id: $id) { relations(asOf: $d) { type from { id } to { id } rule { id } } } }`,
    { id: unitId, d: asOf },
  );
  expect(res.errors).toBeUndefined();
  return (res.data?.unit.relations ?? [])
    .filter((r) => ruleIds.includes(r.rule?.id ?? ""))
    .map((r) => [r.rule?.id as string, r.from.id, r.to.id] as [string, string, string])
    .sort();
}

describe("138-QĐ/TW Điều 6 khoản 2: the superior Ủy ban Kiểm tra guides the agency organisation's discipline", () => {
  const RULE = "qd-138-d6-k2-guided-by-superior-ubkt";

  it("the Ủy ban Kiểm tra of the direct superior committee, on the date", async () => {
    expect(await ruleRelations(`${P}chi-bo-so`, "2024-06-01", [RULE])).toEqual([
      [RULE, `${P}ubkt-huyen`, `${P}chi-bo-so`],
    ]);
    // Before 138-QĐ/TW (01/12/2023) the rule is not in force.
    expect(await ruleRelations(`${P}chi-bo-so`, "2023-11-30", [RULE])).toEqual([]);
  });

  it("in the seed: the Sở Nội vụ's chi bộ of Quảng Ngãi is guided by the UBKT of the Đảng ủy Khối it was under", async () => {
    const chiBo = "chi-bo-so-noi-vu-quang-ngai";
    expect(await ruleRelations(chiBo, "2024-06-01", [RULE])).toEqual([
      [RULE, "uy-ban-kiem-tra-dang-uy-khoi-co-quan-quang-ngai", chiBo],
    ]);
    const res = await gqlAs<{
      unit: { relations: { rule: { id: string; recipient: string; basis: { id: string }[] } | null }[] };
    }>(
      server,
      admin,
      `{ unit(id: "${chiBo}") { relations(types: [GUIDES], asOf: "2024-06-01") { rule { id recipient basis { id } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.relations.map((r) => r.rule).filter((r) => r?.id === RULE)).toEqual([
      { id: RULE, recipient: "SUPERIOR_INSPECTION_COMMISSION", basis: [{ id: "qd-138-2023-d6-k2" }] },
    ]);
  });
});

describe("138-QĐ/TW Điều 13: the committee and the government of the place where the agency sits", () => {
  const RULES = ["qd-138-d13-local-committee", "qd-138-d13-local-government"];

  it("from the day the seat is recorded: the seat committee and the people's committee its đảng ủy UBND leads", async () => {
    const seated = await gqlAs(
      server,
      admin,
      `mutation { updateUnit(input: { id: "${P}so", effectiveOn: "2025-08-01", basis: ["qd-138-2023-d13"], seat: "${P}xa" }) { id } }`,
    );
    expect(seated.errors).toBeUndefined();
    const cell = `${P}chi-bo-so`;
    const pair = (rule: string, other: string) => [rule, ...[cell, other].sort()];
    const normalise = (list: [string, string, string][]) =>
      list.map(([r, a, b]) => [r, ...[a, b].sort()]).sort();
    expect(normalise(await ruleRelations(cell, "2025-09-01", RULES))).toEqual(
      [pair(RULES[0] as string, `${P}xa`), pair(RULES[1] as string, `${P}ubnd-xa`)].sort(),
    );
    expect(await ruleRelations(cell, "2025-07-31", RULES)).toEqual([]);
  });
});

describe("Quy chế Điều 10 khoản 5, Điều 11 khoản 4: deciding by written consent of more than 50%", () => {
  it("the Ban Chấp hành's and the Ban Thường vụ's meeting rules say who asks, the share and the provision", async () => {
    const res = await gqlAs<{
      meetingRules: {
        id: string;
        body: { id: string };
        writtenConsent: {
          moreThan: number;
          label: string;
          text: string;
          requestedBy: { id: string };
          basis: { id: string }[];
        } | null;
      }[];
    }>(
      server,
      admin,
      `{ meetingRules(unitId: "dang-uy-khoi-co-quan-lam-dong") { id body { id }
          writtenConsent { moreThan label text requestedBy { id } basis { id } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const byBody = new Map((res.data?.meetingRules ?? []).map((m) => [m.body.id, m.writtenConsent]));
    expect(byBody.get("bch-dang-uy-khoi-co-quan-lam-dong")).toMatchObject({
      moreThan: 0.5,
      requestedBy: { id: "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong" },
      basis: [{ id: "ld-duk-qc-2020-d10-k5" }],
    });
    expect(byBody.get("ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong")).toMatchObject({
      moreThan: 0.5,
      requestedBy: { id: "thuong-truc-dang-uy-khoi-co-quan-lam-dong" },
      basis: [{ id: "ld-duk-qc-2020-d11-k4" }],
    });
    expect(byBody.get("ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong")?.label).toMatch(/trên 50%/);
    expect(byBody.get("ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong")?.text).toMatch(
      /có giá trị như nghị quyết/,
    );
    // The Thường trực's rules state no such procedure.
    expect(byBody.get("thuong-truc-dang-uy-khoi-co-quan-lam-dong")).toBeNull();
  });
});

describe("the Quảng Ngãi plan: the private-sector steering committee and deadlines as the text states them", () => {
  const task = async (code: string) => {
    const res = await gqlAs<{
      task: {
        deadline: { type: string; text: string; startYear: number | null };
        deadlines: { type: string; text: string; startYear: number | null; recurring: boolean }[];
        assignments: {
          role: string;
          roleLabel: string;
          unit: { id: string; kind: string; kindLabel: string };
        }[];
      };
    }>(
      server,
      admin,
      `query ($code: String!) { task(code: $code, planId: "qn-ke-hoach-nq21") {
          deadline { type text startYear } deadlines { type text startYear recurring }
          assignments(asOf: "2024-06-01") { role roleLabel unit { id kind kindLabel } } } }`,
      { code },
    );
    expect(res.errors).toBeUndefined();
    return res.data?.task;
  };

  it("the Ban Chỉ đạo xây dựng tổ chức đảng, đoàn thể trong các đơn vị kinh tế tư nhân tỉnh advises on 2.1.1.c", async () => {
    const t = await task("2.1.1.c");
    expect(t?.assignments.filter((a) => a.unit.kind === "STEERING_COMMITTEE")).toEqual([
      {
        role: "LEADS_ADVICE",
        roleLabel: expect.any(String),
        unit: {
          id: "ban-chi-dao-kinh-te-tu-nhan-tinh-quang-ngai",
          kind: "STEERING_COMMITTEE",
          kindLabel: "Ban Chỉ đạo",
        },
      },
    ]);
  });

  it("2.2.9.b has two deadline lines, 'Thường xuyên' and 'Hằng năm'; 2.2.4.c runs 'Từ năm 2022'", async () => {
    const b = await task("2.2.9.b");
    expect(b?.deadlines).toEqual([
      { type: "ONGOING", text: "Thường xuyên", startYear: null, recurring: true },
      { type: "YEARLY", text: "Hằng năm", startYear: null, recurring: true },
    ]);
    expect(b?.deadline).toEqual({ type: "ONGOING", text: "Thường xuyên", startYear: null });
    const c = await task("2.2.4.c");
    expect(c?.deadline).toEqual({ type: "ONGOING", text: "Từ năm 2022", startYear: 2022 });
    expect(c?.deadlines).toHaveLength(1);
  });

  const calendar = async (unitId: string, from: string, to: string) => {
    const res = await gqlAs<{
      reportingCalendar: {
        entries: { id: string; date: string; task: { code: string } | null }[];
        undated: { id: string; task: { code: string } | null }[];
      };
    }>(
      server,
      admin,
      `query ($id: ID!, $from: Date!, $to: Date!) { reportingCalendar(unitId: $id, from: $from, to: $to, asOf: $from, types: [TASK]) {
          entries { id date task { code } } undated { id task { code } } } }`,
      { id: unitId, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data?.reportingCalendar;
  };

  it("the calendar lists both lines of 2.2.9.b, and 2.2.4.c only from 2022", async () => {
    const mttq = await calendar("dang-doan-mttq-tinh-quang-ngai", "2024-01-01", "2024-12-31");
    expect(mttq?.entries.filter((e) => e.task?.code === "2.2.9.b").map((e) => e.date)).toEqual([
      "2024-12-31",
    ]);
    expect(mttq?.undated.filter((e) => e.task?.code === "2.2.9.b")).toHaveLength(1);
    const code = (list: { task: { code: string } | null }[] | undefined) =>
      (list ?? []).map((e) => e.task?.code);
    expect(
      code((await calendar("ban-to-chuc-tinh-uy-quang-ngai", "2021-01-01", "2021-12-31"))?.undated),
    ).not.toContain("2.2.4.c");
    expect(
      code((await calendar("ban-to-chuc-tinh-uy-quang-ngai", "2022-01-01", "2022-12-31"))?.undated),
    ).toContain("2.2.4.c");
  });
});
