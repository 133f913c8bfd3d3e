/**
 * Relation ids made before relationId joined dotted unit ids with ":" may equal a new relation's:
 * u → "v.2025-01-01" with no start was "t.u.v.2025-01-01", the id of u → v from 2025-01-01. A
 * create that would reuse such an id is refused (CONFLICT, rule UNIQUE_ID, naming the argument and
 * the relation that holds the id) and leaves the graph as it was; the old relation keeps its id.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { relationId } from "../../src/domain/ids.ts";
import { bumpGraphVersion } from "../../src/store/graph-version.ts";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";
import { BASIS, create, fileSandbox, gqlAs, type ProvinceIds, provinceFixture } from "./helpers/sandbox.ts";

const P = "rid-";
const { server, admin } = await fileSandbox(P);

const ADD = `mutation ($input: AddRelationInput!) { addRelation(input: $input) { id changes { entity entityId } } }`;
const ON = "2025-01-01";
let u: ProvinceIds;
/** A commune whose id looks like another's with a date after it (UNIT_ID allows it). */
let dated: string;
/** The id the old scheme gave the relation xa → dated with no start: its parts joined with dots. */
let oldId: string;

const add = (fromId: string, toId: string, validFrom = ON) =>
  gqlAs(server, admin, ADD, { input: { type: "COORDINATES_WITH", fromId, toId, validFrom, basis: BASIS } });

beforeAll(async () => {
  u = await provinceFixture(server, admin, `${P}1`);
  dated = `${u.xa2}.${ON}`;
  await create(server, admin, { id: dated, kind: "COMMUNE_COMMITTEE" }, u.huyen);
  oldId = ["coordinates_with", u.xa, dated].join(".");
  // What the old relationId stored: written by hand, as an old version of the service did.
  await server.db.write(
    `MATCH (a:Unit {id: $from}), (b:Unit {id: $to})
     CREATE (a)-[:COORDINATES_WITH {id: $id, validFrom: null, validTo: null, frequencies: [], via: [],
                                    subject: null, basis: $basis, note: null, origin: 'api'}]->(b)`,
    { from: u.xa, to: dated, id: oldId, basis: BASIS },
  );
  await bumpGraphVersion(server.db);
});

describe("a relation whose id an old-scheme relation holds", () => {
  it("is refused with CONFLICT naming the argument and the holder, and changes nothing", async () => {
    expect(relationId({ type: "COORDINATES_WITH", from: u.xa, to: u.xa2, validFrom: ON })).toBe(oldId);
    const before = await graphSnapshot(server.db);
    const res = await add(u.xa, u.xa2);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "CONFLICT",
      rule: "UNIQUE_ID",
      argument: "input",
    });
    expect(res.errors?.[0]?.message).toContain(
      `held by COORDINATES_WITH "${u.xa}" → "${dated}" with no start`,
    );
    expect(await graphSnapshot(server.db)).toEqual(before);
  });

  it("leaves the old relation as it was, under its id", async () => {
    const rows = await server.db.read(
      "MATCH (a)-[r:COORDINATES_WITH]->(b) WHERE r.id = $id RETURN a.id AS from, b.id AS to, r.validFrom AS start",
      { id: oldId },
    );
    expect(rows).toEqual([{ from: u.xa, to: dated, start: null }]);
  });

  it("tells a relation made twice apart from an old one: it already exists", async () => {
    expect((await add(u.xa2, u.xa)).errors).toBeUndefined();
    const res = await add(u.xa2, u.xa);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: "CONFLICT",
      rule: "UNIQUE_ID",
      argument: "input",
    });
    expect(res.errors?.[0]?.message).toContain(
      `relation "${relationId({ type: "COORDINATES_WITH", from: u.xa2, to: u.xa, validFrom: ON })}" already exists`,
    );
  });
});
