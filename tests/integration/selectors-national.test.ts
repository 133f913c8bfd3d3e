/**
 * Assignee selectors on the generated national graph (issue 13, "what must be true" 1): a plan
 * whose tasks name "Ban thường vụ các huyện ủy, …, đảng ủy trực thuộc Tỉnh ủy" and "Ủy ban kiểm
 * tra cấp ủy cấp huyện … phối hợp với Ban Tổ chức cấp ủy cùng cấp", anchored at a generated
 * Tỉnh ủy, expands to every district committee (and đảng ủy trực thuộc) of that province, in the
 * round trips of a nested request. The expected units are computed from the generator's own
 * output, not written down. Everything the test writes is removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANCHOR_UNITS, type GenRelation, type GenUnit } from "../../src/generator/model.ts";
import { generateNation, LAST_OLD_DAY, REFORM_DAY } from "../../src/generator/national/index.ts";
import { assigneeSelectorSchema, planSchema } from "../../src/seed/seed-schema.ts";
import { checkAnchors, deleteGenerated, importGenerated } from "../../src/store/bulk-import.ts";
import { writePlansAndSelectors } from "../../src/store/seed-repository.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

/** A few districts per old province: a small graph that still has "every district of a province". */
const SCALE = 0.005;
const ASOF = "2024-06-01";
const ANCHOR = "gen-tu-ho-chi-minh";
const MEMBER_KINDS = [
  "DISTRICT_COMMITTEE",
  "AGENCIES_BLOC_COMMITTEE",
  "ENTERPRISES_BLOC_COMMITTEE",
  "MILITARY_PARTY_COMMITTEE",
  "POLICE_PARTY_COMMITTEE",
];
const PLAN = "test-national-plan";
const SEL = {
  btv: "test-national-btv-cap-uy-truc-thuoc",
  ubkt: "test-national-ubkt-cap-huyen",
  btc: "test-national-ban-to-chuc-cap-huyen",
};

const selector = (id: string, title: string, bodies: string[]) =>
  assigneeSelectorSchema.parse({
    id,
    title,
    anchor: ANCHOR,
    members: { kinds: MEMBER_KINDS, depth: 1 },
    bodies,
    basis: ["qn-kh-nq21-sc"],
  });

const plan = planSchema.parse({
  id: PLAN,
  title: "Kế hoạch thử trên đồ thị sinh tự động",
  document: "qn-kh-nq21",
  owner: ANCHOR,
  tasks: [
    {
      id: `${PLAN}-t1`,
      code: "1",
      title: "Rà soát, kiện toàn tổ chức cơ sở đảng",
      deadline: { type: "ONGOING", text: "Thường xuyên" },
      roles: [{ role: "CARRIES_OUT", selector: SEL.btv }],
      basis: ["qn-kh-nq21-s2-1-1-a"],
    },
    {
      id: `${PLAN}-t2`,
      code: "2",
      title: "Kiểm tra, giám sát tổ chức đảng",
      deadline: { type: "YEARLY", text: "Hằng năm" },
      roles: [
        { role: "LEADS_ADVICE", selector: SEL.ubkt },
        { role: "COORDINATES", selector: SEL.btc },
      ],
      basis: ["qn-kh-nq21-s2-2-10"],
    },
  ],
});

const activeOn = (x: { validFrom: string | null; validTo: string | null }, d: string) =>
  (x.validFrom === null || x.validFrom <= d) && (x.validTo === null || d <= x.validTo);

/** The selector's expansion computed from the generator's output: member → its organ of `kind`. */
function expected(units: GenUnit[], relations: GenRelation[], kind: string, d: string): Map<string, string> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const live = relations.filter((r) => activeOn(r, d));
  const members = live
    .filter((r) => r.type === "SUBORDINATE_TO" && r.to === ANCHOR)
    .map((r) => byId.get(r.from))
    .filter((u): u is GenUnit => !!u && MEMBER_KINDS.includes(u.kind) && activeOn(u, d));
  const partOf = new Map<string, string>();
  for (const r of live) if (r.type === "PART_OF") partOf.set(r.from, r.to);
  const out = new Map<string, string>();
  for (const u of units) {
    if (u.kind !== kind || !activeOn(u, d)) continue;
    let at: string | undefined = u.id;
    for (let step = 0; step < 3 && at; step++) {
      at = partOf.get(at);
      const m = members.find((x) => x.id === at);
      if (m) out.set(m.id, u.id);
    }
  }
  return out;
}

interface Assignment {
  role: string;
  unit: { id: string };
  member: { id: string } | null;
  selector: { id: string } | null;
}

