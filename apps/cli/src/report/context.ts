// Facts a report states about its run (command line, package versions) and the reference data
// it may use (is a map in MNI space; the atlas for peak regions), all without the network.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fetchHarvardOxford } from '@neurodecode/datasets';
import type { AtlasSpec } from '@neurodecode/image-ops';
import type { NiftiImage } from '@neurodecode/nifti-io';

const PACKAGES = [
  'cli',
  'nifti-io',
  'image-ops',
  'maskers',
  'estimators',
  'cv',
  'decoding',
  'searchlight',
  'spacenet',
  'datasets',
  'plotting',
];

/** Versions of the neurodecode packages this CLI runs with, and of Node. */
export function packageVersions(): Record<string, string> {
  const req = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const path = name === 'cli' ? new URL('../../../package.json', import.meta.url) : req.resolve(`@neurodecode/${name}/package.json`);
      out[`@neurodecode/${name}`] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      out[`@neurodecode/${name}`] = 'unknown';
    }
  }
  out.node = process.versions.node;
  return out;
}

/** The command line as typed, quoted where needed. */
export function commandLine(argv = process.argv.slice(2)): string {
  return ['neurodecode', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Whether an image is in MNI space: its sform/qform says so (code 4, MNI152), or its grid is one of
 * FSL's MNI152 grids (1, 2 mm; origin at -90, -126, -72 in the corner) or nilearn's 4 mm one (same origin).
 */
export function isMniSpace(img: NiftiImage): boolean {
  if (img.header.sform_code === 4 || img.header.qform_code === 4) return true;
  const a = img.affine;
  const off =
    Math.abs(a[0]![1]!) + Math.abs(a[0]![2]!) + Math.abs(a[1]![0]!) + Math.abs(a[1]![2]!) + Math.abs(a[2]![0]!) + Math.abs(a[2]![1]!);
  if (off > 1e-6) return false;
  const s = Math.abs(a[0]![0]!);
  if (![1, 2, 4].includes(s) || Math.abs(a[1]![1]!) !== s || Math.abs(a[2]![2]!) !== s) return false;
  // The world position of voxel (0,0,0)'s corner region: FSL's MNI152 grids start at x=+-90, y=-126, z=-72.
  return Math.abs(Math.abs(a[0]![3]!) - 90) < 1.5 && Math.abs(a[1]![3]! + 126) < 1.5 && Math.abs(a[2]![3]! + 72) < 1.5;
}

export interface ResolvedAtlas {
  atlas?: AtlasSpec;
  name?: string;
  note?: string;
}

/**
 * The atlas naming cluster peaks: $NEURODECODE_ATLAS (+ $NEURODECODE_ATLAS_LABELS, an index,name
 * CSV) when set, else the cached Harvard-Oxford cortical max-probability atlas (25%, 2 mm).
 */
export async function resolveAtlas(): Promise<ResolvedAtlas> {
  const img = process.env.NEURODECODE_ATLAS;
  if (img) {
    const labels = process.env.NEURODECODE_ATLAS_LABELS;
    if (!existsSync(img)) return { note: `NEURODECODE_ATLAS: file not found: ${img}; no regions named` };
    if (!labels || !existsSync(labels))
      return { note: 'NEURODECODE_ATLAS_LABELS: an index,name CSV is needed with NEURODECODE_ATLAS; no regions named' };
    return { atlas: { img, labels }, name: img.replace(/^.*[\\/]/, '') };
  }
  try {
    const ho = await fetchHarvardOxford({ atlasName: 'cort-maxprob-thr25-2mm', offline: true });
    return { atlas: { img: ho.maps, labels: ho.labels }, name: 'Harvard-Oxford cortical, max-probability 25%, 2 mm' };
  } catch {
    return { note: 'no Harvard-Oxford atlas in the data cache (run `neurodecode fetch harvard-oxford`); regions not named' };
  }
}
