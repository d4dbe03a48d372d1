// Random train/test splits (ShuffleSplit, StratifiedShuffleSplit, trainTestSplit) and the CLI's
// short cross-validation specs.
import type { Targets } from '@neurodecode/estimators';
import { createRandom, permutation, shuffleInPlace, type Random } from './random.js';
import {
  checkNSamples,
  requireY,
  KFold,
  StratifiedKFold,
  GroupKFold,
  LeaveOneGroupOut,
  LeavePGroupsOut,
  type Split,
  type Splitter,
} from './splitters.js';

/** A size: a number strictly between 0 and 1 is a proportion, an integer >= 1 a count. */
export type SplitSize = number;

function checkSize(arg: string, v: SplitSize | undefined): void {
  if (v === undefined) return;
  const isFraction = v > 0 && v < 1;
  const isCount = Number.isInteger(v) && v >= 1;
  if (!isFraction && !isCount) {
    throw new RangeError(`${arg}: expected a proportion in (0, 1) or a count >= 1, got ${v}`);
  }
}

/** Train and test set sizes following scikit-learn: test rounds up, train rounds down. */
export function resolveSplitSizes(
  nSamples: number,
  testSize: SplitSize | undefined,
  trainSize: SplitSize | undefined,
  defaultTest: number,
): { nTrain: number; nTest: number } {
  checkSize('testSize', testSize);
  checkSize('trainSize', trainSize);
  if (testSize === undefined && trainSize === undefined) testSize = defaultTest;
  let nTest = testSize === undefined ? undefined : testSize < 1 ? Math.ceil(testSize * nSamples) : testSize;
  let nTrain = trainSize === undefined ? undefined : trainSize < 1 ? Math.floor(trainSize * nSamples) : trainSize;
  if (nTest !== undefined && nTest > nSamples) throw new RangeError(`testSize: ${nTest} test samples requested, only ${nSamples} samples`);
  if (nTrain !== undefined && nTrain > nSamples)
    throw new RangeError(`trainSize: ${nTrain} training samples requested, only ${nSamples} samples`);
  nTrain ??= nSamples - nTest!;
  nTest ??= nSamples - nTrain;
  if (nTrain + nTest > nSamples) {
    throw new RangeError(`testSize/trainSize: ${nTrain} train + ${nTest} test samples exceed the ${nSamples} samples`);
  }
  if (nTrain === 0) throw new RangeError(`trainSize: the training set would be empty with ${nSamples} samples and testSize ${testSize}`);
  if (nTest === 0) throw new RangeError(`testSize: the test set would be empty with ${nSamples} samples`);
  return { nTrain, nTest };
}

/** Options of ShuffleSplit and its stratified and group variants: splits, test/train sizes and seed. */
export interface ShuffleSplitOptions {
  nSplits?: number;
  /** Default 0.1 when trainSize is also absent. */
  testSize?: SplitSize;
  trainSize?: SplitSize;
  seed?: number;
}

/** Independent random train/test splits (samples may appear in several test sets). */
export class ShuffleSplit implements Splitter {
  readonly nSplits: number;
  readonly testSize?: SplitSize;
  readonly trainSize?: SplitSize;
  readonly seed: number;
  constructor(opts: ShuffleSplitOptions = {}) {
    this.nSplits = opts.nSplits ?? 10;
    if (!Number.isInteger(this.nSplits) || this.nSplits < 1)
      throw new RangeError(`ShuffleSplit: nSplits must be an integer >= 1, got ${this.nSplits}`);
    this.testSize = opts.testSize;
    this.trainSize = opts.trainSize;
    this.seed = opts.seed ?? 0;
    checkSize('testSize', this.testSize);
    checkSize('trainSize', this.trainSize);
  }
  get name(): string {
    return `ShuffleSplit(nSplits=${this.nSplits}, seed=${this.seed})`;
  }
  getNSplits(): number {
    return this.nSplits;
  }
  split(nSamples: number): Split[] {
    checkNSamples(nSamples);
    const { nTrain, nTest } = resolveSplitSizes(nSamples, this.testSize, this.trainSize, 0.1);
    const random = createRandom(this.seed);
    const splits: Split[] = [];
    for (let s = 0; s < this.nSplits; s++) {
      const perm = permutation(nSamples, random);
      splits.push({ test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) });
    }
    return splits;
  }
}

/**
 * Split `nDraws` among classes in proportion to `counts`: floors first, then the largest
 * remainders get one more (ties broken at random), as scikit-learn's approximate mode.
 */
function allocateProportionally(counts: Int32Array, nDraws: number, random: Random): Int32Array {
  let total = 0;
  for (const c of counts) total += c;
  const out = new Int32Array(counts.length);
  const remainder = new Float64Array(counts.length);
  let assigned = 0;
  for (let c = 0; c < counts.length; c++) {
    const exact = (counts[c]! / total) * nDraws;
    out[c] = Math.floor(exact);
    remainder[c] = exact - out[c]!;
    assigned += out[c]!;
  }
  let missing = nDraws - assigned;
  const levels = [...new Set(remainder)].sort((a, b) => b - a);
  for (const level of levels) {
    if (missing <= 0) break;
    const tied: number[] = [];
    for (let c = 0; c < counts.length; c++) if (remainder[c] === level) tied.push(c);
    shuffleInPlace(tied, random);
    for (const c of tied.slice(0, Math.min(missing, tied.length))) out[c]!++;
    missing -= Math.min(missing, tied.length);
  }
  return out;
}

