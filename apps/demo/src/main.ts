// The page: load a functional image, a mask and labels (or the example, or a simulated set), see
// the header facts and the mean image, then run the analyses of run.ts. Every failure ends in a
// message on the page, never a dead page.
import { NiftiImage, dtypeFromCode, encodeNifti } from '@neurodecode/nifti-io/browser';
import { assembleDataset, fetchExample, InputError, readImage, type Dataset, type LoadedImage } from './dataset.js';
import { labelCounts } from './labels.js';
import { summarizeImage, summaryRows } from './summary.js';
import { createSliceViewer, type SliceViewer } from './viewer.js';
import { byId, clearError, errorMessage, setState, setStatus, showError } from './page.js';
import { JobPanel, runOnWorker } from './jobs.js';
import { setupRuns } from './run.js';
import { canShareMemory } from './searchlight-job.js';
import { imageFromMessage, type SimulateResult } from './protocol.js';

const funcInput = byId<HTMLInputElement>('func-input');
const maskInput = byId<HTMLInputElement>('mask-input');
const labelsInput = byId<HTMLInputElement>('labels-input');
const trInput = byId<HTMLInputElement>('tr-input');
const dropZone = byId<HTMLElement>('drop-zone');
const summaryBody = byId<HTMLTableSectionElement>('summary-body');
const dataFacts = byId<HTMLElement>('data-facts');
const canvas = byId<HTMLCanvasElement>('viewer');
const targetsBox = byId<HTMLFieldSetElement>('targets');

const staged: { func?: LoadedImage; mask?: LoadedImage; labels?: { text: string; name: string } } = {};
let dataset: Dataset | undefined;

let viewerPromise: Promise<SliceViewer> | undefined;
export function viewer(): Promise<SliceViewer> {
  viewerPromise ??= createSliceViewer(canvas, (text) => {
    byId('location').textContent = text;
  });
  return viewerPromise;
}

function fileDatatype(img: NiftiImage): string {
  try {
    return dtypeFromCode(img.header.datatype, 'header').name;
  } catch {
    return img.dtype;
  }
}

function renderSummary(img: NiftiImage, name: string): void {
  summaryBody.replaceChildren();
  // The page reads voxels as float32 (as the CLI does); the header panel names the file's own type.
  const summary = { ...summarizeImage(img), datatype: fileDatatype(img) };
  for (const [label, text] of [['file', name] as [string, string], ...summaryRows(summary)]) {
    const row = document.createElement('tr');
    row.dataset.field = label;
    const th = document.createElement('th');
    th.textContent = label;
    const td = document.createElement('td');
    if (label === 'affine') {
      const pre = document.createElement('pre');
      pre.textContent = text;
      td.append(pre);
    } else {
      td.textContent = text;
    }
    row.append(th, td);
    summaryBody.append(row);
  }
}

function renderTargets(d: Dataset | undefined): void {
  const text = byId<HTMLInputElement>('targets-text');
  targetsBox.querySelectorAll('label').forEach((l) => l.remove());
  targetsBox.querySelector('.hint')!.toggleAttribute('hidden', !!d);
  if (!d) return;
  const counts = labelCounts(d.labels.labels);
  const current = new Set(
    text.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  if (![...current].some((t) => counts.some((c) => c.label === t))) {
    // Default: the two most frequent labels other than rest.
    current.clear();
    counts
      .filter((c) => c.label !== 'rest')
      .slice(0, 2)
      .forEach((c) => current.add(c.label));
    text.value = [...current].join(',');
  }
  for (const { label, count } of counts) {
    const l = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = label;
    box.checked = current.has(label);
    box.addEventListener('change', () => {
      const chosen = new Set(
        text.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      if (box.checked) chosen.add(label);
      else chosen.delete(label);
      text.value = [...chosen].join(',');
    });
    l.append(box, ` ${label} (${count})`);
    targetsBox.append(l);
  }
}

export function currentDataset(): Dataset | undefined {
  return dataset;
}

// A newer load supersedes an older one still in flight (a user dropping files quickly).
let generation = 0;

/** Re-check what is staged; show the header, mean image and targets, or the first problem. */
async function refresh(what: string): Promise<void> {
  const mine = ++generation;
  dataset = undefined;
  runs.datasetChanged(undefined);
  const func = staged.func;
  if (!func) {
    setStatus(`${what}; now choose a functional image`);
    setState('ready');
    return;
  }
  renderSummary(func.img, func.name);
  canvas.hidden = false;
  try {
    const tr = trInput.value.trim() === '' ? undefined : Number(trInput.value);
    const { dataset: d, mean } = await assembleDataset(func, staged.mask, staged.labels, tr);
    if (mine !== generation) return;
    dataset = d;
    dataFacts.textContent = d
      ? `${d.func.img.nVolumes} volumes, ${d.labels.kind === 'events' ? 'events.tsv' : 'labels'} from ${d.labelsName}, mask: ${d.maskSource} (${d.nMaskVoxels} voxels)${d.labels.groups ? `, ${new Set(d.labels.groups).size} runs` : ', no runs column'}`
      : `${func.img.nVolumes} volumes; ${staged.labels ? '' : 'add a labels file to decode'}`;
    renderTargets(d);
    runs.datasetChanged(d);
    setStatus(`${what}: ${func.name}${d ? ' is ready to analyse' : ''}`);
    try {
      const v = await viewer();
      await v.show(encodeNifti(mean));
    } catch (err) {
      canvas.hidden = true;
      showError(`The data were read, but the slice view failed: ${errorMessage(err)}`);
    }
    if (mine === generation) setState('ready');
  } catch (err) {
    if (mine !== generation) return;
    renderTargets(undefined);
    // Set the faulty mask or labels aside, so the next good file is checked against good data.
    if (err instanceof InputError && err.slot !== 'func') staged[err.slot] = undefined;
    showError(errorMessage(err));
    setState('error');
  }
}

async function stageImage(slot: 'func' | 'mask', bytes: Uint8Array, name: string): Promise<void> {
  setState('loading');
  clearError();
  setStatus(`Reading ${name} (${(bytes.length / 1024).toFixed(0)} KiB)...`);
  try {
    staged[slot] = await readImage(bytes, name);
  } catch (err) {
    staged[slot] = undefined;
    if (slot === 'func') {
      summaryBody.replaceChildren();
      canvas.hidden = true;
      dataset = undefined;
      runs.datasetChanged(undefined);
    }
    setStatus('');
    showError(`Could not read ${name} as NIfTI: ${errorMessage(err)}`);
    setState('error');
    return;
  }
  await refresh(`Loaded ${name}`);
}

async function stageFile(file: File, slot: 'func' | 'mask' | 'labels'): Promise<void> {
  setState('loading');
  try {
    if (slot === 'labels') {
      clearError();
      staged.labels = { text: await file.text(), name: file.name };
      await refresh(`Loaded ${file.name}`);
    } else {
      await stageImage(slot, new Uint8Array(await file.arrayBuffer()), file.name);
    }
  } catch (err) {
    showError(`Could not open ${file.name}: ${errorMessage(err)}`);
    setState('error');
  }
}

for (const [input, slot] of [
  [funcInput, 'func'],
  [maskInput, 'mask'],
  [labelsInput, 'labels'],
] as const) {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void stageFile(file, slot);
    input.value = ''; // picking the same file again should reload it
  });
}
byId<HTMLInputElement>('targets-text').addEventListener('input', (e) => {
  const chosen = new Set((e.target as HTMLInputElement).value.split(',').map((t) => t.trim()));
  targetsBox.querySelectorAll<HTMLInputElement>('input[type=checkbox]').forEach((box) => {
    box.checked = chosen.has(box.value);
  });
});
trInput.addEventListener('change', () => {
  if (staged.func) {
    clearError();
    void refresh('TR changed');
  }
});

