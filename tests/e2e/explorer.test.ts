/**
 * The explorer page in a real browser against the real service on the seed: search → select →
 * side panel with a citation; expand a node; move the date across 01/07/2025; highlight the
 * reporting chain; the org chart; a path; no console errors. Screenshots go to
 * tests/e2e/artifacts/ (gitignored). Expected values are read from the API, not written here.
 * With a token (READ_ACCESS=authenticated): downloads go with the Authorization header, no link
 * carries the token, and the calendar's subscription link is a minted feed link.
 */
import { readFile } from "node:fs/promises";
import { XMLParser } from "fast-xml-parser";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET, token } from "../integration/helpers/sandbox.ts";
import { startTestServer, type TestServer } from "../integration/helpers/test-server.ts";
import { collectErrors, drawn, draws, explorer, launchBrowser, shot } from "./browser.ts";

let server: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];

const CELL = "chi-bo-so-noi-vu-lam-dong";

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  errors = collectErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("explorer page", () => {
  it("finds a unit without diacritics, selects it with the keyboard and shows an obligation with its citation", async () => {
    await page.goto(`${server.base}/explorer?date=2025-07-01`);
    await drawn(page, 0);
    const before = await draws(page);
    await page.locator("#search").fill("chi bo so noi vu lam dong");
    await page.locator("#search-list li").first().waitFor();
    await page.locator("#search").press("Enter");
    await drawn(page, before);
    expect(new URL(page.url()).searchParams.get("unit")).toBe(CELL);

    const obligation = page.locator('[data-testid="obligation"]').first();
    await obligation.waitFor();
    const citation = obligation.locator("details.citation").first();
    await citation.locator("summary").click();
    const excerpt = (await citation.locator("blockquote").textContent()) ?? "";
    const doc = (await citation.locator(".doc").textContent()) ?? "";
    const api = await server.gql<{
      reportingObligations: { basis: { label: string; excerpt: string; document: { number: string } }[] }[];
    }>(
      `{ reportingObligations(unitId: "${CELL}", asOf: "2025-07-01") { basis { label excerpt document { number } } } }`,
    );
    const first = api.data?.reportingObligations[0]?.basis[0];
    expect(first).toBeDefined();
    expect(await citation.locator("summary").textContent()).toBe(first?.label);
    expect(excerpt).toBe(first?.excerpt);
    expect(doc).toContain(first?.document.number);
    await shot(page, "side-panel");
  });

  it("expands a node by clicking it", async () => {
    const nodes = await explorer<string[]>(page, "nodeIds");
    // The cell's superior: a unit with neighbours of its own.
    const r = await server.gql<{ unit: { superior: { id: string } } }>(
      `{ unit(id: "${CELL}") { superior(asOf: "2025-07-01") { id } } }`,
    );
    const other = r.data?.unit.superior.id as string;
    expect(nodes).toContain(other);
    const at = await explorer<{ x: number; y: number }>(page, "position", other);
    const before = await draws(page);
    await page.mouse.click(at.x, at.y);
    await drawn(page, before);
    expect(new URL(page.url()).searchParams.get("open")).toBe(other);
    const after = await explorer<string[]>(page, "nodeIds");
    expect(after.length).toBeGreaterThan(nodes.length);
    await shot(page, "network");
  });

  it("moves the date across 01/07/2025 with the slider and shows the new superior", async () => {
    const superior = async (date: string) => {
      const r = await server.gql<{ unit: { superior: { name: string } } }>(
        `{ unit(id: "${CELL}") { superior(asOf: "${date}") { name } } }`,
      );
      return r.data?.unit.superior.name as string;
    };
    const [before, after] = [await superior("2025-06-30"), await superior("2025-07-01")];
    expect(before).not.toBe(after);

    await page.goto(`${server.base}/explorer?unit=${CELL}&date=2025-06-30&view=network`);
    const n = await drawn(page, 0);
    await expect.poll(() => page.locator('[data-testid="superior"] a').textContent()).toBe(before);
    // One step of the slider (→) is one day: 30/06/2025 → 01/07/2025.
    await page.locator("#date-slider").focus();
    await page.keyboard.press("ArrowRight");
    await drawn(page, n);
    expect(new URL(page.url()).searchParams.get("date")).toBe("2025-07-01");
    await expect.poll(() => page.locator('[data-testid="superior"] a').textContent()).toBe(after);
  });

  it("highlights the reporting chain with the frequencies of each hop", async () => {
    const n = await draws(page);
    await page.locator("#chain-toggle").click();
    await drawn(page, n);
    const api = await server.gql<{ reportingChain: { frequencyLabels: string[] }[] }>(
      `{ reportingChain(unitId: "${CELL}", asOf: "2025-07-01") { frequencyLabels } }`,
    );
    const chain = api.data?.reportingChain ?? [];
    expect(chain.length).toBeGreaterThan(0);
    expect((await explorer<string[]>(page, "edgeIds", "chain")).length).toBe(chain.length);
    const hops = await page.locator('[data-testid="chain-hop"]').allTextContents();
    expect(hops.length).toBe(chain.length);
    for (const [i, step] of chain.entries())
      expect(hops[i]).toContain(
        step.frequencyLabels.length ? step.frequencyLabels.join(", ") : "không quy định kỳ",
      );
    await shot(page, "chain");
  });

  it("draws a path to a second unit", async () => {
    const n = await draws(page);
    await page.locator("#path-search").fill("tinh uy lam dong");
    await page.locator("#path-list li").first().waitFor();
    await page.locator("#path-search").press("Enter");
    await drawn(page, n);
    expect(new URL(page.url()).searchParams.get("to")).toBeTruthy();
    expect((await explorer<string[]>(page, "edgeIds", "path")).length).toBeGreaterThan(0);
    await shot(page, "path");
  });

  it("draws the org chart of a province top-down and opens a node", async () => {
    await page.goto(`${server.base}/explorer?unit=tinh-uy-lam-dong-2025&date=2025-07-01&view=org`);
    await drawn(page, 0);
    const nodes = await explorer<string[]>(page, "nodeIds");
    const children = await server.gql<{ unit: { children: { totalCount: number } } }>(
      `{ unit(id: "tinh-uy-lam-dong-2025") { children(asOf: "2025-07-01") { totalCount } } }`,
    );
    // Every child is drawn (or grouped by kind): at least the root and one node per child or group.
    expect(nodes.length).toBeGreaterThan(1);
    expect(nodes.length).toBeLessThanOrEqual((children.data?.unit.children.totalCount ?? 0) + 1);
    const closed = await explorer<string[]>(page, "collapsedIds");
    expect(closed.length).toBeGreaterThan(0);
    const at = await explorer<{ x: number; y: number }>(page, "position", closed[0]);
    const n = await draws(page);
    await page.mouse.click(at.x, at.y);
    await drawn(page, n);
    expect(new URL(page.url()).searchParams.get("org")).toBe(closed[0]);
    expect((await explorer<string[]>(page, "nodeIds")).length).toBeGreaterThan(nodes.length);
    await shot(page, "org-chart");
  });

  it("downloads the subtree's exports from the page's buttons and parses them back", async () => {
    const d = await server.gql<{ unit: { descendants: { totalCount: number } } }>(
      `{ unit(id: "tinh-uy-lam-dong-2025") { descendants(asOf: "2025-07-01") { totalCount } } }`,
    );
    const expected = (d.data?.unit.descendants.totalCount ?? -1) + 1;
    const download = async (which: string) => {
      const [file] = await Promise.all([
        page.waitForEvent("download"),
        page.click(`#exports a[data-export="${which}"]`),
      ]);
      return readFile((await file.path()) as string);
    };
    const graphml = new XMLParser({ ignoreAttributes: false }).parse(
      (await download("graphml")).toString("utf8"),
    );
    expect(graphml.graphml.graph.node).toHaveLength(expected);
    const csv = await download("csv-nodes");
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString("utf8").split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(expected + 1);
    const json = JSON.parse((await download("json")).toString("utf8")) as { nodes: unknown[] };
    expect(json.nodes).toHaveLength(expected);
  });

  it("shows the integrity report in its tab, one row per finding", async () => {
    const api = await server.gql<{ integrityReport: { findings: unknown[] } }>(
      `{ integrityReport(asOf: "2025-07-01") { findings { rule } } }`,
    );
    const n = await draws(page);
    await page.click('nav [data-view="integrity"]');
    await drawn(page, n);
    expect(new URL(page.url()).searchParams.get("view")).toBe("integrity");
    expect(await page.locator('[data-testid="finding"]').count()).toBe(
      api.data?.integrityReport.findings.length,
    );
    await shot(page, "integrity");
  });

  it("wrote no error to the browser console", () => {
    expect(errors).toEqual([]);
  });
});

