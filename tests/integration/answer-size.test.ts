/**
 * The cost estimate prices lists no argument bounds (a unit's relations, its history) at an
 * assumed size; the values actually resolved are counted against MAX_QUERY_COST too (README,
 * "Limits"). Found by the hostile tester: three levels of `relations(direction: IN) { to { … } }`
 * on a unit with 147 subordinates passed the estimate and drove the service to 3 GB.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { create, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

// A test province with 60 districts: its history is longer than the estimate's assumed 30.
const P = "ansz-";
const UNIT = `${P}tinh`;
const CHILDREN = 60;
// Estimated 1 + 30 × 1 = 31; resolves about 60.
const FITS = `{ history(unitId: "${UNIT}") { id } }`;
// Estimated 1 + 30 × 4 = 121, within MAX_QUERY_COST 150; resolves about 60 × 4 = 240.
const LONGER = `{ history(unitId: "${UNIT}") { id entity entityId operation } }`;

async function post(server: TestServer, query: string) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as {
    data?: { history?: unknown[] } | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: res.status, ...body };
}

describe("values resolved beyond the estimate", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_QUERY_COST: "150", RESULT_CACHE_MB: "0", JWT_SECRET: TEST_SECRET });
    await removeSandbox(server.db, P);
    const admin = await token("admin");
    await create(server, admin, { id: UNIT, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
    for (let i = 0; i < CHILDREN; i++)
      await create(server, admin, { id: `${P}huyen-${i}`, kind: "DISTRICT_COMMITTEE" }, UNIT);
  }, 120_000);
  afterAll(async () => {
    if (server) await removeSandbox(server.db, P);
    await server?.close();
  });

  it("answers a query whose answer fits", async () => {
    const answer = await post(server, FITS);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.history?.length).toBeGreaterThan(30);
  });

  it("stops a query that passed the estimate once its answer holds more than MAX_QUERY_COST values", async () => {
    const answer = await post(server, LONGER);
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]?.message).toMatch(/more than MAX_QUERY_COST 150 values/);
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "MAX_QUERY_COST",
      max: 150,
    });
  });

  it("keeps answering afterwards", async () => {
    const answer = await post(server, FITS);
    expect(answer.status).toBe(200);
    expect(answer.data?.history?.length).toBeGreaterThan(30);
  });

  it("answers an operationName that names no operation with a coded error, not a masked one", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "query A { stats { units } } query B { stats { units } }",
        operationName: "C",
      }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
    expect(body.errors?.[0]?.message).toMatch(/C/);
  });
});
