/**
 * "So sánh hai thời điểm" (compare dates): graphDiff between two dates for the selected unit's
 * subtree (and its predecessors), or the whole graph — the summary in Vietnamese, and a drawing
 * of the units added (green), removed (red), moved (amber: dashed red edge to the old superior,
 * green edge to the new) and renamed (blue). Its own tab, section and canvas, so that the rest
 * of the page is untouched: main.ts only calls mountCompare.
 */
import "./compare.css";
import cytoscape, { type ElementDefinition } from "cytoscape";
import { gql } from "./api.ts";
import { escapeHtml as h, vnDate } from "./vocabulary.ts";

const QUERY = `query Compare($from: Date!, $to: Date!, $under: [ID!], $first: Int) {
  graphDiff(from: $from, to: $to, under: $under, first: $first) {
    predecessors { id name }
    summary { total headline partyOrganisationsMoved
      byType { key label count }
      byCause { key label count }
      byKind { key label total } }
    nodes { type typeLabel date unit { id name } kindLabel before after
      oldSuperior { id name } newSuperior { id name }
      cause { kindLabel name effectiveOn direct basis { label } } }
    pageInfo { hasNextPage }
  }
}`;

interface Ref {
  id: string;
  name: string;
}
interface Change {
  type: string;
  typeLabel: string;
  date: string;
  unit: Ref;
  kindLabel: string;
  before: string | null;
  after: string | null;
  oldSuperior: Ref | null;
  newSuperior: Ref | null;
  cause: {
    kindLabel: string;
    name: string | null;
    effectiveOn: string | null;
    direct: boolean;
    basis: { label: string }[];
  };
}
interface Diff {
  predecessors: Ref[];
  summary: {
    total: number;
    headline: string;
    partyOrganisationsMoved: number;
    byType: { key: string; label: string; count: number }[];
    byCause: { key: string; label: string; count: number }[];
    byKind: { key: string; label: string; total: number }[];
  };
  nodes: Change[];
  pageInfo: { hasNextPage: boolean };
}

/** Unit changes drawn at most (a page of graphDiff); the counts always cover everything. */
const DRAWN = 300;
const CLASS: Record<string, string> = {
  UNIT_OPENED: "added",
  UNIT_CLOSED: "removed",
  UNIT_OPENED_AND_CLOSED: "transient",
  UNIT_MOVED: "moved",
  UNIT_RENAMED: "renamed",
  UNIT_ATTRIBUTE_CHANGED: "renamed",
};

const HIGHLIGHTS = ["added", "removed", "moved", "renamed", "transient"] as const;

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 9,
      "text-wrap": "wrap",
      "text-max-width": "120px",
      "background-color": "#bbb",
      width: 14,
      height: 14,
    },
  },
  { selector: "node.added", style: { "background-color": "#2e7d32" } },
  { selector: "node.removed", style: { "background-color": "#c62828" } },
  { selector: "node.moved", style: { "background-color": "#ef8f00" } },
  { selector: "node.renamed", style: { "background-color": "#1565c0" } },
  { selector: "node.transient", style: { "background-color": "#7b1fa2" } },
  { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle" } },
  {
    selector: "edge.old",
    style: { "line-color": "#c62828", "target-arrow-color": "#c62828", "line-style": "dashed" },
  },
  { selector: "edge.new", style: { "line-color": "#2e7d32", "target-arrow-color": "#2e7d32" } },
];

/** The drawing: each changed unit, and its edges to its old (dashed red) and new (green) superior. */
export function elementsOf(changes: readonly Change[]): ElementDefinition[] {
  const nodes = new Map<string, ElementDefinition>();
  const edges: ElementDefinition[] = [];
  const node = (u: Ref, cls: string) => {
    const known = nodes.get(u.id);
    if (!known || known.classes === "context")
      nodes.set(u.id, { data: { id: u.id, label: u.name }, classes: cls });
  };
  for (const c of changes.slice(0, DRAWN)) {
    const cls = CLASS[c.type];
    if (!cls) continue;
    node(c.unit, cls);
    for (const [sup, which] of [
      [c.oldSuperior, "old"],
      [c.newSuperior, "new"],
    ] as const) {
      if (!sup) continue;
      node(sup, "context");
      edges.push({
        data: { id: `${c.unit.id}>${which}>${sup.id}`, source: c.unit.id, target: sup.id },
        classes: which,
      });
    }
  }
  return [...nodes.values(), ...edges];
}

