import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createTokenVerifier } from "../../src/auth/verify-token.ts";
import { loadConfig } from "../../src/config.ts";
import {
  jwtSecretFile,
  neo4jPassword,
  readOrCreateSecret,
  withLocalJwtSecret,
} from "../../src/local-secrets.ts";
import { randomSecret } from "../support/secrets.ts";

const SECRET = randomSecret();
/** The development secret src/config.ts used to publish: it must never verify a token again. */
const OLD_DEV_SECRET = "party-org-graph-development-secret-do-not-use-in-production";

function sign(secret: string, claims: { exp?: number; iat?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ role: "admin", scopes: [] }).setProtectedHeader({ alg: "HS256" }).setSubject("t");
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  else if (!("exp" in claims)) jwt = jwt.setIssuedAt(now).setExpirationTime(now + 3600);
  return jwt.sign(new TextEncoder().encode(secret));
}

const refused = { code: "FORBIDDEN", details: { rule: "TOKEN" } };

describe("createTokenVerifier", () => {
  const verify = createTokenVerifier(loadConfig({ JWT_SECRET: SECRET }));

  it("accepts a token signed with the configured secret", async () => {
    expect((await verify(`Bearer ${await sign(SECRET)}`)).role).toBe("admin");
  });

  it("refuses a token signed with the old development secret", async () => {
    await expect(verify(`Bearer ${await sign(OLD_DEV_SECRET)}`)).rejects.toMatchObject(refused);
  });

  it("refuses every token when no secret and no JWKS is configured", async () => {
    const none = createTokenVerifier(loadConfig({}));
    await expect(none(`Bearer ${await sign(OLD_DEV_SECRET)}`)).rejects.toMatchObject(refused);
    await expect(none(`Bearer ${await sign(SECRET)}`)).rejects.toThrow(/JWT_SECRET or JWT_JWKS_URL/);
    expect((await none(undefined)).role).toBe("anonymous");
  });

  it("refuses a token without exp", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verify(`Bearer ${await sign(SECRET, { iat: now, exp: undefined })}`)).rejects.toThrow(
      /"exp"/,
    );
  });

  it("refuses a token that lives longer than JWT_MAX_LIFETIME_S, with or without iat", async () => {
    const now = Math.floor(Date.now() / 1000);
    const short = createTokenVerifier(loadConfig({ JWT_SECRET: SECRET, JWT_MAX_LIFETIME_S: "600" }));
    expect((await short(`Bearer ${await sign(SECRET, { iat: now, exp: now + 600 })}`)).role).toBe("admin");
    await expect(short(`Bearer ${await sign(SECRET, { iat: now, exp: now + 601 })}`)).rejects.toThrow(
      /JWT_MAX_LIFETIME_S/,
    );
    // Issued long ago, expiring soon: still a lifetime of more than 600 s.
    await expect(short(`Bearer ${await sign(SECRET, { iat: now - 3600, exp: now + 60 })}`)).rejects.toThrow(
      /JWT_MAX_LIFETIME_S/,
    );
    // No iat: the lifetime counts from now.
    const noIat = new SignJWT({ role: "viewer" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 7200)
      .sign(new TextEncoder().encode(SECRET));
    await expect(short(`Bearer ${await noIat}`)).rejects.toThrow(/JWT_MAX_LIFETIME_S/);
    // The default is 24 hours.
    await expect(verify(`Bearer ${await sign(SECRET, { iat: now, exp: now + 86_401 })}`)).rejects.toThrow(
      /JWT_MAX_LIFETIME_S \(86400 s\)/,
    );
  });
});

describe("local secrets", () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "pog-secrets-"));

  it("creates a 256-bit secret once, mode 0600, and reads it back", () => {
    const file = path.join(tmp(), "sub", "jwt-secret");
    const first = readOrCreateSecret(file);
    expect(first.created).toBe(true);
    expect(Buffer.from(first.value, "base64url")).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecret(file)).toEqual({ value: first.value, created: false });
    expect(readOrCreateSecret(path.join(tmp(), "jwt-secret")).value).not.toBe(first.value);
  });

  it("fills JWT_SECRET from the file beside the data only when nothing is configured", () => {
    const dir = tmp();
    const config = loadConfig({ NEO4J_DATA_DIR: path.join(dir, "neo4j") });
    expect(jwtSecretFile(config)).toBe(path.join(dir, "jwt-secret"));
    const { config: filled, notice } = withLocalJwtSecret(config);
    expect(filled.JWT_SECRET).toBe(fs.readFileSync(path.join(dir, "jwt-secret"), "utf8").trim());
    expect(notice).toEqual({ file: path.join(dir, "jwt-secret"), created: true });
    const given = loadConfig({ NEO4J_DATA_DIR: path.join(dir, "neo4j"), JWT_SECRET: SECRET });
    expect(withLocalJwtSecret(given)).toEqual({ config: given });
    const jwks = loadConfig({
      NEO4J_DATA_DIR: path.join(dir, "neo4j"),
      JWT_JWKS_URL: "https://idp.example/jwks",
      JWT_AUDIENCE: "party-org-graph",
    });
    expect(withLocalJwtSecret(jwks).config.JWT_SECRET).toBeUndefined();
  });

  it("follows JWT_SECRET_FILE, and refuses a file too short to be a secret", () => {
    const file = path.join(tmp(), "custom-secret");
    fs.writeFileSync(file, "short\n");
    expect(() => withLocalJwtSecret(loadConfig({ JWT_SECRET_FILE: file }))).toThrow(/fewer than 32/);
  });

  it("refuses a JWT_SECRET_FILE holding a secret from the repository", () => {
    const file = path.join(tmp(), "custom-secret");
    fs.writeFileSync(file, ` ${OLD_DEV_SECRET.toUpperCase()}\n`);
    expect(() => withLocalJwtSecret(loadConfig({ JWT_SECRET_FILE: file }))).toThrow(
      /JWT_SECRET_FILE\) is a secret from the party-org-graph repository/,
    );
  });

  it("gives the embedded Neo4j a generated password unless NEO4J_PASSWORD is set", () => {
    const dir = tmp();
    const config = loadConfig({ NEO4J_DATA_DIR: path.join(dir, "neo4j") });
    const generated = neo4jPassword(config);
    expect(generated).not.toBe("party-org-graph");
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dir, "neo4j-password"), "utf8").trim()).toBe(generated);
    expect(neo4jPassword(config)).toBe(generated);
    const chosen = randomSecret();
    expect(
      neo4jPassword(loadConfig({ NEO4J_DATA_DIR: path.join(dir, "neo4j"), NEO4J_PASSWORD: chosen })),
    ).toBe(chosen);
  });

  it("needs NEO4J_PASSWORD with an external NEO4J_URI", () => {
    expect(() => loadConfig({ NEO4J_URI: "bolt://db:7687" })).toThrow(
      /NEO4J_PASSWORD must be set when NEO4J_URI/,
    );
  });
});
