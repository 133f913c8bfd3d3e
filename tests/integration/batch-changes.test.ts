/**
 * The batch mutations (createUnits, moveUnits, closeUnits, addRelations) and the set-based
 * abolishLevel: each makes its whole change in one transaction with one event and an audit
 * record per unit and relation; an editor may touch only units in their scope; bad input gets a
 * coded error naming the argument; and a batch that fails anywhere leaves the graph exactly as it
 * was (checked against a snapshot of the whole graph).
 */
import { describe, expect, it } from "vitest";
import { create, fileSandbox, gqlAs, provinceFixture, refusedUnchanged, token } from "./helpers/sandbox.ts";

const P = "bc-";
const BASIS = ["dieu-le-dang-whole"];
const { server, admin } = await fileSandbox(P);

const CREATE_UNITS = `mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id kind units { id } changes { entity entityId operation } } }`;
const MOVE_UNITS = `mutation ($input: MoveUnitsInput!) { moveUnits(input: $input) { id kind changes { entity operation } } }`;
const CLOSE_UNITS = `mutation ($input: CloseUnitsInput!) { closeUnits(input: $input) { id kind units { id } } }`;
const ADD_RELATIONS = `mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id kind changes { entity entityId operation } } }`;

let n = 0;
/** A fresh province with the cell `chiBo` under `xa` (helpers/sandbox.ts). */
const fixture = () => provinceFixture(server, admin, `${P}${++n}`, { cell: true });

