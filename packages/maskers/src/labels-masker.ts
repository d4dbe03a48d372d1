// NiftiLabelsMasker: one signal per region of a label image (mean, or another summary).
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import { Matrix } from '@neurodecode/matrix';
import type { NiftiImage } from '@neurodecode/nifti-io';
import { loadImages, type SignalOptions, type TransformOptions } from './nifti-masker.js';
import { resampleTemplate } from './resampling.js';
import { cleanSignals } from './signal.js';
import { assertSameGrid, loadImage, sameGrid, type ImgLike } from './volume.js';

/** How NiftiLabelsMasker reduces a region's voxels to one signal. */
export type RegionStrategy = 'mean' | 'sum' | 'minimum' | 'maximum' | 'standard_deviation' | 'variance';
const STRATEGIES: readonly RegionStrategy[] = ['mean', 'sum', 'minimum', 'maximum', 'standard_deviation', 'variance'];

/** NiftiLabelsMasker's options: the labels image, background label, region strategy and signal cleaning. */
export interface LabelsMaskerOptions extends SignalOptions {
  labelsImg: ImgLike;
  /** Label value that is not a region. */
  backgroundLabel?: number;
  strategy?: RegionStrategy;
  /** Allow a label image on another grid: it is resampled (nearest) to the images. */
  resampleLabels?: boolean;
}

/** Region signals: rows = volumes, columns = regions in increasing label order. */
export class NiftiLabelsMasker {
  readonly params: Readonly<LabelsMaskerOptions>;
  labelsImg_?: NiftiImage;
  /** Region label values, in column order. */
  labels_?: number[];
  private regionOf?: Int32Array; // column index per voxel, -1 outside regions
  private regionSizes?: Int32Array;
  private template?: NiftiImage;

  constructor(opts: LabelsMaskerOptions) {
    checkOptions(
      'NiftiLabelsMasker',
      opts,
      optionKeys<LabelsMaskerOptions>({
        standardize: true,
        detrend: true,
        runs: true,
        highPass: true,
        lowPass: true,
        tR: true,
        labelsImg: true,
        backgroundLabel: true,
        strategy: true,
        resampleLabels: true,
      }),
    );
    if (!opts || opts.labelsImg === undefined) throw new Error('labelsImg: NiftiLabelsMasker needs a label image');
    const strategy = opts.strategy ?? 'mean';
    if (!STRATEGIES.includes(strategy)) {
      throw new Error(`strategy: must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}`);
    }
    this.params = { ...opts };
  }

  get nRegions(): number {
    return this.fitted().sizes.length;
  }

  async fit(imgs?: ImgLike | ImgLike[]): Promise<this> {
    let labels = await loadImage(this.params.labelsImg, 'labelsImg');
    labels.assertNumeric('labelsImg');
    if (labels.nVolumes !== 1) throw new Error(`labelsImg: expected a 3-D label image, got shape (${labels.shape.join(', ')})`);
    if (imgs !== undefined) {
      const first = (await loadImages(imgs))[0]!;
      if (!sameGrid(labels, first)) {
        if (!this.params.resampleLabels) {
          assertSameGrid(labels, 'labelsImg', first, 'imgs', ' (pass resampleLabels: true to resample the labels)');
        }
        labels = await resampleTemplate(labels, first, 'nearest');
      }
      this.template = first;
    }
    const background = this.params.backgroundLabel ?? 0;
    const data = labels.data;
    const values = new Set<number>();
    for (let v = 0; v < labels.volumeSize; v++) {
      const x = data[v] as number;
      if (x !== background && x === x) values.add(x);
    }
    const sorted = [...values].sort((a, b) => a - b);
    if (sorted.length === 0) throw new Error(`labelsImg: no region besides the background label ${background}`);
    const column = new Map(sorted.map((l, i) => [l, i]));
    const regionOf = new Int32Array(labels.volumeSize).fill(-1);
    const sizes = new Int32Array(sorted.length);
    for (let v = 0; v < regionOf.length; v++) {
      const c = column.get(data[v] as number);
      if (c !== undefined) {
        regionOf[v] = c;
        sizes[c]++;
      }
    }
    this.labelsImg_ = labels;
    this.labels_ = sorted;
    this.regionOf = regionOf;
    this.regionSizes = sizes;
    return this;
  }

  private fitted(): { labels: NiftiImage; regionOf: Int32Array; sizes: Int32Array } {
    if (!this.labelsImg_ || !this.regionOf || !this.regionSizes) throw new Error('NiftiLabelsMasker: call fit() before using the masker');
    return { labels: this.labelsImg_, regionOf: this.regionOf, sizes: this.regionSizes };
  }

