// Property-based fuzzing (fast-check) of the mathImg expression parser: any text parses or fails
// with an ExpressionError (never another exception, never a stack overflow), and every
// generated well-formed expression parses back to the tree it was printed from.
// $FUZZ_RUNS cases (1,000 by default; `pnpm fuzz`: 100,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExpressionError, parseExpression, type ExprNode } from '../src/index.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 1000;
const NAMES = ['img', 'img1', 'mask'];
const TOKENS = ['img', 'img1', 'mask', 'abs', 'mean', 'max', 'toString', '__proto__', 'constructor', '1', '2.5', '.5', '1e3', '1e999',
  '+', '-', '*', '/', '**', '^', '<', '<=', '>', '>=', '==', '!=', '&&', '||', '!', 'and', 'or', 'not', '(', ')', ',', ' ', '=', '$', ';'];

/** Fully parenthesised text of a tree: parsing it must give the same tree back. */
function print(n: ExprNode): string {
  switch (n.type) {
    case 'number': return String(n.value);
    case 'name': return n.name;
    case 'unary': return n.op === 'neg' ? `(-${print(n.arg)})` : `(not ${print(n.arg)})`;
    case 'binary': return `(${print(n.left)} ${n.op} ${print(n.right)})`;
    case 'call': return `${n.fn}(${n.args.map(print).join(', ')})`;
  }
}

const tree: fc.Arbitrary<ExprNode> = fc.letrec<{ node: ExprNode }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 1000 }).map((value) => ({ type: 'number', value, pos: 0 }) as ExprNode),
    fc.constantFrom(...NAMES).map((name) => ({ type: 'name', name, pos: 0 }) as ExprNode),
    fc.record({ op: fc.constantFrom('neg', 'not'), arg: tie('node') }).map(({ op, arg }) => ({ type: 'unary', op, arg, pos: 0 }) as ExprNode),
    fc.record({ op: fc.constantFrom('+', '-', '*', '/', '**', '<', '<=', '>', '>=', '==', '!=', 'and', 'or'), left: tie('node'), right: tie('node') })
      .map(({ op, left, right }) => ({ type: 'binary', op, left, right, pos: 0 }) as ExprNode),
    fc.record({ fn: fc.constantFrom('abs', 'sqrt', 'exp', 'log', 'mean', 'std'), arg: tie('node') }).map(({ fn, arg }) => ({ type: 'call', fn, args: [arg], pos: 0 }) as ExprNode),
  ),
})).node;

test(`fuzz: mathImg expression parser, ${RUNS} cases`, (t) => {
  const soup = fc.oneof(
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((ts) => ts.join('')),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((ts) => ts.join(' ')),
    fc.string({ maxLength: 40 }),
    fc.integer({ min: 1, max: 20_000 }).map((n) => '('.repeat(n) + 'img' + ')'.repeat(n)),
    fc.integer({ min: 1, max: 20_000 }).map((n) => '-'.repeat(n) + 'img'),
    fc.integer({ min: 1, max: 20_000 }).map((n) => 'img' + '**img'.repeat(n)),
    fc.integer({ min: 1, max: 20_000 }).map((n) => 'not '.repeat(n) + 'img'),
    fc.integer({ min: 1, max: 5_000 }).map((n) => 'abs('.repeat(n) + 'img' + ')'.repeat(n)),
  );
  fc.assert(fc.property(soup, (text) => {
    try {
      parseExpression(text, NAMES);
    } catch (err) {
      assert.ok(err instanceof ExpressionError, `${JSON.stringify(text.slice(0, 60))}: ${String(err)}`);
    }
  }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined });
  fc.assert(fc.property(tree, (node) => {
    const text = print(node);
    assert.equal(print(parseExpression(text, NAMES)), text);
  }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined });
  t.diagnostic(`mathImg parser: ${RUNS} texts + ${RUNS} generated trees`);
});
