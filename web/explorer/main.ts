/**
 * The explorer page (trang khám phá): wires the search, the date control, the views, the side
 * panel and the URL state together. Everything is read through the public GraphQL API.
 */
import "./style.css";
import { accessToken, downloadFile, gql, setAccessToken } from "./api.ts";
import { mountCompare } from "./compare.ts";
import { GraphCanvas, type NodeData } from "./graph.ts";
import { renderIntegrity } from "./integrity.ts";
import { type ChainStep, loadNetwork } from "./network.ts";
import { loadOrgChart } from "./org-chart.ts";
import { renderPanel } from "./panel.ts";
import { attachSearch } from "./search.ts";
import { readState, type State, type View, writeState } from "./state.ts";
import { CATEGORIES, escapeHtml as h, kindCategory, RELATION_TYPES, vnDate } from "./vocabulary.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state: State = readState(location.search);
let focus: string | null = null;
let drawSeq = 0;
let canvas: GraphCanvas;
const DAY = 86_400_000;
let sliderStart = Date.UTC(2015, 0, 1);

function status(text: string, error = false): void {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", error);
}

function commit(): void {
  history.replaceState(null, "", `${location.pathname}${writeState(state)}`);
}

function setBusy(busy: boolean): void {
  document.body.dataset.busy = busy ? "1" : "0";
}

function renderLegend(): void {
  const cats = Object.values(CATEGORIES)
    .map((c) => `<span><span class="swatch" style="background:${c.colour}"></span>${h(c.label)}</span>`)
    .join("");
  const rels = Object.entries(RELATION_TYPES)
    .map(
      ([type, r]) =>
        `<label><input type="checkbox" name="type" value="${type}" ${state.types.size === 0 || state.types.has(type) ? "checked" : ""}/><span class="line" style="background:${r.colour}"></span>${h(r.label)}</label>`,
    )
    .join("");
  $("legend").innerHTML =
    `<fieldset><legend>Loại đơn vị</legend>${cats}</fieldset><fieldset id="type-filter"><legend>Quan hệ</legend>${rels}</fieldset>`;
}

function renderChain(chain: ChainStep[] | null): void {
  const el = $("chain-list");
  if (!chain) {
    el.innerHTML = "";
    return;
  }
  el.innerHTML = chain.length
    ? `<strong>Chuỗi báo cáo:</strong> ${chain
        .map(
          (s, i) =>
            `${i === 0 ? h(s.from.name) : ""} → <span data-testid="chain-hop">[${h(s.frequencyLabels.join(", ") || "không quy định kỳ")}${s.via.length ? `; qua ${h(s.via.map((v) => v.name).join(", "))}` : ""}]</span> ${h(s.to.name)}`,
        )
        .join(" ")}`
    : "<strong>Chuỗi báo cáo:</strong> đơn vị là cấp cao nhất.";
}

/** Marks a finished drawing on <body> (data-busy, data-draws): what the browser tests wait for. */
function finished(): void {
  setBusy(false);
  document.body.dataset.draws = String(Number(document.body.dataset.draws ?? "0") + 1);
}

async function redraw(): Promise<void> {
  commit();
  syncControls();
  const seq = ++drawSeq;
  const graphView = state.view !== "integrity";
  $("canvas-wrap").classList.toggle("hidden", !graphView);
  $("integrity").classList.toggle("hidden", graphView);
  if (state.view === "integrity") {
    setBusy(true);
    status(`Đang kiểm tra… (ngày ${vnDate(state.date)})`);
    try {
      const under = ($("integrity-under") as HTMLInputElement).checked ? state.unit : null;
      const n = await renderIntegrity($("integrity-report"), state.date, under);
      if (seq === drawSeq) status(`${n} phát hiện — ngày ${vnDate(state.date)}.`);
    } catch (e) {
      if (seq === drawSeq) status(e instanceof Error ? e.message : String(e), true);
    } finally {
      if (seq === drawSeq) finished();
    }
    if (state.unit) void renderPanel($("panel"), focus ?? state.unit, state.date);
    return;
  }
  if (!state.unit) {
    status("Tìm và chọn một đơn vị để bắt đầu (phím /).");
    finished();
    return;
  }
  setBusy(true);
  status(`Đang tải… (ngày ${vnDate(state.date)})`);
  void renderPanel($("panel"), focus ?? state.unit, state.date);
  try {
    if (state.view === "network") {
      const g = await loadNetwork(state);
      if (seq !== drawSeq) return;
      await canvas.draw(g.nodes, g.edges, "network");
      renderChain(g.chain);
      const path =
        g.path === null
          ? ""
          : g.path.length
            ? ` Đường đi: ${g.path.length} quan hệ.`
            : " Không có đường đi giữa hai đơn vị.";
      status(`${g.nodes.length} nút, ${g.edges.length} quan hệ — ngày ${vnDate(state.date)}.${path}`);
    } else if (state.view === "org") {
      const g = await loadOrgChart(state);
      if (seq !== drawSeq) return;
      await canvas.draw(g.nodes, g.edges, "org");
      renderChain(null);
      status(
        g.nodes.length
          ? `Sơ đồ tổ chức: ${g.nodes.length} nút — ngày ${vnDate(state.date)}. Bấm vào một nút để mở hoặc thu gọn.`
          : `Đơn vị không có hiệu lực ngày ${vnDate(state.date)}.`,
      );
    }
  } catch (e) {
    if (seq === drawSeq) status(e instanceof Error ? e.message : String(e), true);
  } finally {
    if (seq === drawSeq) finished();
  }
}