  async transform(imgs: ImgLike | ImgLike[], opts: TransformOptions = {}): Promise<Matrix> {
    const { labels, regionOf, sizes } = this.fitted();
    const images = await loadImages(imgs);
    const nRegions = sizes.length;
    const strategy = this.params.strategy ?? 'mean';
    const nRows = images.reduce((s, im) => s + im.nVolumes, 0);
    const X = Matrix.zeros(nRows, nRegions);
    const acc = new Float64Array(nRegions),
      acc2 = new Float64Array(nRegions);
    let row = 0;
    for (let i = 0; i < images.length; i++) {
      let im = images[i]!;
      const arg = Array.isArray(imgs) ? `imgs[${i}]` : 'imgs';
      im.assertNumeric(arg);
      if (!sameGrid(im, labels)) {
        if (!this.params.resampleLabels) assertSameGrid(im, arg, labels, 'labelsImg', ' (pass resampleLabels: true to resample)');
        im = await resampleTemplate(im, labels, 'continuous');
      }
      const n = im.volumeSize,
        data = im.data;
      for (let t = 0; t < im.nVolumes; t++, row++) {
        const init = strategy === 'minimum' ? Infinity : strategy === 'maximum' ? -Infinity : 0;
        acc.fill(init);
        acc2.fill(0);
        const base = t * n;
        for (let v = 0; v < n; v++) {
          const c = regionOf[v]!;
          if (c < 0) continue;
          const x = data[base + v] as number;
          if (x !== x) throw new Error(`${arg}: NaN in volume ${t} inside region ${this.labels_![c]}`);
          if (strategy === 'minimum') {
            if (x < acc[c]!) acc[c] = x;
          } else if (strategy === 'maximum') {
            if (x > acc[c]!) acc[c] = x;
          } else {
            acc[c] += x;
            acc2[c] += x * x;
          }
        }
        const dst = row * nRegions;
        for (let c = 0; c < nRegions; c++) {
          const size = sizes[c]!;
          const mean = acc[c]! / size;
          let value: number;
          switch (strategy) {
            case 'sum':
              value = acc[c]!;
              break;
            case 'mean':
              value = mean;
              break;
            case 'minimum':
            case 'maximum':
              value = acc[c]!;
              break;
            default: {
              const variance = Math.max(0, acc2[c]! / size - mean * mean);
              value = strategy === 'variance' ? variance : Math.sqrt(variance);
            }
          }
          X.data[dst + c] = value;
        }
      }
    }
    const p = this.params;
    const runs = opts.runs ?? p.runs;
    if (runs && runs.length !== X.rows) throw new Error(`runs: length ${runs.length} does not match the ${X.rows} volumes of imgs`);
    if (!(p.detrend || p.standardize || p.highPass !== undefined || p.lowPass !== undefined || opts.confounds)) return X;
    return cleanSignals(X, {
      runs,
      detrend: p.detrend,
      standardize: p.standardize ?? false,
      highPass: p.highPass,
      lowPass: p.lowPass,
      tR: p.tR ?? this.template?.tr ?? images[0]!.tr,
      confounds: opts.confounds,
    });
  }

  async fitTransform(imgs: ImgLike | ImgLike[], opts: TransformOptions = {}): Promise<Matrix> {
    await this.fit(imgs);
    return this.transform(imgs, opts);
  }

  /** Paint each region with its value: 3-D for a Float64Array or one-row Matrix, else 4-D. */
  inverseTransform(X: Matrix | Float64Array): NiftiImage {
    const { labels, regionOf, sizes } = this.fitted();
    const rows = X instanceof Float64Array ? 1 : X.rows;
    const cols = X instanceof Float64Array ? X.length : X.cols;
    const values = X instanceof Float64Array ? X : X.data;
    if (cols !== sizes.length) throw new Error(`X: ${cols} columns do not match the ${sizes.length} regions of labelsImg`);
    const n = labels.volumeSize;
    const data = new Float64Array(n * rows);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < n; v++) {
        const c = regionOf[v]!;
        if (c >= 0) data[r * n + v] = values[r * cols + c]!;
      }
    }
    const shape = rows === 1 ? labels.shape.slice(0, 3) : [...labels.shape.slice(0, 3), rows];
    const img = labels.withData(data, shape);
    img.header.dim[0] = shape.length;
    img.header.dim[4] = rows;
    return img;
  }
}
