/**
 * A scoped reader's searchUnits (READ_ACCESS=scoped, security review s10 finding 5), against the
 * real Neo4j: the reader gets its top `first` among the units it may see, even when hidden units
 * outrank them all in the whole graph's ranking, and never a hidden one.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { create, fileSandbox, gqlAs, type ProvinceIds, provinceFixture, token } from "./helpers/sandbox.ts";

const P = "rsrch-";
const { server, admin } = await fileSandbox(P, { READ_ACCESS: "scoped" });
let ids: ProvinceIds;
const hidden = [1, 2, 3, 4].map((n) => `${P}an-${n}`);
const shown = [1, 2, 3].map((n) => `${P}thay-${n}`);

beforeAll(async () => {
  ids = await provinceFixture(server, admin, `${P}p`, { cell: true });
  // Short names rank first: the other province's districts outrank the reader's cells.
  for (const [i, id] of hidden.entries())
    await create(server, admin, { id, name: `Zqxw ${i + 1}`, kind: "DISTRICT_COMMITTEE" }, ids.other);
  for (const [i, id] of shown.entries())
    await create(
      server,
      admin,
      { id, name: `Chi bộ Zqxw thôn số ${i + 1} của xã thử nghiệm`, kind: "BASIC_PARTY_CELL" },
      ids.xa,
    );
});

const SEARCH = `query ($first: Int) { searchUnits(text: "zqxw", first: $first) { id } }`;
const hits = async (bearer: string, first: number) => {
  const res = await gqlAs<{ searchUnits: { id: string }[] }>(server, bearer, SEARCH, { first });
  expect(res.errors ?? []).toEqual([]);
  return res.data?.searchUnits.map((u) => u.id) ?? [];
};

describe("scoped searchUnits", () => {
  it("answers the reader's top hits among the units it may see", async () => {
    // The whole graph's top three are hidden from the reader.
    expect((await hits(admin, 3)).every((id) => hidden.includes(id))).toBe(true);
    const reader = await token("viewer", [ids.tinh], "viewer-rsrch");
    expect((await hits(reader, 3)).sort()).toEqual([...shown].sort());
    expect(await hits(reader, 2)).toHaveLength(2);
    expect((await hits(reader, 50)).filter((id) => hidden.includes(id))).toEqual([]);
    // The admin, asking after the reader, still gets the whole graph's ranking.
    expect((await hits(admin, 7)).sort()).toEqual([...hidden, ...shown].sort());
  });
});
