/** The Vietnamese messages (src/domain/error-messages-vi.ts): every code and rule has one, and it names the specifics. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CODE_MESSAGES_VI, messageVi, RULE_MESSAGES_VI } from "../../src/domain/error-messages-vi.ts";
import { HTTP_STATUS } from "../../src/http/statuses.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every rule the code names in an error or finding: `rule: "X"` and the invariant and busy-database rule unions. */
function rulesInSource(): Set<string> {
  const rules = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    if (file.includes(`${join("graphql", "generated")}`)) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/rule: ["']([A-Z_]+)["']/g)) rules.add(m[1] as string);
    for (const m of text.matchAll(/(?:type InvariantRule =|readonly rule:)([^;{)]+)/g))
      for (const r of (m[1] as string).matchAll(/"([A-Z_]+)"/g)) rules.add(r[1] as string);
  }
  return rules;
}

describe("Vietnamese error messages", () => {
  it("has a message for every code the HTTP status table knows, and Apollo's own codes", () => {
    const apollo = [
      "GRAPHQL_PARSE_FAILED",
      "GRAPHQL_VALIDATION_FAILED",
      "PERSISTED_QUERY_NOT_FOUND",
      "PERSISTED_QUERY_NOT_SUPPORTED",
      "OPERATION_RESOLUTION_FAILURE",
    ];
    for (const code of [...Object.keys(HTTP_STATUS), ...apollo])
      expect(CODE_MESSAGES_VI, code).toHaveProperty(code);
  });

  it("has a message for every rule an error in src/ names", () => {
    const rules = rulesInSource();
    expect(rules.size).toBeGreaterThan(15);
    const missing = [...rules].filter((r) => !(r in RULE_MESSAGES_VI));
    expect(missing).toEqual([]);
  });

  it("says the rule's specific thing, not only the code's", () => {
    const vi = messageVi("CONFLICT", { rule: "DUPLICATE_RELATION", units: ["a", "b"] });
    expect(vi).toBe(`${RULE_MESSAGES_VI.DUPLICATE_RELATION} Đơn vị liên quan: a, b.`);
    expect(vi).not.toContain(CODE_MESSAGES_VI.CONFLICT);
  });

  it("names the argument (or a route's parameter), the limit with its figures, and a missing id", () => {
    expect(messageVi("BAD_USER_INPUT", { argument: "input.unit.name" })).toBe(
      "Dữ liệu nhập không hợp lệ. Tham số: input.unit.name.",
    );
    expect(messageVi("BAD_USER_INPUT", { parameter: "asOf" })).toContain("Tham số: asOf.");
    expect(
      messageVi("QUERY_TOO_COMPLEX", { limit: "MAX_QUERY_COST", max: 100_000, value: 626_002_002 }),
    ).toContain("(MAX_QUERY_COST): tối đa 100.000, yêu cầu này 626.002.002.");
    expect(messageVi("NOT_FOUND", { id: "tinh-uy-x" })).toBe(`${CODE_MESSAGES_VI.NOT_FOUND} Mã: tinh-uy-x.`);
  });

  it("quotes the request id of a masked error, and answers an unknown code with a generic text", () => {
    expect(messageVi("INTERNAL_SERVER_ERROR", { requestId: "r-1" })).toMatch(/Mã yêu cầu: r-1\.$/);
    expect(messageVi("BAD_USER_INPUT", { requestId: "r-1" })).not.toContain("r-1");
    expect(messageVi("SOMETHING_NEW")).toBe("Đã xảy ra lỗi.");
    expect(messageVi(undefined)).toBe("Đã xảy ra lỗi.");
  });

  it("lists a few units, then an ellipsis", () => {
    const units = ["a", "b", "c", "d", "e", "f", "g"];
    expect(messageVi("CONFLICT", { rule: "NO_CYCLE", units })).toMatch(
      /Đơn vị liên quan: a, b, c, d, e, …\.$/,
    );
  });
});
