// The data cache and the machinery every fetcher shares: which files a dataset needs, which are
// missing, MD5SUMS manifests, offline mode, and downloading (then unpacking) what is missing.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChecksumError, DownloadError, downloadFile, md5File, type DownloadOptions, type DownloadProgress } from './download.js';
import { extractTarGz } from './tar.js';
import { withLock } from './lock.js';

/** Options every fetcher takes. */
export interface FetchOptions {
  /** Cache folder. Default: $NEURODECODE_DATA, else ~/neurodecode_data. */
  dataDir?: string;
  /** Use only the cache; throw listing the missing files. Default: $NEURODECODE_OFFLINE=1. */
  offline?: boolean;
  /** Called while downloading; `fileIndex` counts from 0 over the downloads this call makes. */
  onProgress?: (p: FetchProgress) => void;
  /** Retries, backoff and abort signal handed to every download. */
  download?: Pick<DownloadOptions, 'retries' | 'backoffMs' | 'maxRedirects' | 'idleTimeoutMs' | 'deadlineMs' | 'signal'>;
}

/** A download's progress as a fetcher reports it: the file's own progress plus its place in the batch. */
export interface FetchProgress extends DownloadProgress {
  /** Index of this download among the ones this call makes, from 0. */
  fileIndex: number;
  /** Number of downloads this call makes (the files missing from the cache, not the dataset's size). */
  fileCount: number;
}

/**
 * The cache folder as an absolute path: `dataDir` when given, else $NEURODECODE_DATA, else
 * `~/neurodecode_data`. Nothing is created.
 */
export function resolveDataDir(dataDir?: string): string {
  if (dataDir) return resolve(dataDir);
  const fromEnv = process.env.NEURODECODE_DATA;
  return fromEnv ? resolve(fromEnv) : join(homedir(), 'neurodecode_data');
}

/**
 * Whether fetchers may only read the cache: `offline` when given, else true when
 * $NEURODECODE_OFFLINE is `1`, `true` or `yes` (any case).
 */
export function isOffline(offline?: boolean): boolean {
  if (offline !== undefined) return offline;
  const v = (process.env.NEURODECODE_OFFLINE ?? '').toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

/** Parse an MD5SUMS manifest (`<md5>  <filename>` per line, as md5sum writes it). */
export function parseMd5Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{32})\s+\*?(.+?)\s*$/.exec(line);
    if (m) sums.set(m[2]!.replace(/^\.\//, ''), m[1]!.toLowerCase());
  }
  return sums;
}

/**
 * Offline mode is on and the cache lacks files the dataset needs. `missing` lists them as
 * `<dataset>/<file>` paths relative to `dataDir`.
 */
export class OfflineError extends Error {
  constructor(
    readonly dataDir: string,
    readonly missing: string[],
  ) {
    super(`offline mode: ${missing.length} file(s) missing from the cache ${dataDir}: ${missing.join(', ')}`);
    this.name = 'OfflineError';
  }
}

/** A downloadable file, optionally an archive unpacked into the dataset folder. */
export interface Resource {
  /** Where to download it from (`http:`, `https:` or `file:`). */
  url: string;
  /** Name in the dataset folder and in MD5SUMS. */
  fileName: string;
  /** For a tar.gz: the files (relative to the dataset folder) it must provide once unpacked. */
  provides?: string[];
  /** Hex MD5 known to the code (checked before any manifest). */
  md5?: string;
  /** Served from another host than the manifest (e.g. Haxby's mask from NITRC): not expected in it. */
  outsideManifest?: boolean;
}

/** A dataset as {@link ensureDataset} installs it: its folder, its files and where their checksums come from. */
export interface DatasetSpec {
  /** Folder under the cache. */
  name: string;
  /** The files (or archives) that make up the dataset. */
  resources: Resource[];
  /** Where the MD5SUMS manifest lives; `optional` tolerates a 404 (then nothing is verified). */
  checksums?: { url: string; optional: boolean };
  /** The code's own checksum table: file name -> hex MD5. */
  md5?: Record<string, string>;
}

function expectedFiles(r: Resource): string[] {
  return r.provides ?? [r.fileName];
}

/**
 * Make every file of `spec` present in the cache, downloading only what is missing, and return
 * the dataset folder. A complete cache makes no request at all.
 */
