// The Run and Results sections: read the choices, start each job on Web Workers with its
// progress bar and cancel button, show the results, offer the maps and the report as downloads.
// The latest results are also on window.neurodecodeResults (the browser test reads them there).
import { NiftiImage } from '@neurodecode/nifti-io/browser';
import { maskVoxelsCOrder } from '@neurodecode/searchlight/core';
import { datasetMessage, type Dataset } from './dataset.js';
import { selectTargets } from './labels.js';
import { JobPanel, runOnWorker } from './jobs.js';
import { byId, clearError, errorMessage, setState, showError } from './page.js';
import type { DecodeResult, EstimatorName, PermutationResult } from './protocol.js';
import { decodeHtml, download, escapeHtml, niftiGz, permutationHtml, reportHtml, searchlightHtml } from './results.js';
import { runSearchlight, type SearchlightOutcome } from './searchlight-job.js';
import { decodeFigures, figureImages, mapFigure, permutationFigures } from './figures.js';
import type { SliceViewer } from './viewer.js';

interface Settings {
  targets: string[];
  estimator: EstimatorName;
  cv: string;
  slEstimator: string;
  radius: number;
  permutations: number;
  workers: number;
}

/** Whether this page has WebAssembly (SpaceNet's tfjs backend follows it in the workers). */
const hasWasm = (): boolean => typeof WebAssembly === 'object';

