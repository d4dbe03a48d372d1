// SpaceNet (TV-L1 / Graph-Net) in the worker, on TensorFlow.js's wasm backend. The .wasm files
// are copied next to the page by scripts/bundle.mjs (dist/web/tfjs/); without WebAssembly tfjs
// falls back to its pure-JavaScript cpu backend, and the result says which one ran. The page
// says whether it has WebAssembly (`wasm`), so a worker never uses what the page lacks.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, SpaceNetClassifier } from '@neurodecode/spacenet';
import type { Estimator } from '@neurodecode/estimators';
import type { NiftiMasker } from '@neurodecode/maskers';

let wasmPathSet = false;

export async function makeSpaceNet(name: string, masker: NiftiMasker, wasm: boolean): Promise<{ estimator: Estimator; backend: string }> {
  const penalty = name === 'spacenet-tvl1' ? 'tv-l1' : name === 'spacenet-graph-net' ? 'graph-net' : undefined;
  if (!penalty) throw new Error(`estimator: unknown SpaceNet variant "${name}"`);
  if (!wasmPathSet) {
    setWasmPaths(new URL('tfjs/', self.location.href).href);
    wasmPathSet = true;
  }
  const backend = await initBackend(wasm && typeof WebAssembly === 'object' ? 'wasm' : 'cpu');
  const estimator = SpaceNetClassifier.fromMask(masker.maskImg_!, { penalty }) as unknown as Estimator;
  return { estimator, backend };
}
