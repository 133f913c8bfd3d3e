/**
 * What a scoped reader (READ_ACCESS=scoped) can learn of what lies outside its subtrees, against
 * the real Neo4j (security review s10, findings 11 and 12): a hidden unit and a missing one answer
 * alike, extensions included (no `cypherRoundTrips` to count the reach query of a unit that
 * exists); and a `changes` page reads at most CHANGES_SCAN_MAX records, ending short with a cursor
 * at the last record read, from which the reader reads on; a meeting rule's requester outside the
 * reader's subtrees is not named (findings 14).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpGraphVersion } from "../../src/store/graph-version.ts";
import {
  fileSandbox,
  gqlAs,
  type ProvinceIds,
  provinceFixture,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "rexo-";
const SCAN = 3;
const { server, admin } = await fileSandbox(P, { READ_ACCESS: "scoped", CHANGES_SCAN_MAX: String(SCAN) });
let ids: ProvinceIds;

beforeAll(async () => {
  ids = await provinceFixture(server, admin, `${P}p`, { otherDistrict: true });
});

describe("a hidden unit answers as a missing one", () => {
  const UNIT = `query ($id: ID!) { unit(id: $id) { id name } }`;
  /** The answer without its request id (different in every answer). */
  const answer = async (bearer: string, id: string) => {
    const res = await gqlAs(server, bearer, UNIT, { id });
    const { requestId: _, ...extensions } =
      (res as { extensions?: Record<string, unknown> }).extensions ?? {};
    // Each names the id it was asked (message, messageVi, id): the rest must not differ.
    const errors = JSON.parse(
      JSON.stringify(
        (res.errors ?? []).map((e) => ({ ...e, extensions: { ...e.extensions, requestId: undefined } })),
      ).replaceAll(id, "<id>"),
    );
    return { data: res.data, errors, extensions };
  };

  it("alike in data, errors and extensions", async () => {
    const seen = await answer(admin, ids.other);
    expect(seen.data).toEqual({ unit: { id: ids.other, name: ids.other } });
    const reader = await token("viewer", [ids.tinh], "viewer-rexo");
    const hidden = await answer(reader, ids.other);
    const missing = await answer(reader, ids.missing);
    expect(hidden.errors[0]?.extensions).toMatchObject({ code: "NOT_FOUND", argument: "id" });
    expect(hidden).toEqual(missing);
  });

  it("still tells an admin its round trips (the bench reads them)", async () => {
    const res = await gqlAs(server, admin, UNIT, { id: ids.other });
    expect(
      (res as { extensions?: { cypherRoundTrips?: number } }).extensions?.cypherRoundTrips,
    ).toBeGreaterThan(0);
  });
});

