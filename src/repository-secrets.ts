/**
 * Secrets that are not secret: every credential-like literal this repository holds or has held —
 * the old development JWT secret, the secrets tests, benchmarks and scripts used to start the
 * service with, the Neo4j passwords they and docker-compose.yml used, the metrics token of a test.
 * Anyone with a clone knows them, so src/config.ts refuses each at start as JWT_SECRET,
 * FEED_TOKEN_SECRET, NEO4J_PASSWORD or METRICS_TOKEN, and src/local-secrets.ts in JWT_SECRET_FILE.
 * Tests and benchmarks generate theirs at random (tests/support/secrets.ts, bench/secrets.ts).
 * A literal added to the repository as a credential belongs here too (tests/unit/repository-secrets
 * .test.ts looks for them).
 */
const REPOSITORY_SECRETS: readonly string[] = [
  // JWT and feed secrets.
  "party-org-graph-development-secret-do-not-use-in-production",
  "test-secret-that-is-long-enough-for-hs256-signing",
  "bench-secret-that-is-long-enough-for-hs256",
  "bench-reform-secret-bench-reform-secret-0123456789",
  "bench-live-poll-secret-bench-live-poll-secret-0123",
  "lock-probe-password",
  "bench-writes-secret-bench-writes-secret-0123456789",
  "prod-check-secret-that-is-long-enough-for-hs256",
  "compiled-build-test-secret-long-enough-for-hs256",
  "shutdown-test-secret-that-is-long-enough-for-hs256",
  "reform-replay-test-secret-reform-replay-test-0123",
  "a-secret-for-this-test-so-nothing-is-written",
  "a-secret-configured-for-this-test-only-0123456789",
  "a-jwt-secret-that-is-long-enough-for-hs256",
  "another-jwt-secret-that-is-long-enough",
  "a-feed-token-secret-long-enough-for-hs256",
  // A registry code a test keeps in a constant named SECRET.
  "RCS-SECRET-9",
  // Metrics tokens.
  "scrape-token-for-the-metrics-test",
  "a-scrape-token-of-length",
  // Neo4j passwords (party-org-graph: the old default, and docker-compose.yml's).
  "party-org-graph",
  "bench-password",
  "prod-check-password",
  "recovery-test-password",
  "launcher-test-pw",
  "unused-password",
  "some-password",
  "not-the-password",
  "the-server-password",
  "chosen-pw",
  "test-password",
  "timing-password",
  "hunter2",
  "password",
];

/**
 * A secret as the deny-list compares it: NFKC, lower case, letters and digits only, so that
 * spacing, case, punctuation or a full-width spelling do not make a listed literal new.
 */
export function secretKey(value: string): string {
  return value
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

const DENIED = new Set(REPOSITORY_SECRETS.map(secretKey));

/** Whether `value` is (a spelling of) a secret this repository holds or held. */
export function isRepositorySecret(value: string): boolean {
  return DENIED.has(secretKey(value));
}

/** The listed literals, for the tests that check them. */
export const repositorySecrets = (): readonly string[] => REPOSITORY_SECRETS;

/** Why such a secret is refused, after the variable's name. */
export const REPOSITORY_SECRET_MESSAGE =
  "is a secret from the party-org-graph repository (a test's, a benchmark's, an example's or an old default), known to anyone with a copy: generate one (openssl rand -base64 32) and keep it out of the repository";
