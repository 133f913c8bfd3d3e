/**
 * Live updates over WebSocket with a real graphql-ws client against two real server instances on
 * one database: a change made through one instance reaches subscribers of both, once, after it
 * committed; a scoped reader receives only its subtree's events; tokens, bounds and query limits
 * apply to subscriptions.
 */
import { type Client, createClient } from "graphql-ws";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CODE_MESSAGES_VI, RULE_MESSAGES_VI } from "../../src/domain/error-messages-vi.ts";
import { closeSandbox, create, gqlAs, openSandbox, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "live-";
const LIVE = { READ_ACCESS: "scoped", LIVE_POLL_INTERVAL_MS: "200" };
let a: TestServer;
let b: TestServer;
let admin: string;
const clients: Client[] = [];

const wsUrl = (server: TestServer) => server.url.replace(/^http/, "ws");

function client(server: TestServer, bearer: string | null): Client {
  const c = createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  clients.push(c);
  return c;
}

interface Received {
  values: Record<string, unknown>[];
  errors: unknown[];
  /** Resolves once `n` values have arrived. */
  count(n: number): Promise<void>;
}

/** Subscribes and collects what arrives. */
function collect(c: Client, query: string, variables: Record<string, unknown> = {}): Received {
  const values: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const settle = () => {
    for (const w of waiters) if (values.length + errors.length >= w.n) w.resolve();
  };
  c.subscribe(
    { query, variables },
    {
      next: (r) => {
        if (r.errors) errors.push(...r.errors);
        if (r.data) values.push(r.data as Record<string, unknown>);
        settle();
      },
      error: (e) => {
        errors.push(e);
        settle();
      },
      complete: () => {},
    },
  );
  return {
    values,
    errors,
    count: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        settle();
      }),
  };
}

/** Opens a bare WebSocket and resolves with the HTTP answer when the upgrade is refused (101 when not). */
function upgradeRefusal(
  server: TestServer,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl(server), "graphql-transport-ws", { headers });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
      );
    });
    ws.on("open", () => {
      ws.close();
      resolve({ status: 101, type: "", body: "" });
    });
    ws.on("error", () => {});
  });
}

/** Resolves when the client's socket is open and acknowledged (connection_ack). */
const connected = (c: Client) => new Promise<void>((resolve) => c.on("connected", () => resolve()));

