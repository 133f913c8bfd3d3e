/**
 * No secret that lives in the repository is accepted (src/repository-secrets.ts, src/config.ts):
 * each listed literal is refused as JWT_SECRET, FEED_TOKEN_SECRET, NEO4J_PASSWORD and
 * METRICS_TOKEN, in any spacing, case, punctuation or width; and every credential-like literal
 * the repository's files hold is on the list, so that a new one cannot slip in unlisted.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { isRepositorySecret, repositorySecrets } from "../../src/repository-secrets.ts";
import { randomSecret } from "../support/secrets.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The variables that hold a secret, and the length each must have anyway. */
const MIN_LENGTH = { JWT_SECRET: 32, FEED_TOKEN_SECRET: 32, NEO4J_PASSWORD: 8, METRICS_TOKEN: 16 };

const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Spellings of one literal that must not make it a new secret. */
const variants = (s: string) => [
  s,
  ` ${s}\n`,
  s.toUpperCase(),
  s.replace(/-/g, "_"),
  s.replace(/-/g, " "),
  s.split("").join(" "),
  `\t${s.replace(/-/g, "")}`,
  fullWidth(s),
];

describe("the repository's own secrets", () => {
  it("are each refused at start, naming the variable, however spaced, cased or punctuated", () => {
    const cases = repositorySecrets().flatMap((literal) =>
      variants(literal).flatMap((value) =>
        Object.entries(MIN_LENGTH)
          .filter(([, min]) => value.length >= min)
          .map(([variable]) => ({ variable, value })),
      ),
    );
    expect(cases.length).toBeGreaterThan(200);
    for (const { variable, value } of cases)
      expect(() => loadConfig({ [variable]: value }), `${variable}=${JSON.stringify(value)}`).toThrow(
        new RegExp(`^Invalid configuration: ${variable} is a secret from the party-org-graph repository`),
      );
  });

  it("leave a generated secret alone", () => {
    const config = loadConfig({
      JWT_SECRET: randomSecret(),
      FEED_TOKEN_SECRET: randomSecret(),
      NEO4J_PASSWORD: randomSecret(),
      METRICS_TOKEN: randomSecret(),
    });
    expect(config.JWT_SECRET).toHaveLength(43);
    expect(isRepositorySecret(randomSecret())).toBe(false);
  });

  it("list every credential-like literal in the repository's files", () => {
    const found = repositoryFiles().flatMap((file) =>
      credentialLiterals(fs.readFileSync(file, "utf8")).map((value) => ({
        file: path.relative(ROOT, file),
        value,
      })),
    );
    // The search finds the literals that are listed (the old development secret in the token tests).
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => !isRepositorySecret(f.value))).toEqual([]);
  });
});

/** Text files the repository keeps (not dependencies, builds or data). */
function repositoryFiles(): string[] {
  const skip = new Set([
    "node_modules",
    ".git",
    ".data",
    "target",
    "dist",
    "coverage",
    "artifacts",
    "generated",
  ]);
  const text =
    /\.(ts|js|mjs|cjs|json|ya?ml|md|sh|env|java|xml|html|css|graphql|csv)$|(^|\/)(run|Dockerfile)$/;
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name) || entry.name.startsWith(".data")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (text.test(full) && entry.name !== "package-lock.json") out.push(full);
    }
  };
  walk(ROOT);
  return out;
}

const NAME = String.raw`\w*(?:SECRET|PASSWORD|Secret|Password|secret|password|TOKEN)`;
/** `NAME: "value"`, `NAME = 'value'`, `NAME=value` (shell, .env), `NEO4J_AUTH: neo4j/value`, `--password value`. */
const PATTERNS = [
  new RegExp(String.raw`\b${NAME}\b["']?\s*[:=]\s*["'\`]([^"'\`$\s{}]{6,})["'\`]`, "g"),
  new RegExp(String.raw`\b${NAME}=([^\s"'\`$;)]{6,})`, "g"),
  /NEO4J_AUTH:\s*["']?neo4j\/([^\s"'`$]{6,})/g,
  /--password[= ]([^\s"'`$<\]]{6,})/g,
];

function credentialLiterals(text: string): string[] {
  return PATTERNS.flatMap((p) => [...text.matchAll(p)].map((m) => m[1] as string));
}