async function superiorOf(id: string, asOf: string): Promise<string | null> {
  const res = await gqlAs<{ unit: { superior: { id: string } | null } }>(
    server,
    null,
    `query ($id: ID!, $d: Date) { unit(id: $id) { superior(asOf: $d) { id } } }`,
    { id, d: asOf },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.unit.superior?.id ?? null;
}

async function validTo(id: string): Promise<string | null> {
  const rows = await server.db.read("MATCH (u:Unit {id: $id}) RETURN toString(u.validTo) AS to", { id });
  return (rows[0]?.to as string | null) ?? null;
}

/** Runs a request that must be refused, and checks that the graph is unchanged (helpers/sandbox.ts). */
const refused = (bearer: string, query: string, variables: Record<string, unknown>) =>
  refusedUnchanged(server, bearer, query, variables);

describe("createUnits", () => {
  it("creates a commune with its organ and its cell in one event, parents first", async () => {
    const ids = await fixture();
    const xa = `${ids.huyen}-moi`;
    const res = await gqlAs<{
      createUnits: {
        kind: string;
        units: { id: string }[];
        changes: { entity: string; entityId: string; operation: string }[];
      };
    }>(server, admin, CREATE_UNITS, {
      input: {
        units: [
          { unit: { id: xa, name: "Đảng ủy xã Mới", kind: "COMMUNE_COMMITTEE" }, superiorId: ids.tinh },
          { unit: { id: `${xa}-bch`, name: "Ban Chấp hành", kind: "EXECUTIVE_COMMITTEE" }, superiorId: xa },
          {
            unit: { id: `${xa}-chi-bo`, name: "Chi bộ thôn 1", kind: "BASIC_PARTY_CELL" },
            superiorId: xa,
            basis: ["qd-294-2025-whole"],
          },
        ],
        effectiveOn: "2025-07-01",
        basis: BASIS,
      },
    });
    expect(res.errors).toBeUndefined();
    const event = res.data?.createUnits;
    expect(event?.kind).toBe("CREATE_UNITS");
    const created = event?.changes.filter((c) => c.operation === "CREATED") ?? [];
    expect(
      created
        .filter((c) => c.entity === "UNIT")
        .map((c) => c.entityId)
        .sort(),
    ).toEqual([xa, `${xa}-bch`, `${xa}-chi-bo`].sort());
    expect(created.filter((c) => c.entity === "RELATION")).toHaveLength(3);
    expect(await superiorOf(`${xa}-chi-bo`, "2025-07-01")).toBe(xa);
    expect(await superiorOf(xa, "2025-07-01")).toBe(ids.tinh);
    const cell = await server.db.read(
      "MATCH (c:Unit {id: $id})-[r:SUBORDINATE_TO]->() RETURN r.basis AS basis, c.source AS source",
      { id: `${xa}-chi-bo` },
    );
    expect(cell).toEqual([{ basis: ["qd-294-2025-whole"], source: ["qd-294-2025-whole"] }]);
  });

  it("refuses a unit listed before its superior, naming the argument, and writes nothing", async () => {
    const ids = await fixture();
    const x = `${ids.huyen}-sau`;
    expect(
      await refused(admin, CREATE_UNITS, {
        input: {
          units: [
            { unit: { id: `${x}-chi-bo`, name: "Chi bộ", kind: "BASIC_PARTY_CELL" }, superiorId: x },
            { unit: { id: x, name: "Xã", kind: "COMMUNE_COMMITTEE" }, superiorId: ids.tinh },
          ],
          effectiveOn: "2025-07-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.units[0].superiorId" });
  });

  it("is all or none: a unit whose id exists fails the whole batch", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CREATE_UNITS, {
        input: {
          units: [
            {
              unit: { id: `${ids.huyen}-new`, name: "Xã mới", kind: "COMMUNE_COMMITTEE" },
              superiorId: ids.huyen,
            },
            { unit: { id: ids.xa2, name: "Xã trùng", kind: "COMMUNE_COMMITTEE" }, superiorId: ids.huyen },
          ],
          effectiveOn: "2024-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "CONFLICT", rule: "UNIQUE_ID" });
  });

  it("refuses more units than one change may carry, naming the argument", async () => {
    const ids = await fixture();
    const units = Array.from({ length: 1001 }, (_, i) => ({
      unit: { id: `${ids.huyen}-x${i}`, name: `Xã ${i}`, kind: "COMMUNE_COMMITTEE" },
      superiorId: ids.huyen,
    }));
    expect(
      await refused(admin, CREATE_UNITS, { input: { units, effectiveOn: "2024-01-01", basis: BASIS } }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: "BATCH_LIMIT", argument: "input.units" });
  });

  it("refuses an editor a superior outside their scope", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, CREATE_UNITS, {
        input: {
          units: [
            { unit: { id: `${ids.huyen}-e1`, name: "Xã", kind: "COMMUNE_COMMITTEE" }, superiorId: ids.huyen },
            {
              unit: { id: `${ids.huyen}-e2`, name: "Huyện", kind: "DISTRICT_COMMITTEE" },
              superiorId: ids.other,
            },
          ],
          effectiveOn: "2024-01-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "FORBIDDEN", argument: "input.units[1].superiorId" });
  });
});

describe("moveUnits", () => {
  it("moves communes to another district in one event; the old links end the day before", async () => {
    const ids = await fixture();
    const res = await gqlAs<{
      moveUnits: { kind: string; changes: { entity: string; operation: string }[] };
    }>(server, admin, MOVE_UNITS, {
      input: {
        moves: [
          { unitId: ids.xa, superiorId: ids.huyen2 },
          { unitId: ids.xa2, superiorId: ids.huyen2 },
        ],
        effectiveOn: "2024-03-01",
        basis: BASIS,
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.moveUnits.kind).toBe("MOVE_UNITS");
    const relations = res.data?.moveUnits.changes.filter((c) => c.entity === "RELATION") ?? [];
    expect(relations.map((c) => c.operation).sort()).toEqual(["CREATED", "CREATED", "ENDED", "ENDED"]);
    for (const id of [ids.xa, ids.xa2]) {
      expect(await superiorOf(id, "2024-02-29")).toBe(ids.huyen);
      expect(await superiorOf(id, "2024-03-01")).toBe(ids.huyen2);
    }
    // The cell moves with its commune.
    expect(await superiorOf(ids.chiBo, "2024-03-01")).toBe(ids.xa);
  });

  it("is all or none: one move that would close a cycle fails them all, named by the cycle rule and the move", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa2, superiorId: ids.huyen2 },
            { unitId: ids.huyen, superiorId: ids.chiBo },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "CONFLICT", rule: "NO_CYCLE", argument: "input.moves[1]" });
  });

  it("refuses a unit moved twice or under itself, naming the argument", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa, superiorId: ids.huyen },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.moves[1].unitId" });
    expect(
      await refused(admin, MOVE_UNITS, {
        input: { moves: [{ unitId: ids.xa, superiorId: ids.xa }], effectiveOn: "2024-03-01", basis: BASIS },
      }),
    ).toEqual({ code: "CONFLICT", rule: "NO_CYCLE", argument: "input.moves[0].superiorId" });
  });

  it("refuses an editor a move to a superior outside their scope", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa2, superiorId: ids.other },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "FORBIDDEN", argument: "input.moves[1].superiorId" });
  });
});

describe("closeUnits", () => {
  it("closes a district with everything under it (withSubtree) in one event", async () => {
    const ids = await fixture();
    const res = await gqlAs<{ closeUnits: { kind: string; units: { id: string }[] } }>(
      server,
      admin,
      CLOSE_UNITS,
      {
        input: { ids: [ids.huyen], lastDay: "2024-12-31", basis: BASIS, withSubtree: true },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.closeUnits.kind).toBe("CLOSE_UNITS");
    for (const id of [ids.huyen, ids.xa, ids.xa2, ids.chiBo]) expect(await validTo(id)).toBe("2024-12-31");
    expect(await validTo(ids.huyen2)).toBeNull();
    expect(await superiorOf(ids.chiBo, "2024-12-31")).toBe(ids.xa);
  });

  it("closes a unit with its subordinates when the same change closes them, without withSubtree", async () => {
    const ids = await fixture();
    const res = await gqlAs(server, admin, CLOSE_UNITS, {
      input: { ids: [ids.xa, ids.chiBo], lastDay: "2024-12-31", basis: BASIS },
    });
    expect(res.errors).toBeUndefined();
    expect(await validTo(ids.xa)).toBe("2024-12-31");
    expect(await validTo(ids.chiBo)).toBe("2024-12-31");
  });

  it("is all or none: a unit that would leave subordinates fails the batch", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CLOSE_UNITS, {
        input: { ids: [ids.huyen2, ids.huyen], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "CONFLICT", rule: "NO_ORPHANS", argument: "input.ids[1]" });
  });

  it("refuses an unknown unit, naming the argument, and a scope root to its editor", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CLOSE_UNITS, {
        input: { ids: [ids.xa2, `${ids.xa}-none`], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "NOT_FOUND", rule: undefined, argument: "input.ids[1]" });
    const editor = await token("editor", [ids.huyen]);
    expect(
      await refused(editor, CLOSE_UNITS, {
        input: { ids: [ids.huyen], lastDay: "2024-12-31", basis: BASIS, withSubtree: true },
      }),
    ).toMatchObject({ code: "FORBIDDEN", rule: "SCOPE_ROOT", argument: "input.ids[0]" });
  });
});

