/**
 * Collective and relative assignees of the Quảng Ngãi plan for Nghị quyết 21-NQ/TW over HTTP,
 * of the real seed: "Ban thường vụ các huyện ủy, Thị ủy, Thành ủy, đảng ủy trực thuộc Tỉnh ủy"
 * and "Ủy ban kiểm tra cấp ủy chủ trì, phối hợp với Ban Tổ chức cấp ủy cùng cấp" are assignee
 * selectors, resolved on the date asked, each expanded assignment naming its selector. And the
 * dates and citations behind facts: a relation starts no earlier than its document; a fact
 * resting on a distribution list or the addressees says so.
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

const PLAN = "qn-ke-hoach-nq21";
const DISTRICT = "huyen-uy-son-tinh-quang-ngai";
const DISTRICT_BTV = "ban-thuong-vu-huyen-uy-son-tinh-quang-ngai";

interface Assignment {
  role: string;
  unit: { id: string };
  member: { id: string } | null;
  selector: { id: string; title: string; basis: { document: { number: string } }[] } | null;
}

async function planAssignments(asOf: string) {
  const res = await server.gql<{
    plan: { tasks: { id: string; code: string; assignments: Assignment[] }[] };
  }>(
    `query ($id: ID!, $asOf: Date) { plan(id: $id) { tasks { id code assignments(asOf: $asOf) {
        role unit { id } member { id } selector { id title basis { document { number } } } } } } }`,
    { id: PLAN, asOf },
  );
  expect(res.errors).toBeUndefined();
  return { tasks: res.data?.plan.tasks ?? [], roundTrips: res.extensions?.cypherRoundTrips };
}

async function unitTasks(unitId: string, asOf: string) {
  const res = await server.gql<{
    tasks: {
      role: string;
      task: { id: string };
      selector: { id: string } | null;
      member: { id: string } | null;
    }[];
  }>(
    `query ($id: ID!, $asOf: Date) { tasks(unitId: $id, asOf: $asOf) { role task { id } selector { id } member { id } } }`,
    { id: unitId, asOf },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.tasks ?? [];
}

describe("assignee selectors", () => {
  it("a district Ban Thường vụ lists every task the plan gives it, each naming the selector and its committee", async () => {
    const mine = await unitTasks(DISTRICT_BTV, "2024-06-01");
    // Most of the plan's ~35 tasks name "Ban thường vụ các huyện ủy, Thị ủy, Thành ủy …".
    expect(new Set(mine.map((a) => a.task.id)).size).toBeGreaterThan(20);
    for (const a of mine) {
      expect(a.selector?.id).toMatch(/^qn-nq21-btv-/);
      expect(a.member?.id).toBe(DISTRICT);
    }
    // The same answer from the other side: the tasks whose expanded assignments hold this Ban Thường vụ.
    const { tasks } = await planAssignments("2024-06-01");
    const fromPlan = tasks
      .filter((t) => t.assignments.some((a) => a.unit.id === DISTRICT_BTV))
      .map((t) => t.id);
    expect([...new Set(mine.map((a) => a.task.id))].sort()).toEqual(fromPlan.sort());
  });

  it("expands the class on the date: every district and đảng ủy trực thuộc before the reform, none after", async () => {
    const before = await planAssignments("2024-06-01");
    const t = before.tasks.find((x) => x.code === "2.1.1.a");
    const bySelector =
      t?.assignments.filter((a) => a.selector?.id === "qn-nq21-btv-cap-uy-truc-thuoc-tinh-uy") ?? [];
    expect(bySelector.map((a) => a.unit.id)).toEqual(
      expect.arrayContaining([
        DISTRICT_BTV,
        "ban-thuong-vu-thanh-uy-thanh-pho-quang-ngai",
        "ban-thuong-vu-dang-uy-khoi-co-quan-quang-ngai",
        "ban-thuong-vu-dang-uy-quan-su-quang-ngai",
      ]),
    );
    for (const a of bySelector) expect(a.role).toBe("CARRIES_OUT");
    expect(bySelector[0]?.selector?.title).toMatch(/Ban thường vụ các huyện ủy/);
    expect(bySelector[0]?.selector?.basis.map((b) => b.document.number)).toContain("(không ghi số)");
    // The committees themselves are not assignees: the text names their Ban Thường vụ.
    expect(t?.assignments.some((a) => a.unit.id === "dang-uy-khoi-co-quan-quang-ngai")).toBe(false);

    const after = await planAssignments("2025-07-01");
    const later = after.tasks.find((x) => x.code === "2.1.1.a");
    expect(later?.assignments.filter((a) => a.unit.id === DISTRICT_BTV)).toEqual([]);
    expect((await unitTasks(DISTRICT_BTV, "2025-07-01")).length).toBe(0);
  });

  it("a relative role: the Ủy ban Kiểm tra of each committee leads the advice, the Ban Tổ chức of the same committee coordinates (2.2.10)", async () => {
    const { tasks } = await planAssignments("2024-06-01");
    const t = tasks.find((x) => x.code === "2.2.10");
    const lead = t?.assignments.filter((a) => a.selector?.id === "qn-nq21-ubkt-cap-uy-cap-huyen") ?? [];
    const coord =
      t?.assignments.filter((a) => a.selector?.id === "qn-nq21-ban-to-chuc-cap-uy-cap-huyen") ?? [];
    expect(lead.every((a) => a.role === "LEADS_ADVICE")).toBe(true);
    expect(coord.every((a) => a.role === "COORDINATES")).toBe(true);
    const ofDistrict = (list: Assignment[]) =>
      list.filter((a) => a.member?.id === DISTRICT).map((a) => a.unit.id);
    expect(ofDistrict(lead)).toEqual(["uy-ban-kiem-tra-huyen-uy-son-tinh-quang-ngai"]);
    expect(ofDistrict(coord)).toEqual(["ban-to-chuc-huyen-uy-son-tinh-quang-ngai"]);
    // Each committee with both bodies pairs them up.
    const coordinators = new Set(coord.map((a) => a.member?.id));
    expect(lead.filter((a) => coordinators.has(a.member?.id)).length).toBeGreaterThanOrEqual(4);

    const ubkt = await unitTasks("uy-ban-kiem-tra-huyen-uy-son-tinh-quang-ngai", "2024-06-01");
    expect(ubkt).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: "LEADS_ADVICE", selector: { id: "qn-nq21-ubkt-cap-uy-cap-huyen" } }),
      ]),
    );
  });

  it("a body named by the text is its own unit: the plan's tasks and yearly report go to the Ban Thường vụ Tỉnh đoàn, not the Tỉnh đoàn", async () => {
    const btv = "ban-thuong-vu-tinh-doan-quang-ngai";
    const codes = async (unitId: string) => {
      const mine = await unitTasks(unitId, "2024-06-01");
      const { tasks } = await planAssignments("2024-06-01");
      const byId = new Map(tasks.map((t) => [t.id, t.code]));
      return new Set(mine.map((a) => byId.get(a.task.id)));
    };
    // 2.1.1.b, 2.1.1.c, 2.1.4, 2.2.9.a and 2.2.9.b name "Ban Thường vụ Tỉnh đoàn".
    expect(await codes(btv)).toEqual(new Set(["2.1.1.b", "2.1.1.c", "2.1.4", "2.2.9.a", "2.2.9.b"]));
    // The Tỉnh đoàn itself keeps only what names it as a tổ chức chính trị - xã hội (2.2.9.a).
    expect(await codes("tinh-doan-quang-ngai")).toEqual(new Set(["2.2.9.a"]));
    const res = await server.gql<{
      reportingObligations: { recipient: { id: string }; basis: { id: string }[] }[];
    }>(
      `query ($id: ID!) { reportingObligations(unitId: $id, asOf: "2024-06-01") { recipient { id } basis { id } } }`,
      { id: btv },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.reportingObligations).toContainEqual({
      recipient: { id: "ban-thuong-vu-tinh-uy-quang-ngai" },
      basis: [{ id: "qn-kh-nq21-sc" }],
    });
    const part = await server.gql<{ unit: { relations: { to: { id: string } }[] } }>(
      `{ unit(id: "ban-thuong-vu-tinh-doan-quang-ngai") { relations(types: [PART_OF], direction: OUT, asOf: "2024-06-01") { to { id } } } }`,
    );
    expect(part.data?.unit.relations).toEqual([{ to: { id: "tinh-doan-quang-ngai" } }]);
  });

  it("a whole plan with every expanded assignment costs a bounded number of round trips", async () => {
    const { tasks, roundTrips } = await planAssignments("2024-06-01");
    expect(tasks.length).toBeGreaterThan(30);
    // The plan, its tasks, every task's assignments with the selectors expanded in the same
    // query, and the units they name: not one per task or per selector. Plus one read of the
    // citations they cite, which are reference data cached apart from the hierarchy and read by
    // id (src/graphql/result-cache.ts): 5 on a cold cache, whichever test runs first.
    expect(roundTrips).toBeLessThanOrEqual(5);
  });
});

describe("dates and citations that back each fact", () => {
  const obligationsOf = async (unitId: string, asOf: string) => {
    const res = await server.gql<{
      reportingObligations: {
        recipient: { id: string };
        basis: { id: string; document: { number: string } }[];
      }[];
    }>(
      `query ($id: ID!, $asOf: Date) { reportingObligations(unitId: $id, asOf: $asOf) {
        recipient { id } basis { id document { number } } } }`,
      { id: unitId, asOf },
    );
    expect(res.errors).toBeUndefined();
    return res.data?.reportingObligations ?? [];
  };

  it("a relation of the Quy chế starts no earlier than 27/10/2021, the date of the latest document it cites", async () => {
    const fromQuyChe = (list: { basis: { id: string }[] }[]) =>
      list.filter((o) => o.basis.some((b) => b.id.startsWith("ld-duk-qc-2020-")));
    const btv = "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong";
    expect(fromQuyChe(await obligationsOf(btv, "2021-10-26"))).toEqual([]);
    expect(fromQuyChe(await obligationsOf(btv, "2021-10-27")).length).toBeGreaterThan(0);
  });

  it("a citation says when it is the addressees (kính gửi) or the distribution list (nơi nhận)", async () => {
    const res = await server.gql<{
      unit: { relations: { type: string; to: { id: string }; basis: { id: string; kind: string }[] }[] };
    }>(
      `{ unit(id: "ban-to-chuc-tinh-uy-quang-ngai") {
          relations(types: [PART_OF], direction: OUT, asOf: "2024-06-01") { type to { id } basis { id kind } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const basis = res.data?.unit.relations.flatMap((r) => r.basis) ?? [];
    expect(basis).toContainEqual({ id: "qn-1976-2023-skinh-gui", kind: "ADDRESSEES" });
    const body = await server.gql<{ unit: { source: { id: string; kind: string }[] } }>(
      `{ unit(id: "ban-thuong-vu-dang-uy-khoi-co-quan-quang-ngai") { source { id kind } } }`,
    );
    expect(body.data?.unit.source).toEqual(
      expect.arrayContaining([
        { id: "qn-kh-nq21-sc", kind: "TEXT" },
        { id: "qn-1976-2023-skinh-gui", kind: "ADDRESSEES" },
      ]),
    );
  });

  it("a relation no document states is marked synthetic instead of citing another province's list; the đảng ủy quân sự cites the provision that names it", async () => {
    const res = await server.gql<{
      unit: { relations: { to: { id: string }; synthetic: boolean; basis: { id: string }[] }[] };
    }>(
      `{ unit(id: "van-phong-tinh-uy-binh-thuan") {
          relations(types: [PART_OF, ADVISES], direction: OUT, asOf: "2024-06-01") { to { id } synthetic basis { id } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.relations).toEqual(
      expect.arrayContaining([
        { to: { id: "tinh-uy-binh-thuan" }, synthetic: true, basis: [] },
        { to: { id: "ban-thuong-vu-tinh-uy-binh-thuan" }, synthetic: true, basis: [] },
      ]),
    );
    const qs = await server.gql<{
      unit: { relations: { to: { id: string }; synthetic: boolean; basis: { id: string }[] }[] };
    }>(
      `{ unit(id: "dang-uy-quan-su-quang-ngai") {
          relations(types: [SUBORDINATE_TO], direction: OUT, asOf: "2024-06-01") { to { id } synthetic basis { id } } } }`,
    );
    const up = qs.data?.unit.relations ?? [];
    expect(up.map((r) => r.to.id)).toEqual(["tinh-uy-quang-ngai"]);
    expect(up[0]?.synthetic).toBe(false);
    expect(up[0]?.basis.map((b) => b.id)).toContain("qn-kh-nq21-s2-1-1-e");
    expect(up[0]?.basis.map((b) => b.id)).not.toContain("qn-1976-2023-skinh-gui");
  });
});
