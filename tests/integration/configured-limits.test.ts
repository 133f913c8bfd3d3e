/** MAX_PAGE_SIZE and MAX_DEPTH as configured: past them, BAD_USER_INPUT naming the argument. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_PAGE_SIZE: "20", MAX_DEPTH: "3" });
});
afterAll(async () => {
  await server.close();
});

const children = (first: number) =>
  `{ unit(id: "tinh-uy-quang-ngai") { children(asOf: "2024-06-01", first: ${first}) { nodes { id } } } }`;
const descendants = (maxDepth: number) =>
  `{ unit(id: "tinh-uy-quang-ngai") { descendants(asOf: "2024-06-01", maxDepth: ${maxDepth}, first: 20) { nodes { id } } } }`;

describe("MAX_PAGE_SIZE", () => {
  it("answers a page of exactly MAX_PAGE_SIZE", async () => {
    const res = await server.gql<{ unit: { children: { nodes: unknown[] } } }>(children(20));
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.children.nodes.length).toBeGreaterThan(0);
  });

  it("refuses a first over it with BAD_USER_INPUT naming first", async () => {
    const res = await server.gql(children(21));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "first" });
    expect(res.errors?.[0]?.message).toMatch(/first.*at most 20, got 21/);
  });
});

describe("MAX_DEPTH", () => {
  it("answers descendants to exactly MAX_DEPTH", async () => {
    const res = await server.gql<{ unit: { descendants: { nodes: unknown[] } } }>(descendants(3));
    expect(res.errors).toBeUndefined();
    expect(res.data?.unit.descendants.nodes.length).toBeGreaterThan(0);
  });

  it("refuses a maxDepth over it with BAD_USER_INPUT naming maxDepth", async () => {
    const res = await server.gql(descendants(4));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "maxDepth" });
    expect(res.errors?.[0]?.message).toMatch(/maxDepth.*at most 3, got 4/);
  });
});