function positive(id: string, what: string, integer: boolean): number {
  const raw = byId<HTMLInputElement>(id).value;
  const v = Number(raw);
  if (!(v > 0) || (integer && !Number.isInteger(v)))
    throw new Error(`${what}: expected a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  return v;
}

function readSettings(d: Dataset): Settings {
  const targets = byId<HTMLInputElement>('targets-text')
    .value.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  selectTargets(d.labels.labels, targets); // names an absent target before any work starts
  const cvKind = byId<HTMLSelectElement>('cv').value;
  const cv = cvKind === 'logo' ? 'logo' : `kfold:${positive('folds', 'folds', true)}`;
  if (cv === 'logo' && !d.labels.groups)
    throw new Error(`cv: leave-one-run-out needs runs, but ${d.labelsName} has no "chunks" column; choose k-fold`);
  if (cv === 'logo' && new Set(d.labels.groups).size < 2)
    throw new Error(`cv: leave-one-run-out needs at least two runs, but ${d.labelsName} describes one; choose k-fold`);
  return {
    targets,
    estimator: byId<HTMLSelectElement>('estimator').value as EstimatorName,
    cv,
    slEstimator: byId<HTMLSelectElement>('sl-estimator').value,
    radius: positive('radius', 'radius (mm)', false),
    permutations: positive('permutations', 'permutations', true),
    workers: positive('workers', 'workers', true),
  };
}

export interface PageResults {
  decode?: DecodeResult;
  permutation?: PermutationResult;
  searchlight?: Omit<SearchlightOutcome, 'scoresImg' | 'scores'> & {
    scores: number[];
    settings: { estimator: string; cv: string; radius: number };
  };
}

export function setupRuns(ctx: { dataset: () => Dataset | undefined; viewer: () => Promise<SliceViewer> }) {
  const results: PageResults = {};
  (window as unknown as { neurodecodeResults: PageResults }).neurodecodeResults = results;
  // Each result's part of the report; made when the report is downloaded (PNG-encoding the
  // figures takes a while, so it is not done for every run).
  const html: { decode?: () => string; permutation?: () => string; searchlight?: () => string } = {};
  let searchlightMap: NiftiImage | undefined;
  let coefMap: NiftiImage | undefined;
  let settingsText = '';
  const running = new Set<string>();
  const buttons = {
    decode: byId<HTMLButtonElement>('run-decode'),
    permutation: byId<HTMLButtonElement>('run-permutation'),
    searchlight: byId<HTMLButtonElement>('run-searchlight'),
  };
  const panels = { decode: new JobPanel('decode'), permutation: new JobPanel('permutation'), searchlight: new JobPanel('searchlight') };
  const threshold = byId<HTMLInputElement>('threshold');

  const refreshButtons = () => {
    const ready = !!ctx.dataset();
    for (const [name, b] of Object.entries(buttons)) b.disabled = !ready || running.has(name);
    byId<HTMLButtonElement>('download-searchlight').disabled = !searchlightMap;
    byId<HTMLButtonElement>('download-coef').disabled = !coefMap;
    byId<HTMLButtonElement>('download-report').disabled = !(html.decode || html.permutation || html.searchlight);
  };

  /** Show a result's tables and its figures; returns what makes its HTML (figures as PNG) for the report. */
  const show = (id: string, content: string, figures: () => HTMLCanvasElement[]): (() => string) => {
    const el = byId<HTMLElement>(id);
    el.innerHTML = content;
    el.hidden = false;
    const box = document.createElement('div');
    box.className = 'figures';
    try {
      box.append(...figures());
    } catch (err) {
      // The numbers are already on the page; a figure that cannot be drawn says why.
      box.textContent = `A figure could not be drawn: ${errorMessage(err)}`;
    }
    el.append(box);
    // What a figure had to fall back on (e.g. a background on another grid) is said under it.
    for (const c of Array.from(box.querySelectorAll<HTMLCanvasElement>('canvas.figure'))) {
      if (!c.title) continue;
      const p = document.createElement('p');
      p.className = 'notice';
      p.textContent = `${c.dataset.figure}: ${c.title}`;
      el.append(p);
    }
    return () => content + figureImages(box);
  };

  /** Run one job kind: settings, progress, cancel, errors; the page stays usable whatever happens. */
  const start = (name: keyof typeof buttons, work: (d: Dataset, s: Settings, panel: JobPanel, signal: AbortSignal) => Promise<string>) => {
    buttons[name].addEventListener('click', () => {
      const d = ctx.dataset();
      if (!d || running.has(name)) return;
      clearError();
      let settings: Settings;
      try {
        settings = readSettings(d);
      } catch (err) {
        showError(errorMessage(err));
        return;
      }
      settingsText = `targets ${settings.targets.join(', ')}; estimator ${settings.estimator}; cv ${settings.cv}; searchlight ${settings.slEstimator}, radius ${settings.radius} mm; ${settings.permutations} permutations; ${settings.workers} workers`;
      const controller = new AbortController();
      const panel = panels[name];
      running.add(name);
      refreshButtons();
      panel.begin(() => controller.abort());
      setState('running');
      void work(d, settings, panel, controller.signal)
        .then(
          (summary) => panel.end(summary),
          (err) => {
            panel.end('');
            showError(errorMessage(err));
          },
        )
        .finally(() => {
          running.delete(name);
          refreshButtons();
          document.body.dataset[`${name}State`] = 'done';
          if (running.size === 0) setState('ready');
        });
    });
  };

  start('decode', async (d, s, panel, signal) => {
    document.body.dataset.decodeState = 'running';
    const r = await runOnWorker<DecodeResult>(
      { kind: 'decode', data: datasetMessage(d, s.targets), estimator: s.estimator, cv: s.cv, wasm: hasWasm() },
      (done, total) => panel.update(done, total, ' folds'),
      signal,
      'decode',
    );
    results.decode = r;
    if (r.coef) {
      const data = new Float32Array(d.mask.data.length);
      const voxels = maskVoxelsCOrder(d.mask.data as ArrayLike<number>, d.mask.shape.slice(0, 3));
      voxels.forEach((v, c) => {
        data[v] = r.coef![c]!;
      });
      coefMap = new NiftiImage({ data, shape: d.mask.shape.slice(0, 3), affine: d.mask.affine });
    } else {
      coefMap = undefined;
    }
    const coef = coefMap;
    html.decode = show('decode-results', decodeHtml(r), () => [
      ...decodeFigures(r),
      // Binary: positive weights favour the second class; more classes: the first class against the rest.
      ...(coef
        ? [
            mapFigure(coef, d.mean, 'coefficient map', {
              title: r.classes.length === 2 ? `coefficients (${r.classes[1]} > ${r.classes[0]})` : `coefficients (${r.classes[0]} vs rest)`,
            }),
          ]
        : []),
    ]);
    return `Decoder done in ${r.seconds.toFixed(2)} s`;
  });

  start('permutation', async (d, s, panel, signal) => {
    document.body.dataset.permutationState = 'running';
    const r = await runOnWorker<PermutationResult>(
      {
        kind: 'permutation',
        data: datasetMessage(d, s.targets),
        estimator: s.estimator,
        cv: s.cv,
        nPermutations: s.permutations,
        seed: 0,
        wasm: hasWasm(),
      },
      (done, total) => panel.update(done, total, ' fits'),
      signal,
      'permutation test',
    );
    results.permutation = r;
    html.permutation = show('permutation-results', permutationHtml(r), () => permutationFigures(r));
    return `permutation test done in ${r.seconds.toFixed(2)} s`;
  });

  start('searchlight', async (d, s, panel, signal) => {
    document.body.dataset.searchlightState = 'running';
    const settings = { estimator: s.slEstimator, cv: s.cv, radius: s.radius };
    const o = await runSearchlight(
      datasetMessage(d, s.targets),
      { ...settings, workers: s.workers },
      (done, total) => panel.update(done, total, ' spheres'),
      signal,
    );
    const { scoresImg, scores, ...rest } = o;
    results.searchlight = { ...rest, scores: Array.from(scores), settings };
    const chance = 1 / o.classes.length;
    html.searchlight = show('searchlight-results', searchlightHtml(o, settings), () => [
      // Accuracy runs 0..1: the colour scale tops at 1, so maps of different runs read alike.
      mapFigure(scoresImg, d.mean, 'searchlight map', {
        threshold: chance,
        vmax: 1,
        cmap: 'hot',
        title: `${settings.estimator} searchlight accuracy >= ${chance.toFixed(2)}`,
      }),
    ]);
    searchlightMap = scoresImg;
    let lo = Infinity,
      hi = -Infinity;
    for (const v of scores) {
      if (v < lo) lo = v;
      if (hi < v) hi = v;
    }
    threshold.min = String(lo);
    threshold.max = String(hi);
    threshold.step = String((hi - lo) / 100 || 0.01);
    threshold.value = String(Math.min(hi, Math.max(lo, 1 / o.classes.length + (hi - 1 / o.classes.length) / 2)));
    byId('threshold-label').textContent = `>= ${Number(threshold.value).toFixed(3)}`;
    byId('threshold-controls').hidden = false;
    try {
      await (await ctx.viewer()).setOverlay(await niftiGz(scoresImg), Number(threshold.value), hi);
    } catch (err) {
      showError(`The searchlight finished, but its map could not be drawn: ${errorMessage(err)}`);
    }
    return `searchlight done: ${o.nSpheres} spheres in ${o.seconds.toFixed(2)} s on ${o.workers} worker${o.workers > 1 ? 's' : ''}`;
  });

  threshold.addEventListener('input', () => {
    byId('threshold-label').textContent = `>= ${Number(threshold.value).toFixed(3)}`;
    void ctx.viewer().then((v) => v.setThreshold(Number(threshold.value)));
  });

  byId('download-searchlight').addEventListener('click', () => {
    if (searchlightMap)
      void niftiGz(searchlightMap).then((b) =>
        download(b, `searchlight_${results.searchlight?.settings.estimator ?? 'map'}.nii.gz`, 'application/gzip'),
      );
  });
  byId('download-coef').addEventListener('click', () => {
    if (coefMap)
      void niftiGz(coefMap).then((b) => download(b, `decoder_coef_${results.decode?.estimator ?? 'map'}.nii.gz`, 'application/gzip'));
  });
  byId('download-report').addEventListener('click', () => {
    void (async () => {
      const d = ctx.dataset();
      const view = searchlightMap ? (await ctx.viewer()).snapshot() : undefined;
      const dataset = d
        ? escapeHtml(
            `${d.func.name}: ${d.func.img.shape.join(' x ')}, mask ${d.maskSource} (${d.nMaskVoxels} voxels), labels ${d.labelsName}`,
          )
        : '-';
      download(
        reportHtml({
          dataset,
          settings: escapeHtml(settingsText),
          decode: html.decode?.(),
          permutation: html.permutation?.(),
          searchlight: html.searchlight?.(),
          view,
        }),
        'neurodecode_report.html',
        'text/html',
      );
    })();
  });

  return {
    datasetChanged(_d: Dataset | undefined) {
      refreshButtons();
    },
  };
}