describe("a scoped changes page reads a bounded part of the feed", () => {
  /**
   * Read on a server like the sandbox's but with a 100 ms write budget, once its commit lag (10.1 s)
   * has passed: pages follow on only through changes stamped before the horizon (src/domain/change-feed.ts).
   */
  let cut: TestServer;
  beforeAll(async () => {
    cut = await startTestServer({
      JWT_SECRET: TEST_SECRET,
      READ_ACCESS: "scoped",
      CHANGES_SCAN_MAX: String(SCAN),
      WRITE_TIMEOUT_MS: "100",
    });
    await new Promise((r) => setTimeout(r, 10_100));
  });
  afterAll(async () => {
    await cut?.close();
  });
  const FEED = `query ($after: String) { changes(since: "1930-01-01", first: 1, after: $after) {
    nodes { id } pageInfo { hasNextPage endCursor } } }`;
  type Feed = {
    changes: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };

  it("ends after CHANGES_SCAN_MAX records with a sealed cursor at the last one read, and reads on from it", async () => {
    // A reader of a commune whose changes all name its district too: it sees none of them.
    const reader = await token("viewer", [ids.xa2], "viewer-rexo-xa2");
    const first = await gqlAs<Feed>(cut, reader, FEED, {});
    expect(first.errors ?? []).toEqual([]);
    const third = await gqlAs<Feed>(
      cut,
      admin,
      `{ changes(since: "1930-01-01", first: ${SCAN}) { pageInfo { endCursor } } }`,
    );
    // It ends at the SCAN-th record of the feed, a change this reader may not see: its cursor is
    // sealed (src/graphql/sealed-cursor.ts), so it tells neither that change's id nor its time.
    expect(first.data?.changes.nodes).toEqual([]);
    expect(first.data?.changes.pageInfo.hasNextPage).toBe(true);
    const sealed = first.data?.changes.pageInfo.endCursor as string;
    expect(sealed).not.toBe(third.data?.changes.pageInfo.endCursor);
    const plain = Buffer.from(third.data?.changes.pageInfo.endCursor as string, "base64url").toString("utf8");
    const { id } = JSON.parse(plain) as { id: string };
    expect(Buffer.from(sealed.replace(/^s\./, ""), "base64url").toString("latin1")).not.toContain(id);

    // Read on to the end: each page ends at a later position, and the last says there is no more.
    const province = await token("viewer", [ids.tinh], "viewer-rexo-tinh");
    const got: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const page: { data?: Feed | null } = await gqlAs<Feed>(cut, province, FEED, { after });
      const changes = page.data?.changes;
      if (!changes) throw new Error("no page");
      got.push(...changes.nodes.map((n) => n.id));
      if (!changes.pageInfo.hasNextPage) break;
      expect(changes.pageInfo.endCursor).not.toBe(after);
      after = changes.pageInfo.endCursor;
    }
    // The province's reader meets the creation of its communes, each once.
    const xa = await gqlAs<{ history: { id: string }[] }>(
      server,
      admin,
      `{ history(unitId: "${ids.xa}") { id } }`,
    );
    const created = xa.data?.history.map((c) => c.id) ?? [];
    expect(created.length).toBeGreaterThan(0);
    expect(got).toEqual(expect.arrayContaining(created));
    expect(new Set(got).size).toBe(got.length);
  });
});

describe("a meeting rule names no requester the reader may not see", () => {
  it("answers requestedBy null for a requester outside the reader's subtrees", async () => {
    const rule = `${P}rule`;
    // No mutation writes meeting rules (the seed does): one as the seed stores it, asked for by the other province.
    await server.db.write(
      `MATCH (u:Unit {id: $body})
       CREATE (m:MeetingRule {id: $rule, cadence: 'MONTHLY', basis: [], writtenConsentMoreThan: 0.5,
               writtenConsentText: 'trên 50%', writtenConsentBy: $by, writtenConsentBasis: []})-[:GOVERNS]->(u)`,
      { body: ids.tinh, rule, by: ids.other },
    );
    await bumpGraphVersion(server.db);
    try {
      const RULES = `query ($id: ID!) { meetingRules(unitId: $id) { id body { id } writtenConsent { requestedBy { id name } } } }`;
      type Rules = {
        meetingRules: { id: string; body: { id: string }; writtenConsent: { requestedBy: unknown } }[];
      };
      const asAdmin = await gqlAs<Rules>(server, admin, RULES, { id: ids.tinh });
      expect(asAdmin.data?.meetingRules.find((m) => m.id === rule)?.writtenConsent.requestedBy).toEqual({
        id: ids.other,
        name: ids.other,
      });
      const reader = await token("viewer", [ids.tinh], "viewer-rexo");
      const res = await gqlAs<Rules>(server, reader, RULES, { id: ids.tinh });
      expect(res.errors ?? []).toEqual([]);
      expect(res.data?.meetingRules.find((m) => m.id === rule)).toEqual({
        id: rule,
        body: { id: ids.tinh },
        writtenConsent: { requestedBy: null },
      });
      expect(JSON.stringify(res)).not.toContain(ids.other);
    } finally {
      await server.db.write("MATCH (m:MeetingRule {id: $rule}) DETACH DELETE m", { rule });
      await bumpGraphVersion(server.db);
    }
  });
});
