// Web app benchmark: the built demo page (apps/demo) in Debian's Chromium through playwright-core
// (never a downloaded browser), WORKERS workers (default 2). Time to first render, the LinearSVC
// searchlight on the Haxby slice and the GaussianNB searchlight on the default simulated set made
// in the page (both KFold(4), radius 5.6 mm: job seconds as the page reports them, and click to
// map including the figures), and the JavaScript's size. Prints JSON and writes
// bench/results/webapp.json. Goals (issue 12): first render < 2 s, slice < 2 s, simulated set
// < 10 s, JavaScript < 3 MB gzip. Without /usr/bin/chromium or a built page it says so and exits 0.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { exampleDataDir, startStaticServer, WEB_ROOT } from '@neurodecode/demo/dist/src/server.js';
import { machine, report } from './bench-util.js';

const CHROMIUM = '/usr/bin/chromium';
const workers = Number(process.env.WORKERS ?? 2);

interface SearchlightFigures { spheres: number; kernel: string; workers: number; job_seconds: number; click_to_map_seconds: number }

async function searchlight(page: Page, estimator: string): Promise<SearchlightFigures> {
  await page.fill('#targets-text', 'face,house');
  await page.selectOption('#cv', 'kfold');
  await page.fill('#folds', '4');
  await page.fill('#radius', '5.6');
  await page.selectOption('#sl-estimator', estimator);
  await page.evaluate(() => { delete document.body.dataset.searchlightState; });
  const start = Date.now();
  await page.click('#run-searchlight');
  await page.waitForFunction(() => document.body.dataset.searchlightState === 'done', undefined, { timeout: 600_000 });
  const error = await page.textContent('#error');
  if (await page.isVisible('#error')) throw new Error(`webapp bench: the ${estimator} searchlight failed: ${error}`);
  const r = await page.evaluate(() => (window as unknown as { neurodecodeResults: { searchlight: { nSpheres: number; kernel: string; workers: number; seconds: number } } }).neurodecodeResults.searchlight);
  return { spheres: r.nSpheres, kernel: r.kernel, workers: r.workers, job_seconds: Number(r.seconds.toFixed(3)), click_to_map_seconds: (Date.now() - start) / 1000 };
}

if (!existsSync(CHROMIUM) || !existsSync(join(WEB_ROOT, 'worker.js'))) {
  process.stderr.write(`webapp bench: skipped (${existsSync(CHROMIUM) ? 'apps/demo is not built' : `${CHROMIUM} is absent`})\n`);
} else {
  const { server, url } = await startStaticServer(WEB_ROOT, 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const result: Record<string, unknown> = { workers, machine_before: machine() };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'empty');
    result.first_render_ms = await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return paint ? Math.round(paint.startTime) : null;
    });
    result.page_ready_ms = Date.now() - t0;
    await page.fill('#workers', String(workers));
    if (exampleDataDir()) {
      await page.click('#load-example');
      await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('status')?.textContent ?? '').includes('Example'));
      result.slice_svc_searchlight = await searchlight(page, 'svc');
    } else {
      result.slice_svc_searchlight = 'skipped: the shared Haxby slice is absent';
    }
    const start = Date.now();
    await page.click('#simulate');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('status')?.textContent ?? '').includes('Simulated'), undefined, { timeout: 600_000 });
    result.simulate_seconds = (Date.now() - start) / 1000;
    result.simulated_gnb_searchlight = await searchlight(page, 'gnb');
    const js = ['main.js', 'worker.js'].map((f) => readFileSync(join(WEB_ROOT, f)));
    result.js_bytes = js.reduce((a, b) => a + b.length, 0);
    result.js_gzip_bytes = js.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
    result.machine_after = machine();
  } finally {
    await browser.close();
    server.close();
  }
  report('webapp', result);
}