describe("addRelations", () => {
  const relation = (fromId: string, toId: string, extra: Record<string, unknown> = {}) => ({
    type: "REPORTS_TO",
    fromId,
    toId,
    validFrom: "2024-01-01",
    frequencies: ["QUARTERLY"],
    basis: BASIS,
    ...extra,
  });

  it("adds relations in one event", async () => {
    const ids = await fixture();
    const res = await gqlAs<{
      addRelations: { kind: string; changes: { entity: string; entityId: string; operation: string }[] };
    }>(server, admin, ADD_RELATIONS, {
      input: { relations: [relation(ids.xa, ids.tinh), relation(ids.xa2, ids.tinh)], basis: BASIS },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.addRelations.kind).toBe("ADD_RELATIONS");
    expect(
      res.data?.addRelations.changes
        .filter((c) => c.entity === "RELATION")
        .map((c) => c.entityId)
        .sort(),
    ).toEqual([
      `reports_to.${ids.xa}.${ids.tinh}.2024-01-01`,
      `reports_to.${ids.xa2}.${ids.tinh}.2024-01-01`,
    ]);
  });

  it("refuses a bad interval, naming the relation's argument", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, ADD_RELATIONS, {
        input: {
          relations: [relation(ids.xa, ids.tinh), relation(ids.xa2, ids.tinh, { validTo: "2023-01-01" })],
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.relations[1].validTo" });
  });

  it("is all or none: a relation that repeats one in force fails the batch", async () => {
    const ids = await fixture();
    const first = await gqlAs(server, admin, ADD_RELATIONS, {
      input: { relations: [relation(ids.xa, ids.tinh)], basis: BASIS },
    });
    expect(first.errors).toBeUndefined();
    expect(
      await refused(admin, ADD_RELATIONS, {
        input: {
          relations: [relation(ids.xa2, ids.tinh), relation(ids.xa, ids.tinh, { validFrom: "2024-06-01" })],
          basis: BASIS,
        },
      }),
    ).toMatchObject({ code: "CONFLICT", rule: "DUPLICATE_RELATION" });
  });

  it("refuses an editor a relation to a unit outside their scope", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, ADD_RELATIONS, {
        input: { relations: [relation(ids.xa, ids.tinh), relation(ids.xa2, ids.other)], basis: BASIS },
      }),
    ).toMatchObject({ code: "FORBIDDEN", argument: "input.relations[1].toId" });
  });
});

describe("abolishLevel, set-based", () => {
  it("moves every subordinate of every district up and closes the districts with their organs", async () => {
    const ids = await fixture();
    await create(
      server,
      admin,
      { id: `${ids.huyen}-bch`, kind: "EXECUTIVE_COMMITTEE" },
      ids.huyen,
      "2020-01-01",
    );
    const res = await gqlAs(
      server,
      admin,
      `mutation ($u: ID!) { abolishLevel(input: { underId: $u, kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { kind } }`,
      { u: ids.tinh },
    );
    expect(res.errors).toBeUndefined();
    for (const id of [ids.xa, ids.xa2]) {
      expect(await superiorOf(id, "2025-06-30")).toBe(ids.huyen);
      expect(await superiorOf(id, "2025-07-01")).toBe(ids.tinh);
    }
    for (const id of [ids.huyen, ids.huyen2, `${ids.huyen}-bch`])
      expect(await validTo(id)).toBe("2025-06-30");
    expect(await validTo(ids.chiBo)).toBeNull();
  });

  it("refuses an editor whose scope is a district below the committee", async () => {
    const ids = await fixture();
    const editor = await token("editor", [ids.huyen]);
    expect(
      await refused(
        editor,
        `mutation ($u: ID!) { abolishLevel(input: { underId: $u, kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { kind } }`,
        { u: ids.tinh },
      ),
    ).toMatchObject({ code: "FORBIDDEN", argument: "input.underId" });
  });
});