byId('load-example').addEventListener('click', () => {
  void (async () => {
    setState('loading');
    clearError();
    setStatus('Fetching the example (Haxby subject 1, posterior half of one slice)...');
    try {
      const ex = await fetchExample();
      staged.func = await readImage(ex.func, 'bold.nii.gz');
      staged.mask = await readImage(ex.mask, 'mask.nii.gz');
      staged.labels = { text: ex.labels, name: 'labels.txt' };
      await refresh('Example');
    } catch (err) {
      showError(errorMessage(err));
      setState('error');
    }
  })();
});

const simulatePanel = new JobPanel('simulate');
byId('simulate').addEventListener('click', () => {
  void (async () => {
    setState('loading');
    clearError();
    setStatus('Simulating the default set (40 x 64 x 64 x 216, face vs house) in a worker...');
    const controller = new AbortController();
    simulatePanel.begin(() => controller.abort());
    try {
      const sim = await runOnWorker<SimulateResult>({ kind: 'simulate', seed: 0 }, () => undefined, controller.signal, 'simulate');
      const bold = imageFromMessage(sim.bold);
      const func = new NiftiImage({ data: Float32Array.from(bold.data as ArrayLike<number>), shape: bold.shape, affine: bold.affine });
      func.header.pixdim[4] = sim.tr;
      func.header.xyzt_units = 2 | 8;
      staged.func = { img: func, name: 'simulated bold', bytes: new Uint8Array(0) };
      staged.mask = { img: imageFromMessage(sim.mask), name: 'simulated mask', bytes: new Uint8Array(0) };
      staged.labels = { text: sim.labelsText, name: 'simulated labels' };
      simulatePanel.end(`simulated in ${simulatePanel.seconds.toFixed(1)} s`);
      await refresh('Simulated');
    } catch (err) {
      simulatePanel.end('');
      showError(errorMessage(err));
      setState('error');
    }
  })();
});

for (const type of ['dragenter', 'dragover'] as const) {
  dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    dropZone.classList.add('dragging');
  });
}
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('dragging');
  // Several files at once: text files are labels, NIfTI files whose name says "mask" are the mask.
  void (async () => {
    for (const file of Array.from(e.dataTransfer?.files ?? [])) {
      const slot = /\.(txt|tsv|csv)$/i.test(file.name) ? 'labels' : /mask/i.test(file.name) ? 'mask' : 'func';
      await stageFile(file, slot);
    }
  })();
});
// A file dropped beside the zone must not make the browser navigate away from the page.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

function checkCapabilities(): void {
  const notes: string[] = [];
  if (typeof Worker !== 'function') notes.push('This browser has no Web Workers: analyses cannot run here.');
  if (typeof WebAssembly !== 'object')
    notes.push("This browser has no WebAssembly: SpaceNet falls back to TensorFlow.js's slower JavaScript backend.");
  if (!canShareMemory())
    notes.push(
      'This page is not cross-origin isolated, so SharedArrayBuffer is unavailable: the searchlight runs on a single worker (serve the page with the COOP/COEP headers, see the README).',
    );
  const box = byId<HTMLElement>('capabilities');
  box.textContent = notes.join(' ');
  box.hidden = notes.length === 0;
  byId<HTMLInputElement>('workers').value = String(Math.max(1, navigator.hardwareConcurrency || 1));
}

const runs = setupRuns({ dataset: () => dataset, viewer });
checkCapabilities();
setState('empty');
