// Backend selection: 'cpu' | 'gpu' | 'auto'. Precedence (DESIGN.md §1): a Model's own `backend`
// option > the default set by setBackend() > the ARGON_BACKEND environment variable > 'auto'.
// setBackend only records an explicit default that a Model resolves once; nothing deeper reads it.
import type { Backend } from './backend.ts';
import { createWasmBackend } from './wasm/backend.ts';
import { autoGpuBackend, gpuBackend } from './webgl/select.ts';

export type BackendName = 'cpu' | 'gpu' | 'auto';
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'gpu', 'auto'];

export interface BackendOptions {
  /** Kernel threads of the CPU backend, the calling thread included (default: every core). In a
   *  browser, threads need a cross-origin isolated page and the model running in a Worker; elsewhere
   *  the CPU backend runs on 1 thread (WasmBackend.threadsNote says why). */
  threads?: number;
}

let defaultName: BackendName | null = null;
let defaultOptions: BackendOptions = {};
/** CPU backends by thread count ('' = the default, every core), created once each. */
const cpu = new Map<string, Promise<Backend>>();

export function checkBackendName(name: string, source: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${source}: backend must be one of ${BACKEND_NAMES.join(', ')}, got '${name}'`);
  }
  return name as BackendName;
}

function envBackend(): BackendName | null {
  const env = typeof process !== 'undefined' ? process.env?.ARGON_BACKEND : undefined;
  return env ? checkBackendName(env, 'ARGON_BACKEND') : null;
}

/** Sets the default backend for models that do not name one, and checks that it can start. */
export async function setBackend(name: BackendName, opts: BackendOptions = {}): Promise<void> {
  checkBackendName(name, 'setBackend');
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1)) {
    throw new Error(`setBackend: threads must be a positive integer, got ${opts.threads}`);
  }
  await getBackend(name, opts);
  defaultName = name;
  defaultOptions = { ...opts };
}

/** The name a model with this option would use. */
export function resolveBackendName(modelOption?: BackendName): BackendName {
  return modelOption ?? defaultName ?? envBackend() ?? 'auto';
}

export function backendOptions(): BackendOptions {
  return { ...defaultOptions };
}

/** The shared backend instance for a name (and, for the CPU, a thread count: setBackend's by
 *  default). 'gpu' is the webgl backend (gpu.js, loaded on first use); 'auto' is the GPU in a
 *  browser with float32 WebGL2 on real hardware, else the CPU (webgl/select.ts). */
export async function getBackend(name: BackendName, opts: BackendOptions = defaultOptions): Promise<Backend> {
  if (name === 'gpu') return gpuBackend();
  if (name === 'auto') {
    const gpu = await autoGpuBackend();
    if (gpu) return gpu;
  }
  const key = opts.threads === undefined ? '' : String(opts.threads);
  let backend = cpu.get(key);
  if (!backend) {
    backend = createWasmBackend({ threads: opts.threads });
    cpu.set(key, backend);
    backend.catch(() => cpu.delete(key));
  }
  return backend;
}
