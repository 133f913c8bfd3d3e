/** The integrity tab (kiểm tra toàn vẹn): integrityReport on the date, whole graph or the selected subtree. */
import { gql } from "./api.ts";
import { escapeHtml as h, vnDate } from "./vocabulary.ts";

const REPORT = `query Integrity($asOf: Date, $under: ID) {
  integrityReport(asOf: $asOf, under: $under) {
    counts { rule ruleLabel count }
    findings { rule ruleLabel message units { id name } relationId documents explorerPath }
    provinces { root { id name } province depth largestSpan largestSpanUnit { id name } }
  }
}`;

interface Report {
  counts: { rule: string; ruleLabel: string; count: number }[];
  findings: {
    rule: string;
    ruleLabel: string;
    message: string;
    units: { id: string; name: string }[];
    relationId: string | null;
    documents: string[];
    explorerPath: string | null;
  }[];
  provinces: {
    root: { id: string; name: string };
    province: string | null;
    depth: number;
    largestSpan: number;
    largestSpanUnit: { id: string; name: string } | null;
  }[];
}

const link = (u: { id: string; name: string }, asOf: string) =>
  `<a class="unit-link" data-unit="${h(u.id)}" href="/explorer?unit=${encodeURIComponent(u.id)}&date=${asOf}">${h(u.name)}</a>`;

/** "12" when every finding is shown, "500 đầu tiên / 24.475" when the first page is (findings are paged). */
function findingsHeading(r: Report): string {
  const total = r.counts.reduce((n, c) => n + c.count, 0);
  return r.findings.length < total
    ? `${r.findings.length.toLocaleString("vi-VN")} đầu tiên / ${total.toLocaleString("vi-VN")}`
    : String(total);
}

export async function renderIntegrity(
  target: HTMLElement,
  asOf: string,
  under: string | null,
): Promise<number> {
  const { integrityReport: r } = await gql<{ integrityReport: Report }>(REPORT, { asOf, under });
  const counts = r.counts
    .map(
      (c) =>
        `<tr><td><code>${h(c.rule)}</code></td><td>${h(c.ruleLabel)}</td><td data-testid="count-${h(c.rule)}">${c.count}</td></tr>`,
    )
    .join("");
  const findings = r.findings
    .map(
      (f) =>
        `<tr data-testid="finding" data-rule="${h(f.rule)}"><td><code>${h(f.rule)}</code></td><td>${h(f.message)}${
          f.relationId ? `<div class="muted">${h(f.relationId)}</div>` : ""
        }</td><td>${f.units.map((u) => link(u, asOf)).join("<br>")}</td></tr>`,
    )
    .join("");
  const provinces = r.provinces
    .map(
      (p) =>
        `<tr><td>${link(p.root, asOf)}</td><td>${h(p.province ?? "")}</td><td>${p.depth}</td><td>${p.largestSpan}${
          p.largestSpanUnit ? ` — ${link(p.largestSpanUnit, asOf)}` : ""
        }</td></tr>`,
    )
    .join("");
  target.innerHTML = `<h2>Kiểm tra tính toàn vẹn — ngày ${vnDate(asOf)}${under ? ` (trong cây ${h(under)})` : " (toàn bộ đồ thị)"}</h2>
    <h3>Số phát hiện theo quy tắc</h3><table><thead><tr><th>Quy tắc</th><th>Nội dung</th><th>Số</th></tr></thead><tbody>${counts}</tbody></table>
    <h3>Phát hiện (${findingsHeading(r)})</h3><table><thead><tr><th>Quy tắc</th><th>Mô tả</th><th>Đơn vị</th></tr></thead><tbody>${findings || `<tr><td colspan="3">Không có.</td></tr>`}</tbody></table>
    <h3>Cấu trúc từng đảng bộ tỉnh</h3><table><thead><tr><th>Tỉnh ủy / Thành ủy</th><th>Tỉnh</th><th>Độ sâu</th><th>Tầm quản lý lớn nhất</th></tr></thead><tbody>${provinces}</tbody></table>`;
  return r.findings.length;
}
