/**
 * A fuzz corpus against the real service: hostile requests generated from
 * introspection (tests/support/fuzz-requests.ts) and a fixed corpus of the cases a hostile
 * tester found. Every answer must be JSON, none a masked internal error, none may hang, and a
 * refused request writes nothing. Mutations run as an editor of a sandbox province, which is
 * removed afterwards with everything the fuzz wrote; the graph is then what it was before.
 */
import type { IntrospectionQuery } from "graphql";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGraphVersion } from "../../src/store/graph-version.ts";
import { type FuzzRequest, fuzzRequests } from "../support/fuzz-requests.ts";
import { BASIS, create, removeSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "fz-";
const EDITOR = "fuzz-editor";
const ANSWER_LIMIT_MS = 10_000;
/** Codes a refusal may carry; anything else (INTERNAL_SERVER_ERROR above all) is a finding. */
const CODES = new Set([
  "BAD_USER_INPUT",
  "QUERY_TOO_COMPLEX",
  "BAD_REQUEST",
  "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED",
  "NOT_FOUND",
  "FORBIDDEN",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
]);

let server: TestServer;
let editor: string;
let beforeNodes: Map<string, string>;
let beforeRelationships: string[];

/** Every node's properties by id, to name what changed when the snapshots differ. */
async function nodeProperties(): Promise<Map<string, string>> {
  const rows = await server.db.read(
    "MATCH (n) WHERE NOT n:WriteLock RETURN coalesce(n.id, elementId(n)) AS key, properties(n) AS p",
  );
  return new Map(rows.map((r) => [String(r.key), JSON.stringify(r.p, Object.keys(r.p as object).sort())]));
}

/** Every relationship as a line (type, ends, properties), sorted: a multiset, whatever Neo4j's order. */
async function relationshipLines(): Promise<string[]> {
  const rows = await server.db.read(
    `MATCH (a)-[r]->(b) RETURN type(r) AS t, coalesce(a.id, elementId(a)) AS a, coalesce(b.id, elementId(b)) AS b,
            properties(r) AS p`,
  );
  return rows
    .map((r) => JSON.stringify([r.t, r.a, r.b, JSON.stringify(r.p, Object.keys(r.p as object).sort())]))
    .sort();
}

beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET: TEST_SECRET, RATE_LIMIT_PER_MINUTE: "0" });
  beforeNodes = await nodeProperties();
  beforeRelationships = await relationshipLines();
  const admin = await token("admin", [], "fuzz-admin");
  await create(server, admin, { id: `${P}tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: `${P}huyen`, kind: "DISTRICT_COMMITTEE" }, `${P}tinh`);
  await create(server, admin, { id: `${P}xa`, kind: "COMMUNE_COMMITTEE" }, `${P}huyen`);
  await create(server, admin, { id: `${P}xa2`, kind: "COMMUNE_COMMITTEE" }, `${P}huyen`);
  editor = await token("editor", [`${P}tinh`], EDITOR);
});

/** Removes the units the fuzz created (whatever their ids), its events, and the sandbox. */
async function removeFuzzWrites(): Promise<void> {
  await server.db.write(
    `MATCH (c:Change {operation: 'CREATED', entity: 'UNIT'})-[:IN_EVENT]->(:Event {actor: $actor})
     MATCH (u:Unit {id: c.entityId}) DETACH DELETE u`,
    { actor: EDITOR },
  );
  await server.db.write(
    `MATCH (e:Event {actor: $actor}) OPTIONAL MATCH (c:Change)-[:IN_EVENT]->(e) DETACH DELETE c, e`,
    { actor: EDITOR },
  );
  // Feed links the fuzz minted (mintFeedCapability: any reader may mint one).
  await server.db.write("MATCH (f:FeedCapability) WHERE f.createdBy STARTS WITH 'fuzz-' DETACH DELETE f");
  await removeSandbox(server.db, P);
}

afterAll(async () => {
  await removeFuzzWrites();
  await server.close();
});

interface Finding {
  label: string;
  problem: string;
}

/** Sends one request and returns what is wrong with the answer, if anything. */
async function check(
  request: { label: string; body: string; mutation: boolean; bearer?: string },
  expected: "refused" | "accepted" | "either" = "either",
): Promise<Finding | null> {
  const version = request.mutation ? await readGraphVersion(server.db) : null;
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(request.bearer ? { authorization: `Bearer ${request.bearer}` } : {}),
      },
      body: request.body,
      signal: AbortSignal.timeout(ANSWER_LIMIT_MS),
    });
  } catch (e) {
    return { label: request.label, problem: `no answer within ${ANSWER_LIMIT_MS} ms (${(e as Error).name})` };
  }
  const type = res.headers.get("content-type") ?? "";
  const text = await res.text();
  if (!/^application\/(graphql-response\+)?json/.test(type))
    return { label: request.label, problem: `${res.status} ${type}: ${text.slice(0, 80)}` };
  let body: {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string; messageVi?: unknown } }[];
  };
  try {
    body = JSON.parse(text);
  } catch {
    return { label: request.label, problem: `${res.status} not JSON: ${text.slice(0, 80)}` };
  }
  const bad = (body.errors ?? []).find((e) => !CODES.has(e.extensions?.code ?? ""));
  if (bad) return { label: request.label, problem: `${bad.extensions?.code}: ${bad.message.slice(0, 120)}` };
  const untranslated = (body.errors ?? []).find((e) => typeof e.extensions?.messageVi !== "string");
  if (untranslated)
    return { label: request.label, problem: `no messageVi: ${untranslated.message.slice(0, 120)}` };
  if (/stacktrace|at \w+ \(.*\.ts:\d+/.test(text))
    return { label: request.label, problem: "a stack trace reached the client" };
  if (expected === "refused" && !body.errors?.length) return { label: request.label, problem: "accepted" };
  if (expected === "accepted" && body.errors?.length)
    return { label: request.label, problem: `refused: ${body.errors[0]?.message}` };
  if (version !== null && body.errors?.length && (await readGraphVersion(server.db)) !== version)
    return { label: request.label, problem: "refused, yet the graph changed" };
  if (Date.now() - started > ANSWER_LIMIT_MS) return { label: request.label, problem: "too slow" };
  return null;
}

const asBody = (r: FuzzRequest) => JSON.stringify({ query: r.query, variables: r.variables });

/** The fixed corpus: attacks found by hostile testing, each of which must be refused. */
const FIXED: { label: string; query: string; variables?: Record<string, unknown>; mutation?: boolean }[] = [
  ...["2025-02-30", "March 7, 2024", "1"].map((since) => ({
    label: `changes(since: ${since})`,
    query: "query ($since: String) { changes(since: $since) { nodes { id } } }",
    variables: { since },
  })),
  {
    label: "changes with a forged cursor",
    query: 'query { changes(after: "eyJhdCI6MSwiaWQiOjJ9") { nodes { id } } }',
  },
  {
    label: "descendants with a cursor at depth 1e308",
    query:
      'query ($after: String) { unit(id: "tinh-uy-quang-ngai") { descendants(after: $after) { nodes { id } } } }',
    variables: { after: Buffer.from(JSON.stringify({ id: "x", depth: 1e308 })).toString("base64url") },
  },
  ...[[{}], [123], [{ __typename: "Nope" }], [{ __typename: "Unit" }], [{ __typename: "Unit", id: 5 }]].map(
    (representations) => ({
      label: `_entities(${JSON.stringify(representations)})`,
      query: "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
      variables: { r: representations },
    }),
  ),
  ...["x".repeat(200_000), "Chi bộ\u0000", "Chi bộ \u202Eevil"].map((name, i) => ({
    label: `createUnit with name ${JSON.stringify(name.slice(0, 12))}…(${name.length})`,
    query: "mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }",
    variables: {
      input: {
        unit: { id: `${P}bad-name-${i}`, name, kind: "BASIC_PARTY_CELL" },
        superiorId: `${P}xa`,
        effectiveOn: "2025-07-01",
        basis: BASIS,
      },
    },
    mutation: true,
  })),
  {
    label: "createUnit effective 9999-12-31",
    query: "mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }",
    variables: {
      input: {
        unit: { id: `${P}far-future`, name: "Chi bộ tương lai", kind: "BASIC_PARTY_CELL" },
        superiorId: `${P}xa`,
        effectiveOn: "9999-12-31",
        basis: BASIS,
      },
    },
    mutation: true,
  },
  {
    label: "COORDINATES_WITH from a unit to itself",
    query: "mutation ($input: AddRelationInput!) { addRelation(input: $input) { id } }",
    variables: {
      input: {
        type: "COORDINATES_WITH",
        fromId: `${P}xa`,
        toId: `${P}xa`,
        validFrom: "2025-07-01",
        basis: BASIS,
      },
    },
    mutation: true,
  },
  {
    label: "mergeUnits with a repeated source",
    query: "mutation ($input: MergeUnitsInput!) { mergeUnits(input: $input) { id } }",
    variables: {
      input: {
        sourceIds: [`${P}xa`, `${P}xa`],
        into: { id: `${P}merged`, name: "Đảng ủy xã mới", kind: "COMMUNE_COMMITTEE" },
        superiorId: `${P}huyen`,
        effectiveOn: "2025-07-01",
        basis: BASIS,
      },
    },
    mutation: true,
  },
];

describe("the fixed corpus of cases a hostile tester found", () => {
  it.each(FIXED)("$label is refused with a coded error and writes nothing", async (c) => {
    const finding = await check(
      {
        label: c.label,
        body: JSON.stringify({ query: c.query, variables: c.variables }),
        mutation: c.mutation ?? false,
        bearer: editor,
      },
      "refused",
    );
    expect(finding).toBeNull();
  });

  it("refuses a second relation that overlaps an existing one between the same pair", async () => {
    const add = (label: string, validFrom: string) => ({
      label,
      body: JSON.stringify({
        query: "mutation ($input: AddRelationInput!) { addRelation(input: $input) { id } }",
        variables: {
          input: { type: "COORDINATES_WITH", fromId: `${P}xa`, toId: `${P}xa2`, validFrom, basis: BASIS },
        },
      }),
      mutation: true,
      bearer: editor,
    });
    expect(await check(add("the first", "2025-07-01"), "accepted")).toBeNull();
    expect(await check(add("the same again", "2025-07-01"), "refused")).toBeNull();
    expect(await check(add("one overlapping it", "2025-09-01"), "refused")).toBeNull();
  });
});

describe("fuzzing every argument of every field", () => {
  it("answers ≥ 500 generated hostile requests in JSON, with no masked error, no hang, nothing written when refused", async () => {
    const introspection = await server.gql<IntrospectionQuery>(getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    const requests = fuzzRequests(introspection.data as IntrospectionQuery, {
      query: {
        unitId: "chi-bo-so-noi-vu-quang-ngai",
        id: "tinh-uy-quang-ngai",
        fromId: "chi-bo-so-noi-vu-quang-ngai",
        toId: "tinh-uy-quang-ngai",
        under: "tinh-uy-quang-ngai",
        path: ["chi-bo-so-noi-vu-quang-ngai", "tinh-uy-quang-ngai"],
        number: "138-QĐ/TW",
        text: "tinh uy",
      },
      mutation: {
        id: `${P}xa`,
        unitId: `${P}xa`,
        superiorId: `${P}huyen`,
        fromId: `${P}xa`,
        toId: `${P}xa2`,
        underId: `${P}tinh`,
        sourceId: `${P}xa`,
        sourceIds: [`${P}xa`, `${P}xa2`],
        relationId: `${P}no-such-relation`,
        host: `${P}huyen`,
        basis: BASIS,
        "NewUnitInput.id": `${P}new`,
        "NewUnitInput.kind": "BASIC_PARTY_CELL",
      },
      fallback: `${P}xa`,
    });
    expect(requests.length).toBeGreaterThanOrEqual(500);
    const findings: Finding[] = [];
    for (const r of requests) {
      const finding = await check({ label: r.label, body: asBody(r), mutation: r.mutation, bearer: editor });
      if (finding) findings.push(finding);
    }
    // The whole list, to read when it fails (the assertion's diff may be cut short).
    if (findings.length > 0) console.error(JSON.stringify(findings, null, 1));
    expect(findings, `${findings.length} of ${requests.length} requests`).toEqual([]);
  }, 900_000);
});

describe("after the fuzz", () => {
  it("touched nothing outside its sandbox: once that is removed, the graph is what it was", async () => {
    await removeFuzzWrites();
    const after = await nodeProperties();
    const changed = [...new Set([...beforeNodes.keys(), ...after.keys()])].filter(
      (k) => beforeNodes.get(k) !== after.get(k),
    );
    expect(changed.map((k) => `${k}: ${beforeNodes.get(k)} → ${after.get(k)}`)).toEqual([]);
    const relationships = await relationshipLines();
    const gone = beforeRelationships.filter((line) => !relationships.includes(line));
    const added = relationships.filter((line) => !beforeRelationships.includes(line));
    expect({ gone, added }).toEqual({ gone: [], added: [] });
  });
});
