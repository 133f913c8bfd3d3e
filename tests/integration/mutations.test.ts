/**
 * Changing the graph: every invariant, violated, is rejected with its rule and leaves the
 * graph exactly as it was; restructuring events re-parent, carry relations over and close
 * the old units in one transaction; every change is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";
import { BASIS, CREATE, closeSandbox, create, gqlAs, openSandbox, TEST_SECRET } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "mt-";
let server: TestServer;
let admin: string;

beforeAll(async () => {
  ({ server, admin } = await openSandbox());
  await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: `${P}huyen-a`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
  await create(server, admin, { id: `${P}huyen-b`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
  for (const x of ["1", "2"])
    await create(server, admin, { id: `${P}xa-a${x}`, kind: "COMMUNE_COMMITTEE" }, `${P}huyen-a`);
  await create(server, admin, { id: `${P}xa-b1`, kind: "COMMUNE_COMMITTEE" }, `${P}huyen-b`);
  await create(server, admin, { id: `${P}chi-bo`, kind: "BASIC_PARTY_CELL", sector: "AGENCY" }, `${P}xa-a1`);
  await create(server, admin, { id: `${P}ubkt-huyen-a`, kind: "INSPECTION_COMMISSION" }, `${P}huyen-a`);
});

afterAll(() => closeSandbox(server, P));

const mutate = (query: string, variables?: Record<string, unknown>) => gqlAs(server, admin, query, variables);

async function expectRejected(
  query: string,
  variables: Record<string, unknown>,
  code: string,
  rule: RegExp,
  units: string[] = [],
): Promise<void> {
  const before = await graphSnapshot(server.db);
  const res = await mutate(query, variables);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe(code);
  expect(res.errors?.[0]?.message).toMatch(rule);
  for (const u of units) expect(res.errors?.[0]?.message).toContain(u);
  expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace/);
  expect(await graphSnapshot(server.db)).toEqual(before);
}

const ADD = `mutation ($input: AddRelationInput!) { addRelation(input: $input) { id } }`;
const SET = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const CLOSE = `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;

describe("invariants", () => {
  it("rejects a second active direct superior (CONFLICT, ONE_DIRECT_SUPERIOR)", async () => {
    await expectRejected(
      ADD,
      {
        input: {
          type: "SUBORDINATE_TO",
          fromId: `${P}xa-a1`,
          toId: `${P}huyen-b`,
          validFrom: "2024-01-01",
          basis: BASIS,
        },
      },
      "CONFLICT",
      /ONE_DIRECT_SUPERIOR: .*two direct superiors/,
      [`${P}xa-a1`, `${P}huyen-a`, `${P}huyen-b`],
    );
  });

  it("rejects a cycle (CONFLICT, NO_CYCLE)", async () => {
    await expectRejected(SET, { u: `${P}huyen-a`, s: `${P}xa-a1`, d: "2024-01-01" }, "CONFLICT", /NO_CYCLE/, [
      `${P}huyen-a`,
      `${P}xa-a1`,
    ]);
    await expectRejected(
      SET,
      { u: `${P}tinh-uy`, s: `${P}tinh-uy`, d: "2024-01-01" },
      "CONFLICT",
      /NO_CYCLE/,
    );
  });

  it("rejects validFrom after validTo (BAD_USER_INPUT, INTERVAL_ORDER)", async () => {
    await expectRejected(
      ADD,
      {
        input: {
          type: "COORDINATES_WITH",
          fromId: `${P}xa-a1`,
          toId: `${P}xa-b1`,
          validFrom: "2024-05-01",
          validTo: "2024-01-01",
          basis: BASIS,
        },
      },
      "BAD_USER_INPUT",
      /INTERVAL_ORDER: validTo 2024-01-01 is before validFrom 2024-05-01/,
    );
    await expectRejected(
      CLOSE,
      { id: `${P}chi-bo`, d: "2019-12-31" },
      "CONFLICT",
      /not in force on 2019-12-31/,
      [`${P}chi-bo`],
    );
  });

  it("rejects a relation whose endpoints are not active over its whole interval (CONFLICT, ENDPOINTS_ACTIVE)", async () => {
    await expectRejected(
      ADD,
      {
        input: {
          type: "REPORTS_TO",
          fromId: `${P}chi-bo`,
          toId: "tinh-uy-lam-dong",
          validFrom: "2024-01-01",
          frequencies: ["MONTHLY"],
          basis: BASIS,
        },
      },
      "CONFLICT",
      /ENDPOINTS_ACTIVE/,
      [`${P}chi-bo`, "tinh-uy-lam-dong"],
    );
  });

  it("rejects a kind pairing that no rule allows (BAD_USER_INPUT, KIND_PAIRING): a chi bộ cannot be the superior of a tỉnh ủy", async () => {
    await expectRejected(
      CREATE,
      {
        input: {
          unit: { id: `${P}tinh-sai`, name: "Tỉnh ủy sai", kind: "PROVINCIAL_COMMITTEE" },
          superiorId: `${P}chi-bo`,
          effectiveOn: "2024-01-01",
          basis: BASIS,
        },
      },
      "BAD_USER_INPUT",
      /KIND_PAIRING: a PROVINCIAL_COMMITTEE .* cannot be SUBORDINATE_TO a BASIC_PARTY_CELL/,
      [`${P}tinh-sai`, `${P}chi-bo`],
    );
  });

  it("rejects closing a unit that still has subordinates (CONFLICT, NO_ORPHANS)", async () => {
    await expectRejected(CLOSE, { id: `${P}huyen-a`, d: "2024-12-31" }, "CONFLICT", /NO_ORPHANS/, [
      `${P}xa-a1`,
    ]);
  });

  it("rejects closing a unit with an organ hung under it later (CONFLICT, NO_ORPHANS naming the organ), in one change or a batch", async () => {
    // The organ's link starts after the last day: closing the unit would delete it and leave the organ with no whole.
    await create(server, admin, { id: `${P}dang-uy-w`, kind: "BASIC_PARTY_COMMITTEE" }, `${P}tinh-uy`);
    await create(
      server,
      admin,
      { id: `${P}ubkt-w`, kind: "INSPECTION_COMMISSION" },
      `${P}dang-uy-w`,
      "2025-01-01",
    );
    await expectRejected(CLOSE, { id: `${P}dang-uy-w`, d: "2024-06-30" }, "CONFLICT", /NO_ORPHANS/, [
      `${P}ubkt-w`,
    ]);
    await expectRejected(
      `mutation ($ids: [ID!]!) { closeUnits(input: { ids: $ids, lastDay: "2024-06-30", basis: ["dieu-le-dang-whole"], withSubtree: true }) { id } }`,
      { ids: [`${P}dang-uy-w`] },
      "CONFLICT",
      /NO_ORPHANS/,
      [`${P}ubkt-w`],
    );
  });

  it("rejects an unknown basis, an unknown unit and a duplicate id", async () => {
    await expectRejected(
      `mutation { closeUnit(id: "${P}chi-bo", lastDay: "2024-12-31", basis: ["khong-co-dieu-nay"]) { id } }`,
      {},
      "BAD_USER_INPUT",
      /basis.*khong-co-dieu-nay/,
    );
    await expectRejected(
      SET,
      { u: `${P}khong-co`, s: `${P}huyen-a`, d: "2024-01-01" },
      "NOT_FOUND",
      /khong-co/,
    );
    await expectRejected(
      CREATE,
      {
        input: {
          unit: { id: `${P}huyen-a`, name: "x", kind: "DISTRICT_COMMITTEE" },
          superiorId: `${P}tinh-uy`,
          effectiveOn: "2024-01-01",
          basis: BASIS,
        },
      },
      "CONFLICT",
      /UNIQUE_ID/,
    );
  });

  it("rejects a malformed date naming the argument", async () => {
    await expectRejected(
      SET,
      { u: `${P}xa-b1`, s: `${P}huyen-a`, d: "2024-02-30" },
      "BAD_USER_INPUT",
      /effectiveOn/,
    );
  });
});

describe("dated changes", () => {
  it("moves a unit with its subtree from a date, keeping the history", async () => {
    const res = await mutate(SET, { u: `${P}xa-a1`, s: `${P}huyen-b`, d: "2024-07-01" });
    expect(res.errors).toBeUndefined();
    const chain = async (asOf: string) =>
      (
        await gqlAs<{ reportingChain: { to: { id: string } }[] }>(
          server,
          null,
          `query ($d: Date) { reportingChain(unitId: "${P}chi-bo", asOf: $d) { to { id } } }`,
          { d: asOf },
        )
      ).data?.reportingChain.map((s) => s.to.id);
    expect(await chain("2024-06-30")).toEqual([`${P}xa-a1`, `${P}huyen-a`, `${P}tinh-uy`, "bch-trung-uong"]);
    expect(await chain("2024-07-01")).toEqual([`${P}xa-a1`, `${P}huyen-b`, `${P}tinh-uy`, "bch-trung-uong"]);
  });

  it("renames a unit from a date and records before and after", async () => {
    const res = await mutate(
      `mutation { updateUnit(input: { id: "${P}xa-b1", effectiveOn: "2024-03-01", basis: ["dieu-le-dang-whole"], name: "Đảng ủy xã Đổi Tên" }) { kind changes { entity operation before after } } }`,
    );
    expect(res.errors).toBeUndefined();
    const change = (res.data as { updateUnit: { changes: { before: string; after: string }[] } }).updateUnit
      .changes[0];
    expect(JSON.parse(change?.before ?? "{}").name).toBe(`${P}xa-b1`);
    expect(JSON.parse(change?.after ?? "{}").name).toBe("Đảng ủy xã Đổi Tên");
    const names = await gqlAs<{
      unit: { name: string; before: string; after: string; formerNames: { name: string; validTo: string }[] };
    }>(
      server,
      null,
      `{ unit(id: "${P}xa-b1") { name before: nameOn(date: "2024-02-29") after: nameOn(date: "2024-03-01") formerNames { name validTo } } }`,
    );
    expect(names.data?.unit).toEqual({
      name: "Đảng ủy xã Đổi Tên",
      before: `${P}xa-b1`,
      after: "Đảng ủy xã Đổi Tên",
      formerNames: [{ name: `${P}xa-b1`, validTo: "2024-02-29" }],
    });
    const early = await mutate(
      `mutation { updateUnit(input: { id: "${P}xa-b1", effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"], name: "Sớm hơn" }) { kind } }`,
    );
    expect(early.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(early.errors?.[0]?.message).toMatch(/effectiveOn/);
  });

  it("dates every attribute updateUnit changes: as-of reads before the change get the old value; history keeps both", async () => {
    await create(server, admin, { id: `${P}so-a`, kind: "STATE_AGENCY" }, `${P}tinh-uy`);
    await create(server, admin, { id: `${P}so-b`, kind: "STATE_AGENCY" }, `${P}tinh-uy`);
    const cell = `${P}chi-bo-so-a`;
    await create(
      server,
      admin,
      { id: cell, kind: "BASIC_PARTY_CELL", sector: "AGENCY", host: `${P}so-a`, level: "BASIC" },
      `${P}xa-a2`,
    );
    const changed = await mutate(
      `mutation { updateUnit(input: { id: "${cell}", effectiveOn: "2024-09-01", basis: ["dieu-le-dang-whole"],
        name: "Chi bộ mới", sector: ENTERPRISE, host: "${P}so-b", level: COMMUNE }) { id } }`,
    );
    expect(changed.errors).toBeUndefined();
    const res = await gqlAs<{
      unit: Record<string, unknown>;
      old: { rule: { id: string } | null }[];
      now: { rule: { id: string } | null }[];
      history: { entity: string; operation: string; before: string | null; after: string | null }[];
    }>(
      server,
      admin,
      `query ($id: ID!) {
        unit(id: $id) {
          name nameBefore: nameOn(date: "2024-08-31")
          sector sectorBefore: sector(asOf: "2024-08-31") sectorAfter: sector(asOf: "2024-09-01")
          levelBefore: level(asOf: "2024-08-31") levelAfter: level(asOf: "2024-09-01")
          hostBefore: host(asOf: "2024-08-31") { id } hostAfter: host(asOf: "2024-09-01") { id }
          formerValues { attribute value validTo }
        }
        old: reportingObligations(unitId: $id, asOf: "2024-08-31") { rule { id } }
        now: reportingObligations(unitId: $id, asOf: "2024-09-01") { rule { id } }
        history(unitId: $id) { entity operation before after }
      }`,
      { id: cell },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit).toEqual({
      name: "Chi bộ mới",
      nameBefore: cell,
      sector: "ENTERPRISE",
      sectorBefore: "AGENCY",
      sectorAfter: "ENTERPRISE",
      levelBefore: "BASIC",
      levelAfter: "COMMUNE",
      hostBefore: { id: `${P}so-a` },
      hostAfter: { id: `${P}so-b` },
      formerValues: [
        { attribute: "name", value: cell, validTo: "2024-08-31" },
        { attribute: "sector", value: "AGENCY", validTo: "2024-08-31" },
        { attribute: "host", value: `${P}so-a`, validTo: "2024-08-31" },
        { attribute: "level", value: "BASIC", validTo: "2024-08-31" },
      ],
    });
    // The kind-level rules of 138-QĐ/TW cover agency (AGENCY) organisations: as of the day
    // before the change the cell is one, from the change it is not.
    const ruleIds = (list: { rule: { id: string } | null }[] | undefined) =>
      (list ?? []).map((o) => o.rule?.id);
    expect(ruleIds(res.data?.old)).toContain("qd-138-d9-k2-report");
    expect(ruleIds(res.data?.now)).not.toContain("qd-138-d9-k2-report");
    // One event's change records share their time: pick the unit's update among them.
    const update = res.data?.history.find((c) => c.entity === "UNIT" && c.operation === "UPDATED");
    expect(JSON.parse(update?.before ?? "{}")).toMatchObject({
      sector: "AGENCY",
      host: `${P}so-a`,
      level: "BASIC",
    });
    expect(JSON.parse(update?.after ?? "{}")).toMatchObject({
      sector: "ENTERPRISE",
      host: `${P}so-b`,
      level: "COMMUNE",
    });
    // A second change of the sector must come after the first.
    const early = await mutate(
      `mutation { updateUnit(input: { id: "${cell}", effectiveOn: "2024-08-01", basis: ["dieu-le-dang-whole"], sector: AGENCY }) { id } }`,
    );
    expect(early.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(early.errors?.[0]?.message).toMatch(/effectiveOn.*sector/);
  });

  it("an agency basic organisation coordinates with the committee of the place its agency sits (138-QĐ/TW Điều 13), from the day the seat is recorded", async () => {
    await create(server, admin, { id: `${P}so-c`, kind: "STATE_AGENCY" }, `${P}tinh-uy`);
    const cell = `${P}chi-bo-so-c`;
    await create(
      server,
      admin,
      { id: cell, kind: "BASIC_PARTY_CELL", sector: "AGENCY", host: `${P}so-c` },
      `${P}xa-a1`,
    );
    const seated = await mutate(
      `mutation { updateUnit(input: { id: "${P}so-c", effectiveOn: "2024-05-01", basis: ["qd-138-2023-d13"], seat: "${P}xa-a2" }) { id } }`,
    );
    expect(seated.errors).toBeUndefined();
    const locals = async (asOf: string) => {
      const res = await gqlAs<{
        unit: { relations: { from: { id: string }; to: { id: string }; rule: { id: string } | null }[] };
      }>(
        server,
        admin,
        `query ($id: ID!, $d: Date) { unit(id: $id) { relations(types: [COORDINATES_WITH], asOf: $d) { from { id } to { id } rule { id } } } }`,
        { id: cell, d: asOf },
      );
      expect(res.errors).toBeUndefined();
      return (res.data?.unit.relations ?? []).filter((r) => r.rule?.id === "qd-138-d13-local-committee");
    };
    // The seat is the committee of the place (xã A2), not the cell's superior (xã A1), nor any committee it has an edge to.
    expect((await locals("2024-06-01")).map((r) => [r.from.id, r.to.id].sort())).toEqual([
      [cell, `${P}xa-a2`].sort(),
    ]);
    expect(await locals("2024-04-30")).toEqual([]);
    const unknown = await mutate(
      `mutation { updateUnit(input: { id: "${P}so-c", effectiveOn: "2024-09-01", basis: ["qd-138-2023-d13"], seat: "${P}khong-co" }) { id } }`,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("adds and ends a relation", async () => {
    const added = await mutate(
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${P}chi-bo", toId: "${P}tinh-uy", validFrom: "2024-01-01", frequencies: [QUARTERLY], basis: ["dieu-le-dang-whole"] }) { changes { entity entityId } } }`,
    );
    expect(added.errors).toBeUndefined();
    const relationId = (
      added.data as { addRelation: { changes: { entity: string; entityId: string }[] } }
    ).addRelation.changes.find((c) => c.entity === "RELATION")?.entityId;
    const ended = await mutate(
      `mutation ($id: ID!) { endRelation(relationId: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { kind } }`,
      {
        id: relationId,
      },
    );
    expect(ended.errors).toBeUndefined();
    const obligations = async (asOf: string) =>
      (
        await gqlAs<{ reportingObligations: { recipient: { id: string } }[] }>(
          server,
          null,
          `{ reportingObligations(unitId: "${P}chi-bo", asOf: "${asOf}") { recipient { id } } }`,
        )
      ).data?.reportingObligations.map((o) => o.recipient.id);
    expect(await obligations("2024-06-01")).toContain(`${P}tinh-uy`);
    expect(await obligations("2025-01-01")).not.toContain(`${P}tinh-uy`);
  });
});

describe("restructuring events", () => {
  it("merges units: children re-parented, relations carried over, old units closed, one event linked to all", async () => {
    await create(server, admin, { id: `${P}m-huyen-x`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
    await create(server, admin, { id: `${P}m-huyen-y`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
    await create(server, admin, { id: `${P}m-xa-x`, kind: "COMMUNE_COMMITTEE" }, `${P}m-huyen-x`);
    await create(server, admin, { id: `${P}m-xa-y`, kind: "COMMUNE_COMMITTEE" }, `${P}m-huyen-y`);
    await create(server, admin, { id: `${P}m-ubkt-x`, kind: "INSPECTION_COMMISSION" }, `${P}m-huyen-x`);
    const rel = await mutate(
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${P}m-huyen-y", toId: "${P}tinh-uy", validFrom: "2021-01-01", frequencies: [ANNUAL], basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(rel.errors).toBeUndefined();
    const res = await mutate(
      `mutation { mergeUnits(input: { sourceIds: ["${P}m-huyen-x", "${P}m-huyen-y"], into: { id: "${P}m-huyen-xy", name: "Huyện ủy XY", kind: DISTRICT_COMMITTEE }, effectiveOn: "2023-01-01", basis: ["dieu-le-dang-whole"] }) {
         id kind effectiveOn actor units { id } changes { entity entityId operation } } }`,
    );
    expect(res.errors).toBeUndefined();
    const event = (
      res.data as { mergeUnits: { id: string; kind: string; actor: string; units: { id: string }[] } }
    ).mergeUnits;
    expect(event).toMatchObject({ kind: "MERGE_UNITS", actor: "admin-tester" });
    expect(event.units.map((u) => u.id)).toEqual(
      expect.arrayContaining([
        `${P}m-huyen-x`,
        `${P}m-huyen-y`,
        `${P}m-huyen-xy`,
        `${P}m-xa-x`,
        `${P}m-xa-y`,
        `${P}m-ubkt-x`,
      ]),
    );
    const superior = async (id: string, asOf: string) =>
      (
        await gqlAs<{ unit: { superior: { id: string } | null } }>(
          server,
          null,
          `{ unit(id: "${id}") { superior(asOf: "${asOf}") { id } } }`,
        )
      ).data?.unit.superior?.id;
    expect(await superior(`${P}m-xa-x`, "2022-12-31")).toBe(`${P}m-huyen-x`);
    expect(await superior(`${P}m-xa-x`, "2023-01-01")).toBe(`${P}m-huyen-xy`);
    expect(await superior(`${P}m-xa-y`, "2023-01-01")).toBe(`${P}m-huyen-xy`);
    const units = await server.db.read(
      "MATCH (u:Unit) WHERE u.id IN $ids RETURN u.id AS id, toString(u.validTo) AS validTo ORDER BY id",
      { ids: [`${P}m-huyen-x`, `${P}m-huyen-y`, `${P}m-ubkt-x`] },
    );
    for (const u of units) expect(u.validTo).toBe("2022-12-31");
    const carried = await server.db.read(
      `MATCH (:Unit {id: $id})-[r:REPORTS_TO]->(:Unit {id: $to}) RETURN toString(r.validFrom) AS f, r.frequencies AS fr`,
      { id: `${P}m-huyen-xy`, to: `${P}tinh-uy` },
    );
    expect(carried).toEqual([{ f: "2023-01-01", fr: ["ANNUAL"] }]);
    const history = await gqlAs<{ history: { entityId: string; operation: string }[] }>(
      server,
      null,
      `{ history(unitId: "${P}m-huyen-y") { entityId operation actor } }`,
    );
    expect(history.data?.history.some((h) => h.entityId === `${P}m-huyen-y` && h.operation === "ENDED")).toBe(
      true,
    );
  });

  it("splits a unit, assigning children to parts", async () => {
    await create(server, admin, { id: `${P}s-huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`);
    await create(server, admin, { id: `${P}s-xa-1`, kind: "COMMUNE_COMMITTEE" }, `${P}s-huyen`);
    await create(server, admin, { id: `${P}s-xa-2`, kind: "COMMUNE_COMMITTEE" }, `${P}s-huyen`);
    const res = await mutate(
      `mutation { splitUnit(input: { sourceId: "${P}s-huyen", parts: [{ id: "${P}s-huyen-bac", name: "Huyện ủy Bắc", kind: DISTRICT_COMMITTEE }, { id: "${P}s-huyen-nam", name: "Huyện ủy Nam", kind: DISTRICT_COMMITTEE }],
         assignments: [{ childId: "${P}s-xa-2", partId: "${P}s-huyen-nam" }], effectiveOn: "2023-06-01", basis: ["dieu-le-dang-whole"] }) { kind } }`,
    );
    expect(res.errors).toBeUndefined();
    const sup = await server.db.read(
      `MATCH (c:Unit)-[r:SUBORDINATE_TO]->(p:Unit) WHERE c.id IN $ids AND r.validFrom = date('2023-06-01') RETURN c.id AS c, p.id AS p ORDER BY c`,
      { ids: [`${P}s-xa-1`, `${P}s-xa-2`] },
    );
    expect(sup).toEqual([
      { c: `${P}s-xa-1`, p: `${P}s-huyen-bac` },
      { c: `${P}s-xa-2`, p: `${P}s-huyen-nam` },
    ]);
  });

  it("abolishes a level: every district below a province ends and its communes move up", async () => {
    await create(server, admin, { id: `${P}a-tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
    await create(server, admin, { id: `${P}a-huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}a-tinh`);
    await create(server, admin, { id: `${P}a-xa`, kind: "COMMUNE_COMMITTEE" }, `${P}a-huyen`);
    await create(server, admin, { id: `${P}a-chi-bo`, kind: "BASIC_PARTY_CELL" }, `${P}a-xa`);
    const res = await mutate(
      `mutation { abolishLevel(input: { underId: "${P}a-tinh", kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { kind units { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    const chain = async (asOf: string) =>
      (
        await gqlAs<{ reportingChain: { to: { id: string } }[] }>(
          server,
          null,
          `{ reportingChain(unitId: "${P}a-chi-bo", asOf: "${asOf}") { to { id } } }`,
        )
      ).data?.reportingChain.map((s) => s.to.id);
    expect(await chain("2025-06-30")).toEqual([`${P}a-xa`, `${P}a-huyen`, `${P}a-tinh`, "bch-trung-uong"]);
    expect(await chain("2025-07-01")).toEqual([`${P}a-xa`, `${P}a-tinh`, "bch-trung-uong"]);
  });
});

describe("audit", () => {
  /**
   * Read on a server with a 100 ms write budget, once its commit lag (10.1 s) has passed: pages
   * follow on exactly only through changes stamped before the horizon (src/domain/change-feed.ts).
   */
  let reader: TestServer;
  beforeAll(async () => {
    reader = await startTestServer({ JWT_SECRET: TEST_SECRET, WRITE_TIMEOUT_MS: "100" });
    await new Promise((r) => setTimeout(r, 10_100));
  });
  afterAll(async () => {
    await reader?.close();
  });

  it("lists changes since a time, oldest first, paged with cursors", async () => {
    const first = await gqlAs<{
      changes: {
        nodes: { id: string; at: string; actor: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(
      reader,
      null,
      `{ changes(since: "2000-01-01", first: 3) { nodes { id at actor entity operation } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(first.errors).toBeUndefined();
    const page = first.data?.changes;
    expect(page?.nodes).toHaveLength(3);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    const next = await gqlAs<{ changes: { nodes: { id: string; at: string }[] } }>(
      reader,
      null,
      `query ($after: String) { changes(since: "2000-01-01", first: 3, after: $after) { nodes { id at } } }`,
      { after: page?.pageInfo.endCursor },
    );
    const ids = [...(page?.nodes ?? []), ...(next.data?.changes.nodes ?? [])].map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ats = [...(page?.nodes ?? []), ...(next.data?.changes.nodes ?? [])].map((n) => n.at);
    expect([...ats].sort()).toEqual(ats);
  });
});