export async function ensureDataset(spec: DatasetSpec, opts: FetchOptions = {}): Promise<string> {
  const dataDir = resolveDataDir(opts.dataDir);
  const dir = join(dataDir, spec.name);
  const missingFiles = () => spec.resources.filter((r) => expectedFiles(r).some((f) => !existsSync(join(dir, f))));
  if (missingFiles().length === 0) return dir;
  if (isOffline(opts.offline)) {
    const files = missingFiles().flatMap((r) =>
      expectedFiles(r)
        .filter((f) => !existsSync(join(dir, f)))
        .map((f) => `${spec.name}/${f}`),
    );
    throw new OfflineError(dataDir, files);
  }
  await mkdir(dir, { recursive: true });
  // Concurrent fetches of one dataset take turns; the later ones find the files in place.
  return withLock(join(dir, '.lock'), () => ensureLocked(spec, opts, dir), { signal: opts.download?.signal });
}

async function ensureLocked(spec: DatasetSpec, opts: FetchOptions, dir: string): Promise<string> {
  const missing = spec.resources.filter((r) => expectedFiles(r).some((f) => !existsSync(join(dir, f))));
  if (missing.length === 0) return dir;

  const common: DownloadOptions = { ...opts.download };
  const manifest = new Manifest(spec, dir, common);
  await manifest.load();

  for (let i = 0; i < missing.length; i++) {
    const r = missing[i]!;
    const target = join(dir, r.fileName);
    const download = async (): Promise<void> => {
      const expectedMd5 = await manifest.md5For(r);
      // A finished download whose unpacking was interrupted is reused if it still checks out.
      if (existsSync(target) && r.provides && expectedMd5 && (await md5File(target)) !== expectedMd5) await rm(target, { force: true });
      if (!existsSync(target)) {
        await downloadFile(r.url, target, {
          ...common,
          expectedMd5,
          onProgress: opts.onProgress && ((p) => opts.onProgress!({ ...p, fileIndex: i, fileCount: missing.length })),
        });
      }
    };
    try {
      await download();
    } catch (err) {
      // The manifest may be the stale part: download it again once, then retry this file.
      if (!(err instanceof ChecksumError) || !(await manifest.refresh())) throw err;
      try {
        await download();
      } catch (again) {
        if (again instanceof ChecksumError) {
          throw new ChecksumError(again.file, again.expected, again.actual, ` (MD5SUMS downloaded again from ${spec.checksums!.url})`);
        }
        throw again;
      }
    }
    if (r.provides) {
      try {
        await extractTarGz(target, dir);
      } finally {
        await rm(target, { force: true });
      }
      const absent = r.provides.filter((f) => !existsSync(join(dir, f)));
      if (absent.length) throw new Error(`${r.fileName}: archive does not contain ${absent.join(', ')}`);
    }
  }
  return dir;
}
/**
 * The dataset's MD5SUMS: every resource served under it must be listed there (or carry a
 * checksum in the code), or it is refused unverified. A cached copy can be refreshed once.
 */
class Manifest {
  private sums?: Map<string, string>;
  private fresh = false;
  private readonly path: string;

  constructor(
    private readonly spec: DatasetSpec,
    dir: string,
    private readonly download: DownloadOptions,
  ) {
    this.path = join(dir, 'MD5SUMS');
  }

  async load(): Promise<void> {
    const src = this.spec.checksums;
    if (!src) return;
    if (!existsSync(this.path)) {
      try {
        await downloadFile(src.url, this.path, this.download);
        this.fresh = true;
      } catch (err) {
        if (!(src.optional && err instanceof DownloadError && err.status === 404)) throw err;
      }
    }
    if (existsSync(this.path)) this.sums = parseMd5Sums(await readFile(this.path, 'utf8'));
  }

  /** Download the manifest again unless this call already did; false when it did. */
  async refresh(): Promise<boolean> {
    if (this.fresh || !this.spec.checksums) return false;
    await rm(this.path, { force: true });
    this.sums = undefined;
    await this.load();
    return true;
  }

  /** The MD5 a resource must have; throws naming the file when a manifest exists but lacks it. */
  async md5For(r: Resource): Promise<string | undefined> {
    const known = r.md5 ?? this.spec.md5?.[r.fileName];
    if (known) return known.toLowerCase();
    if (!this.sums || r.outsideManifest) return undefined;
    const listed = this.sums.get(r.fileName);
    if (listed) return listed;
    if (await this.refresh()) return this.md5For(r);
    throw new Error(`${r.fileName}: not listed in MD5SUMS (${this.spec.checksums!.url}); refusing to install an unverified file`);
  }
}
