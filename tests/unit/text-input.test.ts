import { describe, expect, it } from "vitest";
import { normaliseText, repeatedValues, TEXT_RULES, textProblem } from "../../src/domain/text-input.ts";

describe("free text written into the graph", () => {
  it("accepts Vietnamese names and multi-line notes", () => {
    expect(textProblem("Đảng ủy xã Đức Trọng", TEXT_RULES.name)).toBeNull();
    expect(textProblem("Ghi chú:\n- dòng một\n\t- dòng hai", TEXT_RULES.note)).toBeNull();
    expect(textProblem("x".repeat(300), TEXT_RULES.name)).toBeNull();
  });

  it("bounds the length in characters, not UTF-16 units", () => {
    expect(textProblem("x".repeat(301), TEXT_RULES.name)).toBe("must be at most 300 characters, got 301");
    // 300 characters outside the BMP take 600 UTF-16 units and still fit.
    expect(textProblem("𝔸".repeat(300), TEXT_RULES.name)).toBeNull();
    expect(textProblem("x".repeat(200_000), TEXT_RULES.name)).toMatch(/at most 300 characters/);
    expect(textProblem("x".repeat(2001), TEXT_RULES.note)).toMatch(/at most 2000 characters, got 2001/);
  });

  it("refuses control characters, with line breaks allowed only in multi-line text", () => {
    expect(textProblem("Tỉnh ủy\u0000", TEXT_RULES.name)).toBe(
      "contains a control character (U+0000) at position 7",
    );
    expect(textProblem("a\nb", TEXT_RULES.name)).toMatch(/control character \(U\+000A\)/);
    expect(textProblem("a\u007fb", TEXT_RULES.note)).toMatch(/U\+007F/);
    expect(textProblem("a\u0085b", TEXT_RULES.note)).toMatch(/control character \(U\+0085\)/);
    expect(textProblem("a\u001bb", TEXT_RULES.subject)).toMatch(/U\+001B/);
  });

  it("refuses bidirectional overrides, isolates and marks", () => {
    for (const cp of [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
    ])
      expect(textProblem(`Tỉnh ${String.fromCodePoint(cp)}ủy`, TEXT_RULES.name)).toMatch(
        /bidirectional formatting character/,
      );
  });

  it("refuses unpaired surrogates", () => {
    expect(textProblem("a\ud800b", TEXT_RULES.name)).toMatch(/unpaired surrogate \(U\+D800\) at position 1/);
  });

  it("stores names in NFC, trimmed", () => {
    const decomposed = "Đa\u0306\u0300ng".normalize("NFD");
    expect(normaliseText(`  ${decomposed} `)).toBe("Đằng");
  });

  it("finds repeated ids", () => {
    expect(repeatedValues(["a", "b", "a", "c", "b", "a"])).toEqual(["a", "b"]);
    expect(repeatedValues(["a", "b"])).toEqual([]);
  });
});
