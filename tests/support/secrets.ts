/**
 * Secrets for a test run, made at random each time: the service refuses every secret the
 * repository holds (src/repository-secrets.ts), so none is written in a test. A module-level
 * value is one per test file (each file has its own module instance); servers and the tokens
 * signed for them take it from the same place.
 */
import { randomBytes } from "node:crypto";

/** 256 random bits, base64url (43 characters: long enough for JWT_SECRET and FEED_TOKEN_SECRET). */
export const randomSecret = (): string => randomBytes(32).toString("base64url");