function previousDay(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function render(target: HTMLElement, d: Diff, from: string, to: string): void {
  const s = d.summary;
  const rows = (xs: { label: string; count?: number; total?: number }[]) =>
    xs.map((x) => `<tr><td>${h(x.label)}</td><td>${x.count ?? x.total}</td></tr>`).join("");
  const list = d.nodes
    .map(
      (c) =>
        `<li class="${CLASS[c.type] ?? "relation"}" data-testid="compare-change" data-type="${h(c.type)}" data-unit="${h(c.unit.id)}">${h(c.typeLabel)}: <strong>${h(c.unit.name)}</strong>${
          c.before || c.after ? ` (${h(c.before ?? "—")} → ${h(c.after ?? "—")})` : ""
        }${c.oldSuperior || c.newSuperior ? ` — ${h(c.oldSuperior?.name ?? "—")} → ${h(c.newSuperior?.name ?? "—")}` : ""}
        <span class="muted">[${h(c.cause.kindLabel)}${c.cause.name ? `: ${h(c.cause.name)}` : ""}${
          c.cause.basis.length ? `; ${h(c.cause.basis.map((b) => b.label).join(", "))}` : ""
        }${c.cause.direct ? "" : "; theo cấp trên"}]</span></li>`,
    )
    .join("");
  target.innerHTML = `<h2>Thay đổi từ ${vnDate(from)} đến ${vnDate(to)}</h2>
    <p data-testid="compare-headline"><strong>${h(s.headline)}</strong> — ${s.total} thay đổi.</p>
    ${d.predecessors.length ? `<p class="muted">Gồm cả đơn vị tiền thân: ${h(d.predecessors.map((p) => p.name).join(", "))}</p>` : ""}
    <div class="compare-tables">
      <table><thead><tr><th>Loại thay đổi</th><th>Số</th></tr></thead><tbody>${rows(s.byType)}</tbody></table>
      <table><thead><tr><th>Nguyên nhân</th><th>Số</th></tr></thead><tbody>${rows(s.byCause)}</tbody></table>
      <table><thead><tr><th>Loại đơn vị</th><th>Số</th></tr></thead><tbody>${rows(s.byKind.slice(0, 12))}</tbody></table>
    </div>
    <p class="legend"><span class="added">■ thành lập</span> <span class="removed">■ kết thúc</span> <span class="moved">■ chuyển cấp trên</span> <span class="renamed">■ đổi tên / thuộc tính</span> <span class="transient">■ thành lập rồi kết thúc</span></p>
    <div id="compare-graph"></div>
    <ul class="compare-list">${list}</ul>${d.pageInfo.hasNextPage ? `<p class="muted">… chỉ hiện ${d.nodes.length} thay đổi đầu tiên.</p>` : ""}`;
  const container = target.querySelector<HTMLElement>("#compare-graph");
  if (!container) return;
  const cy = cytoscape({
    container,
    elements: elementsOf(d.nodes),
    style: STYLE,
    layout: { name: "cose", animate: false },
  });
  // What is highlighted, readable without the canvas (the browser tests read it): the ids of each class.
  for (const cls of HIGHLIGHTS)
    container.dataset[cls] = cy
      .nodes(`.${cls}`)
      .map((n) => n.id())
      .sort()
      .join(" ");
  container.dataset.drawn = "1";
}

/**
 * Adds the "So sánh hai thời điểm" button and section. `current` gives the selected unit and date:
 * the comparison runs from the day before that date (or the date typed) to it.
 */
export function mountCompare(current: () => { unit: string | null; date: string }): void {
  const nav = document.querySelector("nav");
  const main = document.querySelector("main");
  if (!nav || !main) return;
  const button = document.createElement("button");
  button.id = "compare-open";
  button.textContent = "So sánh hai thời điểm";
  nav.insertBefore(button, nav.querySelector(".tools"));
  const section = document.createElement("section");
  section.id = "compare";
  section.hidden = true;
  section.innerHTML = `<form id="compare-form">
      <label>Từ ngày <input id="compare-from" type="date" required /></label>
      <label>Đến ngày <input id="compare-to" type="date" required /></label>
      <label><input id="compare-under" type="checkbox" checked /> Trong cây của đơn vị đang chọn</label>
      <button type="submit">So sánh</button>
    </form><div id="compare-result"></div>`;
  main.insertBefore(section, main.firstChild);
  const from = section.querySelector("#compare-from") as HTMLInputElement;
  const to = section.querySelector("#compare-to") as HTMLInputElement;
  const under = section.querySelector("#compare-under") as HTMLInputElement;
  const result = section.querySelector("#compare-result") as HTMLElement;
  const show = (on: boolean) => {
    section.hidden = !on;
    document.body.classList.toggle("comparing", on);
  };
  const run = async () => {
    const c = current();
    result.textContent = "Đang so sánh…";
    try {
      const vars = {
        from: from.value,
        to: to.value,
        under: under.checked && c.unit ? [c.unit] : null,
        first: DRAWN,
      };
      const { graphDiff } = await gql<{ graphDiff: Diff }>(QUERY, vars);
      render(result, graphDiff, from.value, to.value);
    } catch (e) {
      result.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  button.addEventListener("click", () => {
    const c = current();
    to.value ||= c.date;
    from.value ||= previousDay(c.date);
    show(true);
    void run();
  });
  section.querySelector("form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  // Any other view's tab closes the comparison.
  for (const tab of nav.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => show(false));
}