function syncControls(): void {
  ($("date") as HTMLInputElement).value = state.date;
  const slider = $("date-slider") as HTMLInputElement;
  slider.value = String(Math.round((Date.parse(`${state.date}T00:00:00Z`) - sliderStart) / DAY));
  $("slider-label").textContent = vnDate(state.date);
  for (const tab of document.querySelectorAll<HTMLButtonElement>("nav [role=tab]"))
    tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
  $("chain-toggle").setAttribute("aria-pressed", String(state.chain));
  $("clear-path").classList.toggle("hidden", !state.to);
  syncExports();
}

/** The export links (src/explorer/export-route.ts) for the selected unit's subtree on the date. */
function syncExports(): void {
  const unit = state.unit ? encodeURIComponent(state.unit) : null;
  const asOf = `asOf=${state.date}`;
  const hrefs: Record<string, string | null> = {
    graphml: unit && `/export/${unit}.graphml?${asOf}`,
    "csv-nodes": unit && `/export/${unit}.csv?part=nodes&${asOf}`,
    "csv-edges": unit && `/export/${unit}.csv?part=edges&${asOf}`,
    json: unit && `/export/${unit}.json?${asOf}`,
    all: `/export/_all.graphml?${asOf}`,
  };
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#exports a")) {
    const href = hrefs[a.dataset.export ?? ""];
    a.classList.toggle("hidden", !href);
    if (href) {
      a.href = href;
      a.setAttribute("download", "");
    }
  }
}

/**
 * With a token, a download is fetched with it in the Authorization header and saved from memory;
 * without one the plain link downloads (public reading).
 */
function attachDownloads(): void {
  $("exports").addEventListener("click", (e) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>("a[data-export]");
    if (!a || !accessToken()) return;
    e.preventDefault();
    downloadFile(a.getAttribute("href") as string).catch((err: unknown) =>
      status(err instanceof Error ? err.message : String(err), true),
    );
  });
}

function selectUnit(id: string): void {
  state.unit = id;
  state.open.clear();
  state.org.clear();
  state.groups.clear();
  state.to = null;
  focus = null;
  void redraw();
}

function onTap(node: NodeData): void {
  if (node.group) {
    state.groups.add(node.group);
    void redraw();
    return;
  }
  focus = node.id;
  if (state.view === "network" && node.id !== state.unit) {
    if (state.open.has(node.id)) state.open.delete(node.id);
    else state.open.add(node.id);
  } else if (state.view === "org" && node.id !== state.unit) {
    if (state.org.has(node.id)) state.org.delete(node.id);
    else if (node.hidden) state.org.add(node.id);
  }
  void redraw();
}

function setDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date === state.date) return;
  state.date = date;
  void redraw();
}

async function setUpSlider(): Promise<void> {
  const slider = $("date-slider") as HTMLInputElement;
  try {
    const { documents } = await gql<{ documents: { issuedOn: string | null }[] }>(
      "{ documents { issuedOn } }",
    );
    const years = documents.flatMap((d) => (d.issuedOn ? [Number(d.issuedOn.slice(0, 4))] : []));
    if (years.length) sliderStart = Date.UTC(Math.min(...years), 0, 1);
  } catch {
    // The default span stays; the date field still takes any date.
  }
  const end = Date.UTC(Math.max(new Date().getUTCFullYear(), Number(state.date.slice(0, 4))) + 1, 11, 31);
  slider.min = "0";
  slider.max = String(Math.round((end - sliderStart) / DAY));
  slider.title = `${new Date(sliderStart).getUTCFullYear()} – ${new Date(end).getUTCFullYear()}`;
  syncControls();
}

