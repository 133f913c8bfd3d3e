/**
 * Federation 2: `_entities` resolves representations in one batched query, in order, null in
 * place for an unknown id; `_service { sdl }` composes to the checked-in supergraph; inline
 * traces (ftv1) only when asked; and a supergraph composed in-process with a second subgraph
 * that extends Unit answers a query across both.
 */

import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { Trace } from "@apollo/usage-reporting-protobuf";
import { Kind, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeSupergraph, loadSupergraphConfig, SUPERGRAPH_FILE } from "../../scripts/supergraph-config.ts";
import { readTypeDefs } from "../../src/graphql/schema.ts";
import { closeSandbox, create, gqlAs, openSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "fed17-";
let server: TestServer;
let admin: string;
beforeAll(async () => {
  // Round-trip counts here describe the queries themselves, so the result cache is off; with it
  // on, a request first reads the graph's version (tests/integration/result-cache.test.ts).
  ({ server, admin } = await openSandbox({ RESULT_CACHE_MB: "0" }));
});
afterAll(async () => {
  await closeSandbox(server, P);
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

  it("resolves Citation, Rule, Position and Event references, null in place for unknown ids, one query each", async () => {
    await create(server, admin, { id: `${P}tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
    const [event] = await server.db.read(
      "MATCH (e:Event)-[:AFFECTED]->(:Unit {id: $id}) RETURN e.id AS id LIMIT 1",
      { id: `${P}tinh` },
    );
    const [provision] = await server.db.read("MATCH (p:Provision) RETURN p.id AS id ORDER BY p.id LIMIT 1");
    const [rule] = await server.db.read("MATCH (r:Rule) RETURN r.id AS id ORDER BY r.id LIMIT 1");
    const [position] = await server.db.read("MATCH (p:Position) RETURN p.id AS id ORDER BY p.id LIMIT 1");
    const representations = [
      { __typename: "Position", id: "khong-co" },
      { __typename: "Citation", id: provision?.id },
      { __typename: "Event", id: event?.id },
      { __typename: "Rule", id: "khong-co" },
      { __typename: "Position", id: position?.id },
      { __typename: "Rule", id: rule?.id },
      { __typename: "Event", id: "khong-co" },
      { __typename: "Citation", id: "khong-co" },
    ];
    const res = await server.gql<{ _entities: ({ __typename: string; id: string } | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
         __typename ... on Citation { id label } ... on Rule { id title } ... on Position { id titleLabel }
         ... on Event { id kind }
      } }`,
      { r: representations },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities.map((e) => (e ? `${e.__typename}:${e.id}` : null))).toEqual([
      null,
      `Citation:${provision?.id}`,
      `Event:${event?.id}`,
      null,
      `Position:${position?.id}`,
      `Rule:${rule?.id}`,
      null,
      null,
    ]);
    // One query per type, whatever the number of references of it.
    expect(res.extensions?.cypherRoundTrips).toBe(4);
  });
});

describe("_entities with READ_ACCESS=scoped", () => {
  it("answers null in place for a unit, position or event outside the reader's subtrees", async () => {
    const scopedServer = await startTestServer({
      RESULT_CACHE_MB: "0",
      READ_ACCESS: "scoped",
      JWT_SECRET: TEST_SECRET,
    });
    try {
      await create(server, admin, { id: `${P}scoped`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
      const [event] = await server.db.read(
        "MATCH (e:Event)-[:AFFECTED]->(:Unit {id: $id}) RETURN e.id AS id LIMIT 1",
        { id: `${P}scoped` },
      );
      expect(event?.id).toBeTypeOf("string");
      const representations = [
        { __typename: "Position", id: "bi-thu-dang-uy-khoi-co-quan-lam-dong" },
        { __typename: "Unit", id: "dang-uy-khoi-co-quan-lam-dong" },
        { __typename: "Event", id: event?.id },
        { __typename: "Unit", id: "tinh-uy-quang-ngai" },
      ];
      const ask = async (scope: string) => {
        const res = await gqlAs<{ _entities: ({ id: string } | null)[] }>(
          scopedServer,
          await token("viewer", [scope]),
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Unit { id } ... on Position { id } ... on Event { id } } }`,
          { r: representations },
        );
        expect(res.errors).toBeUndefined();
        return res.data?._entities.map((e) => e?.id ?? null);
      };
      expect(await ask("dang-uy-khoi-co-quan-lam-dong")).toEqual([
        "bi-thu-dang-uy-khoi-co-quan-lam-dong",
        "dang-uy-khoi-co-quan-lam-dong",
        null,
        null,
      ]);
      expect(await ask("tinh-uy-quang-ngai")).toEqual([null, null, null, "tinh-uy-quang-ngai"]);
      // An event is seen only by a reader who sees every unit it touched (as `event(id)`): the new
      // province and its superior.
      expect(await ask(`${P}scoped`)).toEqual([null, null, null, null]);
      expect(await ask("bch-trung-uong")).toEqual([
        "bi-thu-dang-uy-khoi-co-quan-lam-dong",
        "dang-uy-khoi-co-quan-lam-dong",
        event?.id,
        "tinh-uy-quang-ngai",
      ]);
    } finally {
      await scopedServer.close();
    }
  });
});

describe("the subgraph's SDL", () => {
  const ENTITIES = ["Unit", "Document", "Citation", "Rule", "Plan", "Task", "Event", "Position"];

  async function servedSdl(): Promise<string> {
    const res = await server.gql<{ _service: { sdl: string } }>("{ _service { sdl } }");
    expect(res.errors).toBeUndefined();
    return res.data?._service.sdl ?? "";
  }

  it("composes, with the personnel subgraph, to the checked-in supergraph", async () => {
    const sdl = await servedSdl();
    const subgraphs = loadSupergraphConfig().map((s) => (s.name === "org" ? { ...s, typeDefs: sdl } : s));
    // composeSupergraph fails unless @apollo/composition and @theguild/federation-composition both accept it.
    expect(composeSupergraph(subgraphs)).toBe(readFileSync(SUPERGRAPH_FILE, "utf8"));
  });

  it('puts @key(fields: "id") on every entity another subgraph may reference, and @shareable nowhere', async () => {
    const doc = parse(await servedSdl());
    const keys = new Map<string, string[]>();
    const shareable: string[] = [];
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const name = def.name.value;
      for (const d of def.directives ?? []) {
        if (d.name.value === "shareable") shareable.push(name);
        const fields = d.arguments?.find((a) => a.name.value === "fields")?.value;
        if (d.name.value === "key" && fields?.kind === Kind.STRING)
          keys.set(name, [...(keys.get(name) ?? []), fields.value]);
      }
      for (const field of def.fields ?? [])
        if (field.directives?.some((d) => d.name.value === "shareable"))
          shareable.push(`${name}.${field.name.value}`);
    }
    expect(Object.fromEntries(ENTITIES.map((t) => [t, keys.get(t)]))).toEqual(
      Object.fromEntries(ENTITIES.map((t) => [t, ["id"]])),
    );
    expect(shareable).toEqual([]);
  });
});

describe("inline traces (ftv1)", () => {
  // Apart: a non-null field's error nulls the whole answer, and the answer may then go out before
  // the other field's children have resolved, so one query cannot test both.
  const FIELDS = `{ unit(id: "tinh-uy-lam-dong") { id name } }`;
  const QUERY = `{ reportingChain(unitId: "khong-co") { relation } }`;

  async function ask(target: TestServer, headers: Record<string, string>, query = QUERY) {
    const res = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
      extensions?: { ftv1?: string };
    };
  }

  const traceOf = (body: { extensions?: { ftv1?: string } }) =>
    Trace.decode(Buffer.from(body.extensions?.ftv1 ?? "", "base64"));

  it("answers a trace of the fields and of the errors the client sees when the gateway asks", async () => {
    const fields = await ask(server, { "apollo-federation-include-trace": "ftv1" }, FIELDS);
    expect(typeof fields.extensions?.ftv1).toBe("string");
    const unit = traceOf(fields).root?.child?.find((c) => c.responseName === "unit");
    expect(unit?.child?.map((c) => c.responseName).sort()).toEqual(["id", "name"]);

    const body = await ask(server, { "apollo-federation-include-trace": "ftv1" });
    const children = traceOf(body).root?.child ?? [];
    expect(children.map((c) => c.responseName)).toEqual(["reportingChain"]);
    // The error as the client gets it: its message and code, no stack, no details.
    const clientError = body.errors?.[0];
    expect(clientError?.extensions?.code).toBe("NOT_FOUND");
    const traced = children.find((c) => c.responseName === "reportingChain")?.error ?? [];
    expect(traced.map((e) => e.message)).toEqual([clientError?.message]);
    expect(JSON.parse(traced[0]?.json ?? "{}").extensions).toEqual({ code: "NOT_FOUND" });
  });

  it("adds no trace to a request that does not ask", async () => {
    const body = await ask(server, {});
    expect(body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(body.extensions?.ftv1).toBeUndefined();
  });

  it("adds none with FEDERATED_TRACING=false, even when asked", async () => {
    const untraced = await startTestServer({ RESULT_CACHE_MB: "0", FEDERATED_TRACING: "false" });
    try {
      const body = await ask(untraced, { "apollo-federation-include-trace": "ftv1" });
      expect(body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(body.extensions?.ftv1).toBeUndefined();
    } finally {
      await untraced.close();
    }
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
