// Backend selection: 'cpu' | 'gpu' | 'auto'. Precedence (DESIGN.md §1): a Model's own `backend`
// option > the default set by setBackend() > the ARGON_BACKEND environment variable > 'auto'.
// setBackend only records an explicit default that a Model resolves once; nothing deeper reads it.
import type { Backend } from './backend.ts';
import { createWasmBackend } from './wasm/backend.ts';

export type BackendName = 'cpu' | 'gpu' | 'auto';
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'gpu', 'auto'];

export interface BackendOptions {
  /** Worker threads for the CPU backend (a later release threads the kernels; today 1 is used). */
  threads?: number;
}

let defaultName: BackendName | null = null;
let defaultOptions: BackendOptions = {};
let cpu: Promise<Backend> | null = null;

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
  await getBackend(name);
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

/** The shared backend instance for a name. 'auto' is the CPU until the GPU path lands. */
export async function getBackend(name: BackendName): Promise<Backend> {
  if (name === 'gpu') {
    throw new Error("backend 'gpu' is not available in this build yet: use 'cpu' or 'auto' (the gpu.js WebGL2 backend is a later release)");
  }
  cpu ??= createWasmBackend();
  return cpu;
}
