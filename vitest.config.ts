import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build (the Apollo packages require it); Vite would pick the .mjs
    // build for our own imports, and two copies of graphql refuse each other's types.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    // One shared database: files that write (mutations, imports) and files that compare
    // whole-graph snapshots must not overlap, so test files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        // No database and no global setup: `npm run test:unit` (`--project unit`) runs only these,
        // with no Java, Maven or Neo4j.
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // One real Neo4j for the whole run, started (and removed) by the global setup.
          globalSetup: ["tests/support/global-setup.ts"],
          pool: "forks",
        },
      },
    ],
  },
});
