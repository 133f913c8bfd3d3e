/**
 * Sealed cursors: a position a client may hand back but must not read. A scoped reader's `changes`
 * page cut short by CHANGES_SCAN_MAX resumes after the last record it read, which may be one the
 * reader may not see; its plain cursor (base64url JSON, src/graphql/arguments.ts) would show that
 * change's id and time. Sealed, it is AES-256-GCM ciphertext under a key derived from the
 * service's own secret (HKDF-SHA256 of JWT_SECRET, else FEED_TOKEN_SECRET), so instances sharing
 * the secret read each other's, and a tampered or foreign one fails to open (BAD_USER_INPUT).
 * With neither secret (JWKS tokens only) the key is this process's own, random.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Config } from "../config.ts";
import { unknownCursor } from "./arguments.ts";

/** Marks a sealed cursor: "." is no base64url character, so no plain cursor starts so. */
const PREFIX = "s.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far longer than any cursor the service seals: longer ones are refused before decoding. */
const MAX_SEALED_LENGTH = 512;
/** Binds the ciphertext to its use: a value sealed for something else does not open as a cursor. */
const PURPOSE = Buffer.from("party-org-graph sealed cursor v1");

type KeyConfig = Pick<Config, "JWT_SECRET" | "FEED_TOKEN_SECRET">;

const processKey = randomBytes(32);
const derived = new Map<string, Buffer>();

function keyOf(config: KeyConfig): Buffer {
  const secret = config.JWT_SECRET ?? config.FEED_TOKEN_SECRET;
  if (!secret) return processKey;
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), PURPOSE, 32));
    derived.set(secret, key);
  }
  return key;
}

export const isSealed = (value: unknown): value is string =>
  typeof value === "string" && value.startsWith(PREFIX);

/** The value as a sealed cursor: nothing of it can be read without the key. */
export function sealCursor(value: Record<string, unknown>, config: KeyConfig): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyOf(config), iv);
  cipher.setAAD(PURPOSE);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The value a sealed cursor holds, if it opens with this service's key and passes `check`; else BAD_USER_INPUT naming `name`. */
export function openCursor<T>(
  value: string,
  check: (x: unknown) => x is T,
  config: KeyConfig,
  name = "after",
): T {
  if (value.length > MAX_SEALED_LENGTH) throw unknownCursor(value, name);
  try {
    const raw = Buffer.from(value.slice(PREFIX.length), "base64url");
    if (raw.length <= IV_BYTES + TAG_BYTES) throw unknownCursor(value, name);
    // The tag's length fixed: GCM would otherwise accept a truncated one, far easier to forge.
    const decipher = createDecipheriv("aes-256-gcm", keyOf(config), raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(PURPOSE);
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    const decoded: unknown = JSON.parse(text.toString("utf8"));
    if (check(decoded)) return decoded;
  } catch {
    // fall through: a cursor that does not open is one the service did not make
  }
  throw unknownCursor(value, name);
}
