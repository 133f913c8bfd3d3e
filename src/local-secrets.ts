/**
 * Secrets generated on this machine when the operator sets none: the HS256 secret bearer tokens
 * are verified with (when neither JWT_SECRET nor JWT_JWKS_URL is set) and the embedded Neo4j's
 * password (when NEO4J_PASSWORD is not set). Each is 256 random bits, created once and kept in a
 * file beside the embedded data (mode 0600), so restarts and `npm run token` use the same one.
 * Nothing from the repository is ever a secret.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Config, ConfigError } from "./config.ts";
import { isRepositorySecret, REPOSITORY_SECRET_MESSAGE } from "./repository-secrets.ts";

/** The folder the local secrets live in: beside the embedded Neo4j's data folder (default `.data`). */
function secretsDir(config: Config): string {
  return path.dirname(path.resolve(config.NEO4J_DATA_DIR));
}

export function jwtSecretFile(config: Config): string {
  return path.resolve(config.JWT_SECRET_FILE ?? path.join(secretsDir(config), "jwt-secret"));
}

function neo4jPasswordFile(config: Config): string {
  return path.join(secretsDir(config), "neo4j-password");
}

/**
 * The secret kept in `file`, created (256 random bits, base64url, mode 0600) if the file does not
 * exist yet. Two processes starting at once agree: the file is created exclusively, and the one
 * that loses the race reads the winner's.
 */
export function readOrCreateSecret(file: string): { value: string; created: boolean } {
  const existing = readSecret(file);
  if (existing) return { value: existing, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, `${value}\n`, { flag: "wx", mode: 0o600 });
    return { value, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const winner = readSecret(file);
    if (!winner) throw new Error(`${file} is empty`);
    return { value: winner, created: false };
  }
}

function readSecret(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").trim() || undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * The Neo4j password: NEO4J_PASSWORD when set (required with NEO4J_URI, src/config.ts), else the
 * embedded Neo4j's locally generated one. The launcher sets user neo4j's password at every start
 * (neo4j/…/Neo4jLauncher.java), so a store created with an earlier password (the old default
 * "party-org-graph") opens as before and is re-keyed.
 */
export function neo4jPassword(config: Config): string {
  return config.NEO4J_PASSWORD ?? readOrCreateSecret(neo4jPasswordFile(config)).value;
}

export interface SecretNotice {
  file: string;
  created: boolean;
}

/**
 * The configuration with JWT_SECRET filled from the local secret file when neither JWT_SECRET nor
 * JWT_JWKS_URL is set; `notice` says so (the caller logs it), and is absent otherwise.
 */
export function withLocalJwtSecret(config: Config): { config: Config; notice?: SecretNotice } {
  if (config.JWT_SECRET || config.JWT_JWKS_URL) return { config };
  const file = jwtSecretFile(config);
  const { value, created } = readOrCreateSecret(file);
  if (value.length < 32)
    throw new ConfigError(`Invalid configuration: ${file} (JWT_SECRET_FILE) holds fewer than 32 characters`);
  if (isRepositorySecret(value))
    throw new ConfigError(`Invalid configuration: ${file} (JWT_SECRET_FILE) ${REPOSITORY_SECRET_MESSAGE}`);
  return { config: { ...config, JWT_SECRET: value }, notice: { file, created } };
}

/** The one log line `npm start` writes when it verifies tokens with the local secret. */
export function jwtSecretNoticeText(notice: SecretNotice): string {
  return `bearer tokens are verified with the locally generated secret in ${notice.file}${notice.created ? " (created now)" : ""}; mint one on this machine with \`npm run token -- --role editor --scopes <unit ids> --sub <user>\`, or set JWT_SECRET / JWT_JWKS_URL`;
}
