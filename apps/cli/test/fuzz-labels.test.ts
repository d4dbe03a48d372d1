// Property-based fuzzing (fast-check) of the labels reader: any text, as a labels file or as
// BIDS events, gives labels consistent with the file or one error naming what is wrong; never a
// crash, a hang or a silent mismatch. $FUZZ_RUNS cases (1,000 by default; `pnpm fuzz`: 100,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { labelsFromTables, parseTable } from '../src/labels.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 1000;
const KNOWN_ERROR = /^(labels: |--label-column: |--group-column: |--tr: )/;

const cell = fc.oneof(
  fc.constantFrom('labels', 'chunks', 'onset', 'duration', 'trial_type', 'face', 'house', 'rest', '0', '1', '2.5', '-3', 'NaN', '1e309', '""', '"a b"'),
  fc.string({ maxLength: 6 }),
);
const line = fc.tuple(fc.array(cell, { maxLength: 5 }), fc.constantFrom(' ', '\t', ',', ' , ', '  ')).map(([cells, sep]) => cells.join(sep));
const text = fc.oneof(
  fc.array(line, { maxLength: 12 }).chain((lines) => fc.constantFrom('\n', '\r\n').map((nl) => lines.join(nl))),
  fc.string({ maxLength: 200, unit: 'binary' }),
);

test(`fuzz: labels reader, ${RUNS} cases`, (t) => {
  fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 3 }),
    fc.option(fc.double({ min: -1, max: 5, noNaN: false })), fc.option(fc.constantFrom('labels', 'trial_type', 'face')), fc.option(fc.constantFrom('chunks', 'onset')),
    (texts, volumesPerRun, tr, labelColumn, groupColumn) => {
      try {
        const tables = texts.map((tx, i) => ({ path: `f${i}.txt`, ...parseTable(tx, `f${i}.txt`) }));
        for (const tb of tables) for (const r of tb.rows) assert.equal(r.length, tb.header.length);
        const out = labelsFromTables(tables, { volumesPerRun, tr: tr ?? undefined, labelColumn: labelColumn ?? undefined, groupColumn: groupColumn ?? undefined });
        const expected = tables.every((tb) => tb.header.includes('onset') && tb.header.includes('duration'))
          ? volumesPerRun.reduce((a, b) => a + b, 0) : tables[0]!.rows.length;
        assert.equal(out.labels.length, expected, 'one label per volume (or per row)');
        if (out.groups) assert.equal(out.groups.length, out.labels.length);
        for (const l of out.labels) assert.ok(typeof l === 'string' || Number.isFinite(l), `label ${String(l)}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.match((err as Error).message, KNOWN_ERROR);
      }
    }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined });
  t.diagnostic(`labels reader: ${RUNS} cases`);
});
