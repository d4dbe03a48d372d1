// Cross-validation splitters with scikit-learn's fold rules, so fold-by-fold results can be
// compared with Python (exactly when not shuffled; shuffled streams differ, see random.ts).
import { checkOptions, optionKeys } from '@neurodecode/matrix';
import type { Targets } from '@neurodecode/estimators';
import { brandClass } from '@neurodecode/matrix';
import { encodeSorted, describeLabel, type EncodedLabels } from './labels.js';
import { createRandom, shuffleInPlace } from './random.js';

/** One fold: sample indices of its training and test sets. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** A cross-validation splitter (scikit-learn's interface): split() gives the folds, getNSplits() their number. */
export interface Splitter {
  readonly name: string;
  split(nSamples: number, y?: Targets, groups?: Targets): Split[];
  getNSplits(nSamples: number, y?: Targets, groups?: Targets): number;
}

export function checkNSamples(nSamples: number): void {
  if (!Number.isInteger(nSamples) || nSamples < 1) {
    throw new RangeError(`nSamples: expected a positive integer, got ${nSamples}`);
  }
}

function checkNSplits(what: string, nSplits: number, min = 2): void {
  if (!Number.isInteger(nSplits) || nSplits < min) {
    throw new RangeError(`${what}: nSplits must be an integer >= ${min}, got ${nSplits}`);
  }
}

/** Build train/test index arrays (ascending) from each sample's test-fold number. */
export function splitsFromFoldIds(foldOf: Int32Array, nFolds: number): Split[] {
  const n = foldOf.length;
  const counts = new Int32Array(nFolds);
  for (let i = 0; i < n; i++) if (foldOf[i]! >= 0) counts[foldOf[i]!]!++;
  const splits: Split[] = [];
  for (let f = 0; f < nFolds; f++) {
    const test = new Int32Array(counts[f]!);
    const train = new Int32Array(n - counts[f]!);
    let t = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    splits.push({ train, test });
  }
  return splits;
}

function listValues(enc: EncodedLabels, max = 10): string {
  const shown = enc.classes.slice(0, max).map(describeLabel).join(', ');
  return enc.classes.length > max ? `${shown}, ...` : shown;
}

/** Encode groups, checking presence, length and the minimum number of distinct groups. */
export function requireGroups(what: string, nSamples: number, groups: Targets | undefined, minGroups: number): EncodedLabels {
  if (groups === undefined || groups === null) {
    throw new TypeError(`cv: ${what} needs groups (one per sample), got none`);
  }
  if (groups.length !== nSamples) {
    throw new RangeError(`groups: length ${groups.length} does not match the ${nSamples} samples`);
  }
  const enc = encodeSorted(groups, 'groups');
  if (enc.classes.length < minGroups) {
    const noun = enc.classes.length === 1 ? 'value' : 'values';
    throw new RangeError(`cv: ${what} needs at least ${minGroups} groups, got ${enc.classes.length} (${noun} ${listValues(enc)})`);
  }
  return enc;
}

export function requireY(what: string, nSamples: number, y: Targets | undefined): EncodedLabels {
  if (y === undefined || y === null) throw new TypeError(`cv: ${what} needs y (class labels) to stratify, got none`);
  if (y.length !== nSamples) throw new RangeError(`y: length ${y.length} does not match the ${nSamples} samples`);
  return encodeSorted(y, 'y');
}

/** Options of KFold and StratifiedKFold: number of folds and an optional seeded shuffle. */
export interface KFoldOptions {
  nSplits?: number;
  shuffle?: boolean;
  /** Seed of the shuffle (default 0: deterministic). */
  seed?: number;
}

/** What KFold and StratifiedKFold share: the fold count, optional shuffling and its seed. */
abstract class FoldSplitter implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number;
  private readonly kind: string;
  constructor(kind: string, opts: KFoldOptions) {
    checkOptions(kind, opts, optionKeys<KFoldOptions>({ nSplits: true, shuffle: true, seed: true }));
    this.kind = kind;
    this.nSplits = opts.nSplits ?? 5;
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed ?? 0;
    checkNSplits(kind, this.nSplits);
  }
  get name(): string {
    return `${this.kind}(nSplits=${this.nSplits}${this.shuffle ? `, shuffle, seed=${this.seed}` : ''})`;
  }
  getNSplits(): number {
    return this.nSplits;
  }
  abstract split(nSamples: number, y?: Targets, groups?: Targets): Split[];
}

