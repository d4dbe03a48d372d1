// Starting points shared by many fits on row subsets of one data set: the folds of a
// cross-validation, the candidates of a grid search, the one-vs-rest problems of a multi-class
// Decoder. The exact LinearSVC solver's result does not depend on where its pivoting starts, only
// its speed does: a fit that starts from the support set a related fit ended with (same labels on
// the rows both saw; another C or another fold) needs a few solves of the support set's size
// instead of ten solves of shrinking n-sized blocks.

interface DualEntry {
  /** +1 / -1 per row of the data set, 0 where no fit has seen the row yet. */
  signs: Int8Array;
  /** The signed dual value b_i the last fit on this label vector gave the row. */
  beta: Float64Array;
}

/** How many label vectors are remembered (one-vs-rest on many classes, nested problems). */
const MAX_ENTRIES = 64;

/**
 * Where related LinearSVC fits on row subsets of one data set ended (per label vector, the dual
 * value of each row), so the next fit's exact solver starts from that support set.
 */
export class WarmStartStore {
  readonly nRows: number;
  /** Most recently used last. */
  private readonly entries: DualEntry[] = [];

  constructor(nRows: number) {
    if (!(Number.isInteger(nRows) && nRows > 0)) throw new RangeError(`WarmStartStore: nRows must be a positive integer, got ${nRows}`);
    this.nRows = nRows;
  }

  /** The most recently used entry whose labels agree with `signs` on every row it has seen. */
  private findEntry(rowIds: Int32Array, signs: Int8Array): DualEntry | undefined {
    search: for (let e = this.entries.length - 1; e >= 0; e--) {
      const entry = this.entries[e]!;
      for (let i = 0; i < rowIds.length; i++) {
        const known = entry.signs[rowIds[i]!]!;
        if (known !== 0 && known !== signs[i]) continue search;
      }
      return entry;
    }
    return undefined;
  }

  /**
   * Where the latest fit with the same labels (on the rows both saw) ended: its dual values in
   * `guess` (0 for rows it never saw); false when no such fit is remembered.
   */
  dualStart(rowIds: Int32Array, signs: Int8Array, guess: Float64Array): boolean {
    const entry = this.findEntry(rowIds, signs);
    if (!entry) return false;
    for (let i = 0; i < rowIds.length; i++) guess[i] = entry.beta[rowIds[i]!]!;
    return true;
  }

  /** Remember where a fit on these rows and labels ended (beta: its signed dual solution). */
  recordDual(rowIds: Int32Array, signs: Int8Array, beta: Float64Array): void {
    let entry = this.findEntry(rowIds, signs);
    if (!entry) {
      entry = { signs: new Int8Array(this.nRows), beta: new Float64Array(this.nRows) };
      if (this.entries.length >= MAX_ENTRIES) this.entries.shift();
    } else {
      this.entries.splice(this.entries.indexOf(entry), 1);
    }
    this.entries.push(entry);
    for (let i = 0; i < rowIds.length; i++) {
      const id = rowIds[i]!;
      entry.signs[id] = signs[i]!;
      entry.beta[id] = beta[i]!;
    }
  }
}

/** rowIds and a store given together and consistent with n rows, or undefined. */
export function warmStartOf(
  opts: { rowIds?: Int32Array; warmStart?: WarmStartStore },
  n: number,
): { rowIds: Int32Array; store: WarmStartStore } | undefined {
  const { rowIds, warmStart } = opts;
  if (!rowIds || !warmStart) return undefined;
  if (rowIds.length !== n) throw new RangeError(`rowIds: length ${rowIds.length} does not match the ${n} rows of X`);
  for (let i = 0; i < n; i++) {
    const id = rowIds[i]!;
    if (!(id >= 0 && id < warmStart.nRows))
      throw new RangeError(`rowIds: entry ${i} is ${id}, outside the warm-start store's ${warmStart.nRows} rows`);
  }
  return { rowIds, store: warmStart };
}
