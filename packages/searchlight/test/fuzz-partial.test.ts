// Property-based fuzzing (fast-check) of the shard/checkpoint reader: mutated, truncated and
// extended partial results decode to a self-consistent file or give one error naming the path.
// $FUZZ_RUNS cases (1,000 by default; `pnpm fuzz`: 100,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePartial, encodePartial } from '../src/shards.js';
import { validPartial } from './partial-fixture.js';

const RUNS = Number(process.env.FUZZ_RUNS) || 1000;
const base = encodePartial(validPartial());
const headerFields = ['"shape":[2,2,1]', '"nFolds":2', '"start":0', '"end":4', '"totalCentres":4', '"kind":"shard"'];

test(`fuzz: shard/partial reader, ${RUNS} cases`, (t) => {
  const replacement = fc.oneof(fc.integer(), fc.double(), fc.constantFrom('null', '[]', '{}', '"x"', '1e308', '-1', '4294967296'));
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat()),
    fc.option(fc.tuple(fc.constantFrom(...headerFields), replacement)),
    (edits, cut, field) => {
      let text = Buffer.from(base).toString('latin1');
      if (field) {
        // Rewrite one header value (keeping the length field honest), the attack a hostile file makes.
        const [name, value] = field;
        const json = Buffer.from(base.subarray(12, 12 + new DataView(base.buffer).getUint32(8, true))).toString('latin1');
        const key = name.split(':')[0]!;
        const edited = json.replace(name, `${key}:${String(value)}`);
        const head = Buffer.alloc(12);
        head.write('NDSLPT01', 0, 'latin1');
        head.writeUInt32LE(edited.length, 8);
        const rest = text.slice(12 + json.length);
        text = head.toString('latin1') + edited + rest;
      }
      let bytes = Uint8Array.from(Buffer.from(text, 'latin1'));
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
      try {
        const f = decodePartial(bytes, 'fz.part');
        const h = f.header;
        assert.equal(f.centres.length, h.totalCentres);
        assert.equal(f.foldScores.length, (h.end - h.start) * h.nFolds);
        const voxels = h.shape[0]! * h.shape[1]! * h.shape[2]!;
        for (const c of f.centres) assert.ok(c >= 0 && c < voxels);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(err instanceof Error && err.message.startsWith('fz.part: '), String(err));
      }
    }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || undefined });
  t.diagnostic(`shard/partial reader: ${RUNS} cases`);
});
