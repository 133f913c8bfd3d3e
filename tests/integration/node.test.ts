/** Global object identification: nodeId, node(id:) and nodes(ids:), batched, priced and scoped. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSandbox, create, gqlAs, openSandbox, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "node-";
let server: TestServer;
let admin: string;
let eventNodeId: string;

beforeAll(async () => {
  ({ server, admin } = await openSandbox({ READ_ACCESS: "scoped", RESULT_CACHE_MB: "0" }));
  await create(server, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  const res = await gqlAs<{ createUnit: { nodeId: string } }>(
    server,
    admin,
    `mutation ($input: CreateUnitInput!) { createUnit(input: $input) { nodeId } }`,
    {
      input: {
        unit: { id: `${P}huyen`, name: `${P}huyen`, kind: "DISTRICT_COMMITTEE" },
        superiorId: `${P}tinh-uy`,
        effectiveOn: "2020-01-01",
        basis: ["dieu-le-dang-whole"],
      },
    },
  );
  eventNodeId = res.data?.createUnit.nodeId as string;
});
afterAll(() => closeSandbox(server, P));

const asAdmin = <T>(query: string, variables?: Record<string, unknown>) =>
  gqlAs<T>(server, admin, query, variables);

interface Ided {
  id: string;
  nodeId: string;
}

const NODE = `query ($id: ID!) { node(id: $id) { __typename nodeId ... on Unit { id name } ... on Relation { id type }
  ... on Document { id } ... on Plan { id } ... on Task { id } ... on Event { id kind } } }`;

describe("node(id:)", () => {
  it("fetches a unit, a relation, a document, a plan, a task and an event again by nodeId", async () => {
    const listed = await asAdmin<{
      unit: Ided & { relations: Ided[] };
      documents: Ided[];
      plans: (Ided & { tasks: Ided[] })[];
    }>(`{ unit(id: "chi-bo-so-noi-vu-quang-ngai") { id nodeId relations { id nodeId } }
          documents { id nodeId } plans { id nodeId tasks { id nodeId } } }`);
    expect(listed.errors).toBeUndefined();
    const data = listed.data as NonNullable<typeof listed.data>;
    const plan = data.plans.find((p) => p.tasks.length > 0) as Ided & { tasks: Ided[] };
    const cases: [string, Ided][] = [
      ["Unit", data.unit],
      ["Relation", data.unit.relations[0] as Ided],
      ["Document", data.documents[0] as Ided],
      ["Plan", plan],
      ["Task", plan.tasks[0] as Ided],
    ];
    for (const [type, object] of cases) {
      const res = await asAdmin<{ node: { __typename: string; id: string; nodeId: string } }>(NODE, {
        id: object.nodeId,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.node).toMatchObject({ __typename: type, id: object.id, nodeId: object.nodeId });
    }
    const event = await asAdmin<{ node: { __typename: string; kind: string } }>(NODE, { id: eventNodeId });
    expect(event.data?.node).toMatchObject({ __typename: "Event", kind: "CREATE_UNIT" });
  });

  it("gives every type its own global id space: the same key under two types is two ids", async () => {
    const res = await asAdmin<{ unit: Ided }>(`{ unit(id: "bch-trung-uong") { id nodeId } }`);
    expect(res.data?.unit.id).toBe("bch-trung-uong");
    expect(res.data?.unit.nodeId).not.toBe("bch-trung-uong");
    const asDocument = Buffer.from(JSON.stringify(["Document", "bch-trung-uong"])).toString("base64url");
    expect(asDocument).not.toBe(res.data?.unit.nodeId);
    const missing = await asAdmin<{ node: unknown }>(NODE, { id: asDocument });
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.node).toBeNull();
  });

  it("refuses an id that is not a global id with BAD_USER_INPUT naming the argument", async () => {
    const res = await asAdmin(NODE, { id: "bch-trung-uong" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.extensions?.argument).toBe("id");
  });
});

describe("nodes(ids:)", () => {
  it("answers in order, null for a missing object, with the units read in one round trip", async () => {
    const ids = ["bch-trung-uong", "chi-bo-so-noi-vu-quang-ngai", `${P}tinh-uy`];
    const listed = await asAdmin<{ a: Ided; b: Ided; c: Ided }>(
      `{ a: unit(id: "${ids[0]}") { id nodeId } b: unit(id: "${ids[1]}") { id nodeId } c: unit(id: "${ids[2]}") { id nodeId } }`,
    );
    const nodeIds = [listed.data?.a.nodeId, listed.data?.b.nodeId, listed.data?.c.nodeId];
    const gone = Buffer.from(JSON.stringify(["Unit", `${P}never-created`])).toString("base64url");
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { id } } }`;
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables: { ids: [...nodeIds, gone] } }),
    });
    const body = (await res.json()) as {
      data: { nodes: ({ id: string } | null)[] };
      extensions: { cypherRoundTrips: number };
    };
    expect(body.data.nodes).toEqual([...ids.map((id) => ({ id })), null]);
    const one = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables: { ids: [nodeIds[0]] } }),
    });
    const oneBody = (await one.json()) as { extensions: { cypherRoundTrips: number } };
    expect(body.extensions.cypherRoundTrips).toBe(oneBody.extensions.cypherRoundTrips);
  });

  it("refuses more than 100 ids", async () => {
    const id = Buffer.from(JSON.stringify(["Unit", "bch-trung-uong"])).toString("base64url");
    const res = await asAdmin(`query ($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }`, {
      ids: Array.from({ length: 101 }, () => id),
    });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.errors?.[0]?.extensions?.argument).toBe("ids");
  });
});

describe("scoped reading", () => {
  it("gives a scoped reader its own subtree's nodes and null for the others", async () => {
    const viewer = await token("viewer", [`${P}tinh-uy`], "node-viewer");
    const ids = await asAdmin<{ a: Ided; b: Ided }>(
      `{ a: unit(id: "${P}huyen") { id nodeId } b: unit(id: "bch-trung-uong") { id nodeId } }`,
    );
    const res = await gqlAs<{ nodes: ({ id: string } | null)[] }>(
      server,
      viewer,
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { id } } }`,
      { ids: [ids.data?.a.nodeId, ids.data?.b.nodeId] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.nodes).toEqual([{ id: `${P}huyen` }, null]);
  });
});

describe("query cost", () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ MAX_QUERY_COST: "200" });
  });
  afterAll(async () => {
    await small?.close();
  });

  it("prices nodes(ids:) by the number of ids", async () => {
    const id = Buffer.from(JSON.stringify(["Unit", "bch-trung-uong"])).toString("base64url");
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Unit { id name kind } } }`;
    const few = await small.gql(query, { ids: [id, id] });
    expect(few.errors).toBeUndefined();
    const many = await small.gql(query, { ids: Array.from({ length: 90 }, () => id) });
    expect(many.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });
});
