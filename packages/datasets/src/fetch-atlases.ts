// Templates and atlases through the same cache: the MNI152 T1 template with its brain mask (FSL
// standard space), and the Harvard-Oxford atlases from the FSL atlas bundle nilearn also uses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDataset, type FetchOptions } from './cache.js';

/** FSL's standard-space images (data_standard repository). */
export const MNI152_BASE_URL = 'https://git.fmrib.ox.ac.uk/fsl/data_standard/-/raw/master/';
/** File name of the skull-stripped MNI152 T1 1 mm template, on the server and in the cache. */
export const MNI152_TEMPLATE_FILE = 'MNI152_T1_1mm_brain.nii.gz';
/** File name of the MNI152 1 mm brain mask, on the server and in the cache. */
export const MNI152_MASK_FILE = 'MNI152_T1_1mm_brain_mask.nii.gz';
/** FSL atlas bundle holding every Harvard-Oxford image and label file (as nilearn downloads it). */
export const HARVARD_OXFORD_URL = 'https://www.nitrc.org/frs/download.php/9902/HarvardOxford.tgz';
/** File name of the Harvard-Oxford bundle (a tar.gz) on a mirror; it is unpacked and deleted once fetched. */
export const HARVARD_OXFORD_ARCHIVE = 'HarvardOxford.tgz';