/**
 * K consecutive folds; the first nSamples % nSplits folds hold one sample more. With shuffle the
 * sample order is permuted once before cutting.
 */
export class KFold extends FoldSplitter {
  constructor(opts: KFoldOptions = {}) {
    super('KFold', opts);
  }
  split(nSamples: number): Split[] {
    checkNSamples(nSamples);
    if (this.nSplits > nSamples) {
      throw new RangeError(`cv: k-fold nSplits=${this.nSplits} is greater than the number of samples ${nSamples}`);
    }
    const order = new Int32Array(nSamples);
    for (let i = 0; i < nSamples; i++) order[i] = i;
    if (this.shuffle) shuffleInPlace(order, createRandom(this.seed));
    const foldOf = new Int32Array(nSamples);
    const base = Math.floor(nSamples / this.nSplits);
    const extra = nSamples % this.nSplits;
    let pos = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let k = 0; k < size; k++) foldOf[order[pos++]!] = f;
    }
    return splitsFromFoldIds(foldOf, this.nSplits);
  }
}

/**
 * K folds preserving class proportions. As scikit-learn (>= 0.22): classes are numbered by first
 * appearance, the sorted codes are dealt round-robin to the folds to fix how many samples of each
 * class each fold gets, then each class's samples are assigned to folds in blocks in data order
 * (block order shuffled per class when shuffle is on).
 */
export class StratifiedKFold extends FoldSplitter {
  constructor(opts: KFoldOptions = {}) {
    super('StratifiedKFold', opts);
  }
  split(nSamples: number, y?: Targets): Split[] {
    checkNSamples(nSamples);
    const enc = requireY('stratified k-fold', nSamples, y);
    const k = this.nSplits;
    if (k > nSamples) {
      throw new RangeError(`cv: stratified k-fold nSplits=${k} is greater than the number of samples ${nSamples}`);
    }
    const nClasses = enc.classes.length;
    // Renumber classes by order of first appearance.
    const appearance = new Int32Array(nClasses).fill(-1);
    let next = 0;
    for (let i = 0; i < nSamples; i++) if (appearance[enc.codes[i]!] === -1) appearance[enc.codes[i]!] = next++;
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < nSamples; i++) counts[appearance[enc.codes[i]!]!]!++;
    let maxCount = 0;
    for (const c of counts) maxCount = Math.max(maxCount, c);
    if (k > maxCount) {
      throw new RangeError(
        `cv: stratified k-fold nSplits=${k} is greater than the number of members in every class (largest class has ${maxCount})`,
      );
    }
    // allocation[f * nClasses + c]: samples of class c in fold f, from dealing the sorted codes.
    const allocation = new Int32Array(k * nClasses);
    let position = 0;
    for (let c = 0; c < nClasses; c++) {
      for (let m = 0; m < counts[c]!; m++, position++) allocation[(position % k) * nClasses + c]!++;
    }
    const random = createRandom(this.seed);
    const foldOf = new Int32Array(nSamples);
    const cursor = new Int32Array(nClasses);
    const foldsByClass: Int32Array[] = [];
    for (let c = 0; c < nClasses; c++) {
      const blocks = new Int32Array(counts[c]!);
      let p = 0;
      for (let f = 0; f < k; f++) for (let m = 0; m < allocation[f * nClasses + c]!; m++) blocks[p++] = f;
      if (this.shuffle) shuffleInPlace(blocks, random);
      foldsByClass.push(blocks);
    }
    for (let i = 0; i < nSamples; i++) {
      const c = appearance[enc.codes[i]!]!;
      foldOf[i] = foldsByClass[c]![cursor[c]!++]!;
    }
    return splitsFromFoldIds(foldOf, k);
  }
}

/**
 * K folds that never split a group, balancing the number of samples per fold greedily as
 * scikit-learn does: groups from largest to smallest each go to the currently lightest fold
 * (the first lightest on ties). Equal-sized groups are visited from the last to the first, which
 * is where numpy's reversed argsort puts them for small arrays.
 */
