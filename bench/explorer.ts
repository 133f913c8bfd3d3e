/**
 * The explorer in the browser on a running service (e.g. after `npm run generate -- --scale 1`):
 * first paint of /explorer?unit=<unit> (first contentful paint, and the first drawing of the
 * network finished) and the time to expand a node (click → redrawn), p50 over `--expands` clicks.
 * `npx tsx bench/explorer.ts --base http://localhost:4000 --unit tinh-uy-… [--date 2026-01-01] [--expands 20]`
 */
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://localhost:4000" },
    unit: { type: "string" },
    date: { type: "string", default: "2026-01-01" },
    view: { type: "string", default: "network" },
    expands: { type: "string", default: "20" },
  },
});
if (!values.unit) throw new Error("--unit is required");

interface InPage {
  document: { body: { dataset: Record<string, string | undefined> } };
  explorer: Record<string, (...args: unknown[]) => unknown>;
  performance: { getEntriesByName(name: string): { startTime: number }[]; now(): number };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const draws = () =>
  page.evaluate(() => Number((globalThis as unknown as InPage).document.body.dataset.draws ?? "0"));
const drawn = (n: number) =>
  page.waitForFunction(
    (before) => {
      const d = (globalThis as unknown as InPage).document.body.dataset;
      return d.busy === "0" && Number(d.draws ?? "0") > before;
    },
    n,
    { timeout: 300_000 },
  );

const url = `${values.base}/explorer?unit=${values.unit}&date=${values.date}&view=${values.view}`;
const t0 = Date.now();
await page.goto(url);
await drawn(0);
const firstDrawing = Date.now() - t0;
const fcp = await page.evaluate(
  () =>
    (globalThis as unknown as InPage).performance.getEntriesByName("first-contentful-paint")[0]?.startTime ??
    null,
);
const nodes = (await page.evaluate(() => (globalThis as unknown as InPage).explorer.nodeIds?.())) as string[];
const times: number[] = [];
const candidates = nodes.filter((id) => id !== values.unit && !id.startsWith("group:"));
for (let i = 0; i < Number(values.expands) && candidates.length > 0; i++) {
  const id = candidates[i % candidates.length] as string;
  const at = (await page.evaluate((x) => (globalThis as unknown as InPage).explorer.position?.(x), id)) as {
    x: number;
    y: number;
  };
  const n = await draws();
  const start = Date.now();
  await page.mouse.click(at.x, at.y);
  await drawn(n);
  times.push(Date.now() - start);
}
times.sort((a, b) => a - b);
const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(
  JSON.stringify({
    url,
    nodesDrawn: nodes.length,
    firstContentfulPaintMs: fcp === null ? null : Math.round(fcp),
    firstDrawingMs: firstDrawing,
    expands: times.length,
    expandP50Ms: p(0.5),
    expandP90Ms: p(0.9),
    expandMaxMs: times[times.length - 1],
  }),
);
await browser.close();
