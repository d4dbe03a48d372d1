// Debian's Chromium (never a downloaded browser) through playwright-core, for the tests that open
// the pages the CLI writes, or bundles of the browser entries, from file://.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A skip reason when the browser is absent, else false. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
}

/** A headless, offline-minded browser with its profile under `dir`. */
export function launchChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
}

/**
 * Open `url` and wait until the body's data-state leaves "loading"; collect page errors (and
 * console errors) and `external`: every request for something other than the page itself.
 */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[]; external: () => string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 90_000 });
  const external = () => requests.filter((u) => u !== url && !u.startsWith('data:') && !u.startsWith('blob:'));
  return { page, errors, external };
}
