/**
 * A restructuring names units outside an editor's scope: it is refused (FORBIDDEN, EDITOR_SCOPE)
 * before it takes a single lock, so that an editor cannot hold units outside its scope while it
 * waits to be refused. A test transaction holds the lock of the outside unit for the whole
 * request: a change that locked before it authorized would wait on it until WRITE_TIMEOUT_MS
 * (SERVICE_UNAVAILABLE, rule WRITE_TIMEOUT), one that authorizes first is refused at once.
 */
import neo4j from "neo4j-driver";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  BASIS,
  fileSandbox,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  refusal,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import { startTestServer } from "./helpers/test-server.ts";

// The fixture is built on a server with the usual write budget (a busy machine may take seconds
// per change); the requests under test go to one whose budget is short, so that a change waiting
// on the held lock fails fast instead of passing after the holder lets go.
const { server: setup, admin } = await fileSandbox("abl-");
const server = await startTestServer({ JWT_SECRET: TEST_SECRET, WRITE_TIMEOUT_MS: "3000" });
const target = inject("neo4j");
const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password));
afterAll(async () => {
  await driver.close();
  await server.close();
});

let ids: ProvinceIds | undefined;
async function province(): Promise<ProvinceIds> {
  ids ??= await provinceFixture(setup, admin, "abl");
  return ids;
}

/** Runs `request` while another transaction holds the write lock of unit `held`. */
async function whileLocked<T>(held: string, request: () => Promise<T>): Promise<T> {
  const session = driver.session();
  const holder = await session.beginTransaction();
  try {
    const locked = await holder.run("MATCH (u:Unit {id: $id}) SET u.heldByTest = true RETURN u.id", {
      id: held,
    });
    expect(locked.records).toHaveLength(1);
    return await request();
  } finally {
    await holder.rollback();
    await session.close();
  }
}

const MERGE = `mutation ($input: MergeUnitsInput!) { mergeUnits(input: $input) { id } }`;
const SPLIT = `mutation ($input: SplitUnitInput!) { splitUnit(input: $input) { id } }`;
const ABOLISH = `mutation ($input: AbolishLevelInput!) { abolishLevel(input: $input) { id } }`;

describe("restructurings authorize before they lock", () => {
  it("mergeUnits: an outside source is refused while another change holds its lock", async () => {
    const p = await province();
    const editor = await token("editor", [p.huyen]);
    const input = {
      sourceIds: [p.xa, p.other],
      into: { id: "abl-merged", name: "abl-merged", kind: "COMMUNE_COMMITTEE" },
      superiorId: p.huyen,
      effectiveOn: "2025-01-01",
      basis: BASIS,
    };
    const res = await whileLocked(p.other, () => gqlAs(server, editor, MERGE, { input }));
    expect(refusal(res)).toMatchObject({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "input.sourceIds",
    });
  });

  it("splitUnit: an outside source is refused while another change holds its lock", async () => {
    const p = await province();
    const editor = await token("editor", [p.huyen]);
    const input = {
      sourceId: p.other,
      parts: [
        { id: "abl-part-1", name: "abl-part-1", kind: "PROVINCIAL_COMMITTEE" },
        { id: "abl-part-2", name: "abl-part-2", kind: "PROVINCIAL_COMMITTEE" },
      ],
      assignments: [],
      effectiveOn: "2025-01-01",
      basis: BASIS,
    };
    const res = await whileLocked(p.other, () => gqlAs(server, editor, SPLIT, { input }));
    expect(refusal(res)).toMatchObject({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "input.sourceId",
    });
  });

  it("abolishLevel: an outside committee is refused while another change holds its lock", async () => {
    const p = await province();
    const editor = await token("editor", [p.huyen]);
    const input = { underId: p.other, kind: "DISTRICT_COMMITTEE", effectiveOn: "2025-01-01", basis: BASIS };
    const res = await whileLocked(p.other, () => gqlAs(server, editor, ABOLISH, { input }));
    expect(refusal(res)).toMatchObject({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "input.underId",
    });
  });
});

describe("one-unit mutations authorize before they lock (review s14 H)", () => {
  const ON = "2025-01-01";
  const B = `basis: ["dieu-le-dang-whole"]`;
  /** Each names `p.other` (outside the editor's scope `p.huyen`) where a lock would be taken. */
  const cases: [name: string, query: (p: ProvinceIds) => string, argument: string][] = [
    [
      "setSuperior: an outside unit moved under an inside one",
      (p) =>
        `mutation { setSuperior(unitId: "${p.other}", superiorId: "${p.xa}", effectiveOn: "${ON}", ${B}) { id } }`,
      "unitId",
    ],
    [
      "createUnit: under an outside superior",
      (p) =>
        `mutation { createUnit(input: { unit: { id: "abl-new-cell", name: "abl-new-cell", kind: DISTRICT_COMMITTEE }, superiorId: "${p.other}", effectiveOn: "${ON}", ${B} }) { id } }`,
      "input.superiorId",
    ],
    [
      "updateUnit: an outside unit renamed",
      (p) =>
        `mutation { updateUnit(input: { id: "${p.other}", name: "abl-renamed", effectiveOn: "${ON}", ${B} }) { id } }`,
      "input.id",
    ],
    [
      "closeUnit: an outside unit closed",
      (p) => `mutation { closeUnit(id: "${p.other}", lastDay: "${ON}", ${B}) { id } }`,
      "id",
    ],
    [
      "addRelation: a report to an outside unit",
      (p) =>
        `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${p.xa}", toId: "${p.other}", validFrom: "${ON}", frequencies: [QUARTERLY], ${B} }) { id } }`,
      "input.toId",
    ],
    [
      "addRelation: an inside unit made PART_OF an outside one",
      (p) =>
        `mutation { addRelation(input: { type: PART_OF, fromId: "${p.xa2}", toId: "${p.other}", validFrom: "${ON}", ${B} }) { id } }`,
      "input.toId",
    ],
  ];

  for (const [name, query, argument] of cases)
    it(`${name}: refused at once while another change holds the outside unit's lock`, async () => {
      const p = await province();
      const editor = await token("editor", [p.huyen]);
      const res = await whileLocked(p.other, () => gqlAs(server, editor, query(p)));
      expect(refusal(res)).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument });
    });

  it("endRelation: a relation with an outside end, refused at once while that end is held", async () => {
    const p = await province();
    const added = await gqlAs<{ addRelation: { changes: { entity: string; entityId: string }[] } }>(
      setup,
      admin,
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${p.huyen2}", toId: "${p.other}", validFrom: "2024-01-01", frequencies: [QUARTERLY], ${B} }) { changes { entity entityId } } }`,
    );
    expect(added.errors).toBeUndefined();
    const relationId = added.data?.addRelation.changes.find((c) => c.entity === "RELATION")?.entityId;
    expect(relationId).toBeTruthy();
    const editor = await token("editor", [p.tinh]);
    const res = await whileLocked(p.other, () =>
      gqlAs(
        server,
        editor,
        `mutation { endRelation(relationId: "${relationId}", lastDay: "${ON}", ${B}) { id } }`,
      ),
    );
    expect(refusal(res)).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "relationId" });
  });
});
