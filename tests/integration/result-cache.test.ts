/**
 * The result cache (src/graphql/result-cache.ts): answers are kept between requests, and a
 * write — through this instance, through another instance, or outside the service — is seen
 * by the very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpGraphVersion } from "../../src/store/graph-version.ts";
import { create, gqlAs, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "rc-";
let a: TestServer;
let b: TestServer;
let uncached: TestServer;
let admin: string;

const OBLIGATIONS = `query ($id: ID!) { unit(id: $id) { id name: nameOn(date: "2026-01-15") reportingObligations(asOf: "2026-01-15") {
  type recipient { id } frequencies } } }`;
type Answer = { unit: { name: string; reportingObligations: { type: string; recipient: { id: string } }[] } };

beforeAll(async () => {
  a = await startTestServer({ JWT_SECRET: TEST_SECRET });
  b = await startTestServer({ JWT_SECRET: TEST_SECRET });
  uncached = await startTestServer({ JWT_SECRET: TEST_SECRET, RESULT_CACHE_MB: "0" });
  admin = await token("admin", [], "cache-tester");
  await create(a, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong", "2020-01-01");
  await create(a, admin, { id: `${P}huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh-uy`, "2020-01-01");
});

afterAll(async () => {
  await removeSandbox(a.db, P);
  await Promise.all([a.close(), b.close(), uncached.close()]);
});

const ask = (server: TestServer) => gqlAs<Answer>(server, null, OBLIGATIONS, { id: `${P}huyen` });
const roundTrips = async (server: TestServer) =>
  ((await server.gql(OBLIGATIONS, { id: `${P}huyen` })).extensions?.cypherRoundTrips as number) ?? -1;

describe("result cache", () => {
  it("serves a repeated question from memory: one round trip, for the graph's version", async () => {
    await ask(a);
    expect(await roundTrips(a)).toBe(1);
    // Without the cache the same request reads the unit and its facts.
    await ask(uncached);
    expect(await roundTrips(uncached)).toBe(2);
    expect((await ask(a)).data).toEqual((await ask(uncached)).data);
  });

  it("shows a write made through the same instance at once", async () => {
    const before = (await ask(a)).data?.unit.reportingObligations ?? [];
    const added = await gqlAs(
      a,
      admin,
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${P}huyen", toId: "bch-trung-uong",
        validFrom: "2024-01-01", frequencies: [ANNUAL], basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(added.errors).toBeUndefined();
    const after = (await ask(a)).data?.unit.reportingObligations ?? [];
    expect(after.length).toBe(before.length + 1);
    expect(after.some((o) => o.recipient.id === "bch-trung-uong")).toBe(true);
  });

  it("shows a write made through another instance on the next request", async () => {
    expect((await ask(a)).data?.unit.name).toBe(`${P}huyen`);
    expect((await ask(b)).data?.unit.name).toBe(`${P}huyen`);
    const renamed = await gqlAs(
      b,
      admin,
      `mutation { updateUnit(input: { id: "${P}huyen", name: "Huyện ủy đổi tên", effectiveOn: "2024-01-01",
        basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(renamed.errors).toBeUndefined();
    expect((await ask(a)).data?.unit.name).toBe("Huyện ủy đổi tên");
  });

  it("shows a write made outside the service once it raises the graph's version", async () => {
    await ask(a);
    await a.db.write("MATCH (u:Unit {id: $id}) SET u.name = 'Đổi ngoài dịch vụ'", { id: `${P}huyen` });
    await bumpGraphVersion(a.db);
    expect((await ask(a)).data?.unit.name).toBe("Đổi ngoài dịch vụ");
  });

  it("keeps no answer from a failed write", async () => {
    const before = await ask(a);
    const refused = await gqlAs(
      a,
      admin,
      `mutation { setSuperior(unitId: "${P}tinh-uy", superiorId: "${P}huyen", effectiveOn: "2024-01-01",
        basis: ["dieu-le-dang-whole"]) { id } }`,
    );
    // A cycle: the province under its own district.
    expect(refused.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await ask(a)).data).toEqual(before.data);
    expect((await ask(uncached)).data).toEqual(before.data);
  });
});
