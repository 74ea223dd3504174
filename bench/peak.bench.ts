// The 128-bit WebAssembly SIMD arithmetic peak of this machine (assembly/peak.ts: 12 independent
// f32x4 accumulators acc += a·b as the GEMM micro-kernel updates its block, 8 FLOP per step, no
// memory traffic) on 1 thread and on every core, for
// the plain build (mul + add) and the relaxed build (relaxed_madd, fused where the CPU has FMA),
// next to SGEMM 1024³ on the same backend, printed as the fraction of the peak it reaches and its
// scaling from 1 thread to all. `npm run bench -- peak`.
import { createWasmBackend, type WasmBackend, type WasmBuffer } from '../src/backends/wasm/backend.ts';
import { relaxedSimdSupported } from '../src/backends/wasm/module.ts';
import type { Row, Suite } from './run.ts';

const STEPS = 20_000_000;

/** GFLOP/s of the peak loop with `parts` threads side by side (best of 5: the loop has no memory
 *  traffic, so a slower sample only means another process took the core). */
export function peakGflops(be: WasmBackend, parts: number): number {
  const out = be.alloc(4 * 64);
  const ptr = (out as WasmBuffer).ptr;
  let best = Infinity;
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    if (parts > 1) be.callParts('simdPeakPart', parts, [STEPS, ptr]);
    else be.fn('simdPeakPart')(STEPS, ptr, 0, 1);
    if (i > 0) best = Math.min(best, performance.now() - t);
  }
  be.dispose(out);
  return (parts * 8 * 12 * STEPS) / (best * 1e6);
}

/** GFLOP/s of SGEMM 1024³ (median of 7 after warm-up). */
export function sgemmGflops(be: WasmBackend): number {
  const n = 1024;
  const [a, b, c] = [be.alloc(n * n), be.alloc(n * n), be.alloc(n * n)];
  be.write(a, new Float32Array(n * n).map((_, i) => Math.sin(i)));
  be.write(b, new Float32Array(n * n).map((_, i) => Math.cos(i)));
  const args = { a, b, c, m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 };
  for (let i = 0; i < 3; i++) be.run('gemm', args);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    be.run('gemm', args);
    times.push(performance.now() - t);
  }
  for (const x of [a, b, c]) be.dispose(x);
  return (2 * n ** 3) / (times.sort((p, q) => p - q)[3] * 1e6);
}

export const peakSuite: Suite = {
  name: 'peak',
  async run() {
    const rows: Row[] = [];
    for (const relaxed of (await relaxedSimdSupported()) ? [false, true] : [false]) {
      const tag = relaxed ? 'relaxed madd' : 'mul+add';
      const one = await createWasmBackend({ relaxed, threads: 1 });
      const peak1 = peakGflops(one, 1), gemm1 = sgemmGflops(one);
      await one.close();
      const all = await createWasmBackend({ relaxed });
      const threads = all.threads;
      const peakN = peakGflops(all, threads), gemmN = sgemmGflops(all);
      await all.close();
      rows.push(
        { case: `128-bit SIMD peak, ${tag}, 1 thread`, value: peak1, unit: 'GFLOP/s' },
        { case: `SGEMM 1024³, ${tag}, 1 thread`, value: gemm1, unit: `GFLOP/s (${((100 * gemm1) / peak1).toFixed(0)} % of the peak)` },
        { case: `128-bit SIMD peak, ${tag}, ${threads} threads`, value: peakN, unit: `GFLOP/s (${(peakN / peak1).toFixed(2)}× 1 thread)` },
        { case: `SGEMM 1024³, ${tag}, ${threads} threads`, value: gemmN, unit: `GFLOP/s (${((100 * gemmN) / peakN).toFixed(0)} % of the peak, ${(gemmN / gemm1).toFixed(2)}× 1 thread)` },
      );
    }
    return rows;
  },
};
