/**
 * Federation 2: `_entities` resolves representations in one batched query, in order; and
 * a supergraph composed in-process with a second subgraph that extends Unit answers a
 * query across both.
 */
import { composeServices } from "@apollo/composition";
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTypeDefs } from "../../src/graphql/schema.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  // Round-trip counts here describe the queries themselves, so the result cache is off; with it
  // on, a request first reads the graph's version (tests/integration/result-cache.test.ts).
  server = await startTestServer({ RESULT_CACHE_MB: "0" });
});
afterAll(async () => {
  await server.close();
});

describe("_entities", () => {
  it("resolves Unit, Document and Task representations in the order given, batched", async () => {
    const task = await server.db.read("MATCH (t:Task) RETURN t.id AS id LIMIT 1");
    const representations = [
      { __typename: "Unit", id: "tinh-uy-quang-ngai" },
      { __typename: "Document", id: "qd-138-2023" },
      { __typename: "Unit", id: "bch-trung-uong" },
      { __typename: "Task", id: task[0]?.id },
      { __typename: "Unit", id: "khong-co" },
      { __typename: "Unit", id: "tinh-uy-lam-dong" },
    ];
    const res = await server.gql<{ _entities: ({ id: string; name?: string; number?: string } | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
         ... on Unit { id name } ... on Document { id number } ... on Task { id code }
      } }`,
      { r: representations },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities.map((e) => e?.id ?? null)).toEqual([
      "tinh-uy-quang-ngai",
      "qd-138-2023",
      "bch-trung-uong",
      task[0]?.id,
      null,
      "tinh-uy-lam-dong",
    ]);
    // One query for the units, one for the document, one for the task.
    expect(res.extensions?.cypherRoundTrips).toBe(3);
  });

  it("serves its SDL with @key on the entities", async () => {
    const res = await server.gql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    expect(res.data?._service.sdl).toMatch(/type Unit\s+@key\(fields: "id"\)/);
    expect(res.data?._service.sdl).toMatch(/type Document\s+@key\(fields: "id"\)/);
    expect(res.data?._service.sdl).toMatch(/type Task\s+@key\(fields: "id"\)/);
  });
});

describe("a supergraph", () => {
  const personnelTypeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Unit @key(fields: "id") {
      id: ID!
      "Number of positions on the committee's staffing table (a personnel system's field)."
      staffingQuota: Int!
    }
  `);
  const personnel = buildSubgraphSchema({
    typeDefs: personnelTypeDefs,
    resolvers: {
      Unit: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, staffingQuota: ref.id.length }) },
    },
  });

  it("composes with a second subgraph and answers a query across both", async () => {
    const composed = composeServices([
      { name: "org", typeDefs: parse(readTypeDefs()), url: server.url },
      { name: "personnel", typeDefs: personnelTypeDefs, url: "local://personnel" },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl as string,
      buildService: ({ name, url }) =>
        name === "personnel" ? new LocalGraphQLDataSource(personnel) : new RemoteGraphQLDataSource({ url }),
    });
    const router = new ApolloServer({ gateway });
    await router.start();
    try {
      const res = await router.executeOperation({
        query: `{ reportingChain(unitId: "chi-bo-so-noi-vu-quang-ngai", asOf: "2024-06-01") { to { id name staffingQuota } frequencies } }`,
      });
      const body = res.body.kind === "single" ? res.body.singleResult : null;
      expect(body?.errors).toBeUndefined();
      const data = body?.data as
        | { reportingChain: { to: { id: string; staffingQuota: number } }[] }
        | undefined;
      const steps = data?.reportingChain ?? [];
      expect(steps.length).toBeGreaterThan(1);
      for (const s of steps) expect(s.to.staffingQuota).toBe(s.to.id.length);
    } finally {
      await router.stop();
    }
  });
});
