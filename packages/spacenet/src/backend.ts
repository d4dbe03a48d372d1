// TensorFlow.js backend selection: tfjs-node (native, optional: its install downloads a native
// library, so it is never a dependency) when the user has it, else wasm (SIMD / threads when the
// runtime supports them), else the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs-core';
// A named import rather than a bare `import '...-cpu'`: it registers the cpu backend just the
// same, but tsc copies bare imports into backend.d.ts, which would make every consumer's
// type check (skipLibCheck: false) compile tfjs's own declarations (Long, DOM types).
import { version_cpu as cpuBackendVersion } from '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The TensorFlow.js backends SpaceNet can run on: native 'node', 'wasm', or plain JavaScript 'cpu'. */
export type BackendName = 'node' | 'wasm' | 'cpu';

/** One TensorFlow.js backend: whether it is available, whether it was chosen, and why. */
export interface BackendStatus {
  /** Our name for the backend. */
  name: BackendName;
  /** tfjs's registered backend name ('tensorflow', 'wasm', 'cpu'). */
  tfjsName: string;
  available: boolean;
  chosen: boolean;
  /** Why it is (un)available, and for wasm which features are in use. */
  reason: string;
}

const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const ORDER: BackendName[] = ['node', 'wasm', 'cpu'];

const probed = new Map<BackendName, { available: boolean; reason: string }>();
let chosenBackend: BackendName | undefined;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function probeNode(): Promise<{ available: boolean; reason: string }> {
  // Importing tfjs-node registers the 'tensorflow' backend as a side effect. The module names
  // are held in variables so bundlers and tsc do not require the optional packages.
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* webpackIgnore: true */ pkg as string);
      if (tf.findBackendFactory('tensorflow')) return { available: true, reason: `${pkg} is installed` };
    } catch {
      // not installed or its native library failed to load: try the next one
    }
  }
  return { available: false, reason: '@tensorflow/tfjs-node(-gpu) is not installed (optional: npm i @tensorflow/tfjs-node)' };
}

/** The wasm package's dist directory (with a trailing separator), where its .wasm files live. */
function wasmDistDir(): string | undefined {
  if (!isNode) return undefined;
  try {
    // import.meta.resolve and getBuiltinModule instead of node: imports keep this module
    // loadable in browsers (a page sets the .wasm location itself with setWasmPaths).
    const main = import.meta.resolve('@tensorflow/tfjs-backend-wasm');
    return process.getBuiltinModule('node:url').fileURLToPath(new URL('./', main));
  } catch {
    return undefined;
  }
}

async function probeWasm(): Promise<{ available: boolean; reason: string }> {
  const dir = wasmDistDir();
  if (isNode) {
    if (!dir) return { available: false, reason: 'cannot resolve @tensorflow/tfjs-backend-wasm' };
    setWasmPaths(dir);
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  if (threads) setThreadsCount(Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2)));
  const features = `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
  return { available: true, reason: features };
}

async function probe(name: BackendName): Promise<{ available: boolean; reason: string }> {
  const known = probed.get(name);
  if (known) return known;
  let result: { available: boolean; reason: string };
  if (name === 'node') result = await probeNode();
  else if (name === 'wasm') result = await probeWasm();
  else result = { available: true, reason: `pure JavaScript (tfjs-backend-cpu ${cpuBackendVersion}), always available` };
  probed.set(name, result);
  return result;
}

/** Try to make `name` the active tfjs backend; false when it cannot initialise. */
async function activate(name: BackendName): Promise<boolean> {
  const status = await probe(name);
  if (!status.available) return false;
  try {
    const ok = await tf.setBackend(TFJS_NAME[name]);
    if (!ok) {
      probed.set(name, { available: false, reason: `${status.reason}; initialisation failed` });
      return false;
    }
    await tf.ready();
    return true;
  } catch (err) {
    probed.set(name, { available: false, reason: `initialisation failed: ${(err as Error).message.split('\n')[0]}` });
    return false;
  }
}

function parseName(value: string, arg: string): BackendName {
  if (value === 'node' || value === 'wasm' || value === 'cpu') return value;
  throw new Error(`${arg}: unknown backend "${value}"; expected node, wasm or cpu`);
}

/**
 * Select the tfjs backend and return the one actually in use. With `preferred`, that backend is
 * tried first and the others follow in the usual order (node, wasm, cpu). The environment
 * variable NEURODECODE_TFJS_BACKEND plays the role of `preferred` when none is given.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendName> {
  const envPref = isNode ? process.env.NEURODECODE_TFJS_BACKEND : undefined;
  const first = preferred ?? (envPref ? parseName(envPref, 'NEURODECODE_TFJS_BACKEND') : undefined);
  if (first !== undefined) parseName(first, 'backend');
  tf.env().set('PROD', true); // silences tfjs's console advice about tfjs-node
  if (chosenBackend && (first === undefined || first === chosenBackend)) return chosenBackend;
  const order = first ? [first, ...ORDER.filter((n) => n !== first)] : ORDER;
  for (const name of order) {
    if (await activate(name)) {
      chosenBackend = name;
      return name;
    }
  }
  throw new Error('tfjs: no backend could be initialised (node, wasm and cpu all failed)');
}

/** The backend chosen by initBackend, or undefined before the first call. */
export function currentBackend(): BackendName | undefined {
  return chosenBackend;
}

/** Every backend with whether it is available and whether it is the one in use. */
export async function listBackends(): Promise<BackendStatus[]> {
  const active = chosenBackend ?? (await initBackend());
  const out: BackendStatus[] = [];
  for (const name of ORDER) {
    const s = await probe(name);
    out.push({ name, tfjsName: TFJS_NAME[name], available: s.available, chosen: name === active, reason: s.reason });
  }
  return out;
}

/** Human-readable lines for `neurodecode info --backends` (one per backend). */
export async function describeBackends(): Promise<{ chosen: BackendName; backends: BackendStatus[]; text: string }> {
  const backends = await listBackends();
  const chosen = backends.find((b) => b.chosen)!.name;
  const text = backends
    .map((b) => `${b.chosen ? '*' : ' '} ${b.name.padEnd(5)} ${b.available ? 'available  ' : 'unavailable'} ${b.reason}`)
    .join('\n');
  return { chosen, backends, text };
}

const FROM_TFJS: Record<string, BackendName> = { tensorflow: 'node', wasm: 'wasm', cpu: 'cpu' };

/**
 * The backend for synchronous work (fit/predict cannot await): the one initBackend chose, or
 * the cpu backend when initBackend was never awaited (wasm and node need an async start).
 */
export function ensureBackendSync(): BackendName {
  tf.env().set('PROD', true);
  if (chosenBackend) {
    if (tf.getBackend() !== TFJS_NAME[chosenBackend]) void tf.setBackend(TFJS_NAME[chosenBackend]);
    return chosenBackend;
  }
  const engine = tf.engine();
  const active = engine.backendName ? FROM_TFJS[engine.backendName] : undefined;
  if (active && engine.registry[engine.backendName]) return active;
  void tf.setBackend('cpu');
  return 'cpu';
}
