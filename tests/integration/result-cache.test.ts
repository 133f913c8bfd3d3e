/**
 * The result cache (src/graphql/result-cache.ts): answers are kept between requests, and a
 * write — through this instance, through another instance, or outside the service — is seen
 * by the very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpAllVersions, bumpGraphVersion } from "../../src/store/graph-version.ts";
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
  // Basic organisations: the 138-QĐ/TW rules cover them, so their facts name rules and citations.
  for (const n of [1, 2, 3, 4])
    await create(
      a,
      admin,
      { id: `${P}co-so-${n}`, kind: "BASIC_PARTY_COMMITTEE", sector: "AGENCY" },
      `${P}huyen`,
      "2020-01-01",
    );
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

const BASIC_OBLIGATIONS = `query ($id: ID!) { reportingObligations(unitId: $id, asOf: "2026-01-15") {
  type recipient { id } frequencies rule { id } basis { id document { id } } } }`;
const CHAIN = `query ($id: ID!) { reportingChain(unitId: $id, asOf: "2026-01-15") { to { id } } }`;

/** The answer and the Cypher round trips the request cost. */
async function asked(server: TestServer, query: string, id: string) {
  const res = await server.gql(query, { id });
  expect(res.errors).toBeUndefined();
  return { data: res.data, roundTrips: res.extensions?.cypherRoundTrips as number };
}

describe("result cache: one round trip on a miss, reference data kept apart", () => {
  it("a question about a unit not asked before costs one round trip (the versions come with the read)", async () => {
    // The first question may also read rules and citations not held yet (reference data, kept after).
    await asked(a, BASIC_OBLIGATIONS, `${P}co-so-1`);
    const miss = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-2`);
    expect(miss.roundTrips).toBe(1);
    expect((miss.data as { reportingObligations: unknown[] }).reportingObligations.length).toBeGreaterThan(0);
    expect(miss.data).toEqual((await asked(uncached, BASIC_OBLIGATIONS, `${P}co-so-2`)).data);
    const chain = await asked(a, CHAIN, `${P}co-so-3`);
    expect(chain.roundTrips).toBe(1);
    expect(chain.data).toEqual((await asked(uncached, CHAIN, `${P}co-so-3`)).data);
    // Asked again: held, so only the versions are checked.
    expect((await asked(a, CHAIN, `${P}co-so-3`)).roundTrips).toBe(1);
  });

  it("never answers from before a write made through another instance", async () => {
    const before = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-4`);
    const added = await gqlAs(
      b,
      admin,
      `mutation { addRelation(input: { type: REPORTS_TO, fromId: "${P}co-so-4", toId: "bch-trung-uong",
        validFrom: "2024-01-01", frequencies: [ANNUAL], basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(added.errors).toBeUndefined();
    const after = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-4`);
    type O = { reportingObligations: { recipient: { id: string } }[] };
    expect((after.data as O).reportingObligations.length).toBe(
      (before.data as O).reportingObligations.length + 1,
    );
    expect(after.data).toEqual((await asked(uncached, BASIC_OBLIGATIONS, `${P}co-so-4`)).data);
    // A's held answer was under the old version: the check found the new one, then one read.
    expect(after.roundTrips).toBe(2);
  });

  it("an edit of one unit leaves the rules and citations held; a change of reference data does not", async () => {
    const held = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-1`);
    expect(held.roundTrips).toBe(1);
    const renamed = await gqlAs(
      b,
      admin,
      `mutation { updateUnit(input: { id: "${P}tinh-uy", name: "Tỉnh ủy đổi tên", effectiveOn: "2024-01-01",
        basis: ["dieu-le-dang-whole"] }) { id } }`,
    );
    expect(renamed.errors).toBeUndefined();
    // The version check and the facts read again; the rules and citations they name are still held.
    const afterEdit = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-1`);
    expect(afterEdit.roundTrips).toBe(2);
    expect(afterEdit.data).toEqual(held.data);
    // Raising the reference version (as the seed, imports and migrations do) drops them: read again.
    await bumpAllVersions(a.db);
    const afterReference = await asked(a, BASIC_OBLIGATIONS, `${P}co-so-1`);
    expect(afterReference.roundTrips).toBeGreaterThan(2);
    expect(afterReference.data).toEqual(held.data);
  });
});