/** Options of the template and atlas fetchers: an optional mirror plus the cache options every fetcher takes. */
export interface FetchMirrorOptions extends FetchOptions {
  /** Mirror holding the files under their own names; an MD5SUMS there is used when present. */
  baseUrl?: string;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Absolute paths of the cached MNI152 files, as {@link fetchMni152} returns them. */
export interface Mni152 {
  /** Skull-stripped T1 template, 1 mm. */
  template: string;
  /** Binary brain mask on the same grid. */
  mask: string;
  /** One sentence on what the files are and where they come from. */
  description: string;
}

/** The MNI152 T1 1 mm brain template and its brain mask. */
export async function fetchMni152(opts: FetchMirrorOptions = {}): Promise<Mni152> {
  const base = withSlash(opts.baseUrl ?? MNI152_BASE_URL);
  const resources = [MNI152_TEMPLATE_FILE, MNI152_MASK_FILE].map((f) => ({ url: `${base}${f}`, fileName: f }));
  const checksums = opts.baseUrl ? { url: `${base}MD5SUMS`, optional: true } : undefined;
  const dir = await ensureDataset({ name: 'mni152', resources, checksums }, opts);
  return {
    template: join(dir, MNI152_TEMPLATE_FILE),
    mask: join(dir, MNI152_MASK_FILE),
    description: 'MNI152 non-linear 6th generation T1 template (1 mm, skull-stripped) and brain mask, from FSL.',
  };
}

const HO_KINDS = ['cort', 'cortl', 'sub'] as const;
const HO_RESOLUTIONS = ['1mm', '2mm'] as const;
/** Every atlas the bundle holds: `{cort|cortl|sub}-prob-{1,2}mm` and `{...}-maxprob-thr{0,25,50}-{1,2}mm`. */
export const HARVARD_OXFORD_ATLASES: readonly string[] = HO_KINDS.flatMap((k) =>
  HO_RESOLUTIONS.flatMap((r) => [`${k}-prob-${r}`, ...[0, 25, 50].map((t) => `${k}-maxprob-thr${t}-${r}`)]),
);

/**
 * Name of one Harvard-Oxford atlas image, as nilearn's `fetch_atlas_harvard_oxford` spells it:
 * kind (`cort`, lateralised `cortl`, or `sub`cortical), probabilistic or max-probability at a
 * 0/25/50 % threshold, and resolution.
 */
export type HarvardOxfordAtlasName = `${'cort' | 'cortl' | 'sub'}-${'prob' | `maxprob-thr${0 | 25 | 50}`}-${'1mm' | '2mm'}`;

/** Options of {@link fetchHarvardOxford}. */
export interface FetchHarvardOxfordOptions extends FetchMirrorOptions {
  /** Which atlas image to return; anything not in {@link HARVARD_OXFORD_ATLASES} throws. */
  atlasName: HarvardOxfordAtlasName;
}

/** One fetched Harvard-Oxford atlas: absolute paths and region names, as {@link fetchHarvardOxford} returns it. */
export interface HarvardOxfordAtlas {
  /** The atlas asked for. */
  atlasName: HarvardOxfordAtlasName;
  /** The atlas image: 4-D (one probability volume per region, 0-100) or 3-D integer labels. */
  maps: string;
  /** Whether `maps` is the probabilistic 4-D image. */
  probabilistic: boolean;
  /**
   * Region names; labels[0] is 'Background'. In a max-probability image value v is labels[v];
   * in a probabilistic image volume v holds labels[v + 1].
   */
  labels: string[];
  /** The FSL XML file the labels came from. */
  labelsFile: string;
  /** One sentence naming the atlas and how its values are scaled. */
  description: string;
}

function labelFileFor(atlasName: string): string {
  if (atlasName.startsWith('sub-')) return 'HarvardOxford-Subcortical.xml';
  if (atlasName.startsWith('cortl-')) return 'HarvardOxford-Cortical-Lateralized.xml';
  return 'HarvardOxford-Cortical.xml';
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Region names of an FSL atlas XML, ordered by their `index` attribute, with 'Background' first. */
export function parseFslAtlasLabels(xml: string): string[] {
  const byIndex = new Map<number, string>();
  const re = /<label\b([^>]*)>([^<]*)<\/label>/g;
  let order = 0;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    const idx = /\bindex\s*=\s*["'](\d+)["']/.exec(m[1]!);
    const name = m[2]!.trim().replace(/&(amp|lt|gt|quot|apos);/g, (_s, e: string) => XML_ENTITIES[e]!);
    byIndex.set(idx ? Number(idx[1]) : order, name);
    order++;
  }
  const labels = ['Background'];
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  for (const i of indices) labels.push(byIndex.get(i)!);
  return labels;
}

/** One Harvard-Oxford atlas image with its region names, from the FSL atlas bundle. */
export async function fetchHarvardOxford(opts: FetchHarvardOxfordOptions): Promise<HarvardOxfordAtlas> {
  const atlasName = opts?.atlasName;
  if (!HARVARD_OXFORD_ATLASES.includes(atlasName)) {
    throw new Error(`atlasName: expected one of ${HARVARD_OXFORD_ATLASES.join(', ')}, got "${String(atlasName)}"`);
  }
  const mapsFile = `data/atlases/HarvardOxford/HarvardOxford-${atlasName}.nii.gz`;
  const xmlFile = `data/atlases/${labelFileFor(atlasName)}`;
  const url = opts.baseUrl ? `${withSlash(opts.baseUrl)}${HARVARD_OXFORD_ARCHIVE}` : HARVARD_OXFORD_URL;
  const checksums = opts.baseUrl ? { url: `${withSlash(opts.baseUrl)}MD5SUMS`, optional: true } : undefined;
  const dir = await ensureDataset(
    { name: 'fsl', resources: [{ url, fileName: HARVARD_OXFORD_ARCHIVE, provides: [mapsFile, xmlFile] }], checksums },
    opts,
  );
  const labelsFile = join(dir, xmlFile);
  const labels = parseFslAtlasLabels(await readFile(labelsFile, 'utf8'));
  if (labels.length < 2) throw new Error(`${labelsFile}: no <label> entries found`);
  return {
    atlasName,
    maps: join(dir, mapsFile),
    probabilistic: atlasName.includes('-prob-'),
    labels,
    labelsFile,
    description: `Harvard-Oxford ${atlasName.startsWith('sub') ? 'subcortical' : 'cortical'} structural atlas (${atlasName}), from FSL; probabilities in percent, max-probability images thresholded at the given percentage.`,
  };
}