beforeAll(async () => {
  ({ server: a, admin } = await openSandbox({ ...LIVE, LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: "1" }));
  b = await startTestServer({ ...LIVE, JWT_SECRET: TEST_SECRET, LIVE_MAX_CONNECTIONS_PER_CLIENT: "4" });
  await create(a, admin, { id: `${P}tinh-uy`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(a, admin, { id: `${P}other`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  // Let both instances' feeds take in these two events before anyone subscribes: a poll still
  // reading them when the first test subscribes would deliver them to its subscribers.
  await new Promise((r) => setTimeout(r, 3000));
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await b?.close();
  await closeSandbox(a, P);
});

/** Waits past a few polls, so that the subscriptions just sent are listening (setup only, not asserted). */
const settleSubscriptions = () => new Promise((r) => setTimeout(r, 1500));

describe("subscriptions across two instances", () => {
  it("delivers each committed change once, to the right subscribers, from both instances", async () => {
    const viewer = await token("viewer", [`${P}other`], "live-viewer");
    const [c1, c2, c3, c4] = [client(a, admin), client(b, admin), client(a, viewer), client(b, admin)];
    const ready = [c1, c2, c3, c4].map(connected);
    const onA = collect(c1, `subscription ($u: ID) { eventRecorded(under: $u) { id kind units { id } } }`, {
      u: `${P}tinh-uy`,
    });
    const onB = collect(c2, `subscription ($u: ID!) { subtreeChanged(under: $u) { id kind } }`, {
      u: `${P}tinh-uy`,
    });
    const scoped = collect(c3, `subscription { eventRecorded { id units { id } } }`);
    const unit = collect(c4, `subscription ($id: ID!) { unitChanged(id: $id) { id name } }`, {
      id: `${P}tinh-uy`,
    });
    await Promise.all(ready);
    await settleSubscriptions();

    const created = await gqlAs<{ createUnit: { id: string } }>(
      a,
      admin,
      `mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }`,
      {
        input: {
          unit: { id: `${P}huyen`, name: `${P}huyen`, kind: "DISTRICT_COMMITTEE" },
          superiorId: `${P}tinh-uy`,
          effectiveOn: "2020-01-01",
          basis: ["dieu-le-dang-whole"],
        },
      },
    );
    const renamed = await gqlAs<{ updateUnit: { id: string } }>(
      b,
      admin,
      `mutation ($input: UpdateUnitInput!) { updateUnit(input: $input) { id } }`,
      {
        input: {
          id: `${P}tinh-uy`,
          effectiveOn: "2021-01-01",
          basis: ["dieu-le-dang-whole"],
          name: "Tỉnh ủy Live",
        },
      },
    );
    const foreign = await gqlAs<{ createUnit: { id: string } }>(
      b,
      admin,
      `mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }`,
      {
        input: {
          unit: { id: `${P}other-xa`, name: `${P}other-xa`, kind: "DISTRICT_COMMITTEE" },
          superiorId: `${P}other`,
          effectiveOn: "2020-01-01",
          basis: ["dieu-le-dang-whole"],
        },
      },
    );
    const ids = [created, renamed, foreign].map((r) => {
      expect(JSON.stringify(r.errors ?? null)).toBe("null");
      return Object.values(r.data as Record<string, { id: string }>)[0]?.id;
    });

    await Promise.all([onA.count(2), onB.count(2), scoped.count(1), unit.count(2)]);
    // The last event (foreign) has reached the scoped client, so everything before it was sorted too.
    expect(onA.values.map((v) => (v.eventRecorded as { id: string }).id)).toEqual([ids[0], ids[1]]);
    expect(onB.values.map((v) => (v.subtreeChanged as { id: string }).id)).toEqual([ids[0], ids[1]]);
    expect(scoped.values.map((v) => (v.eventRecorded as { id: string }).id)).toEqual([ids[2]]);
    // Both events name the province (a new child names its superior); each sends the unit as it is then.
    expect(unit.values).toHaveLength(2);
    expect(unit.values[1]).toEqual({ unitChanged: { id: `${P}tinh-uy`, name: "Tỉnh ủy Live" } });
    for (const r of [onA, onB, scoped, unit]) expect(r.errors).toEqual([]);
  });
});

/** The Cypher statements of the live-event poll a server has run so far (its /metrics), by name. */
async function pollStatements(server: TestServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^party_org_graph_cypher_statements_total\{([^}]*)\} (\S+)$/gm)) {
    const name = /statement="([^"]*)"/.exec(m[1] as string)?.[1] ?? "";
    if (name.startsWith("live-event-repository.") || name === "graph-version.readVersions")
      counts[name] = (counts[name] ?? 0) + Number(m[2]);
  }
  return counts;
}

/** Renames `${P}other` through `a` as of `effectiveOn`; the event's id. */
async function renameOther(name: string, effectiveOn: string): Promise<string> {
  const r = await gqlAs<{ updateUnit: { id: string } }>(
    a,
    admin,
    `mutation ($input: UpdateUnitInput!) { updateUnit(input: $input) { id } }`,
    { input: { id: `${P}other`, effectiveOn, basis: ["dieu-le-dang-whole"], name } },
  );
  expect(JSON.stringify(r.errors ?? null)).toBe("null");
  return r.data?.updateUnit.id as string;
}

describe("an instance without subscribers", () => {
  it("reads nothing for live updates; its first subscriber gets the events committed after it subscribed", async () => {
    const idle = await startTestServer({ ...LIVE, JWT_SECRET: TEST_SECRET });
    try {
      const before = await pollStatements(idle);
      await renameOther("Tỉnh ủy Khác (1)", "2022-01-01");
      // Five of its poll intervals after a change that moved the graph's version.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await pollStatements(idle)).toEqual(before);

      const c = client(idle, admin);
      const ready = connected(c);
      const live = collect(c, `subscription ($u: ID) { eventRecorded(under: $u) { id } }`, {
        u: `${P}other`,
      });
      await ready;
      await settleSubscriptions();
      const later = await renameOther("Tỉnh ủy Khác (2)", "2023-01-01");
      await live.count(1);
      // The rename made while nobody listened is in the feed's window, but was there before: not sent.
      expect(live.values).toEqual([{ eventRecorded: { id: later } }]);
      expect(live.errors).toEqual([]);
      expect((await pollStatements(idle))["live-event-repository.recentEvents"]).toBeGreaterThan(0);
    } finally {
      await idle.close();
    }
  });
});

