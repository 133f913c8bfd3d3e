/**
 * Backdated changes stay inside the editor's scope (security review, finding 1): a change dated
 * in the past stays in force to today (or to its end), so every unit it names must be the
 * editor's on every day from its date on — not only on its date and the day before. Here `xa2`
 * (or the district `huyen2` above a commune) left the editor's province for another on
 * 2025-01-01, and each change is dated 2024-06-01, when it was still inside. Each refusal leaves
 * the graph exactly as it was; the same change on a unit that stayed inside, a relation that
 * ends before the unit left, and an admin's change still go through.
 */
import { describe, expect, it } from "vitest";
import {
  BASIS,
  create,
  fileSandbox,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  refusedUnchanged,
  token,
} from "./helpers/sandbox.ts";

const P = "bd-";
const BACKDATED = "2024-06-01";
const LEFT = "2025-01-01";
const { server, admin } = await fileSandbox(P);

const UPDATE = `mutation ($id: ID!, $d: Date!) { updateUnit(input: { id: $id, name: "Tên mới", note: "sửa lùi ngày", effectiveOn: $d, basis: ["dieu-le-dang-whole"] }) { id } }`;
const CREATE = `mutation ($id: ID!, $s: ID!, $d: Date!) { createUnit(input: { unit: { id: $id, name: "Chi bộ mới", kind: BASIC_PARTY_CELL }, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"] }) { id } }`;
const MOVE = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const CLOSE = `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const ADD = `mutation ($a: ID!, $b: ID!, $d: Date!, $to: Date) { addRelation(input: { type: COORDINATES_WITH, fromId: $a, toId: $b, validFrom: $d, validTo: $to, basis: ["dieu-le-dang-whole"] }) { id changes { entity entityId } } }`;
const END = `mutation ($id: ID!, $d: Date!) { endRelation(relationId: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const MERGE = `mutation ($sources: [ID!]!, $into: ID!, $s: ID!, $d: Date!) { mergeUnits(input: { sourceIds: $sources, into: { id: $into, name: "Xã hợp nhất", kind: COMMUNE_COMMITTEE }, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"] }) { id } }`;
const ADD_RELATIONS = `mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id } }`;
const MOVE_UNITS = `mutation ($input: MoveUnitsInput!) { moveUnits(input: $input) { id } }`;

let n = 0;

/** A fresh province (with the cell `chiBo` under `xa`) and another with its district `otherHuyen`. */
const fixture = () => provinceFixture(server, admin, `${P}${++n}`, { cell: true, otherDistrict: true });

/** As admin, hangs `unitId` under `superiorId` from `on`; throws on any error. */
async function adminMove(unitId: string, superiorId: string, on: string): Promise<void> {
  const res = await gqlAs(server, admin, MOVE, { u: unitId, s: superiorId, d: on });
  if (res.errors) throw new Error(`setSuperior ${unitId}: ${res.errors[0]?.message}`);
}

/** A fixture whose commune `xa2` an admin moved to the other province on LEFT. */
async function xa2Left(): Promise<ProvinceIds> {
  const ids = await fixture();
  await adminMove(ids.xa2, ids.otherHuyen, LEFT);
  return ids;
}

const editorOf = (ids: ProvinceIds) => token("editor", [ids.tinh]);

/** The request must be refused as outside the scope, naming `argument`, with the graph unchanged. */
async function expectOutside(
  bearer: string,
  query: string,
  variables: Record<string, unknown>,
  argument: string,
): Promise<void> {
  expect(await refusedUnchanged(server, bearer, query, variables)).toEqual({
    code: "FORBIDDEN",
    rule: "EDITOR_SCOPE",
    argument,
  });
}

/** The request must succeed. */
async function expectAccepted(bearer: string, query: string, variables: Record<string, unknown>) {
  const res = await gqlAs<Record<string, { id: string; changes?: { entity: string; entityId: string }[] }>>(
    server,
    bearer,
    query,
    variables,
  );
  expect(res.errors ?? []).toEqual([]);
  return res.data;
}

async function nameOf(id: string): Promise<string> {
  const [row] = await server.db.read("MATCH (u:Unit {id: $id}) RETURN u.name AS name", { id });
  return row?.name as string;
}

describe("a change dated before a unit left the editor's scope is refused", () => {
  it("updateUnit: not today's name of a commune now in another province (the reviewer's repro)", async () => {
    const ids = await xa2Left();
    await expectOutside(await editorOf(ids), UPDATE, { id: ids.xa2, d: BACKDATED }, "input.id");
    expect(await nameOf(ids.xa2)).toBe(ids.xa2);
  });

  it("updateUnit: nor a unit whose superior left (an ancestor's move counts)", async () => {
    const ids = await fixture();
    const commune = `${ids.huyen2}-xa`;
    await create(server, admin, { id: commune, kind: "COMMUNE_COMMITTEE" }, ids.huyen2);
    await adminMove(ids.huyen2, ids.other, LEFT);
    await expectOutside(await editorOf(ids), UPDATE, { id: commune, d: BACKDATED }, "input.id");
  });

  it("updateUnit: nor an organ (PART_OF) of a commune that left", async () => {
    const ids = await fixture();
    const board = `${ids.xa2}-btv`;
    await create(server, admin, { id: board, kind: "STANDING_BOARD" }, ids.xa2);
    await adminMove(ids.xa2, ids.otherHuyen, LEFT);
    await expectOutside(await editorOf(ids), UPDATE, { id: board, d: BACKDATED }, "input.id");
  });

  it("addRelation: not open-ended from a commune that left", async () => {
    const ids = await xa2Left();
    await expectOutside(
      await editorOf(ids),
      ADD,
      { a: ids.xa2, b: ids.xa, d: BACKDATED, to: null },
      "input.fromId",
    );
  });

  it("endRelation: not a link with a commune that left, ended on a past day", async () => {
    const ids = await xa2Left();
    const added = await expectAccepted(admin, ADD, { a: ids.xa, b: ids.xa2, d: "2020-01-01", to: null });
    const relationId = added?.addRelation?.changes?.find((c) => c.entity === "RELATION")?.entityId;
    expect(relationId).toBeTruthy();
    await expectOutside(await editorOf(ids), END, { id: relationId, d: BACKDATED }, "relationId");
  });

  it("setSuperior: not a cell hung (from the past) under a commune that left", async () => {
    const ids = await xa2Left();
    await expectOutside(await editorOf(ids), MOVE, { u: ids.chiBo, s: ids.xa2, d: BACKDATED }, "superiorId");
  });

  it("createUnit: not under a commune that left", async () => {
    const ids = await xa2Left();
    await expectOutside(
      await editorOf(ids),
      CREATE,
      { id: `${ids.xa2}-chi-bo-moi`, s: ids.xa2, d: BACKDATED },
      "input.superiorId",
    );
  });

  it("closeUnit: not a commune that left, closed on a past day", async () => {
    const ids = await xa2Left();
    await expectOutside(await editorOf(ids), CLOSE, { id: ids.xa2, d: BACKDATED }, "id");
  });

  it("mergeUnits: not into a unit under a district that left", async () => {
    const ids = await fixture();
    await adminMove(ids.huyen2, ids.other, LEFT);
    await expectOutside(
      await editorOf(ids),
      MERGE,
      { sources: [ids.xa, ids.xa2], into: `${ids.tinh}-xa-moi`, s: ids.huyen2, d: BACKDATED },
      "input.superiorId",
    );
  });

  it("addRelations and moveUnits (batch): not an item naming a commune that left", async () => {
    const ids = await xa2Left();
    const editor = await editorOf(ids);
    await expectOutside(
      editor,
      ADD_RELATIONS,
      {
        input: {
          relations: [
            { type: "COORDINATES_WITH", fromId: ids.xa, toId: ids.huyen2, validFrom: LEFT, basis: BASIS },
            { type: "COORDINATES_WITH", fromId: ids.xa2, toId: ids.xa, validFrom: BACKDATED, basis: BASIS },
          ],
          basis: BASIS,
        },
      },
      "input.relations[1].fromId",
    );
    await expectOutside(
      editor,
      MOVE_UNITS,
      {
        input: { moves: [{ unitId: ids.chiBo, superiorId: ids.xa2 }], effectiveOn: BACKDATED, basis: BASIS },
      },
      "input.moves[0].superiorId",
    );
  });
});

describe("what stayed the editor's, or an admin's change, still goes through", () => {
  it("the same backdated changes on units that stayed inside, and a relation ending before the unit left", async () => {
    const ids = await xa2Left();
    const editor = await editorOf(ids);
    await expectAccepted(editor, UPDATE, { id: ids.xa, d: BACKDATED });
    expect(await nameOf(ids.xa)).toBe("Tên mới");
    await expectAccepted(editor, MOVE, { u: ids.chiBo, s: ids.huyen2, d: BACKDATED });
    await expectAccepted(editor, ADD, { a: ids.xa2, b: ids.xa, d: BACKDATED, to: "2024-12-31" });
    await expectAccepted(editor, ADD_RELATIONS, {
      input: {
        relations: [
          {
            type: "COORDINATES_WITH",
            fromId: ids.xa2,
            toId: ids.huyen2,
            validFrom: BACKDATED,
            validTo: "2024-12-31",
            basis: BASIS,
          },
        ],
        basis: BASIS,
      },
    });
  });

  it("an admin may still change a unit that left, from any date", async () => {
    const ids = await xa2Left();
    await expectAccepted(admin, UPDATE, { id: ids.xa2, d: BACKDATED });
    expect(await nameOf(ids.xa2)).toBe("Tên mới");
  });
});
