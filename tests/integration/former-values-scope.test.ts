/**
 * Unit.formerValues under scoped reading (READ_ACCESS=scoped): a former host or seat is a unit
 * id, and a reader scoped to one province must not learn the id of a unit outside it that way;
 * inside the province, and for an unscoped reader, the former values stay whole.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { create, gqlAs, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "fv-";
const ids = {
  tinh: `${P}tinh`,
  huyen: `${P}huyen`,
  xa: `${P}xa`,
  so: `${P}so`,
  soMoi: `${P}so-moi`,
  chiBo: `${P}chi-bo`,
  khac: `${P}khac`,
  khacHuyen: `${P}khac-huyen`,
  khacSo: `${P}khac-so`,
};
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
  admin = await token("admin", [], "admin-tester");
  await create(server, admin, { id: ids.tinh, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: ids.huyen, kind: "DISTRICT_COMMITTEE" }, ids.tinh);
  await create(server, admin, { id: ids.xa, kind: "COMMUNE_COMMITTEE" }, ids.huyen);
  await create(server, admin, { id: ids.so, kind: "STATE_AGENCY" }, ids.tinh);
  await create(server, admin, { id: ids.soMoi, kind: "STATE_AGENCY" }, ids.tinh);
  await create(server, admin, { id: ids.khac, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: ids.khacHuyen, kind: "DISTRICT_COMMITTEE" }, ids.khac);
  await create(server, admin, { id: ids.khacSo, kind: "STATE_AGENCY" }, ids.khac);
  // The chi bộ sat in the other province's agency and the agency's seat was the other
  // province's district; both moved into the reader's province on 01/09/2024.
  await create(
    server,
    admin,
    { id: ids.chiBo, kind: "BASIC_PARTY_CELL", sector: "AGENCY", host: ids.khacSo },
    ids.huyen,
  );
  for (const [id, on, set] of [
    [ids.so, "2024-01-01", `seat: "${ids.khacHuyen}"`],
    [ids.so, "2024-09-01", `seat: "${ids.xa}"`],
    [ids.chiBo, "2024-09-01", `host: "${ids.soMoi}"`],
  ] as const) {
    const res = await gqlAs(
      server,
      admin,
      `mutation { updateUnit(input: { id: "${id}", effectiveOn: "${on}", basis: ["qd-138-2023-d13"], ${set} }) { id } }`,
    );
    if (res.errors) throw new Error(`update ${id}: ${res.errors[0]?.message}`);
  }
});

afterAll(async () => {
  if (!server) return;
  await removeSandbox(server.db, P);
  await server.close();
});

type Former = { attribute: string; value: string | null; validTo: string };

async function former(bearer: string, id: string): Promise<Former[]> {
  const res = await gqlAs<{ unit: { formerValues: Former[] } }>(
    server,
    bearer,
    `query ($id: ID!) { unit(id: $id) { formerValues { attribute value validTo } } }`,
    { id },
  );
  expect(res.errors).toBeUndefined();
  // Unit ids only: a host or seat that was set (the "none yet" before the first seat is no id).
  return (res.data?.unit.formerValues ?? []).filter(
    (f) => (f.attribute === "host" || f.attribute === "seat") && f.value !== null,
  );
}

describe("Unit.formerValues under scoped reading", () => {
  it("an unscoped reader sees the former host and the former seat", async () => {
    expect(await former(admin, ids.chiBo)).toEqual([
      { attribute: "host", value: ids.khacSo, validTo: "2024-08-31" },
    ]);
    expect(await former(admin, ids.so)).toEqual([
      { attribute: "seat", value: ids.khacHuyen, validTo: "2024-08-31" },
    ]);
  });

  it("a reader scoped to the province does not see a former host or seat id outside it", async () => {
    const reader = await token("viewer", [ids.tinh], "viewer-fv-tinh");
    expect(await former(reader, ids.chiBo)).toEqual([]);
    expect(await former(reader, ids.so)).toEqual([]);
    // Nor through the dated attribute read on a date before the change.
    const res = await gqlAs<{ unit: { host: { id: string } | null } }>(
      server,
      reader,
      `{ unit(id: "${ids.chiBo}") { host(asOf: "2024-06-01") { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.host).toBeNull();
  });

  it("a reader scoped to both provinces sees them again", async () => {
    const reader = await token("viewer", [ids.tinh, ids.khac], "viewer-fv-both");
    expect((await former(reader, ids.chiBo)).map((f) => f.value)).toEqual([ids.khacSo]);
    expect((await former(reader, ids.so)).map((f) => f.value)).toEqual([ids.khacHuyen]);
  });
});

describe("a former host or seat in history and the diff (READ_ACCESS=scoped)", () => {
  const HISTORY = `query ($id: ID!) { history(unitId: $id) { entityId before after } }`;
  const outside = [ids.khacHuyen, ids.khacSo];

  it("history leaves out the records whose host, seat or former ones lie outside", async () => {
    const reader = await token("viewer", [ids.tinh], "viewer-fv-tinh");
    for (const [id, hidden] of [
      [ids.so, ids.khacHuyen],
      [ids.chiBo, ids.khacSo],
    ] as const) {
      const all = await gqlAs<{ history: unknown[] }>(server, admin, HISTORY, { id });
      expect(JSON.stringify(all.data)).toContain(hidden);
      const mine = await gqlAs<{ history: { entityId: string }[] }>(server, reader, HISTORY, { id });
      expect(mine.errors).toBeUndefined();
      for (const o of outside) expect(JSON.stringify(mine.data)).not.toContain(o);
    }
  });

  it("graphDiff and /export/diff leave out a host or seat change from or to a unit outside", async () => {
    const reader = await token("viewer", [ids.tinh], "viewer-fv-tinh");
    const DIFF = `{ graphDiff(from: "2024-06-01", to: "2024-10-01", under: ["${ids.tinh}"]) { nodes { unit { id } attribute before after } } }`;
    const all = await gqlAs(server, admin, DIFF);
    expect(JSON.stringify(all.data)).toContain(ids.khacHuyen);
    expect(JSON.stringify(all.data)).toContain(ids.khacSo);
    const mine = await gqlAs(server, reader, DIFF);
    expect(mine.errors).toBeUndefined();
    for (const o of outside) expect(JSON.stringify(mine.data)).not.toContain(o);

    const path = `${server.base}/export/diff/${ids.tinh}.csv?from=2024-06-01&to=2024-10-01`;
    // In the header: an admin's token in a URL is refused (rule QUERY_TOKEN).
    const whole = await fetch(path, { headers: { authorization: `Bearer ${admin}` } });
    expect(await whole.text()).toContain(ids.khacHuyen);
    const res = await fetch(`${path}&access_token=${reader}`);
    expect(res.status).toBe(200);
    const csv = await res.text();
    for (const o of outside) expect(csv).not.toContain(o);
  });
});
