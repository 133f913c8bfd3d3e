/**
 * `npm run token -- --role editor --scopes tinh-uy-lam-dong [--sub name] [--hours 8]`:
 * mints a development token signed with JWT_SECRET (or the development secret).
 */
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { DEV_JWT_SECRET, loadConfig } from "../config.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "viewer" },
    scopes: { type: "string", default: "" },
    sub: { type: "string", default: "dev-user" },
    hours: { type: "string", default: "8" },
  },
});
const config = loadConfig();
if (!["viewer", "editor", "admin"].includes(values.role)) {
  console.error("--role must be viewer, editor or admin");
  process.exit(1);
}
const scopes = values.scopes
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
let jwt = new SignJWT({ role: values.role, scopes })
  .setProtectedHeader({ alg: "HS256" })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(`${Number(values.hours)}h`);
if (config.JWT_ISSUER) jwt = jwt.setIssuer(config.JWT_ISSUER);
if (config.JWT_AUDIENCE) jwt = jwt.setAudience(config.JWT_AUDIENCE);
console.log(await jwt.sign(new TextEncoder().encode(config.JWT_SECRET ?? DEV_JWT_SECRET)));
