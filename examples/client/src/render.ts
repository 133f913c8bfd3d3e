/** The signature question's answer as a plain-text table, one row per reporting obligation. */
import type { SignatureQuestionQuery } from "./gql/graphql.ts";

const HEADINGS = ["Báo cáo cho (to)", "Định kỳ (how often)", "Qua (through)", "Căn cứ (basis)"];

/** Pads columns to their widest cell; a cell's lines are joined with "; ". */
function table(rows: string[][]): string {
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" │ ");
  return [line(HEADINGS), widths.map((w) => "─".repeat(w)).join("─┼─"), ...rows.map(line)].join("\n");
}

export function renderSignatureAnswer(answer: SignatureQuestionQuery, asOf: string): string {
  if (!answer.unit) return `No unit in force with this id on ${asOf}.`;
  const title = `${answer.unit.name} (${answer.unit.kindLabel}) — reporting obligations on ${asOf}`;
  if (answer.reportingObligations.length === 0) return `${title}\n(none)`;
  const rows = answer.reportingObligations.map((o) => [
    o.recipient.name,
    o.frequencyLabels.join(", ") || "—",
    o.via.map((u) => u.name).join(" → ") || "—",
    o.basis.map((c) => c.label).join("; ") || "—",
  ]);
  return `${title}\n\n${table(rows)}`;
}
