// @neurodecode/datasets: public data fetched into a local cache (with checksums, resume and safe
// unpacking), and simulated data sets.
export * from './simulate.js';
export {
  downloadFile,
  md5File,
  DownloadError,
  ChecksumError,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
} from './download.js';
export { extractTarGz, checkTarGz, unsafeEntryReason, ArchiveChecker } from './tar.js';
export {
  resolveDataDir,
  isOffline,
  parseMd5Sums,
  ensureDataset,
  OfflineError,
  type FetchOptions,
  type FetchProgress,
  type Resource,
  type DatasetSpec,
} from './cache.js';
export {
  fetchHaxby,
  checkSubjects,
  HAXBY_BASE_URL,
  HAXBY_MASK_URL,
  HAXBY_SUBJECT_FILES,
  HAXBY_DESCRIPTION,
  type FetchHaxbyOptions,
  type HaxbyDataset,
} from './fetch-haxby.js';
export {
  fetchMni152,
  fetchHarvardOxford,
  parseFslAtlasLabels,
  HARVARD_OXFORD_ATLASES,
  HARVARD_OXFORD_URL,
  HARVARD_OXFORD_ARCHIVE,
  MNI152_BASE_URL,
  MNI152_TEMPLATE_FILE,
  MNI152_MASK_FILE,
  type FetchMirrorOptions,
  type FetchHarvardOxfordOptions,
  type HarvardOxfordAtlas,
  type HarvardOxfordAtlasName,
  type Mni152,
} from './fetch-atlases.js';
export {
  simulateGroup,
  MNI_4MM_SHAPE,
  MNI_4MM_AFFINE,
  GROUP_EFFECTS,
  type SimulateGroupOptions,
  type SimulatedGroup,
} from './simulate-group.js';
