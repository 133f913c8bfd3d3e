/**
 * Headless Chromium from Debian's `chromium` package (.ci/run installs it), driven by
 * playwright-core: the browser that test tools download by themselves cannot be fetched here.
 * CHROMIUM_PATH overrides the binary.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * What the tests read in the page. Functions passed to page.evaluate run in the page (string
 * expressions would need the CSP's 'unsafe-eval'); this project's types have no DOM, hence the cast.
 */
interface InPage {
  document: { body: { dataset: Record<string, string | undefined> } };
  explorer: Record<string, (...args: unknown[]) => unknown>;
}

export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "artifacts");

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
  });
}

/** Every console error and uncaught page error, to assert none happened. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  return errors;
}

/** Waits until the page has finished more drawings than `before` (body[data-draws]) and is idle. */
export async function drawn(page: Page, before: number): Promise<number> {
  await page.waitForFunction(
    (n) => {
      const { dataset } = (globalThis as unknown as InPage).document.body;
      return dataset.busy === "0" && Number(dataset.draws ?? "0") > n;
    },
    before,
    { timeout: 90_000 },
  );
  return draws(page);
}

export const draws = (page: Page) =>
  page.evaluate('Number(document.body.dataset.draws ?? "0")') as Promise<number>;

/** Calls the page's test hooks (window.explorer, web/explorer/main.ts) with JSON arguments. */
export function explorer<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    `window.explorer.${method}(${args.map((a) => JSON.stringify(a)).join(",")})`,
  ) as Promise<T>;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
