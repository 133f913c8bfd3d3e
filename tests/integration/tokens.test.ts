/**
 * No default secret: a server configured with no secret accepts no token — above all
 * none signed with the development secret the repository used to publish; tokens need `exp` and
 * a bounded lifetime; and `npm run token` mints, on the same machine, what a server verifying with
 * the locally generated secret file accepts.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { withLocalJwtSecret } from "../../src/local-secrets.ts";
import { createLogger } from "../../src/logger.ts";
import { startServer } from "../../src/server.ts";
import { Database } from "../../src/store/database.ts";
import { gqlAs, TEST_SECRET } from "./helpers/sandbox.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const OLD_DEV_SECRET = "party-org-graph-development-secret-do-not-use-in-production";
const READ = `{ unit(id: "tinh-uy-lam-dong") { name } }`;

function admin(secret: string, lifetime: { iat?: number; exp?: number } | "none" = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ role: "admin", scopes: [] }).setProtectedHeader({ alg: "HS256" }).setSubject("t");
  if (lifetime !== "none")
    jwt = jwt.setIssuedAt(lifetime.iat ?? now).setExpirationTime(lifetime.exp ?? now + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe("a server with no secret configured", () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer({ READ_ACCESS: "authenticated" });
  });
  afterAll(async () => {
    await bare.close();
  });

  it("refuses a token signed with the old development secret (401)", async () => {
    const res = await gqlAs(bare, await admin(OLD_DEV_SECRET), READ);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toMatch(/Unauthenticated/);
    expect(res.data ?? null).toBeNull();
  });
});

describe("token lifetimes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: TEST_SECRET, JWT_MAX_LIFETIME_S: "3600" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("accepts a token within the lifetime, and refuses one without exp or living too long (401)", async () => {
    // One clock reading for iat and exp: the lifetime is exact whatever second the request lands in.
    const now = Math.floor(Date.now() / 1000);
    expect((await gqlAs(server, await admin(TEST_SECRET, { iat: now, exp: now + 3600 }), READ)).status).toBe(
      200,
    );
    const noExp = await gqlAs(server, await admin(TEST_SECRET, "none"), READ);
    expect(noExp.status).toBe(401);
    expect(noExp.errors?.[0]?.message).toMatch(/"exp"/);
    const long = await gqlAs(server, await admin(TEST_SECRET, { iat: now, exp: now + 3601 }), READ);
    expect(long.status).toBe(401);
    expect(long.errors?.[0]?.message).toMatch(/JWT_MAX_LIFETIME_S/);
  });
});

describe("JWT_ISSUER and JWT_AUDIENCE", () => {
  const ISSUER = "https://issuer.test/";
  const AUDIENCE = "party-org-graph-test";
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      READ_ACCESS: "authenticated",
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const signed = (claims: { iss?: string; aud?: string }) => {
    let jwt = new SignJWT({ role: "viewer", scopes: [] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("t")
      .setIssuedAt()
      .setExpirationTime("10m");
    if (claims.iss) jwt = jwt.setIssuer(claims.iss);
    if (claims.aud) jwt = jwt.setAudience(claims.aud);
    return jwt.sign(new TextEncoder().encode(TEST_SECRET));
  };

  it("accepts a token from the configured issuer for the configured audience", async () => {
    const res = await gqlAs<{ unit: { name: string } }>(
      server,
      await signed({ iss: ISSUER, aud: AUDIENCE }),
      READ,
    );
    expect(res.status).toBe(200);
    expect(res.data?.unit.name).toBe("Tỉnh ủy Lâm Đồng");
  });

  it.each([
    ["another issuer", { iss: "https://elsewhere.test/", aud: AUDIENCE }, /"iss"/],
    ["no issuer", { aud: AUDIENCE }, /"iss"/],
    ["another audience", { iss: ISSUER, aud: "another-service" }, /"aud"/],
    ["no audience", { iss: ISSUER }, /"aud"/],
  ])("refuses a token with %s (401)", async (_label, claims, claim) => {
    const res = await gqlAs(server, await signed(claims), READ);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toMatch(claim);
    expect(res.data ?? null).toBeNull();
  });
});

describe("npm run token and the generated secret", () => {
  it("mints a token that a server using the same secret file accepts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pog-token-"));
    const file = path.join(dir, "jwt-secret");
    const env = {
      ...process.env,
      JWT_SECRET: "",
      JWT_JWKS_URL: "",
      JWT_SECRET_FILE: file,
      LOG_LEVEL: "silent",
    };
    const tsx = path.resolve("node_modules/.bin/tsx");
    const { stdout } = await promisify(execFile)(
      tsx,
      [
        "src/cli/token.ts",
        "--role",
        "editor",
        "--scopes",
        "tinh-uy-lam-dong",
        "--sub",
        "tester",
        "--hours",
        "1",
      ],
      { env },
    );
    const minted = stdout.trim();
    expect(minted.split(".")).toHaveLength(3);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const neo4j = inject("neo4j");
    const db = new Database(neo4j);
    const { config, notice } = withLocalJwtSecret(
      loadConfig({
        JWT_SECRET_FILE: file,
        READ_ACCESS: "authenticated",
        NEO4J_URI: neo4j.uri,
        NEO4J_PASSWORD: neo4j.password,
      }),
    );
    expect(notice).toEqual({ file, created: false });
    const server = await startServer({ db, config, log: createLogger("silent"), port: 0, host: "127.0.0.1" });
    try {
      const target = { url: server.url } as TestServer;
      const ok = await gqlAs<{ unit: { name: string } }>(target, minted, READ);
      expect(ok.status).toBe(200);
      expect(ok.data?.unit.name).toBe("Tỉnh ủy Lâm Đồng");
      expect((await gqlAs(target, await admin(OLD_DEV_SECRET), READ)).status).toBe(401);
    } finally {
      await server.stop();
      await db.close();
    }
  });

  it("will not mint without --sub: every such token would be the same user (review s11 #5)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pog-token-"));
    const env = {
      ...process.env,
      JWT_SECRET: "",
      JWT_JWKS_URL: "",
      JWT_SECRET_FILE: path.join(dir, "jwt-secret"),
      LOG_LEVEL: "silent",
    };
    const tsx = path.resolve("node_modules/.bin/tsx");
    const args = ["src/cli/token.ts", "--role", "editor", "--scopes", "tinh-uy-lam-dong"];
    const refused = promisify(execFile)(tsx, args, { env });
    await expect(refused).rejects.toMatchObject({ code: 1, stdout: "" });
    await expect(refused.catch((e: { stderr: string }) => e.stderr)).resolves.toContain("--sub is required");
  });
});
