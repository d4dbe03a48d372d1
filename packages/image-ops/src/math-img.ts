// Evaluate a parsed mathImg expression voxel-wise over images. Values are plain numbers or
// float64 arrays holding one or more volumes; a single volume broadcasts against many (numpy's
// rule for a 3-D image against a 4-D one).
import type { NiftiImage } from '@neurodecode/nifti-io';
import { checkSameGrid, imageLike, loadImg, spatialShape, type ImgLike } from './io.js';
import { ExpressionError, parseExpression, referencedNames, type BinaryOp, type ExprNode } from './math-expr.js';

interface Volumes {
  data: Float64Array;
  nVolumes: number;
  /** False for a 3-D image (or a reduction): it broadcasts over any number of volumes. */
  fourD: boolean;
}
type Value = number | Volumes;

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '**': (a, b) => Math.pow(a, b),
  '<': (a, b) => (a < b ? 1 : 0),
  '<=': (a, b) => (a <= b ? 1 : 0),
  '>': (a, b) => (a > b ? 1 : 0),
  '>=': (a, b) => (a >= b ? 1 : 0),
  '==': (a, b) => (a === b ? 1 : 0),
  '!=': (a, b) => (a !== b ? 1 : 0),
  // numpy truthiness: anything but 0 is true, NaN included.
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

const ELEMENTWISE: Record<string, (a: number) => number> = Object.assign(Object.create(null), {
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  neg: (a: number) => -a,
  not: (a: number) => (a === 0 ? 1 : 0),
});

class Evaluator {
  constructor(
    private readonly images: ReadonlyMap<string, Volumes>,
    private readonly volumeSize: number,
  ) {}

  evaluate(node: ExprNode): Value {
    switch (node.type) {
      case 'number':
        return node.value;
      case 'name':
        return this.images.get(node.name)!;
      case 'unary':
        return this.map(this.evaluate(node.arg), ELEMENTWISE[node.op]!);
      case 'binary':
        return this.combine(this.evaluate(node.left), this.evaluate(node.right), BINARY[node.op], node.pos);
      case 'call': {
        const args = node.args.map((a) => this.evaluate(a));
        if (node.fn === 'max' || node.fn === 'min') {
          if (args.length === 2) return this.combine(args[0]!, args[1]!, node.fn === 'max' ? nanMax : nanMin, node.pos);
        }
        const unaryFn = ELEMENTWISE[node.fn];
        if (unaryFn) return this.map(args[0]!, unaryFn);
        return this.reduce(args[0]!, node.fn);
      }
    }
  }

  private map(v: Value, f: (a: number) => number): Value {
    if (typeof v === 'number') return f(v);
    const out = new Float64Array(v.data.length);
    const src = v.data;
    for (let i = 0; i < out.length; i++) out[i] = f(src[i]!);
    return { data: out, nVolumes: v.nVolumes, fourD: v.fourD };
  }

  private combine(a: Value, b: Value, f: (x: number, y: number) => number, pos: number): Value {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    if (typeof a === 'number') {
      const y = (b as Volumes).data,
        out = new Float64Array(y.length);
      for (let i = 0; i < out.length; i++) out[i] = f(a, y[i]!);
      return { ...(b as Volumes), data: out };
    }
    if (typeof b === 'number') {
      const x = a.data,
        out = new Float64Array(x.length);
      for (let i = 0; i < out.length; i++) out[i] = f(x[i]!, b);
      return { ...a, data: out };
    }
    if (a.nVolumes !== b.nVolumes && a.nVolumes !== 1 && b.nVolumes !== 1) {
      throw new ExpressionError(
        `at position ${pos}: cannot combine an image of ${a.nVolumes} volumes with one of ${b.nVolumes} volumes`,
        pos,
      );
    }
    const v = this.volumeSize;
    const n = Math.max(a.nVolumes, b.nVolumes);
    const out = new Float64Array(v * n);
    const x = a.data,
      y = b.data;
    const aStep = a.nVolumes === n ? v : 0,
      bStep = b.nVolumes === n ? v : 0;
    for (let t = 0; t < n; t++) {
      const xo = t * aStep,
        yo = t * bStep,
        oo = t * v;
      for (let i = 0; i < v; i++) out[oo + i] = f(x[xo + i]!, y[yo + i]!);
    }
    return { data: out, nVolumes: n, fourD: a.fourD || b.fourD };
  }

