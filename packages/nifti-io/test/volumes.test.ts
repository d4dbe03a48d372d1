// Reading a subset of volumes: the result equals the same volumes of a full read, whatever the
// chunking of the stream, and the selection is checked against the file's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '@neurodecode/testkit';
import { NiftiDecoder } from '../src/decode.js';
import { NiftiImage, readNifti, readNiftiHeader, writeNifti } from '../src/index.js';

const SHAPE = [5, 4, 3, 7];
const VOL = 60;

function image(): NiftiImage {
  const data = new Int16Array(VOL * 7);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 1001 - 500;
  return new NiftiImage({ data, shape: SHAPE, affine: [[2, 0, 0, -4], [0, 2, 0, 1], [0, 0, 2, 0], [0, 0, 0, 1]] });
}

test('readNifti({ volumes }) keeps exactly the asked volumes, from .nii and .nii.gz', async () => {
  const { dir } = tempDir();
  const full = image();
  for (const name of ['a.nii', 'a.nii.gz']) {
    const path = join(dir, name);
    await writeNifti(full, path);
    const sub = await readNifti(path, { volumes: [1, 4, 6] });
    assert.deepEqual(sub.shape, [5, 4, 3, 3]);
    assert.equal(sub.header.dim[4], 3);
    [1, 4, 6].forEach((v, i) => assert.deepEqual(Array.from(sub.volume(i)), Array.from(full.volume(v)), `${name} volume ${v}`));
    const one = await readNifti(path, { volumes: [0], dtype: 'float32' });
    assert.deepEqual(Array.from(one.volume(0)), Array.from(full.volume(0)));
  }
});

test('volume selection survives any chunking of the byte stream', async () => {
  const { dir } = tempDir();
  const path = join(dir, 'b.nii');
  await writeNifti(image(), path);
  const bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(path));
  const expected = await readNifti(path, { volumes: [0, 2, 3] });
  for (const size of [1, 7, 119, 120, 121, 4096]) {
    const dec = new NiftiDecoder('chunks', { volumes: [0, 2, 3] });
    for (let off = 0; off < bytes.length && !dec.done; off += size) dec.push(bytes.subarray(off, off + size));
    assert.deepEqual(Array.from(dec.finish().data), Array.from(expected.data), `chunks of ${size}`);
  }
});

test('bad volume selections name the argument', async () => {
  const { dir } = tempDir();
  const path = join(dir, 'c.nii');
  await writeNifti(image(), path);
  await assert.rejects(readNifti(path, { volumes: [7] }), /volumes: index 7 is outside 0\.\.6/);
  await assert.rejects(readNifti(path, { volumes: [3, 1] }), /volumes: indices must be ascending/);
  await assert.rejects(readNifti(path, { volumes: [] }), /volumes: the list of volumes to read is empty/);
});

test('readNiftiHeader reads the header alone, from .nii and .nii.gz', async () => {
  const { dir } = tempDir();
  for (const name of ['h.nii', 'h.nii.gz']) {
    const path = join(dir, name);
    await writeNifti(image(), path);
    const h = await readNiftiHeader(path);
    assert.deepEqual(Array.from(h.dim.slice(0, 5)), [4, 5, 4, 3, 7]);
  }
  await assert.rejects(readNiftiHeader(join(dir, 'absent.nii')), /absent\.nii: no such file/);
});