describe("authentication and bounds", () => {
  it("closes a connection whose token does not verify with 4403", async () => {
    const code = await new Promise<number>((resolve) => {
      const c = createClient({
        url: wsUrl(a),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: "Bearer not-a-token" },
        // The close is what this test waits for; the client would also print it.
        onNonLazyError: () => {},
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      clients.push(c);
    });
    expect(code).toBe(4403);
  });

  it("closes an open connection with 4403 when its token expires", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3;
    const shortLived = await new SignJWT({ role: "viewer", scopes: [`${P}tinh-uy`] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("short-lived")
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const closed = new Promise<{ code: number; at: number }>((resolve) => {
      const c = createClient({
        url: wsUrl(a),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${shortLived}` },
        onNonLazyError: () => {},
        on: { closed: (e) => resolve({ code: (e as { code: number }).code, at: Date.now() }) },
      });
      clients.push(c);
      collect(c, `subscription { eventRecorded { id } }`);
    });
    const { code, at } = await closed;
    expect(code).toBe(4403);
    // Not refused at connect: it stayed open until the token's exp (second precision).
    expect(at).toBeGreaterThanOrEqual(exp * 1000 - 1000);
  });

  it("answers an event whose answer holds more than MAX_QUERY_COST values with one refusal, and goes on", async () => {
    // Priced at 33 before it runs (30 units assumed), so a cap of 40 lets it subscribe.
    const c40 = await startTestServer({ ...LIVE, JWT_SECRET: TEST_SECRET, MAX_QUERY_COST: "40" });
    try {
      const live = collect(client(c40, admin), `subscription { eventRecorded { id units { id } } }`);
      await settleSubscriptions();
      const units = Array.from({ length: 45 }, (_, i) => ({
        unit: { id: `${P}xa-${i}`, name: `Đảng ủy xã ${i}`, kind: "COMMUNE_COMMITTEE" },
        superiorId: `${P}tinh-uy`,
      }));
      // Communes directly under a province: from the 2025 reform on.
      const createUnits = (list: typeof units) =>
        gqlAs(a, admin, `mutation ($input: CreateUnitsInput!) { createUnits(input: $input) { id } }`, {
          input: { units: list, effectiveOn: "2026-01-01", basis: ["dieu-le-dang-whole"] },
        });
      expect((await createUnits(units)).errors).toBeUndefined();
      const small = [{ ...units[0], unit: { ...units[0]?.unit, id: `${P}xa-small` } }] as typeof units;
      expect((await createUnits(small)).errors).toBeUndefined();
      await live.count(2);
      expect(live.errors).toHaveLength(1);
      expect(live.errors[0]).toMatchObject({
        extensions: { code: "QUERY_TOO_COMPLEX", limit: "MAX_QUERY_COST", max: 40 },
      });
      // The next, small event is answered whole.
      expect(live.values).toHaveLength(1);
      const answered = live.values[0] as { eventRecorded: { units: { id: string }[] } };
      expect(answered.eventRecorded.units.map((u) => u.id)).toContain(`${P}xa-small`);
    } finally {
      await c40.close();
    }
  });

  it("refuses a second subscription on one connection past LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION", async () => {
    const c = client(a, admin);
    collect(c, `subscription { eventRecorded { id } }`);
    const second = collect(c, `subscription { eventRecorded { kind } }`);
    await second.count(1);
    expect(JSON.stringify(second.errors)).toMatch(/LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION/);
    expect(JSON.stringify(second.errors)).toContain(CODE_MESSAGES_VI.RATE_LIMITED);
  });

  it("answers an upgrade past LIVE_MAX_CONNECTIONS_PER_CLIENT with 429", async () => {
    // Two of this client's four connections to b are open (the first test's c2 and c4).
    const sockets = [client(b, admin), client(b, admin)];
    await Promise.all(sockets.map(connected));
    const refused = await upgradeRefusal(b);
    expect(refused.status).toBe(429);
    expect(refused.type).toMatch(/^application\/json/);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: "RATE_LIMITED",
      limit: "LIVE_MAX_CONNECTIONS_PER_CLIENT",
      max: 4,
      messageVi: expect.stringContaining(CODE_MESSAGES_VI.RATE_LIMITED),
    });
  });

  it("refuses an upgrade from a page of a foreign origin with 403 and a JSON error", async () => {
    const refused = await upgradeRefusal(a, { origin: "https://other.example" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: "FORBIDDEN",
      rule: "CORS_ORIGIN",
      messageVi: RULE_MESSAGES_VI.CORS_ORIGIN,
    });
  });

  it("applies the query limits and runs only subscriptions", async () => {
    const c = client(a, admin);
    let deep = "id";
    for (let i = 0; i < 14; i++) deep = `superior { ${deep} }`;
    const tooDeep = collect(c, `subscription { unitChanged(id: "bch-trung-uong") { ${deep} } }`);
    await tooDeep.count(1);
    expect(JSON.stringify(tooDeep.errors)).toMatch(/QUERY_TOO_COMPLEX|MAX_QUERY_DEPTH/);
    const c2 = client(a, admin);
    const query = collect(c2, `{ stats { units } }`);
    await query.count(1);
    expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions/);
  });
});
