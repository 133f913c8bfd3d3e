/**
 * Safety of the batch mutations and the invariants they share with the single ones (review of
 * the batch changes, second round): a cycle made by two moves of one batch, refusals found at the
 * end of the transaction naming the item at fault, an organ part of one whole at a time and no
 * cycle through PART_OF, the far ends of the relations a closure ends within the editor's scope,
 * relation ids that two relations never share, and the plain refusals (a viewer, an empty list,
 * a bad date, a last day before a unit began). Every refusal leaves the graph exactly as it was.
 */
import { describe, expect, it } from "vitest";
import { MAX_STRUCTURE_DEPTH } from "../../src/domain/invariants.ts";
import { create, fileSandbox, gqlAs, provinceFixture, refusedUnchanged, token } from "./helpers/sandbox.ts";

const P = "bz-";
const BASIS = ["dieu-le-dang-whole"];
const { server, admin } = await fileSandbox(P);

const CREATE_UNITS = `mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id } }`;
const MOVE_UNITS = `mutation ($input: MoveUnitsInput!) { moveUnits(input: $input) { id } }`;
const CLOSE_UNITS = `mutation ($input: CloseUnitsInput!) { closeUnits(input: $input) { id } }`;
const ADD_RELATIONS = `mutation ($input: AddRelationsInput!) { addRelations(input: $input) { id } }`;
const SET_SUPERIOR = `mutation ($u: ID!, $s: ID!, $d: Date!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const CLOSE_UNIT = `mutation ($id: ID!, $d: Date!) { closeUnit(id: $id, lastDay: $d, basis: ["dieu-le-dang-whole"]) { id } }`;
const ADD_RELATION = `mutation ($input: AddRelationInput!) { addRelation(input: $input) { id changes { entity entityId operation } } }`;
const END_RELATION = `mutation ($id: ID!) { endRelation(relationId: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { id } }`;

let n = 0;
/** A fresh province with the cell `chiBo` under `xa` (helpers/sandbox.ts). */
const fixture = () => provinceFixture(server, admin, `${P}${++n}`, { cell: true });

/** Runs a request that must be refused, and checks that the graph is unchanged (helpers/sandbox.ts). */
const refused = (bearer: string, query: string, variables: Record<string, unknown>) =>
  refusedUnchanged(server, bearer, query, variables);

/** Runs a request that must succeed. */
async function ok(bearer: string, query: string, variables: Record<string, unknown>) {
  const res = await gqlAs(server, bearer, query, variables);
  expect(res.errors).toBeUndefined();
  return res;
}

/** `xa`'s Ban Chấp hành and Ban Thường vụ, both PART_OF `xa` from 2020. */
async function organs(xa: string): Promise<{ bch: string; btv: string }> {
  const bch = `${xa}-bch`;
  const btv = `${xa}-btv`;
  await create(server, admin, { id: bch, kind: "EXECUTIVE_COMMITTEE" }, xa);
  await create(server, admin, { id: btv, kind: "STANDING_BOARD" }, xa);
  return { bch, btv };
}

const relation = (type: string, fromId: string, toId: string, validFrom = "2024-01-01") => ({
  type,
  fromId,
  toId,
  validFrom,
  ...(type === "REPORTS_TO" ? { frequencies: ["QUARTERLY"] } : {}),
  basis: BASIS,
});

/** Adds a relation as admin; returns its id. */
async function addedRelation(input: Record<string, unknown>): Promise<string> {
  const res = await gqlAs<{ addRelation: { changes: { entity: string; entityId: string }[] } }>(
    server,
    admin,
    ADD_RELATION,
    { input },
  );
  expect(res.errors).toBeUndefined();
  const id = res.data?.addRelation.changes.find((c) => c.entity === "RELATION")?.entityId;
  expect(id).toBeTruthy();
  return id as string;
}

async function relationValidTo(id: string): Promise<string | null> {
  const rows = await server.db.read("MATCH ()-[r]->() WHERE r.id = $id RETURN toString(r.validTo) AS to", {
    id,
  });
  expect(rows).toHaveLength(1);
  return (rows[0]?.to as string | null) ?? null;
}

describe("a cycle made by two moves of one batch", () => {
  it("is refused with NO_CYCLE naming the move that closes it (organs: PART_OF, no kind pairing)", async () => {
    const ids = await fixture();
    const { bch, btv } = await organs(ids.xa);
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: bch, superiorId: btv },
            { unitId: btv, superiorId: bch },
          ],
          effectiveOn: "2025-01-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "CONFLICT", rule: "NO_CYCLE", argument: "input.moves[1]" });
  });
});

describe("no chain of superiors and wholes longer than MAX_STRUCTURE_DEPTH (review s14 A)", () => {
  /** `count` new roots (STATE_AGENCY, no superior), created as admin. */
  async function roots(tag: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `${P}${tag}-${++n}-${i}`);
    await ok(admin, CREATE_UNITS, {
      input: {
        units: ids.map((id) => ({ unit: { id, name: id, kind: "STATE_AGENCY" }, superiorId: null })),
        effectiveOn: "2020-01-01",
        basis: BASIS,
      },
    });
    return ids;
  }
  const partOf = (ids: string[], ring: boolean) =>
    (ring ? ids : ids.slice(0, -1)).map((id, i) =>
      relation("PART_OF", id, ids[(i + 1) % ids.length] as string),
    );

  it("refuses a ring longer than the cycle walk (65 PART_OF links in one addRelations)", async () => {
    const ids = await roots("ring", 65);
    expect(
      await refused(admin, ADD_RELATIONS, { input: { relations: partOf(ids, true), basis: BASIS } }),
    ).toMatchObject({ code: "CONFLICT", rule: "STRUCTURE_DEPTH" });
  });

  it("refuses a chain of MAX_STRUCTURE_DEPTH + 1 links and takes one of MAX_STRUCTURE_DEPTH", async () => {
    const longer = await roots("deep", MAX_STRUCTURE_DEPTH + 2);
    expect(
      await refused(admin, ADD_RELATIONS, { input: { relations: partOf(longer, false), basis: BASIS } }),
    ).toMatchObject({ code: "CONFLICT", rule: "STRUCTURE_DEPTH" });
    const deepest = await roots("deepest", MAX_STRUCTURE_DEPTH + 1);
    await ok(admin, ADD_RELATIONS, { input: { relations: partOf(deepest, false), basis: BASIS } });
  });
});

describe("refusals found at the end of the transaction name the item", () => {
  it("moveUnits: a kind pairing", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa2, superiorId: ids.chiBo },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: "KIND_PAIRING", argument: "input.moves[1]" });
  });

  it("createUnits: a kind pairing", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CREATE_UNITS, {
        input: {
          units: [
            {
              unit: { id: `${ids.huyen}-moi`, name: "Xã mới", kind: "COMMUNE_COMMITTEE" },
              superiorId: ids.huyen,
            },
            {
              unit: { id: `${ids.xa}-huyen`, name: "Huyện", kind: "DISTRICT_COMMITTEE" },
              superiorId: ids.xa,
            },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: "KIND_PAIRING", argument: "input.units[1]" });
  });

  it("addRelations: a second direct superior", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, ADD_RELATIONS, {
        input: {
          relations: [
            relation("REPORTS_TO", ids.xa2, ids.tinh),
            relation("SUBORDINATE_TO", ids.xa, ids.huyen2),
          ],
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "CONFLICT", rule: "ONE_DIRECT_SUPERIOR", argument: "input.relations[1]" });
  });

  it("closeUnits: a unit that would leave subordinates", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, CLOSE_UNITS, {
        input: { ids: [ids.huyen2, ids.huyen], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "CONFLICT", rule: "NO_ORPHANS", argument: "input.ids[1]" });
  });
});

describe("an id listed twice names its second occurrence", () => {
  it("moveUnits, createUnits and closeUnits", async () => {
    const ids = await fixture();
    expect(
      await refused(admin, MOVE_UNITS, {
        input: {
          moves: [
            { unitId: ids.xa, superiorId: ids.huyen2 },
            { unitId: ids.xa2, superiorId: ids.huyen2 },
            { unitId: ids.xa, superiorId: ids.huyen },
          ],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.moves[2].unitId" });
    const unit = (id: string) => ({
      unit: { id, name: id, kind: "COMMUNE_COMMITTEE" },
      superiorId: ids.huyen,
    });
    expect(
      await refused(admin, CREATE_UNITS, {
        input: {
          units: [unit(`${ids.huyen}-a`), unit(`${ids.huyen}-b`), unit(`${ids.huyen}-a`)],
          effectiveOn: "2024-03-01",
          basis: BASIS,
        },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.units[2].unit.id" });
    expect(
      await refused(admin, CLOSE_UNITS, {
        input: { ids: [ids.chiBo, ids.xa2, ids.chiBo], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "BAD_USER_INPUT", rule: undefined, argument: "input.ids[2]" });
  });
});

describe("an organ is part of one whole at a time, and PART_OF never loops", () => {
  it("addRelation and addRelations: refuse a second whole over overlapping dates", async () => {
    const ids = await fixture();
    const { bch } = await organs(ids.xa);
    expect(await refused(admin, ADD_RELATION, { input: relation("PART_OF", bch, ids.xa2) })).toEqual({
      code: "CONFLICT",
      rule: "ONE_WHOLE",
      argument: undefined,
    });
    expect(
      await refused(admin, ADD_RELATIONS, {
        input: { relations: [relation("PART_OF", bch, ids.xa2)], basis: BASIS },
      }),
    ).toEqual({ code: "CONFLICT", rule: "ONE_WHOLE", argument: "input.relations[0]" });
  });

  it("setSuperior: refuses an organ moved under its own part", async () => {
    const ids = await fixture();
    const { bch, btv } = await organs(ids.xa);
    await ok(admin, SET_SUPERIOR, { u: btv, s: bch, d: "2024-01-01" });
    expect(await refused(admin, SET_SUPERIOR, { u: bch, s: btv, d: "2024-06-01" })).toEqual({
      code: "CONFLICT",
      rule: "NO_CYCLE",
      argument: undefined,
    });
  });

  it("still moves an organ from one whole to another (the old link ends the day before)", async () => {
    const ids = await fixture();
    const { bch } = await organs(ids.xa);
    await ok(admin, MOVE_UNITS, {
      input: { moves: [{ unitId: bch, superiorId: ids.xa2 }], effectiveOn: "2024-03-01", basis: BASIS },
    });
    const wholes = await server.db.read(
      `MATCH (:Unit {id: $id})-[r:PART_OF]->(w:Unit) RETURN w.id AS whole, toString(r.validFrom) AS from, toString(r.validTo) AS to ORDER BY from`,
      { id: bch },
    );
    expect(wholes).toEqual([
      { whole: ids.xa, from: "2020-01-01", to: "2024-02-29" },
      { whole: ids.xa2, from: "2024-03-01", to: null },
    ]);
  });
});

describe("a closure ends relations whose far end must be the editor's too", () => {
  it("closeUnit: refuses to end a report to a unit outside the scope", async () => {
    const ids = await fixture();
    await ok(admin, ADD_RELATION, { input: relation("REPORTS_TO", ids.xa2, ids.other) });
    const editor = await token("editor", [ids.tinh]);
    expect(await refused(editor, CLOSE_UNIT, { id: ids.xa2, d: "2024-12-31" })).toEqual({
      code: "FORBIDDEN",
      rule: "EDITOR_SCOPE",
      argument: "id",
    });
  });

  it("closeUnits: refuses to end guidance from a unit outside the scope", async () => {
    const ids = await fixture();
    await ok(admin, ADD_RELATION, { input: relation("GUIDES", ids.other, ids.xa2) });
    const editor = await token("editor", [ids.tinh]);
    expect(
      await refused(editor, CLOSE_UNITS, {
        input: { ids: [ids.chiBo, ids.xa2], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.ids[1]" });
  });

  it("closeUnit and closeUnits: end relations whose far ends are in scope", async () => {
    const ids = await fixture();
    const single = await addedRelation(relation("REPORTS_TO", ids.xa2, ids.tinh));
    const batch = await addedRelation(relation("GUIDES", ids.huyen, ids.chiBo));
    const editor = await token("editor", [ids.tinh]);
    await ok(editor, CLOSE_UNIT, { id: ids.xa2, d: "2024-12-31" });
    await ok(editor, CLOSE_UNITS, { input: { ids: [ids.chiBo], lastDay: "2024-12-31", basis: BASIS } });
    expect(await relationValidTo(single)).toBe("2024-12-31");
    expect(await relationValidTo(batch)).toBe("2024-12-31");
  });
});

describe("two relations never share an id, though unit ids may hold dots", () => {
  /** Units u, v.w, u.v and w: joined with dots, u → v.w and u.v → w made the same relation id. */
  async function dotted() {
    const ids = await fixture();
    const p = `${ids.huyen}-d`;
    const units = { u: `${p}u`, vw: `${p}v.${p}w`, uv: `${p}u.${p}v`, w: `${p}w` };
    for (const id of Object.values(units))
      await create(server, admin, { id, kind: "COMMUNE_COMMITTEE" }, ids.huyen);
    return units;
  }

  it("addRelation: both relations are added, each with its own id, and endRelation ends only the one named", async () => {
    const { u, vw, uv, w } = await dotted();
    const added = [
      await addedRelation(relation("REPORTS_TO", u, vw)),
      await addedRelation(relation("REPORTS_TO", uv, w)),
    ];
    expect(new Set(added).size).toBe(2);
    await ok(admin, END_RELATION, { id: added[0] });
    const ends = await server.db.read(
      `MATCH (a:Unit)-[r:REPORTS_TO]->(b:Unit) WHERE r.id IN $ids RETURN a.id AS from, b.id AS to, toString(r.validTo) AS until ORDER BY from`,
      { ids: added },
    );
    expect(ends).toEqual([
      { from: u, to: vw, until: "2024-12-31" },
      { from: uv, to: w, until: null },
    ]);
  });

  it("addRelations: both relations are added in one change", async () => {
    const { u, vw, uv, w } = await dotted();
    await ok(admin, ADD_RELATIONS, {
      input: { relations: [relation("REPORTS_TO", u, vw), relation("REPORTS_TO", uv, w)], basis: BASIS },
    });
    const rows = await server.db.read(
      `MATCH (a:Unit)-[r:REPORTS_TO]->(:Unit) WHERE a.id IN $from RETURN count(DISTINCT r.id) AS ids, count(r) AS relations`,
      { from: [u, uv] },
    );
    expect(rows).toEqual([{ ids: 2, relations: 2 }]);
  });
});

describe("plain refusals of every batch mutation", () => {
  type Request = [query: string, variables: { input: Record<string, unknown> }];

  /** One request per batch mutation, built from the fixture's ids and the lists given. */
  function requests(
    ids: { huyen: string; huyen2: string; xa: string; tinh: string },
    lists: { units?: unknown[]; moves?: unknown[]; ids?: unknown[]; relations?: unknown[] } = {},
  ): [Request, Request, Request, Request] {
    return [
      [
        CREATE_UNITS,
        {
          input: {
            units: lists.units ?? [
              {
                unit: { id: `${ids.huyen}-moi`, name: "Xã mới", kind: "COMMUNE_COMMITTEE" },
                superiorId: ids.huyen,
              },
            ],
            effectiveOn: "2024-03-01",
            basis: BASIS,
          },
        },
      ],
      [
        MOVE_UNITS,
        {
          input: {
            moves: lists.moves ?? [{ unitId: ids.xa, superiorId: ids.huyen2 }],
            effectiveOn: "2024-03-01",
            basis: BASIS,
          },
        },
      ],
      [
        CLOSE_UNITS,
        { input: { ids: lists.ids ?? [ids.xa], lastDay: "2024-12-31", basis: BASIS, withSubtree: true } },
      ],
      [
        ADD_RELATIONS,
        { input: { relations: lists.relations ?? [relation("REPORTS_TO", ids.xa, ids.tinh)], basis: BASIS } },
      ],
    ];
  }

  it("a viewer may call none of them", async () => {
    const ids = await fixture();
    const viewer = await token("viewer");
    const answers = [];
    for (const [query, variables] of requests(ids)) answers.push(await refused(viewer, query, variables));
    expect(answers).toEqual(Array(4).fill({ code: "FORBIDDEN", rule: "ROLE", argument: undefined }));
  });

  it("an empty list is bad input naming it", async () => {
    const ids = await fixture();
    const answers = [];
    for (const [query, variables] of requests(ids, { units: [], moves: [], ids: [], relations: [] }))
      answers.push(await refused(admin, query, variables));
    expect(answers.map((a) => [a.code, a.argument])).toEqual([
      ["BAD_USER_INPUT", "input.units"],
      ["BAD_USER_INPUT", "input.moves"],
      ["BAD_USER_INPUT", "input.ids"],
      ["BAD_USER_INPUT", "input.relations"],
    ]);
  });

  it("a date not written yyyy-mm-dd, or not a real day, is bad input naming it", async () => {
    const ids = await fixture();
    const [creating, moving, closing, adding] = requests(ids, {
      relations: [
        relation("REPORTS_TO", ids.xa, ids.tinh),
        relation("REPORTS_TO", ids.xa2, ids.tinh, "2024-1-1"),
      ],
    });
    const answers = [
      await refused(admin, creating[0], {
        input: { ...creating[1].input, effectiveOn: "01/03/2024" },
      }),
      await refused(admin, moving[0], {
        input: { ...moving[1].input, effectiveOn: "2024-02-30" },
      }),
      await refused(admin, closing[0], { input: { ...closing[1].input, lastDay: "2024-13-01" } }),
      await refused(admin, adding[0], adding[1]),
    ];
    expect(answers.map((a) => [a.code, a.argument])).toEqual([
      ["BAD_USER_INPUT", "input.effectiveOn"],
      ["BAD_USER_INPUT", "input.effectiveOn"],
      ["BAD_USER_INPUT", "input.lastDay"],
      ["BAD_USER_INPUT", "input.relations[1].validFrom"],
    ]);
  });

  it("closeUnits: a last day before a unit began names that unit", async () => {
    const ids = await fixture();
    const late = `${ids.huyen}-moi`;
    await create(server, admin, { id: late, kind: "COMMUNE_COMMITTEE" }, ids.huyen, "2025-01-01");
    expect(
      await refused(admin, CLOSE_UNITS, {
        input: { ids: [ids.xa2, late], lastDay: "2024-12-31", basis: BASIS },
      }),
    ).toEqual({ code: "CONFLICT", rule: "ENDPOINTS_ACTIVE", argument: "input.ids[1]" });
  });
});