describe("assignee selectors on the generated national graph", () => {
  let server: TestServer;
  let units: GenUnit[] = [];
  let relations: GenRelation[] = [];

  beforeAll(async () => {
    // Round trips describe the queries themselves: the result cache is off.
    server = await startTestServer({ RESULT_CACHE_MB: "0" });
    await checkAnchors(server.db, ANCHOR_UNITS);
    const batches = [...generateNation({ scale: SCALE })];
    units = batches.flatMap((b) => b.units);
    relations = batches.flatMap((b) => b.relations);
    await importGenerated(server.db, batches, { singleTransaction: true });
    await writePlansAndSelectors(server.db, {
      assigneeSelectors: [
        selector(SEL.btv, "Ban thường vụ các huyện ủy, Thị ủy, Thành ủy, đảng ủy trực thuộc Tỉnh ủy", [
          "STANDING_BOARD",
        ]),
        selector(SEL.ubkt, "Ủy ban kiểm tra cấp ủy cấp huyện và tương đương", ["INSPECTION_COMMISSION"]),
        selector(SEL.btc, "Ban tổ chức cấp ủy cấp huyện và tương đương", ["ORGANISATION_COMMISSION"]),
      ],
      plans: [plan],
    });
  });

  afterAll(async () => {
    if (!server) return;
    await server.db.write("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", {
      ids: [PLAN, ...plan.tasks.map((t) => t.id), ...Object.values(SEL)],
    });
    await deleteGenerated(server.db, 1_000_000);
    await server.close();
  });

  /** The nested request of assignees.test.ts's round-trip budget, for any plan. */
  async function assignments(asOf: string, id = PLAN) {
    const res = await server.gql<{
      plan: { tasks: { id: string; assignments: Assignment[] }[] };
    }>(
      `query ($id: ID!, $asOf: Date) { plan(id: $id) { tasks { id code assignments(asOf: $asOf) {
         role unit { id } member { id } selector { id title basis { document { number } } } } } } }`,
      { id, asOf },
    );
    expect(res.errors).toBeUndefined();
    return { tasks: res.data?.plan.tasks ?? [], roundTrips: res.extensions?.cypherRoundTrips };
  }

  it("expands to the Ban Thường vụ of every district committee and đảng ủy trực thuộc of the province, in a bounded number of round trips", async () => {
    const want = expected(units, relations, "STANDING_BOARD", ASOF);
    const districts = units.filter((u) => u.kind === "DISTRICT_COMMITTEE" && u.province === "ho-chi-minh");
    expect(districts.length).toBeGreaterThan(1);
    // Every district of the province is a member, with its own Ban Thường vụ.
    for (const d of districts) expect(want.has(d.id), d.id).toBe(true);

    const { tasks, roundTrips } = await assignments(ASOF);
    const t1 = tasks.find((t) => t.id === `${PLAN}-t1`)?.assignments ?? [];
    expect(t1.map((a) => [a.member?.id, a.unit.id]).sort()).toEqual([...want.entries()].sort());
    for (const a of t1) {
      expect(a.selector?.id).toBe(SEL.btv);
      expect(a.role).toBe("CARRIES_OUT");
    }
    // One trip each for the plan, its tasks, every assignment (selectors expanded in the same
    // query), the units and the citations: not one per task, selector or district, and the
    // same as the same nested request of the seed's plan.
    expect(roundTrips).toBeLessThanOrEqual(5);
    expect(roundTrips).toBe((await assignments(ASOF, "qn-ke-hoach-nq21")).roundTrips);
  });

  it("pairs the Ủy ban Kiểm tra (leads) with the Ban Tổ chức of the same committee (coordinates)", async () => {
    const ubkt = expected(units, relations, "INSPECTION_COMMISSION", ASOF);
    const btc = expected(units, relations, "ORGANISATION_COMMISSION", ASOF);
    const { tasks } = await assignments(ASOF);
    const t2 = tasks.find((t) => t.id === `${PLAN}-t2`)?.assignments ?? [];
    const pairs = (role: string) =>
      t2
        .filter((a) => a.role === role)
        .map((a) => [a.member?.id, a.unit.id])
        .sort();
    expect(pairs("LEADS_ADVICE")).toEqual([...ubkt.entries()].sort());
    expect(pairs("COORDINATES")).toEqual([...btc.entries()].sort());
    const district = units.find((u) => u.kind === "DISTRICT_COMMITTEE" && u.province === "ho-chi-minh");
    expect(ubkt.get(district?.id ?? "")).toBeDefined();
    expect(btc.get(district?.id ?? "")).toBeDefined();
  });

  it("a district's Ban Thường vụ lists the plan's task through tasks(unitId); none after the district level ended", async () => {
    const want = expected(units, relations, "STANDING_BOARD", ASOF);
    const district = units.find((u) => u.kind === "DISTRICT_COMMITTEE" && u.province === "ho-chi-minh");
    const btv = want.get(district?.id ?? "") as string;
    const query = `query ($id: ID!, $asOf: Date) { tasks(unitId: $id, asOf: $asOf) {
        role task { id } selector { id } member { id } } }`;
    const res = await server.gql<{
      tasks: {
        role: string;
        task: { id: string };
        selector: { id: string } | null;
        member: { id: string } | null;
      }[];
    }>(query, { id: btv, asOf: ASOF });
    expect(res.errors).toBeUndefined();
    expect(res.data?.tasks).toEqual([
      {
        role: "CARRIES_OUT",
        task: { id: `${PLAN}-t1` },
        selector: { id: SEL.btv },
        member: { id: district?.id },
      },
    ]);
    // As many round trips as the same question of a district Ban Thường vụ of the seed.
    const seed = await server.gql(query, { id: "ban-thuong-vu-huyen-uy-son-tinh-quang-ngai", asOf: ASOF });
    expect(seed.errors).toBeUndefined();
    expect(res.extensions?.cypherRoundTrips).toBe(seed.extensions?.cypherRoundTrips);

    const last = await server.gql<{ tasks: unknown[] }>(query, { id: btv, asOf: LAST_OLD_DAY });
    expect(last.data?.tasks).toHaveLength(1);
    const after = await server.gql<{ tasks: unknown[] }>(query, { id: btv, asOf: REFORM_DAY });
    expect(after.errors).toBeUndefined();
    expect(after.data?.tasks).toEqual([]);
    const { tasks } = await assignments(REFORM_DAY);
    expect(tasks.flatMap((t) => t.assignments)).toEqual([]);
  });
});
