// Shared by the browser tests: the built page on a real HTTP server on 127.0.0.1, Debian's
// Chromium through playwright-core (never a downloaded browser), and small page helpers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '@neurodecode/testkit';
import { startStaticServer, WEB_ROOT, type ServerOptions } from '../src/server.js';

export const CHROMIUM = '/usr/bin/chromium';
const NO_BROWSER = existsSync(CHROMIUM)
  ? false
  : `skipped: ${CHROMIUM} is absent; install it with scripts/install-browser.sh (as root) to run the browser test`;
const NO_BUILD = existsSync(join(WEB_ROOT, 'worker.js')) ? false : 'skipped: dist/web is not built; run `pnpm --filter @neurodecode/demo build`';
export const skipBrowser: string | false = NO_BROWSER || NO_BUILD;

export interface Session {
  page: Page;
  url: string;
  pageErrors: string[];
  scratch: string;
  close(): Promise<void>;
}

/** Serve dist/web and open it in Chromium; `init` runs in the page before its scripts. */
export async function openPage(opts: ServerOptions & { init?: string; workers?: number } = {}): Promise<Session> {
  const scratch = tempDir('neurodecode-demo-test-');
  const { server, url } = await startStaticServer(WEB_ROOT, 0, '127.0.0.1', opts);
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(join(scratch.dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => { pageErrors.push(err.message); });
    if (opts.init) await page.addInitScript(opts.init);
    await page.goto(url);
    if (opts.workers) await page.fill('#workers', String(opts.workers));
    return {
      page, url, pageErrors, scratch: scratch.dir,
      async close() {
        await context?.close();
        await new Promise<void>((ok) => (server as Server).close(() => ok()));
        scratch.cleanup();
      },
    };
  } catch (err) {
    await context?.close();
    server.close();
    scratch.cleanup();
    throw err;
  }
}

/** Wait until the page has settled (ready or error) after a load whose status/error mentions `mention`. */
export async function settled(page: Page, mention: string, timeout = 60_000): Promise<'ready' | 'error'> {
  await page.waitForFunction(
    (m) => {
      const state = document.body.dataset.state;
      const said = (document.getElementById('status')?.textContent ?? '') + (document.getElementById('error')?.textContent ?? '');
      return (state === 'ready' || state === 'error') && said.includes(m);
    },
    mention, { timeout },
  );
  return (await page.evaluate(() => document.body.dataset.state)) as 'ready' | 'error';
}

export async function loadExample(page: Page): Promise<void> {
  await page.click('#load-example');
  const state = await settled(page, 'Example');
  assert.equal(state, 'ready', `example load failed: ${await page.textContent('#error')}`);
}

export async function errorText(page: Page): Promise<string> {
  return (await page.isVisible('#error')) ? ((await page.textContent('#error')) ?? '') : '';
}

/** Click a run button and wait for that job to finish (whatever the outcome). */
export async function runJob(page: Page, job: 'decode' | 'permutation' | 'searchlight', timeout = 120_000): Promise<void> {
  await page.evaluate((j) => { delete document.body.dataset[`${j}State`]; }, job);
  await page.click(`#run-${job}`);
  await page.waitForFunction((j) => document.body.dataset[`${j}State`] === 'done', job, { timeout });
}

export interface Choices {
  targets?: string;
  estimator?: string;
  cv?: 'logo' | 'kfold';
  folds?: number;
  slEstimator?: string;
  radius?: number;
  permutations?: number;
}

export async function choose(page: Page, c: Choices): Promise<void> {
  if (c.targets !== undefined) await page.fill('#targets-text', c.targets);
  if (c.estimator) await page.selectOption('#estimator', c.estimator);
  if (c.cv) await page.selectOption('#cv', c.cv);
  if (c.folds) await page.fill('#folds', String(c.folds));
  if (c.slEstimator) await page.selectOption('#sl-estimator', c.slEstimator);
  if (c.radius) await page.fill('#radius', String(c.radius));
  if (c.permutations) await page.fill('#permutations', String(c.permutations));
}

/** Click a download button; the path of the file the browser saved. */
export async function downloaded(page: Page, button: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const path = await dl.path();
  assert.ok(path, `${button}: the download was not saved`);
  return path;
}
