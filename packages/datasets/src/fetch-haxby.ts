// Haxby et al. (2001): six subjects viewing eight object categories, as published by PyMVPA and
// laid out the way nilearn's fetch_haxby lays it out, so paths and field names carry over.
import { join } from 'node:path';
import { ensureDataset, type FetchOptions, type Resource } from './cache.js';

/** Published whole-brain mask (NITRC), used when no baseUrl is given. */
export const HAXBY_MASK_URL = 'https://www.nitrc.org/frs/download.php/7868/mask.nii.gz';
/** Published subject tarballs and their MD5SUMS (PyMVPA data server). */
export const HAXBY_BASE_URL = 'http://data.pymvpa.org/datasets/haxby2001/';

/**
 * The files each subject's tarball provides, relative to its `subjN/` folder (subject 6 has no
 * `anat.nii.gz`).
 */
export const HAXBY_SUBJECT_FILES = [
  'bold.nii.gz',
  'labels.txt',
  'mask4_vt.nii.gz',
  'mask8b_face_vt.nii.gz',
  'mask8b_house_vt.nii.gz',
  'mask8_face_vt.nii.gz',
  'mask8_house_vt.nii.gz',
  'anat.nii.gz',
] as const;

/** Options of {@link fetchHaxby}: which subjects, from where, plus the cache options every fetcher takes. */
export interface FetchHaxbyOptions extends FetchOptions {
  /** Subject numbers from 1 to 6. Default [1]. */
  subjects?: number[];
  /** Mirror holding MD5SUMS, mask.nii.gz and subjN-2010.01.14.tar.gz. */
  baseUrl?: string;
}

/**
 * Absolute paths of the fetched Haxby files, with nilearn's `fetch_haxby` fields in camelCase.
 * Per-subject lists follow the order of the `subjects` option (duplicates removed).
 */
export interface HaxbyDataset {
  /** 4-D BOLD series, one per subject. */
  func: string[];
  /** labels.txt per subject: header `labels chunks`, one row per volume. */
  sessionTarget: string[];
  /** Whole-brain mask shared by all subjects. */
  mask: string;
  /** Ventral temporal mask per subject. */
  maskVt: string[];
  /** Face- and house-selective ventral temporal masks (mask8b_*) per subject. */
  maskFace: string[];
  /** House-selective ventral temporal mask (mask8b_house_vt) per subject. */
  maskHouse: string[];
  /** The smaller face/house masks (mask8_*) per subject. */
  maskFaceLittle: string[];
  /** The smaller house-selective mask (mask8_house_vt) per subject. */
  maskHouseLittle: string[];
  /** Anatomical image per subject; null for subject 6, which has none. */
  anat: (string | null)[];
  /** {@link HAXBY_DESCRIPTION}. */
  description: string;
}

/** A few lines describing the Haxby 2001 data set (citation, design, known gaps), returned as `description`. */
export const HAXBY_DESCRIPTION = [
  'Haxby et al. (2001), "Distributed and overlapping representations of faces and objects in',
  'ventral temporal cortex", Science 293:2425-2430. Six subjects, twelve runs each (1452 volumes,',
  'TR 2.5 s), watching blocks of faces, houses, cats, bottles, scissors, shoes, chairs and scrambled',
  'pictures. labels.txt gives the condition (`labels`) and run (`chunks`) of each volume. Subject 5',
  'run 8 has no task labels; subject 6 has no anatomical image. Distributed by PyMVPA.',
].join('\n');

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function subjectFiles(subject: number): string[] {
  return HAXBY_SUBJECT_FILES.filter((f) => !(subject === 6 && f === 'anat.nii.gz')).map((f) => `subj${subject}/${f}`);
}

/**
 * Validate a list of Haxby subject numbers and drop duplicates (first occurrence kept).
 * @throws Error `subjects: ...` when it is not an array or holds anything but integers 1 to 6.
 */
export function checkSubjects(subjects: number[]): number[] {
  if (!Array.isArray(subjects)) throw new Error(`subjects: expected a list of subject numbers, got ${String(subjects)}`);
  for (const s of subjects) {
    if (!Number.isInteger(s) || s < 1 || s > 6) throw new Error(`subjects: expected integers from 1 to 6, got ${s}`);
  }
  return [...new Set(subjects)];
}

/** Download (or find in the cache) the Haxby 2001 subjects; returns paths in nilearn's fields. */
export async function fetchHaxby(opts: FetchHaxbyOptions = {}): Promise<HaxbyDataset> {
  const subjects = checkSubjects(opts.subjects ?? [1]);
  const base = withSlash(opts.baseUrl ?? HAXBY_BASE_URL);
  const resources: Resource[] = [
    { url: opts.baseUrl ? `${base}mask.nii.gz` : HAXBY_MASK_URL, fileName: 'mask.nii.gz', outsideManifest: !opts.baseUrl },
    ...subjects.map((s) => ({
      url: `${base}subj${s}-2010.01.14.tar.gz`,
      fileName: `subj${s}-2010.01.14.tar.gz`,
      provides: subjectFiles(s),
    })),
  ];
  const dir = await ensureDataset({ name: 'haxby2001', resources, checksums: { url: `${base}MD5SUMS`, optional: false } }, opts);
  const perSubject = (file: string) => subjects.map((s) => join(dir, `subj${s}`, file));
  return {
    func: perSubject('bold.nii.gz'),
    sessionTarget: perSubject('labels.txt'),
    mask: join(dir, 'mask.nii.gz'),
    maskVt: perSubject('mask4_vt.nii.gz'),
    maskFace: perSubject('mask8b_face_vt.nii.gz'),
    maskHouse: perSubject('mask8b_house_vt.nii.gz'),
    maskFaceLittle: perSubject('mask8_face_vt.nii.gz'),
    maskHouseLittle: perSubject('mask8_house_vt.nii.gz'),
    anat: subjects.map((s) => (s === 6 ? null : join(dir, `subj${s}`, 'anat.nii.gz'))),
    description: HAXBY_DESCRIPTION,
  };
}