export class GroupKFold implements Splitter {
  readonly nSplits: number;
  constructor(opts: { nSplits?: number } = {}) {
    this.nSplits = opts.nSplits ?? 5;
    checkNSplits('GroupKFold', this.nSplits);
  }
  get name(): string {
    return `GroupKFold(nSplits=${this.nSplits})`;
  }
  getNSplits(): number {
    return this.nSplits;
  }
  split(nSamples: number, _y?: Targets, groups?: Targets): Split[] {
    checkNSamples(nSamples);
    const k = this.nSplits;
    const enc = requireGroups(`group k-fold with nSplits=${k}`, nSamples, groups, k);
    const nGroups = enc.classes.length;
    const sizes = new Int32Array(nGroups);
    for (let i = 0; i < nSamples; i++) sizes[enc.codes[i]!]!++;
    const order = Array.from({ length: nGroups }, (_, g) => g);
    order.sort((a, b) => sizes[a]! - sizes[b]! || a - b);
    order.reverse();
    const load = new Float64Array(k);
    const foldOfGroup = new Int32Array(nGroups);
    for (const g of order) {
      let lightest = 0;
      for (let f = 1; f < k; f++) if (load[f]! < load[lightest]!) lightest = f;
      load[lightest]! += sizes[g]!;
      foldOfGroup[g] = lightest;
    }
    const foldOf = new Int32Array(nSamples);
    for (let i = 0; i < nSamples; i++) foldOf[i] = foldOfGroup[enc.codes[i]!]!;
    return splitsFromFoldIds(foldOf, k);
  }
}

/** One fold per distinct group (sorted), testing on that group: leave-one-run-out. */
export class LeaveOneGroupOut implements Splitter {
  readonly name = 'LeaveOneGroupOut()';
  getNSplits(nSamples: number, _y?: Targets, groups?: Targets): number {
    return requireGroups('leave-one-group-out', nSamples, groups, 2).classes.length;
  }
  split(nSamples: number, _y?: Targets, groups?: Targets): Split[] {
    checkNSamples(nSamples);
    const enc = requireGroups('leave-one-group-out', nSamples, groups, 2);
    return splitsFromFoldIds(enc.codes, enc.classes.length);
  }
}

/** Every combination of nGroups distinct groups as a test set, in lexicographic order of sorted groups. */
export class LeavePGroupsOut implements Splitter {
  readonly nGroups: number;
  constructor(opts: { nGroups: number }) {
    this.nGroups = opts?.nGroups;
    if (!Number.isInteger(this.nGroups) || this.nGroups < 1) {
      throw new RangeError(`LeavePGroupsOut: nGroups must be an integer >= 1, got ${this.nGroups}`);
    }
  }
  get name(): string {
    return `LeavePGroupsOut(nGroups=${this.nGroups})`;
  }
  private encode(nSamples: number, groups?: Targets): EncodedLabels {
    return requireGroups(`leave-${this.nGroups}-groups-out`, nSamples, groups, this.nGroups + 1);
  }
  getNSplits(nSamples: number, _y?: Targets, groups?: Targets): number {
    return binomial(this.encode(nSamples, groups).classes.length, this.nGroups);
  }
  split(nSamples: number, _y?: Targets, groups?: Targets): Split[] {
    checkNSamples(nSamples);
    const enc = this.encode(nSamples, groups);
    const nDistinct = enc.classes.length;
    const p = this.nGroups;
    const combo = Array.from({ length: p }, (_, i) => i);
    const inTest = new Uint8Array(nDistinct);
    const splits: Split[] = [];
    for (;;) {
      inTest.fill(0);
      for (const g of combo) inTest[g] = 1;
      const test: number[] = [];
      const train: number[] = [];
      for (let i = 0; i < nSamples; i++) (inTest[enc.codes[i]!] ? test : train).push(i);
      splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
      let i = p - 1;
      while (i >= 0 && combo[i] === nDistinct - p + i) i--;
      if (i < 0) break;
      combo[i]!++;
      for (let j = i + 1; j < p; j++) combo[j] = combo[j - 1]! + 1;
    }
    return splits;
  }
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

// Branded so the instanceof checks below, and the Decoder's, hold for splitters made by another
// copy of @neurodecode/cv in the same install (two versions side by side).
brandClass(GroupKFold, '@neurodecode/cv.GroupKFold');
brandClass(LeaveOneGroupOut, '@neurodecode/cv.LeaveOneGroupOut');
brandClass(LeavePGroupsOut, '@neurodecode/cv.LeavePGroupsOut');

/** True for splitters that split by group (runs), so they need one group per sample. */
export function splitterUsesGroups(splitter: Splitter): boolean {
  return splitter instanceof LeaveOneGroupOut || splitter instanceof LeavePGroupsOut || splitter instanceof GroupKFold;
}
