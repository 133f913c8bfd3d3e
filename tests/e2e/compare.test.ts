/**
 * The explorer's "So sánh hai thời điểm" (compare dates) mode in a real browser against the
 * real service on the seed: select the new Tỉnh ủy Lâm Đồng, pick two dates across 01/07/2025,
 * and the drawing highlights the units added, removed and moved, and the list holds the same
 * changes, in the same order, as graphDiff answers the same server. Expected values are read
 * from the API, not written here. Screenshot in tests/e2e/artifacts/ (gitignored).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../integration/helpers/test-server.ts";
import { collectErrors, drawn, launchBrowser, shot } from "./browser.ts";

const ROOT = "tinh-uy-lam-dong-2025";
const FROM = "2025-06-30";
const TO = "2025-07-01";
/** What the compare mode asks for (web/explorer/compare.ts draws a page of 300). */
const DRAWN = 300;

let server: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  errors = collectErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Change {
  type: string;
  unit: { id: string };
}

/** The class the drawing gives a unit: that of its first unit change on the page (compare.ts, elementsOf). */
const CLASS: Record<string, string> = {
  UNIT_OPENED: "added",
  UNIT_CLOSED: "removed",
  UNIT_OPENED_AND_CLOSED: "transient",
  UNIT_MOVED: "moved",
  UNIT_RENAMED: "renamed",
  UNIT_ATTRIBUTE_CHANGED: "renamed",
};

function expectedHighlights(changes: readonly Change[]): {
  added: string[];
  removed: string[];
  moved: string[];
} {
  const first = new Map<string, string>();
  for (const c of changes) {
    const cls = CLASS[c.type];
    if (cls && !first.has(c.unit.id)) first.set(c.unit.id, cls);
  }
  const of = (cls: string) =>
    [...first.entries()]
      .filter(([, k]) => k === cls)
      .map(([id]) => id)
      .sort();
  return { added: of("added"), removed: of("removed"), moved: of("moved") };
}

describe("explorer compare mode", () => {
  it("draws the diff across 01/07/2025: added, removed and moved highlighted, the list as graphDiff answers", async () => {
    await page.goto(`${server.base}/explorer?date=${TO}&unit=${ROOT}`);
    await drawn(page, 0);
    await page.locator("#compare-open").click();
    await page.locator("#compare-from").fill(FROM);
    await page.locator("#compare-to").fill(TO);
    await page.locator("#compare-under").check();
    await page.locator("#compare-form button[type=submit]").click();
    const graph = page.locator("#compare-graph[data-drawn='1']");
    await graph.waitFor({ timeout: 90_000 });

    const api = await server.gql<{
      graphDiff: { nodes: Change[]; summary: { headline: string; total: number } };
    }>(
      `query($from: Date!, $to: Date!, $under: [ID!], $first: Int) {
        graphDiff(from: $from, to: $to, under: $under, first: $first) {
          summary { headline total } nodes { type unit { id } } } }`,
      { from: FROM, to: TO, under: [ROOT], first: DRAWN },
    );
    expect(api.errors).toBeUndefined();
    const answer = api.data?.graphDiff;
    expect(answer?.nodes.length).toBeGreaterThan(0);

    // The list: the same changes, in the same order.
    const listed = await page.locator('[data-testid="compare-change"]').evaluateAll((lis) =>
      lis.map((li) => {
        const d = (li as unknown as { dataset: Record<string, string> }).dataset;
        return `${d.type} ${d.unit}`;
      }),
    );
    expect(listed).toEqual(answer?.nodes.map((c) => `${c.type} ${c.unit.id}`));
    expect(await page.locator('[data-testid="compare-headline"]').textContent()).toContain(
      answer?.summary.headline,
    );

    // The drawing: the units opened, closed and moved carry their highlight.
    const expected = expectedHighlights(answer?.nodes ?? []);
    expect(expected.added.length).toBeGreaterThan(0);
    expect(expected.removed.length).toBeGreaterThan(0);
    expect(expected.moved.length).toBeGreaterThan(0);
    for (const cls of ["added", "removed", "moved"] as const) {
      const ids = ((await graph.getAttribute(`data-${cls}`)) ?? "").split(" ").filter((x) => x !== "");
      expect(ids).toEqual(expected[cls]);
    }
    expect(expected.added).toContain(ROOT);
    expect(expected.removed).toEqual(expect.arrayContaining(["tinh-uy-lam-dong", "tinh-uy-dak-nong"]));
    await shot(page, "compare");
    expect(errors).toEqual([]);
  });
});