  /** mean / std (population) / max / min over the 4th axis; NaN propagates as in numpy. */
  private reduce(arg: Value, fn: string): Value {
    if (typeof arg === 'number') return fn === 'std' ? 0 : arg;
    const v = this.volumeSize,
      n = arg.nVolumes,
      src = arg.data;
    const out = new Float64Array(v);
    if (fn === 'mean' || fn === 'std') {
      for (let t = 0; t < n; t++) for (let i = 0; i < v; i++) out[i]! += src[t * v + i]!;
      for (let i = 0; i < v; i++) out[i]! /= n;
      if (fn === 'std') {
        const sq = new Float64Array(v);
        for (let t = 0; t < n; t++) {
          for (let i = 0; i < v; i++) {
            const d = src[t * v + i]! - out[i]!;
            sq[i]! += d * d;
          }
        }
        for (let i = 0; i < v; i++) out[i] = Math.sqrt(sq[i]! / n);
      }
    } else {
      const pick = fn === 'max' ? nanMax : nanMin;
      out.set(src.subarray(0, v));
      for (let t = 1; t < n; t++) for (let i = 0; i < v; i++) out[i] = pick(out[i]!, src[t * v + i]!);
    }
    return { data: out, nVolumes: 1, fourD: false };
  }
}

function nanMax(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a > b ? a : b;
}
function nanMin(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a < b ? a : b;
}

/**
 * Voxel-wise arithmetic over named images, e.g. `mathImg('abs(a - b) > 2 * std(a)', {a, b})`.
 * Numbers, image names, + - * / ** (or ^), unary -, comparisons (giving 1/0), and/or/not,
 * parentheses, abs sqrt exp log, and mean std max min over the 4th axis (max/min of two arguments
 * are element-wise). A 3-D image applies to every volume of a 4-D one. Result: float64 image on
 * the grid of the images (all must share it).
 */
export async function mathImg(expression: string, imgs: Readonly<Record<string, ImgLike>>): Promise<NiftiImage> {
  if (typeof expression !== 'string') throw new TypeError('expression: expected a string');
  if (!imgs || typeof imgs !== 'object') throw new TypeError('imgs: expected an object mapping names to images');
  let tree: ExprNode;
  try {
    tree = parseExpression(expression, Object.keys(imgs));
  } catch (err) {
    if (err instanceof ExpressionError) throw new ExpressionError(`expression: ${err.message} in "${expression}"`, err.position);
    throw err;
  }
  const names = referencedNames(tree);
  if (names.length === 0) throw new Error(`expression: "${expression}" uses no image, so it has no grid to produce an image on`);
  const loaded = new Map<string, NiftiImage>();
  const values = new Map<string, Volumes>();
  let first: NiftiImage | undefined;
  for (const name of names) {
    const img = await loadImg(imgs[name]!, {}, `imgs.${name}`);
    img.assertNumeric(`imgs.${name}`);
    if (img.shape.length > 4) throw new Error(`imgs.${name}: expected a 3-D or 4-D image, got shape [${img.shape.join(', ')}]`);
    if (first) checkSameGrid(first, img, `imgs.${name}`, `imgs.${names[0]}`);
    else first = img;
    loaded.set(name, img);
    const data = img.data instanceof Float64Array ? img.data : Float64Array.from(img.data);
    values.set(name, { data, nVolumes: img.nVolumes, fourD: img.shape.length === 4 });
  }
  let result: Value;
  try {
    result = new Evaluator(values, first!.volumeSize).evaluate(tree);
  } catch (err) {
    if (err instanceof ExpressionError) throw new ExpressionError(`expression: ${err.message} in "${expression}"`, err.position);
    throw err;
  }
  if (typeof result === 'number') throw new Error(`expression: "${expression}" reduces to a single number`);
  // Input arrays are shared, never returned as-is: a bare name still yields a copy.
  const data = names.some((n) => values.get(n)!.data === result.data) ? result.data.slice() : result.data;
  const ref = [...loaded.values()].find((img) => img.nVolumes === result.nVolumes && (img.shape.length === 4) === result.fourD) ?? first!;
  const shape = result.fourD ? [...spatialShape(first!), result.nVolumes] : spatialShape(first!);
  return imageLike(ref, data, shape);
}
