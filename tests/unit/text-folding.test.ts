import { describe, expect, it } from "vitest";
import { foldText } from "../../src/domain/text-folding.ts";

describe("foldText", () => {
  it("removes Vietnamese diacritics and case, đ → d", () => {
    expect(foldText("Tỉnh ủy Lâm Đồng")).toBe("tinh uy lam dong");
    expect(foldText("ĐẢNG ỦY KHỐI")).toBe("dang uy khoi");
    expect(foldText("  Chi bộ   cơ sở ")).toBe("chi bo co so");
  });

  it("folds composed and decomposed forms the same way", () => {
    expect(foldText("Quảng Ngãi".normalize("NFD"))).toBe(foldText("Quảng Ngãi".normalize("NFC")));
  });
});
