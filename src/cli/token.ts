/**
 * `npm run token -- --role editor --scopes tinh-uy-lam-dong --sub name [--hours 8]`:
 * mints a token signed with JWT_SECRET, or else with the secret `npm start` generated on this
 * machine (JWT_SECRET_FILE, default .data/jwt-secret; created here if it does not exist yet).
 * `--sub` has no default: it names the user (the actor of their changes, the owner of their
 * reminder subscriptions), and a default would make every token the same user.
 */
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { NO_SUBJECT } from "../auth/principal.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { jwtSecretFile, withLocalJwtSecret } from "../local-secrets.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "viewer" },
    scopes: { type: "string", default: "" },
    sub: { type: "string" },
    hours: { type: "string", default: "8" },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e));
}
if (config.JWT_JWKS_URL && !config.JWT_SECRET)
  fail("JWT_JWKS_URL is set: tokens come from your identity provider, not from this command");
if (!["viewer", "editor", "admin"].includes(values.role)) fail("--role must be viewer, editor or admin");
const sub = values.sub?.trim() ?? "";
if (sub === "" || sub === NO_SUBJECT)
  fail("--sub is required: the user's own name (e.g. --sub nguyen-van-a), one per person");
const seconds = Math.round(Number(values.hours) * 3600);
if (!(seconds > 0)) fail("--hours must be a positive number");
if (seconds > config.JWT_MAX_LIFETIME_S)
  fail(`--hours ${values.hours} is longer than JWT_MAX_LIFETIME_S (${config.JWT_MAX_LIFETIME_S} s)`);
const scopes = values.scopes
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const secret = withLocalJwtSecret(config).config.JWT_SECRET;
if (!secret) fail(`no secret to sign with: set JWT_SECRET or check ${jwtSecretFile(config)}`);
const now = Math.floor(Date.now() / 1000);
let jwt = new SignJWT({ role: values.role, scopes })
  .setProtectedHeader({ alg: "HS256" })
  .setSubject(sub)
  .setIssuedAt(now)
  .setExpirationTime(now + seconds);
if (config.JWT_ISSUER) jwt = jwt.setIssuer(config.JWT_ISSUER);
if (config.JWT_AUDIENCE) jwt = jwt.setAudience(config.JWT_AUDIENCE);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
