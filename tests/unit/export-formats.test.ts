import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import {
  csvEdge,
  csvLine,
  GRAPHML_FOOTER,
  graphmlEdge,
  graphmlHeader,
  graphmlNode,
} from "../../src/explorer/export-formats.ts";
import type { ExportRelation, ExportUnit } from "../../src/store/export-repository.ts";

const unit: ExportUnit = {
  id: "chi-bo-a",
  name: 'Chi bộ "A" <thí điểm> & cộng sự',
  kind: "BASIC_PARTY_CELL",
  level: "BASIC",
  province: "lam-dong",
  sector: null,
  host: null,
  validFrom: "2025-07-01",
  validTo: null,
  synthetic: true,
};

const relation: ExportRelation = {
  id: "reports_to.chi-bo-a.dang-uy-b",
  type: "REPORTS_TO",
  from: "chi-bo-a",
  to: "dang-uy-b",
  frequencies: ["MONTHLY", "ANNUAL"],
  via: [],
  subject: "Công tác, nhiệm vụ\ntháng",
  basis: ["qd-138-2023-d9-k2"],
  citations: [
    { id: "qd-138-2023-d9-k2", article: 9, clause: 2, point: null, section: null, document: "138-QĐ/TW" },
  ],
  validFrom: "2025-07-01",
  validTo: null,
  synthetic: false,
};

describe("export formats", () => {
  it("quotes CSV fields with commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvLine(["a", "b,c", 'd"e', "f\ng", null, true])).toBe('a,"b,c","d""e","f\ng",,true\r\n');
  });

  it("writes a cell that would start a formula as text (leading apostrophe)", () => {
    expect(csvLine(["=1+1", "+x", "-x", "@SUM(A1)", "a=b", "2025-07-01"])).toBe(
      "'=1+1,'+x,'-x,'@SUM(A1),a=b,2025-07-01\r\n",
    );
  });

  it("escapes a formula after a semicolon too: Excel with a `;` list separator (vi-VN) splits a value there (OWASP)", () => {
    const name = "Đảng ủy Khối P;=cmd|' /C calc'!A0;";
    expect(csvLine(["rv-p", name, "a; +1", "a; b", "x\t=1"])).toBe(
      `rv-p,"Đảng ủy Khối P;'=cmd|' /C calc'!A0;","a;' +1","a; b","x\t=1"\r\n`,
    );
    // Split as Excel does with `;` (a quote counts only at a cell's start): no cell starts a formula.
    const line = csvLine(["x", name, "-1;@SUM(A1)", "1;;-2"]);
    const cells = line.match(/("([^"]|"")*"|[^;]*)(;|\r\n)/g) ?? [];
    expect(cells.length).toBe(6);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it("writes an edge's frequencies and basis as labels as well as codes", () => {
    const line = csvEdge(relation);
    expect(line).toContain("MONTHLY; ANNUAL");
    expect(line).toContain("hằng tháng; cuối năm");
    expect(line).toContain("Điều 9 khoản 2, 138-QĐ/TW");
  });

  it("escapes GraphML so that an XML parser reads the names back exactly", () => {
    const doc = graphmlHeader("thử") + graphmlNode(unit) + graphmlEdge(relation) + GRAPHML_FOOTER;
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(doc);
    const node = parsed.graphml.graph.node;
    const label = node.data.find((d: Record<string, string>) => d["@key"] === "n_label");
    expect(label["#text"]).toBe(unit.name);
    expect(parsed.graphml.graph.edge["@source"]).toBe("chi-bo-a");
  });
});
