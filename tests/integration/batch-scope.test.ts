/**
 * Scope and safety of the batch mutations and the single moves and closures they share code
 * with (review of the batch changes): an editor may not take a unit away from a superior outside
 * their scope (also by a link dated later), nor add a relation on a date its units were not
 * theirs; a closure ends only the organs that are part of the unit on its last day; batch limits
 * are refused before any work. Every refusal leaves the graph exactly as it was.
 */
import { describe, expect, it } from "vitest";
import { lockUnits } from "../../src/store/write-locks.ts";
import {
  create,
  fileSandbox,
  type GqlResult,
  gqlAs,
  provinceFixture,
  refusal,
  refusedUnchanged,
  token,
} from "./helpers/sandbox.ts";

const P = "bs-";
const BASIS = ["dieu-le-dang-whole"];
const { server, admin } = await fileSandbox(P);

const MOVE_UNITS = `mutation ($input: MoveUnitsInput!) { moveUnits(input: $input) { id changes { entity operation } } }`;
const CLOSE_UNITS = `mutation ($input: CloseUnitsInput!) { closeUnits(input: $input) { id } }`;
const ADD_RELATIONS = `mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id } }`;
const SET_SUPERIOR = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const CLOSE_UNIT = `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;

let n = 0;
/** A fresh province and another with its district `otherHuyen` (helpers/sandbox.ts). */
const fixture = () => provinceFixture(server, admin, `${P}${++n}`, { otherDistrict: true });

/** Runs a request that must be refused, and checks that the graph is unchanged (helpers/sandbox.ts). */
const refused = (bearer: string, query: string, variables: Record<string, unknown>) =>
  refusedUnchanged(server, bearer, query, variables);

/** As admin, hangs `unitId` under `superiorId` from `on`; throws on any error. */
async function adminMove(unitId: string, superiorId: string, on: string): Promise<void> {
  const res = await gqlAs(server, admin, SET_SUPERIOR, { u: unitId, s: superiorId, d: on });
  if (res.errors) throw new Error(`setSuperior ${unitId}: ${res.errors[0]?.message}`);
}

describe("a link to a superior outside the editor's scope is not theirs to end", () => {
  it("moveUnits: refuses to delete the link an admin made (same day) to another province", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2025-01-01");
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, MOVE_UNITS, {
        input: {
          moves: [{ unitId: ids.xa2, superiorId: ids.huyen2 }],
          effectiveOn: "2025-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.moves[0].unitId" });
  });

  it("moveUnits: refuses to delete a link dated later to another province", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2025-03-01");
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa2, superiorId: ids.huyen2 },
          ],
          effectiveOn: "2025-02-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.moves[1].unitId" });
  });

  it("closeUnits: refuses to delete a link dated after the last day to another province", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2025-01-01");
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, CLOSE_UNITS, {
        input: { ids: [ids.xa, ids.xa2], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.ids[1]" });
  });

  it("setSuperior: refuses to delete a link dated later to another province", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2025-03-01");
    const editor = await token("editor", [ids.tinh]);
    expect(await refused(editor, SET_SUPERIOR, { u: ids.xa2, s: ids.huyen2, d: "2025-02-01" })).toMatchObject(
      { code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "unitId" },
    );
  });

  it("closeUnit: refuses to delete a link dated after the last day to another province", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2025-01-01");
    const editor = await token("editor", [ids.tinh]);
    expect(await refused(editor, CLOSE_UNIT, { id: ids.xa2, d: "2024-12-31" })).toMatchObject({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "id",
    });
  });

  it("still lets the editor move and close units whose superiors are theirs", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.tinh]);
    const moved = await gqlAs(server, editor, MOVE_UNITS, {
      input: { moves: [{ unitId: ids.xa, superiorId: ids.huyen2 }], effectiveOn: "2025-01-01", basis: BASIS },
    });
    expect(moved.errors).toBeUndefined();
    const closed = await gqlAs(server, editor, CLOSE_UNIT, { id: ids.xa2, d: "2025-06-30" });
    expect(closed.errors).toBeUndefined();
  });
});

describe("addRelations judges each relation on its own date", () => {
  const relation = (fromId: string, toId: string, validFrom: string, validTo?: string) => ({
    type: "REPORTS_TO",
    fromId,
    toId,
    validFrom,
    validTo,
    frequencies: ["QUARTERLY"],
    basis: BASIS,
  });

  it("refuses a relation dated when its unit was no longer in scope, though it was on the batch's earliest date", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2021-01-01");
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, ADD_RELATIONS, {
        input: {
          relations: [relation(ids.xa, ids.tinh, "2020-06-01"), relation(ids.xa2, ids.tinh, "2024-01-01")],
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.relations[1].fromId" });
  });

  it("accepts relations on several dates, each within scope on its own", async () => {
    const ids = await fixture();
    await adminMove(ids.xa2, ids.otherHuyen, "2021-01-01");
    const editor = await token("editor", [ids.tinh]);
    const res = await gqlAs(server, editor, ADD_RELATIONS, {
      input: {
        // xa2's ends before it left: in scope on every day it holds (an open-ended one would reach past the move).
        relations: [
          relation(ids.xa, ids.tinh, "2024-01-01"),
          relation(ids.xa2, ids.tinh, "2020-06-01", "2020-12-31"),
        ],
        basis: BASIS,
      },
    });
    expect(res.errors).toBeUndefined();
  });
});

describe("a closure ends only the organs that are part of the unit on its last day", () => {
  async function validTo(id: string): Promise<string | null> {
    const rows = await server.db.read("MATCH (u:Unit {id: $id}) RETURN toString(u.validTo) AS to", { id });
    return (rows[0]?.to as string | null) ?? null;
  }

  /** `xa2` with an organ moved away to `xa` in 2023, and one it still has. */
  async function organs() {
    const ids = await fixture();
    const moved = `${ids.xa2}-bch-cu`;
    const kept = `${ids.xa2}-bch`;
    await create(server, admin, { id: moved, kind: "EXECUTIVE_COMMITTEE" }, ids.xa2);
    await create(server, admin, { id: kept, kind: "EXECUTIVE_COMMITTEE" }, ids.xa2);
    await adminMove(moved, ids.xa, "2023-01-01");
    return { ids, moved, kept };
  }

  it("closeUnits", async () => {
    const { ids, moved, kept } = await organs();
    const res = await gqlAs(server, admin, CLOSE_UNITS, {
      input: { ids: [ids.xa2], lastDay: "2024-12-31", basis: BASIS },
    });
    expect(res.errors).toBeUndefined();
    expect(await validTo(ids.xa2)).toBe("2024-12-31");
    expect(await validTo(kept)).toBe("2024-12-31");
    expect(await validTo(moved)).toBeNull();
  });

  it("closeUnit", async () => {
    const { ids, moved, kept } = await organs();
    const res = await gqlAs(server, admin, CLOSE_UNIT, { id: ids.xa2, d: "2024-12-31" });
    expect(res.errors).toBeUndefined();
    expect(await validTo(ids.xa2)).toBe("2024-12-31");
    expect(await validTo(kept)).toBe("2024-12-31");
    expect(await validTo(moved)).toBeNull();
  });
});

describe("limits and scope come before any work", () => {
  it("refuses an oversized batch before the transaction opens (before its basis is even looked up)", async () => {
    const editor = await token("editor", [`${P}nowhere`]);
    const moves = Array.from({ length: 2001 }, (_, i) => ({ unitId: `${P}m-${i}`, superiorId: `${P}s` }));
    expect(
      await refused(editor, MOVE_UNITS, {
        input: { moves, effectiveOn: "2025-01-01", basis: ["no-such-provision"] },
      }),
    ).toMatchObject({ code: "BAD_USER_INPUT", rule: "BATCH_LIMIT", argument: "input.moves" });
    const relations = Array.from({ length: 2001 }, (_, i) => ({
      type: "REPORTS_TO",
      fromId: `${P}r-${i}`,
      toId: `${P}s`,
      validFrom: "2024-01-01",
      basis: BASIS,
    }));
    expect(
      await refused(editor, ADD_RELATIONS, { input: { relations, basis: ["no-such-provision"] } }),
    ).toMatchObject({ code: "BAD_USER_INPUT", rule: "BATCH_LIMIT", argument: "input.relations" });
  });

  it("refuses an oversized merger, split or basis before any work (review s11 #7)", async () => {
    const editor = await token("editor", [`${P}nowhere`]);
    const MERGE = `mutation ($s: [ID!]!, $b: [ID!]!) { mergeUnits(input: { sourceIds: $s, into: { id: "${P}into", name: "Hợp nhất", kind: COMMUNE_COMMITTEE }, effectiveOn: "2025-01-01", basis: $b }) { id } }`;
    const sources = Array.from({ length: 2001 }, (_, i) => `${P}src-${i}`);
    expect(await refused(editor, MERGE, { s: sources, b: BASIS })).toMatchObject({
      code: "BAD_USER_INPUT",
      rule: "BATCH_LIMIT",
      argument: "input.sourceIds",
    });
    const basis = Array.from({ length: 101 }, (_, i) => `p-${i}`);
    expect(await refused(editor, MERGE, { s: [`${P}a`, `${P}b`], b: basis })).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "input.basis",
    });
    const SPLIT = `mutation ($parts: [NewUnitInput!]!) { splitUnit(input: { sourceId: "${P}a", parts: $parts, effectiveOn: "2025-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`;
    const parts = Array.from({ length: 201 }, (_, i) => ({
      id: `${P}part-${i}`,
      name: "Phần",
      kind: "COMMUNE_COMMITTEE",
    }));
    expect(await refused(editor, SPLIT, { parts })).toMatchObject({
      code: "BAD_USER_INPUT",
      rule: "BATCH_LIMIT",
      argument: "input.parts",
    });
  });

  it("refuses a unit outside the editor's scope without waiting for its lock", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.tinh]);
    const answers: GqlResult[] = [];
    // Another change holds the lock of a district of the other province while the editor asks:
    // a refusal must not wait for it (nor would the editor's change hold it, had it come first).
    const held = server.db.boundedWriteTransaction(async (tx) => {
      await lockUnits(tx, [ids.otherHuyen]);
      answers.push(
        await gqlAs(server, editor, MOVE_UNITS, {
          input: {
            moves: [{ unitId: ids.otherHuyen, superiorId: ids.huyen2 }],
            effectiveOn: "2025-01-01",
            basis: BASIS,
          },
        }),
      );
      answers.push(
        await gqlAs(server, editor, CLOSE_UNITS, {
          input: { ids: [ids.otherHuyen], lastDay: "2024-12-31", basis: BASIS },
        }),
      );
      answers.push(
        await gqlAs(server, editor, ADD_RELATIONS, {
          input: {
            relations: [
              {
                type: "REPORTS_TO",
                fromId: ids.otherHuyen,
                toId: ids.tinh,
                validFrom: "2024-01-01",
                basis: BASIS,
              },
            ],
            basis: BASIS,
          },
        }),
      );
      // Roll back: the lock was the only point.
      throw new Error("rolled back on purpose");
    });
    await expect(held).rejects.toThrow("rolled back on purpose");
    expect(answers.map(refusal)).toEqual([
      { code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.moves[0].unitId" },
      { code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.ids[0]" },
      { code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.relations[0].fromId" },
    ]);
  });
});