async function start(): Promise<void> {
  canvas = new GraphCanvas($("graph"));
  canvas.onTap(onTap);
  exposeForTests();
  await loadKindCategories();
  renderLegend();
  attachSearches();
  attachDateControls();
  attachToolbar();
  attachUnitLinks();
  attachSettings();
  attachDownloads();
  await setUpSlider();
  await redraw();
}

/** window.explorer: what the browser tests read of the drawn graph. */
function exposeForTests(): void {
  (window as unknown as { explorer: unknown }).explorer = {
    nodeIds: () => canvas.cy.nodes().map((n) => n.id()),
    collapsedIds: () => canvas.cy.nodes(".collapsed").map((n) => n.id()),
    edgeIds: (cls?: string) => canvas.cy.edges(cls ? `.${cls}` : undefined).map((e) => e.id()),
    /** Where a node is drawn, in page coordinates (to click it as a user would). */
    position: (id: string) => {
      const box = $("graph").getBoundingClientRect();
      const p = canvas.cy.getElementById(id).renderedPosition();
      return { x: box.left + p.x, y: box.top + p.y };
    },
  };
}

async function loadKindCategories(): Promise<void> {
  try {
    const { unitKinds } = await gql<{ unitKinds: { kind: string; category: string }[] }>(
      "{ unitKinds { kind category } }",
    );
    for (const k of unitKinds) kindCategory.set(k.kind, k.category);
  } catch (e) {
    status(e instanceof Error ? e.message : String(e), true);
  }
}

/** The unit search selects a unit; the path search draws the path to the one found. */
function attachSearches(): void {
  attachSearch(
    $("search"),
    $("search-list"),
    () => state.date,
    (u) => selectUnit(u.id),
  );
  attachSearch(
    $("path-search"),
    $("path-list"),
    () => state.date,
    (u) => {
      state.to = u.id;
      state.view = "network";
      void redraw();
    },
  );
}

function attachDateControls(): void {
  $("date").addEventListener("change", (e) => setDate((e.target as HTMLInputElement).value));
  const slider = $("date-slider") as HTMLInputElement;
  const sliderDate = () => new Date(sliderStart + Number(slider.value) * DAY).toISOString().slice(0, 10);
  slider.addEventListener("input", () => {
    $("slider-label").textContent = vnDate(sliderDate());
  });
  slider.addEventListener("change", () => setDate(sliderDate()));
}

/** The view tabs, the type filter, zoom, the chain toggle and the path's clear button. */
function attachToolbar(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>("nav [role=tab]"))
    tab.addEventListener("click", () => {
      state.view = tab.dataset.view as View;
      void redraw();
    });
  $("legend").addEventListener("change", () => {
    const boxes = [...document.querySelectorAll<HTMLInputElement>("#type-filter input")];
    const checked = boxes.filter((b) => b.checked).map((b) => b.value);
    state.types = new Set(checked.length === boxes.length ? [] : checked);
    void redraw();
  });
  $("fit").addEventListener("click", () => canvas.fit());
  $("zoom-in").addEventListener("click", () => canvas.zoom(1.25));
  $("zoom-out").addEventListener("click", () => canvas.zoom(0.8));
  $("chain-toggle").addEventListener("click", () => {
    state.chain = !state.chain;
    if (state.view !== "network") state.view = "network";
    void redraw();
  });
  $("clear-path").addEventListener("click", () => {
    state.to = null;
    ($("path-search") as HTMLInputElement).value = "";
    void redraw();
  });
  $("integrity-under").addEventListener("change", () => void redraw());
}

/** A unit link in the integrity report opens the unit's network; one in the panel selects it. */
function attachUnitLinks(): void {
  onUnitLink($("integrity"), (id) => {
    state.view = "network";
    selectUnit(id);
  });
  onUnitLink($("panel"), selectUnit);
}

function onUnitLink(container: HTMLElement, open: (unitId: string) => void): void {
  container.addEventListener("click", (e) => {
    const link = (e.target as HTMLElement).closest<HTMLAnchorElement>("a.unit-link");
    if (!link) return;
    e.preventDefault();
    open(link.dataset.unit as string);
  });
}

/** The access token field, and "/" to jump to the search. */
function attachSettings(): void {
  $("settings").addEventListener("submit", (e) => e.preventDefault());
  const token = $("token") as HTMLInputElement;
  token.value = accessToken();
  token.addEventListener("change", () => {
    setAccessToken(token.value.trim());
    void redraw();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
      e.preventDefault();
      $("search").focus();
    }
  });
}

mountCompare(() => ({ unit: state.unit, date: state.date }));
void start();
