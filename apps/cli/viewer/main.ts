// The page script of `neurodecode view` (bundled with niivue by scripts/bundle-viewer.mjs and
// inlined into one HTML file): the map over its background, a threshold slider, a colour map
// choice and a crosshair readout. Everything it shows is embedded in the page: no network.
import { Niivue, NVImage } from '@niivue/niivue';

interface ViewData {
  map: string;
  bg: string | null;
  threshold: number;
  vmax: number;
  signed: boolean;
  cmap: string;
  peak: [number, number, number];
  single: boolean;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function format(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(3) : v.toFixed(4);
}

async function main(): Promise<void> {
  const data = JSON.parse($('view-data').textContent ?? '{}') as ViewData;
  if (!document.createElement('canvas').getContext('webgl2')) throw new Error('this browser has no WebGL2, which the viewer needs');
  const nv = new Niivue({
    backColor: [0, 0, 0, 1],
    crosshairColor: [0.3, 0.9, 0.3, 1],
    crosshairWidthUnit: 'percent',
    crosshairWidth: 0.3,
    isNearestInterpolation: true,
    isResizeCanvas: true,
    isColorbar: true,
    logLevel: 'error',
  } as ConstructorParameters<typeof Niivue>[0]);
  await nv.attachToCanvas($<HTMLCanvasElement>('viewer'));
  if (data.bg) nv.addVolume(await NVImage.loadFromBase64({ base64: data.bg, name: 'background.nii.gz', colormap: 'gray', cal_min: 0, cal_max: 255, trustCalMinMax: true }));
  const map = await NVImage.loadFromBase64({
    base64: data.map, name: 'map.nii.gz', colormap: data.cmap, cal_min: data.threshold, cal_max: data.vmax,
    trustCalMinMax: true, colormapNegative: data.signed ? 'winter' : '',
  });
  nv.addVolume(map);
  if (data.bg) nv.volumes[0]!.colorbarVisible = false;
  nv.setSliceType(data.single ? nv.sliceTypeAxial : nv.sliceTypeMultiplanar);

  const slider = $<HTMLInputElement>('threshold');
  const shown = $('threshold-value');
  slider.max = String(data.vmax);
  slider.step = String(data.vmax / 200);
  slider.value = String(data.threshold);
  const applyThreshold = () => {
    const t = Number(slider.value);
    map.cal_min = t;
    map.cal_max = data.vmax;
    if (data.signed) { map.cal_minNeg = -data.vmax; map.cal_maxNeg = -t; }
    shown.textContent = format(t);
    nv.updateGLVolume();
  };
  slider.addEventListener('input', applyThreshold);
  const select = $<HTMLSelectElement>('cmap');
  select.value = data.cmap;
  select.addEventListener('change', () => { nv.setColormap(map.id, select.value); });
  nv.onLocationChange = (loc: unknown) => {
    const l = loc as { mm?: number[]; values?: { value?: number }[] };
    const mm = l.mm ?? [];
    const value = l.values?.[l.values.length - 1]?.value;
    $('location').textContent = `x ${format(mm[0])}  y ${format(mm[1])}  z ${format(mm[2])} mm   value ${format(value)}`;
  };
  applyThreshold();
  nv.scene.crosshairPos = nv.mm2frac(data.peak);
  nv.drawScene();
  document.body.dataset.state = 'ready';
}

main().catch((err: unknown) => {
  document.body.dataset.state = 'error';
  $('error').textContent = `viewer: ${err instanceof Error ? err.message : String(err)}`;
});