describe("explorer page with a token (READ_ACCESS=authenticated)", () => {
  let closed: TestServer;
  let reader: Page;
  let readerErrors: string[];
  let bearer: string;
  const ROOT = "tinh-uy-lam-dong-2025";

  beforeAll(async () => {
    closed = await startTestServer({ JWT_SECRET: TEST_SECRET, READ_ACCESS: "authenticated" });
    bearer = await token("viewer", [], "e2e-viewer");
    reader = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    readerErrors = collectErrors(reader);
    // The token as the settings field keeps it, before the page's first request.
    await reader.addInitScript(
      (t) =>
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem("explorer.token", t),
      bearer,
    );
    await reader.goto(`${closed.base}/explorer?unit=${ROOT}&date=2025-07-01&view=org`);
    await drawn(reader, 0);
  }, 120_000);

  afterAll(async () => {
    await reader?.close();
    await closed?.db.write("MATCH (f:FeedCapability {createdBy: 'e2e-viewer'}) DETACH DELETE f");
    await closed?.close();
  });

  it("downloads with the token in the Authorization header, never in a link", async () => {
    const hrefs = await reader
      .locator("#exports a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).not.toContain("access_token");
    // Without the header the route refuses: the download below proves the header went.
    expect((await fetch(`${closed.base}/export/${ROOT}.json?asOf=2025-07-01`)).status).toBe(403);
    const res = await fetch(closed.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        query: `{ unit(id: "${ROOT}") { descendants(asOf: "2025-07-01") { totalCount } } }`,
      }),
    });
    const d = (await res.json()) as { data: { unit: { descendants: { totalCount: number } } } };
    const [file] = await Promise.all([
      reader.waitForEvent("download"),
      reader.click('#exports a[data-export="json"]'),
    ]);
    expect(file.suggestedFilename()).toMatch(/\.json$/);
    const json = JSON.parse((await readFile((await file.path()) as string)).toString("utf8")) as {
      nodes: unknown[];
    };
    expect(json.nodes).toHaveLength(d.data.unit.descendants.totalCount + 1);
  });

  it("shows a minted feed link for the calendar, which reads without the token", async () => {
    await reader.locator('[data-testid="ics-mint"]').click();
    const link = reader.locator('[data-testid="ics-link"]');
    await link.waitFor();
    const href = (await link.getAttribute("href")) as string;
    expect(href).toContain(`/calendar/${ROOT}.ics?feed=`);
    expect(href).not.toContain(bearer);
    expect(href).not.toContain("access_token");
    expect(await reader.locator('[data-testid="ics-url"]').inputValue()).toBe(href);
    const feed = await fetch(href);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toMatch(/^BEGIN:VCALENDAR/);
    await shot(reader, "feed-link");
  });

  it("wrote no error to the browser console", () => {
    expect(readerErrors).toEqual([]);
  });
});