describe("errors name the item", () => {
  const CREATE_UNITS = `mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id } }`;
  const reports = (fromId: string, toId: string) => ({
    type: "REPORTS_TO",
    fromId,
    toId,
    validFrom: "2024-01-01",
    frequencies: ["QUARTERLY"],
    basis: BASIS,
  });

  it("an unknown provision in one move's basis names that move", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa2, superiorId: ids.huyen2, basis: ["no-such-provision"] },
          ],
          effectiveOn: "2025-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "BAD_USER_INPUT", argument: "input.moves[1].basis" });
  });

  it("a unit id that exists names the unit's item", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CREATE_UNITS, {
        input: {
          units: [
            {
              unit: { id: `${ids.huyen}-moi`, name: "Xã mới", kind: "COMMUNE_COMMITTEE" },
              superiorId: ids.huyen,
            },
            { unit: { id: ids.xa2, name: "Xã trùng", kind: "COMMUNE_COMMITTEE" }, superiorId: ids.huyen },
          ],
          effectiveOn: "2024-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "CONFLICT", rule: "UNIQUE_ID", argument: "input.units[1].unit.id" });
  });

  it("a relation listed twice is bad input naming the repeat", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, ADD_RELATIONS, {
        input: {
          relations: [reports(ids.xa, ids.tinh), reports(ids.xa2, ids.tinh), reports(ids.xa, ids.tinh)],
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "BAD_USER_INPUT", rule: "UNIQUE_ID", argument: "input.relations[2]" });
  });
});
