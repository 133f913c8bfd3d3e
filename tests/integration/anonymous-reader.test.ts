/**
 * What a reader without a token is told (review s10 #14), over HTTP against the real Neo4j:
 * with READ_ACCESS=public it does not see who recorded a change (a token's subject, here an
 * e-mail) — not through `event`, `history`, `changes`, graphDiff's cause, nor the diff export's
 * actor column — while an authenticated reader does; and with READ_ACCESS≠public a wrong method
 * or a body that is not a JSON object is answered 405 / 400 before the reader is refused (403).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CREATE, createVariables, fileSandbox, gqlAs, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "anon-";
const UNIT = `${P}tinh`;
const ACTOR = "nguoi.ghi@example.vn";
const { server } = await fileSandbox(P, { READ_ACCESS: "public" });
let viewer = "";
let eventId = "";
let since = "";

beforeAll(async () => {
  since = new Date(Date.now() - 60_000).toISOString().replace("Z", "+00:00");
  const recorder = await token("admin", [], ACTOR);
  const res = await gqlAs<{ createUnit: { id: string; actor: string } }>(
    server,
    recorder,
    CREATE,
    createVariables({ id: UNIT, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong"),
  );
  expect(res.data?.createUnit.actor).toBe(ACTOR);
  eventId = res.data?.createUnit.id ?? "";
  viewer = await token("viewer", [], "viewer-anon-tester");
});

const READS = `query ($event: ID!, $unit: ID!, $since: String!) {
  event(id: $event) { actor changes { actor } }
  history(unitId: $unit) { actor }
  changes(since: $since, first: 500) { nodes { entityId actor } }
  graphDiff(from: "2019-12-31", to: "2020-01-01", under: [$unit]) { nodes { unit { id } cause { actor } } }
}`;

interface Reads {
  event: { actor: string | null; changes: { actor: string | null }[] };
  history: { actor: string | null }[];
  changes: { nodes: { entityId: string; actor: string | null }[] };
  graphDiff: { nodes: { unit: { id: string }; cause: { actor: string | null } }[] };
}

/** Every actor the reads answer about the sandbox unit's creation. */
async function actorsSeenBy(bearer: string | null): Promise<(string | null)[]> {
  const res = await gqlAs<Reads>(server, bearer, READS, { event: eventId, unit: UNIT, since });
  expect(res.errors).toBeUndefined();
  const d = res.data as Reads;
  const mine = d.changes.nodes.filter((n) => n.entityId === UNIT);
  expect(mine.length).toBeGreaterThan(0);
  expect(d.graphDiff.nodes.length).toBeGreaterThan(0);
  return [
    d.event.actor,
    ...d.event.changes.map((c) => c.actor),
    ...d.history.map((c) => c.actor),
    ...mine.map((c) => c.actor),
    ...d.graphDiff.nodes.map((n) => n.cause.actor),
  ];
}

async function diffExport(bearer: string | null, format: "csv" | "json"): Promise<string> {
  const res = await fetch(`${server.base}/export/diff/${UNIT}.${format}?from=2019-12-31&to=2020-01-01`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe("the actor of a change", () => {
  it("is hidden from a reader without a token", async () => {
    const actors = await actorsSeenBy(null);
    expect(actors.length).toBeGreaterThan(4);
    expect(new Set(actors)).toEqual(new Set([null]));
    for (const format of ["csv", "json"] as const) {
      const file = await diffExport(null, format);
      expect(file).toContain(UNIT);
      expect(file).not.toContain(ACTOR);
    }
    const json = JSON.parse(await diffExport(null, "json")) as { changes: { actor: string | null }[] };
    expect(json.changes.map((c) => c.actor)).toEqual(json.changes.map(() => null));
  });

  it("is shown to an authenticated reader", async () => {
    expect(new Set(await actorsSeenBy(viewer))).toEqual(new Set([ACTOR]));
    for (const format of ["csv", "json"] as const) expect(await diffExport(viewer, format)).toContain(ACTOR);
  });
});

describe("/graphql with READ_ACCESS=authenticated, for a caller without a token", () => {
  let closed: TestServer;
  beforeAll(async () => {
    closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "authenticated" });
    return () => closed.close();
  });

  const send = (method: string, body?: string) =>
    fetch(closed.url, { method, headers: { "content-type": "application/json" }, body });
  const codeOf = async (res: Response) =>
    ((await res.json()) as { errors: { extensions: { code: string; rule?: string } }[] }).errors[0]
      ?.extensions;

  it("a method other than GET or POST → 405 with Allow, not 403", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await send(method, "{}");
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST");
      expect(await codeOf(res)).toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("a body that is not a JSON object → 400, not 403", async () => {
    for (const body of ["{bad", "[1]", '[{"query":"{ __typename }"}]']) {
      const res = await send("POST", body);
      expect(res.status).toBe(400);
      expect(await codeOf(res)).toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("a well-formed request is then refused for want of a token", async () => {
    const res = await send("POST", '{"query":"{ __typename }"}');
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toMatchObject({ code: "FORBIDDEN", rule: "READ_ACCESS" });
  });
});
