// The backends every shared suite runs on, with the tolerance each is held to against float64.
// One suite, every backend present; a backend that cannot start here is listed with its reason.
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { F32, F64, type Tolerance } from './helpers.ts';

export interface TestBackend { name: string; backend: Backend; tol: Tolerance }

let cached: Promise<TestBackend[]> | null = null;

/** ref-f64 (the spec), ref-f32, wasm, and wasm on 2 threads with every call split (so each
 *  kernel's threaded path is compared too), created once per test process. */
export function testBackends(): Promise<TestBackend[]> {
  cached ??= (async () => [
    { name: 'ref-f64', backend: createRefBackend('float64'), tol: F64 },
    { name: 'ref-f32', backend: createRefBackend('float32'), tol: F32 },
    { name: 'wasm', backend: await createWasmBackend({ threads: 1 }), tol: F32 },
    { name: 'wasm-2threads', backend: await createWasmBackend({ threads: 2, minPartNs: 0 }), tol: F32 },
  ])();
  return cached;
}
