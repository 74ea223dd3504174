// The backends every shared suite runs on, with the tolerance each is held to against float64.
// One suite, every backend present; a backend that cannot start here is listed with its reason.
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { F32, F64, type Tolerance } from './helpers.ts';

export interface TestBackend { name: string; backend: Backend; tol: Tolerance }

let cached: Promise<TestBackend[]> | null = null;

/** ref-f64 (the spec), ref-f32 and wasm, created once per test process. */
export function testBackends(): Promise<TestBackend[]> {
  cached ??= (async () => [
    { name: 'ref-f64', backend: createRefBackend('float64'), tol: F64 },
    { name: 'ref-f32', backend: createRefBackend('float32'), tol: F32 },
    { name: 'wasm', backend: await createWasmBackend(), tol: F32 },
  ])();
  return cached;
}
