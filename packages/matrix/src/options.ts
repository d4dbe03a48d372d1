// Argument checks every package's public entry points share: option objects with unknown keys
// (nilearn users type snake_case, and a silently ignored option changes the result), promises
// passed where a value is expected, and values of the wrong kind.

/** Edit distance (insertions, deletions, substitutions), on short names only. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Case, '_', '-' and spaces ignored: screening_percentile and screeningPercentile compare equal. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function ranked(word: string, candidates: readonly string[]): { c: string; d: number }[] {
  const w = squash(word);
  const out = candidates.map((c) => {
    const s = squash(c);
    const d =
      s === w ? -2 : s.includes(w) || (s.length > 2 && w.includes(s)) ? -1 + Math.abs(s.length - w.length) / 1000 : editDistance(w, s);
    return { c, d };
  });
  return out.sort((a, b) => a.d - b.d || a.c.localeCompare(b.c));
}

/** The `n` candidates closest to `word` (exact after squashing first, then containment, then edit distance). */
export function closestNames(word: string, candidates: readonly string[], n = 1): string[] {
  return ranked(word, candidates)
    .slice(0, n)
    .map((r) => r.c);
}

/** The one candidate close enough to `word` to be what was meant (a typo or another spelling), if any. */
export function suggestName(word: string, candidates: readonly string[]): string | undefined {
  const best = ranked(word, candidates)[0];
  return best && best.d <= Math.max(2, Math.floor(squash(word).length / 3)) ? best.c : undefined;
}

/**
 * Throw on any key of `options` that is not in `allowed`, naming the closest valid one:
 * `screening_percentile: unknown Decoder option; did you mean screeningPercentile?`.
 * Keys whose value is undefined are ignored (spreading optional settings is common).
 */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  rejectPromise(options, `${where} options`);
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: expected an options object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    const best = suggestName(key, allowed);
    throw new Error(`${key}: unknown ${where} option; ${best ? `did you mean ${best}?` : `valid options: ${allowed.join(', ')}`}`);
  }
}

/** A promise where a value is expected is almost always a missing `await`. */
export function rejectPromise(value: unknown, arg: string): void {
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    throw new TypeError(`${arg}: got a Promise; did you forget await?`);
  }
}

/** A short description of a value for error messages: its type and, for small values, the value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `${typeof value} ${String(value)}`;
}

/** A finite number, or a one-line error naming the argument (e.g. smoothImg(img, '6mm')). */
export function checkNumber(value: unknown, arg: string, what = 'a number'): number {
  rejectPromise(value, arg);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${arg}: expected ${what}, got ${describeValue(value)}`);
  return value;
}

/**
 * The option names of an options interface, spelled once as a record so that the compiler
 * reports a name added to the interface but missing here (and a misspelt one).
 */
export function optionKeys<T>(names: Record<keyof Required<T>, true>): readonly string[] {
  return Object.keys(names);
}
