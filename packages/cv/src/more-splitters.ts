// PredefinedSplit and the repeated k-folds (scikit-learn's names and rules).
import type { Targets } from '@neurodecode/estimators';
import { KFold, StratifiedKFold, splitsFromFoldIds, checkNSamples, type Split, type Splitter } from './splitters.js';

/**
 * Folds given per sample: testFold[i] is the fold in which sample i is tested, -1 keeps it in
 * every training set. Folds are visited in sorted order of their ids.
 */
export class PredefinedSplit implements Splitter {
  readonly testFold: Int32Array;
  private readonly ids: number[];
  constructor(testFold: ArrayLike<number>) {
    this.testFold = Int32Array.from(testFold);
    if (this.testFold.length === 0) throw new RangeError('testFold: empty');
    for (let i = 0; i < testFold.length; i++)
      if (!Number.isInteger(testFold[i]) || testFold[i]! < -1)
        throw new RangeError(`testFold: entry ${i} is ${testFold[i]}, expected an integer >= -1`);
    this.ids = [...new Set(Array.from(this.testFold).filter((v) => v !== -1))].sort((a, b) => a - b);
    if (this.ids.length === 0) throw new RangeError('testFold: every entry is -1, so there is no test fold');
  }
  get name(): string {
    return `PredefinedSplit(${this.ids.length} folds)`;
  }
  getNSplits(): number {
    return this.ids.length;
  }
  split(nSamples: number): Split[] {
    checkNSamples(nSamples);
    if (nSamples !== this.testFold.length)
      throw new RangeError(`cv: PredefinedSplit has ${this.testFold.length} entries, the data ${nSamples} samples`);
    const foldOf = Int32Array.from(this.testFold, (v) => (v === -1 ? -1 : this.ids.indexOf(v)));
    return splitsFromFoldIds(foldOf, this.ids.length);
  }
}

/** Options of RepeatedKFold and RepeatedStratifiedKFold: folds per repeat, number of repeats, seed. */
export interface RepeatedKFoldOptions {
  nSplits?: number;
  nRepeats?: number;
  /** Seed of the first repetition's shuffle; repetition r uses seed + r. */
  seed?: number;
}

abstract class Repeated implements Splitter {
  readonly nSplits: number;
  readonly nRepeats: number;
  readonly seed: number;
  constructor(
    private readonly kind: string,
    opts: RepeatedKFoldOptions,
  ) {
    this.nSplits = opts.nSplits ?? 5;
    this.nRepeats = opts.nRepeats ?? 10;
    this.seed = opts.seed ?? 0;
    if (!Number.isInteger(this.nRepeats) || this.nRepeats < 1)
      throw new RangeError(`${kind}: nRepeats must be an integer >= 1, got ${this.nRepeats}`);
  }
  get name(): string {
    return `${this.kind}(nSplits=${this.nSplits}, nRepeats=${this.nRepeats}, seed=${this.seed})`;
  }
  getNSplits(): number {
    return this.nSplits * this.nRepeats;
  }
  protected abstract one(seed: number): Splitter;
  split(nSamples: number, y?: Targets, groups?: Targets): Split[] {
    const out: Split[] = [];
    for (let r = 0; r < this.nRepeats; r++) out.push(...this.one(this.seed + r).split(nSamples, y, groups));
    return out;
  }
}

/** KFold repeated nRepeats times, each with a different shuffle. */
export class RepeatedKFold extends Repeated {
  constructor(opts: RepeatedKFoldOptions = {}) {
    super('RepeatedKFold', opts);
  }
  protected one(seed: number): Splitter {
    return new KFold({ nSplits: this.nSplits, shuffle: true, seed });
  }
}

/** StratifiedKFold repeated nRepeats times, each with a different shuffle. */
export class RepeatedStratifiedKFold extends Repeated {
  constructor(opts: RepeatedKFoldOptions = {}) {
    super('RepeatedStratifiedKFold', opts);
  }
  protected one(seed: number): Splitter {
    return new StratifiedKFold({ nSplits: this.nSplits, shuffle: true, seed });
  }
}
