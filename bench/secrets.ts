/**
 * The benchmarks' secrets, never written in the repository (the service refuses every secret the
 * repository holds, src/repository-secrets.ts): a JWT secret made at random for each run (a bench
 * starts the server and signs its tokens in one process), and the bench Neo4j's password, made at
 * random once into .data/bench/neo4j-password (mode 0600), so that every bench started on a store
 * and every tool pointed at a running one (`--uri`) use the same; the launcher sets it at every
 * start, so a store kept from before (password `bench-password`) opens and is re-keyed.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { readOrCreateSecret } from "../src/local-secrets.ts";

/** 256 random bits for one run: a JWT secret, or a throwaway store's password. */
export const randomBenchSecret = (): string => randomBytes(32).toString("base64url");

const PASSWORD_FILE = fileURLToPath(new URL("../.data/bench/neo4j-password", import.meta.url));

/** The bench Neo4j's password, generated on first use. */
export function benchPassword(): string {
  return readOrCreateSecret(PASSWORD_FILE).value;
}
