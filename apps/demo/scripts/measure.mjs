// Measures the built page in Debian's Chromium and prints one JSON object: time to first render,
// the LinearSVC searchlight on the Haxby slice and the GaussianNB searchlight on the default
// simulated set (both KFold(4), radius 5.6 mm, WORKERS workers, default 2), and the bundle size.
// A measurement, not a test: `node apps/demo/scripts/measure.mjs` after `pnpm build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startStaticServer, WEB_ROOT, exampleDataDir } from '../dist/src/server.js';

const workers = Number(process.env.WORKERS ?? 2);
const { server, url } = await startStaticServer(WEB_ROOT, 0);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const out = { workers, load_average: loadavg().map((v) => +v.toFixed(2)) };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.state === 'empty');
  out.first_render_ms = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return paint ? Math.round(paint.startTime) : null;
  });
  out.page_ready_ms = Date.now() - t0;
  await page.fill('#workers', String(workers));
  const searchlight = async (estimator) => {
    await page.fill('#targets-text', 'face,house');
    await page.selectOption('#cv', 'kfold');
    await page.fill('#folds', '4');
    await page.fill('#radius', '5.6');
    await page.selectOption('#sl-estimator', estimator);
    await page.evaluate(() => { delete document.body.dataset.searchlightState; });
    const start = Date.now();
    await page.click('#run-searchlight');
    await page.waitForFunction(() => document.body.dataset.searchlightState === 'done', undefined, { timeout: 600_000 });
    const r = await page.evaluate(() => window.neurodecodeResults.searchlight);
    return { spheres: r.nSpheres, kernel: r.kernel, workers: r.workers, job_seconds: +r.seconds.toFixed(3), click_to_map_seconds: (Date.now() - start) / 1000 };
  };
  if (exampleDataDir()) {
    await page.click('#load-example');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('status').textContent.includes('Example'));
    out.slice_svc_searchlight = await searchlight('svc');
  }
  let start = Date.now();
  await page.click('#simulate');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('status').textContent.includes('Simulated'), undefined, { timeout: 600_000 });
  out.simulate_seconds = (Date.now() - start) / 1000;
  out.simulated_gnb_searchlight = await searchlight('gnb');
  const js = ['main.js', 'worker.js'].map((f) => readFileSync(join(WEB_ROOT, f)));
  out.js_bytes = js.reduce((a, b) => a + b.length, 0);
  out.js_gzip_bytes = js.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(out, null, 2));
