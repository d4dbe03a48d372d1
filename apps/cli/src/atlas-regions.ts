// Atlases for `neurodecode mask atlas`: where the image and its region names come from, and how a
// region name a user types is matched against them.
import { existsSync } from 'node:fs';
import { readTextFile } from './text-input.js';
import { basename, dirname, join } from 'node:path';
import { fetchHarvardOxford, HARVARD_OXFORD_ATLASES, parseFslAtlasLabels, type HarvardOxfordAtlasName } from '@neurodecode/datasets';
import { readNiftiHeader } from '@neurodecode/nifti-io';
import { closestNames } from '@neurodecode/matrix';

export interface AtlasRegion {
  /** Volume index (probabilistic atlas) or label value (label image). */
  index: number;
  name: string;
}

export interface ResolvedAtlas {
  path: string;
  /** 4-D, one probability map per region (volume index = region index). */
  probabilistic: boolean;
  regions: AtlasRegion[];
}

export interface AtlasSource {
  atlas: string;
  atlasLabels?: string;
  dataDir?: string;
  offline?: boolean;
}

/** Region names from a CSV (`index,name` header), an FSL atlas XML, or a text file with one name per line. */
export function readAtlasLabels(path: string, probabilistic: boolean): AtlasRegion[] {
  const text = readTextFile(path, '--atlas-labels', 16 * 1024 * 1024, 'an atlas labels file');
  if (/<label\b/.test(text)) {
    // FSL XML: labels[0] is Background; volume v of a probabilistic image holds labels[v + 1].
    const names = parseFslAtlasLabels(text);
    return probabilistic ? names.slice(1).map((name, index) => ({ index, name })) : names.map((name, index) => ({ index, name })).slice(1);
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const header = lines[0]?.toLowerCase().split(/\s*[,\t]\s*/) ?? [];
  const ii = header.indexOf('index'),
    ni = header.indexOf('name');
  if (ii >= 0 && ni >= 0) {
    return lines.slice(1).map((l, row) => {
      const f = l.split(/\s*[,\t]\s*/);
      const index = Number(f[ii]);
      if (!Number.isInteger(index)) throw new Error(`--atlas-labels: ${path} line ${row + 2}: index "${f[ii]}" is not an integer`);
      return { index, name: f[ni] ?? '' };
    });
  }
  return lines.map((name, index) => ({ index, name }));
}

function siblingLabels(path: string): string | undefined {
  const stem = basename(path).replace(/\.nii(\.gz)?$/, '');
  for (const name of [`${stem}_labels.csv`, `${stem}.csv`, `${stem}.xml`, `${stem}.txt`]) {
    const p = join(dirname(path), name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** `harvard-oxford[:variant]` from the data cache (fetched if missing), or an image file with its labels. */
export async function resolveAtlas(src: AtlasSource): Promise<ResolvedAtlas> {
  const m = /^harvard-oxford(?::(.+))?$/.exec(src.atlas);
  if (m) {
    const atlasName = m[1] ?? 'cort-prob-2mm';
    if (!HARVARD_OXFORD_ATLASES.includes(atlasName)) {
      throw new Error(`--atlas: harvard-oxford has no variant "${atlasName}"; choose one of ${HARVARD_OXFORD_ATLASES.join(', ')}`);
    }
    const ho = await fetchHarvardOxford({ atlasName: atlasName as HarvardOxfordAtlasName, dataDir: src.dataDir, offline: src.offline });
    const regions = ho.probabilistic
      ? ho.labels.slice(1).map((name, index) => ({ index, name }))
      : ho.labels.map((name, index) => ({ index, name })).slice(1);
    return { path: ho.maps, probabilistic: ho.probabilistic, regions };
  }
  if (!/\.nii(\.gz)?$/.test(src.atlas)) {
    throw new Error(`--atlas: expected harvard-oxford[:variant] or a .nii/.nii.gz file, got "${src.atlas}"`);
  }
  const header = await readNiftiHeader(src.atlas).catch((err: Error) => {
    throw new Error(`--atlas: ${err.message}`);
  });
  const probabilistic = header.dim[0]! >= 4 && header.dim[4]! > 1;
  const labelsPath = src.atlasLabels ?? siblingLabels(src.atlas);
  if (!labelsPath)
    throw new Error(`--atlas-labels: no region names for ${src.atlas}; give a CSV (index,name), an FSL XML or one name per line`);
  const regions = readAtlasLabels(labelsPath, probabilistic);
  if (probabilistic) {
    const bad = regions.find((r) => r.index < 0 || r.index >= header.dim[4]!);
    if (bad)
      throw new Error(`--atlas-labels: region "${bad.name}" has index ${bad.index}, outside the ${header.dim[4]} volumes of ${src.atlas}`);
  }
  return { path: src.atlas, probabilistic, regions };
}

/** Lower case, words only: "Left_Heschl's_Gyrus_(includes_H1_and_H2)" -> "left heschl s gyrus includes h1 and h2". */
function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The same without parenthesised remarks, so "Heschl's Gyrus" finds "Heschl's Gyrus (includes H1 and H2)". */
function shortForm(name: string): string {
  return normalise(name.replace(/\([^)]*\)/g, ' '));
}

/**
 * Regions for each requested name: an exact match (case, spaces, underscores and punctuation
 * ignored; a parenthesised remark optional), else both hemispheres ("Occipital Pole" -> Left_ and
 * Right_Occipital_Pole), else a region index. A miss names the closest atlas labels.
 */
export function matchRegions(requested: string[], regions: AtlasRegion[]): AtlasRegion[] {
  const out = new Map<number, AtlasRegion>();
  for (const want of requested) {
    const key = normalise(want);
    let hits = regions.filter((r) => normalise(r.name) === key || shortForm(r.name) === key);
    if (hits.length === 0)
      hits = regions.filter((r) => [`left ${key}`, `right ${key}`].some((k) => normalise(r.name) === k || shortForm(r.name) === k));
    if (hits.length === 0 && /^\d+$/.test(want.trim())) hits = regions.filter((r) => r.index === Number(want));
    if (hits.length === 0) {
      const near = closestNames(
        want,
        regions.map((r) => r.name),
        3,
      );
      throw new Error(`--regions: "${want}" is not a region of the atlas; closest: ${near.join(', ')} (list them all with --list)`);
    }
    for (const h of hits) out.set(h.index, h);
  }
  return [...out.values()].sort((a, b) => a.index - b.index);
}