/** ShuffleSplit that keeps class proportions in both train and test sets. */
export class StratifiedShuffleSplit extends ShuffleSplit {
  override get name(): string {
    return `StratifiedShuffleSplit(nSplits=${this.nSplits}, seed=${this.seed})`;
  }
  override split(nSamples: number, y?: Targets): Split[] {
    checkNSamples(nSamples);
    const enc = requireY('stratified shuffle split', nSamples, y);
    const { nTrain, nTest } = resolveSplitSizes(nSamples, this.testSize, this.trainSize, 0.1);
    return stratifiedSplits(enc.codes, enc.classes.length, nTrain, nTest, this.nSplits, createRandom(this.seed));
  }
}

function stratifiedSplits(codes: Int32Array, nClasses: number, nTrain: number, nTest: number, nSplits: number, random: Random): Split[] {
  const counts = new Int32Array(nClasses);
  for (const c of codes) counts[c]!++;
  for (let c = 0; c < nClasses; c++) {
    if (counts[c]! < 2) throw new RangeError(`y: every class needs at least 2 samples to stratify; class #${c} (sorted) has ${counts[c]}`);
  }
  if (nTrain < nClasses) throw new RangeError(`trainSize: ${nTrain} training samples cannot hold all ${nClasses} classes`);
  if (nTest < nClasses) throw new RangeError(`testSize: ${nTest} test samples cannot hold all ${nClasses} classes`);
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  codes.forEach((c, i) => members[c]!.push(i));
  const splits: Split[] = [];
  for (let s = 0; s < nSplits; s++) {
    const trainPerClass = allocateProportionally(counts, nTrain, random);
    const left = counts.map((c, k) => c - trainPerClass[k]!);
    const testPerClass = allocateProportionally(left, nTest, random);
    const train: number[] = [];
    const test: number[] = [];
    for (let c = 0; c < nClasses; c++) {
      const shuffled = shuffleInPlace(members[c]!.slice(), random);
      train.push(...shuffled.slice(0, trainPerClass[c]!));
      test.push(...shuffled.slice(trainPerClass[c]!, trainPerClass[c]! + testPerClass[c]!));
    }
    splits.push({ train: shuffleInPlace(Int32Array.from(train), random), test: shuffleInPlace(Int32Array.from(test), random) });
  }
  return splits;
}

/** Options of trainTestSplit: test/train sizes, seed, shuffle and stratification. */
export interface TrainTestSplitOptions {
  /** Default 0.25 when trainSize is also absent. */
  testSize?: SplitSize;
  trainSize?: SplitSize;
  shuffle?: boolean;
  /** Class labels whose proportions both sets keep (needs shuffle). */
  stratify?: Targets;
  seed?: number;
}

/** One train/test split of nSamples indices (scikit-learn's train_test_split on indices). */
export function trainTestSplit(nSamples: number, opts: TrainTestSplitOptions = {}): Split {
  checkNSamples(nSamples);
  const shuffle = opts.shuffle ?? true;
  const { nTrain, nTest } = resolveSplitSizes(nSamples, opts.testSize, opts.trainSize, 0.25);
  const random = createRandom(opts.seed ?? 0);
  if (opts.stratify !== undefined) {
    if (!shuffle) throw new RangeError('stratify: stratified splitting needs shuffle=true');
    const enc = requireY('trainTestSplit', nSamples, opts.stratify);
    return stratifiedSplits(enc.codes, enc.classes.length, nTrain, nTest, 1, random)[0]!;
  }
  const order = shuffle ? permutation(nSamples, random) : Int32Array.from({ length: nSamples }, (_, i) => i);
  return { train: order.slice(0, nTrain), test: order.slice(nTrain, nTrain + nTest) };
}

/**
 * The command line's cross-validation specs: `logo` (leave one group out), `kfold:N`,
 * `stratified:N`, `group:N` (GroupKFold), `lpgo:P` (leave P groups out). N defaults to 5.
 */
export function parseCvSpec(spec: string): Splitter {
  const m = /^\s*([a-z-]+)(?::\s*(\d+))?\s*$/i.exec(String(spec));
  const kind = m?.[1]?.toLowerCase();
  const n = m?.[2] === undefined ? undefined : Number(m[2]);
  const expected = "expected 'logo', 'kfold:N', 'stratified:N', 'group:N' or 'lpgo:P'";
  if (!m) throw new RangeError(`cv: cannot parse "${spec}"; ${expected}`);
  switch (kind) {
    case 'logo':
      if (n !== undefined) throw new RangeError(`cv: "${spec}" takes no number; ${expected}`);
      return new LeaveOneGroupOut();
    case 'kfold':
      return new KFold({ nSplits: n ?? 5 });
    case 'stratified':
      return new StratifiedKFold({ nSplits: n ?? 5 });
    case 'group':
      return new GroupKFold({ nSplits: n ?? 5 });
    case 'lpgo':
      if (n === undefined) throw new RangeError(`cv: "${spec}" needs the number of groups to leave out, e.g. lpgo:2`);
      return new LeavePGroupsOut({ nGroups: n });
    default:
      throw new RangeError(`cv: unknown splitter "${spec}"; ${expected}`);
  }
}
