/**
 * The authorization matrix: role × operation × in scope / out of scope, over HTTP with real
 * JWTs; and reading switched off for anonymous users by configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASIS, create, fileSandbox, gqlAs, TEST_SECRET, token } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const P = "az-";
const { server, admin } = await fileSandbox(P);

type Vars = Record<string, unknown>;
interface Operation {
  name: string;
  query: string;
  /** Builds the units the operation needs (as admin) under a fresh province; returns its variables. */
  prepare: (t: string) => Promise<Vars>;
}

/** A fresh province with two districts and a commune, all as admin. */
async function fixture(t: string): Promise<void> {
  await create(server, admin, { id: `${t}-tinh`, kind: "PROVINCIAL_COMMITTEE" }, "bch-trung-uong");
  await create(server, admin, { id: `${t}-huyen`, kind: "DISTRICT_COMMITTEE" }, `${t}-tinh`);
  await create(server, admin, { id: `${t}-huyen2`, kind: "DISTRICT_COMMITTEE" }, `${t}-tinh`);
  await create(server, admin, { id: `${t}-xa`, kind: "COMMUNE_COMMITTEE" }, `${t}-huyen`);
}

const operations: Operation[] = [
  {
    name: "createUnit",
    query: `mutation ($t: ID!, $s: ID!) { createUnit(input: { unit: { id: $t, name: "Xã mới", kind: COMMUNE_COMMITTEE }, superiorId: $s, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { t: `${t}-xa-moi`, s: `${t}-huyen` };
    },
  },
  {
    name: "updateUnit",
    query: `mutation ($id: ID!) { updateUnit(input: { id: $id, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"], name: "Tên mới" }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { id: `${t}-huyen` };
    },
  },
  {
    name: "closeUnit",
    query: `mutation ($id: ID!) { closeUnit(id: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { id: `${t}-xa` };
    },
  },
  {
    name: "setSuperior",
    query: `mutation ($u: ID!, $s: ID!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"]) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { u: `${t}-xa`, s: `${t}-huyen2` };
    },
  },
  {
    name: "addRelation",
    query: `mutation ($a: ID!, $b: ID!) { addRelation(input: { type: COORDINATES_WITH, fromId: $a, toId: $b, validFrom: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { a: `${t}-huyen`, b: `${t}-huyen2` };
    },
  },
  {
    name: "endRelation",
    query: `mutation ($id: ID!) { endRelation(relationId: $id, lastDay: "2024-12-31", basis: ["dieu-le-dang-whole"]) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { id: `subordinate_to.${t}-xa.${t}-huyen.2020-01-01` };
    },
  },
  {
    name: "mergeUnits",
    query: `mutation ($a: ID!, $b: ID!, $into: ID!) { mergeUnits(input: { sourceIds: [$a, $b], into: { id: $into, name: "Huyện hợp nhất", kind: DISTRICT_COMMITTEE }, effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { a: `${t}-huyen`, b: `${t}-huyen2`, into: `${t}-huyen-moi` };
    },
  },
  {
    name: "splitUnit",
    query: `mutation ($s: ID!, $p1: ID!, $p2: ID!) { splitUnit(input: { sourceId: $s, parts: [{ id: $p1, name: "Bắc", kind: DISTRICT_COMMITTEE }, { id: $p2, name: "Nam", kind: DISTRICT_COMMITTEE }], effectiveOn: "2024-01-01", basis: ["dieu-le-dang-whole"] }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { s: `${t}-huyen`, p1: `${t}-bac`, p2: `${t}-nam` };
    },
  },
  {
    name: "abolishLevel",
    query: `mutation ($u: ID!) { abolishLevel(input: { underId: $u, kind: DISTRICT_COMMITTEE, effectiveOn: "2025-07-01", basis: ["qd-294-2025-whole"] }) { id } }`,
    prepare: async (t) => {
      await fixture(t);
      return { u: `${t}-tinh` };
    },
  },
];

type Role = "anonymous" | "viewer" | "editor in scope" | "editor out of scope" | "admin";
const roles: Role[] = ["anonymous", "viewer", "editor in scope", "editor out of scope", "admin"];

async function bearer(role: Role, t: string): Promise<string | null> {
  switch (role) {
    case "anonymous":
      return null;
    case "viewer":
      return token("viewer");
    case "editor in scope":
      return token("editor", [`${t}-tinh`], "editor-in");
    case "editor out of scope":
      return token("editor", ["tinh-uy-lang-son"], "editor-out");
    case "admin":
      return admin;
  }
}

describe("the authorization matrix", () => {
  let n = 0;
  const allowedRoles: Role[] = ["editor in scope", "admin"];
  const refusedRoles = roles.filter((r) => !allowedRoles.includes(r));

  for (const op of operations) {
    for (const role of allowedRoles)
      it(`${op.name} as ${role}: allowed`, async () => {
        const t = `${P}${++n}`;
        const res = await gqlAs(server, await bearer(role, t), op.query, await op.prepare(t));
        expect(res.errors).toBeUndefined();
        const events = await server.db.read(
          "MATCH (e:Event)-[:AFFECTED]->(u:Unit) WHERE u.id STARTS WITH $t RETURN DISTINCT e.actor AS actor",
          { t },
        );
        expect(events.map((e) => e.actor)).toContain(role === "admin" ? "admin-tester" : "editor-in");
      });
    for (const role of refusedRoles)
      it(`${op.name} as ${role}: FORBIDDEN`, async () => {
        const t = `${P}${++n}`;
        const res = await gqlAs(server, await bearer(role, t), op.query, await op.prepare(t));
        expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
        expect(res.errors?.[0]?.message).toMatch(
          role === "editor out of scope" ? /outside your scope/ : /needs the editor or admin role/,
        );
        const changed = await server.db.read(
          "MATCH (e:Event)-[:AFFECTED]->(u:Unit) WHERE u.id STARTS WITH $t AND e.actor <> 'admin-tester' RETURN count(e) AS n",
          { t },
        );
        expect(changed[0]?.n).toBe(0);
      });
  }
});

describe("tokens and read access", () => {
  it("rejects a token with a bad signature or without a role (401)", async () => {
    const forged = `${(await token("admin")).slice(0, -4)}AAAA`;
    const res = await gqlAs(server, forged, "{ stats { units } }");
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(res.errors?.[0]?.message).toMatch(/Unauthenticated/);
  });

  it("lets anyone read by default, and nobody without a token when READ_ACCESS=authenticated", async () => {
    expect((await gqlAs(server, null, "{ stats { units } }")).errors).toBeUndefined();
    const closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "authenticated" });
    try {
      const anonymous = await gqlAs(closed, null, `{ unit(id: "tinh-uy-lam-dong") { name } }`);
      expect(anonymous.status).toBe(403);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const viewer = await gqlAs<{ unit: { name: string } }>(
        closed,
        await token("viewer"),
        `{ unit(id: "tinh-uy-lam-dong") { name } }`,
      );
      expect(viewer.data?.unit.name).toBe("Tỉnh ủy Lâm Đồng");
      const write = await gqlAs(
        closed,
        await token("viewer"),
        `mutation { closeUnit(id: "tinh-uy-lam-dong", lastDay: "2025-06-30", basis: ["dieu-le-dang-whole"]) { id } }`,
      );
      expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    } finally {
      await closed.close();
    }
  });

  it("records the token's subject as the actor", async () => {
    const t = `${P}actor`;
    await fixture(t);
    const res = await gqlAs<{ updateUnit: { actor: string } }>(
      server,
      await token("editor", [`${t}-tinh`], "nguoi-bien-tap"),
      `mutation { updateUnit(input: { id: "${t}-huyen", effectiveOn: "2024-01-01", basis: ${JSON.stringify(BASIS)}, note: "ghi chú" }) { actor } }`,
    );
    expect(res.data?.updateUnit.actor).toBe("nguoi-bien-tap");
  });
});

describe("scoped reading (READ_ACCESS=scoped)", () => {
  let closed: TestServer;
  let lamDong: string;
  beforeAll(async () => {
    closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "scoped" });
    lamDong = await token("viewer", ["tinh-uy-lam-dong"], "viewer-lam-dong");
  });
  afterAll(async () => {
    await closed.close();
  });
  const ask = <T>(bearer: string | null, query: string) => gqlAs<T>(closed, bearer, query);

  it("hides units outside the reader's subtrees as if they did not exist", async () => {
    const other = await ask(lamDong, `{ unit(id: "tinh-uy-quang-ngai") { name } }`);
    expect(other.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const inside = await ask<{ unit: { name: string } }>(
      lamDong,
      `{ unit(id: "ban-thuong-vu-dang-uy-khoi-co-quan-lam-dong") { name } }`,
    );
    expect(inside.data?.unit.name).toBeTruthy();
    expect((await ask(null, `{ unit(id: "tinh-uy-lam-dong") { name } }`)).status).toBe(403);
  });

  it("does not leak a relation, an obligation or a chain hop to a unit outside", async () => {
    const rel = await ask<{ relations: { from: { id: string }; to: { id: string } }[] }>(
      lamDong,
      `{ relations(unitId: "tinh-uy-lam-dong", asOf: "2024-06-01") { from { id } to { id } } }`,
    );
    expect(rel.errors).toBeUndefined();
    expect(rel.data?.relations.length).toBeGreaterThan(0);
    expect(JSON.stringify(rel.data)).not.toContain("bch-trung-uong");
    const chain = await ask<{ reportingChain: { to: { id: string } }[] }>(
      lamDong,
      `{ reportingChain(unitId: "dang-uy-khoi-co-quan-lam-dong", asOf: "2024-06-01") { to { id } } }`,
    );
    expect(chain.data?.reportingChain.map((s) => s.to.id)).toEqual(["tinh-uy-lam-dong"]);
    const superior = await ask<{ unit: { superior: unknown } }>(
      lamDong,
      `{ unit(id: "tinh-uy-lam-dong") { superior(asOf: "2024-06-01") { id } } }`,
    );
    expect(superior.data?.unit.superior).toBeNull();
    const found = await ask<{ searchUnits: { id: string }[] }>(
      lamDong,
      `{ searchUnits(text: "tinh uy", first: 50, asOf: "2024-06-01") { id } }`,
    );
    expect(found.data?.searchUnits.map((u) => u.id)).toContain("tinh-uy-lam-dong");
    expect(found.data?.searchUnits.some((u) => u.id.includes("quang-ngai"))).toBe(false);
    const list = await ask(lamDong, `{ units(first: 5) { totalCount } }`);
    expect(list.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lets an admin read everything", async () => {
    const all = await ask<{ reportingChain: { to: { id: string } }[] }>(
      admin,
      `{ reportingChain(unitId: "dang-uy-khoi-co-quan-lam-dong", asOf: "2024-06-01") { to { id } } }`,
    );
    expect(all.data?.reportingChain.map((s) => s.to.id)).toEqual(["tinh-uy-lam-dong", "bch-trung-uong"]);
  });
});

describe("tokens from a JWKS", () => {
  it("verifies RS256 tokens against JWT_JWKS_URL and refuses others", async () => {
    const { createServer } = await import("node:http");
    const { exportJWK, generateKeyPair, SignJWT } = await import("jose");
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
    const jwks = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
    const viaJwks = await startTestServer({
      JWT_JWKS_URL: url,
      JWT_AUDIENCE: "party-org-graph",
      READ_ACCESS: "authenticated",
    });
    try {
      const signed = (audience: string) =>
        new SignJWT({ role: "viewer" })
          .setProtectedHeader({ alg: "RS256", kid: "test-key" })
          .setSubject("jwks-viewer")
          .setAudience(audience)
          .setExpirationTime("10m")
          .sign(privateKey);
      const ok = await gqlAs<{ stats: { units: number } }>(
        viaJwks,
        await signed("party-org-graph"),
        "{ stats { units } }",
      );
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.stats.units).toBeGreaterThan(0);
      // A token the same provider signed for another client.
      expect((await gqlAs(viaJwks, await signed("other-app"), "{ stats { units } }")).status).toBe(401);
      const hs = await gqlAs(viaJwks, await token("admin"), "{ stats { units } }");
      expect(hs.status).toBe(401);
    } finally {
      await viaJwks.close();
      await new Promise((r) => jwks.close(r));
    }
  });
});

describe("the calendar feed under restricted reading", () => {
  it("refuses an anonymous subscription and accepts a token in the URL", async () => {
    const closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "authenticated" });
    try {
      const feed = `${closed.base}/calendar/chi-bo-so-noi-vu-quang-ngai.ics?from=2026-01-01&to=2026-12-31`;
      expect((await fetch(feed)).status).toBe(403);
      const ok = await fetch(`${feed}&access_token=${await token("viewer")}`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^BEGIN:VCALENDAR/);
    } finally {
      await closed.close();
    }
  });
});
