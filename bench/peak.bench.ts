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

/** SGEMM 1024³ on a backend: one timed call (ms) per invocation of the returned function. */
function sgemmRunner(be: WasmBackend): { time: () => number; dispose: () => void } {
  const n = 1024;
  const [a, b, c] = [be.alloc(n * n), be.alloc(n * n), be.alloc(n * n)];
  be.write(a, new Float32Array(n * n).map((_, i) => Math.sin(i)));
  be.write(b, new Float32Array(n * n).map((_, i) => Math.cos(i)));
  const args = { a, b, c, m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 };
  for (let i = 0; i < 3; i++) be.run('gemm', args);
  return {
    time: () => {
      const t = performance.now();
      be.run('gemm', args);
      return performance.now() - t;
    },
    dispose: () => { for (const x of [a, b, c]) be.dispose(x); },
  };
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1];
/** Rounds of SGEMM, each timing the 1-thread and the all-thread backend back to back: on a shared
 *  machine another process's burst then slows both sides of a round alike, and the median round
 *  ratio is the scaling (a short run of one side after the other once read 1.47×). */
const ROUNDS = 41;

/** GFLOP/s of SGEMM 1024³ on one thread and on all (medians of ROUNDS interleaved calls), the
 *  median of the rounds' speed-ups, and the speed-up between each side's fastest call (what the
 *  cores do undisturbed, as the peak loop's best of 5). */
export function sgemmScaling(one: WasmBackend, all: WasmBackend): { gflops1: number; gflopsN: number; scaling: number; bestScaling: number } {
  const r1 = sgemmRunner(one), rN = sgemmRunner(all);
  const t1: number[] = [], tN: number[] = [], ratio: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = r1.time(), b = rN.time();
    t1.push(a); tN.push(b); ratio.push(a / b);
  }
  r1.dispose();
  rN.dispose();
  const gflops = (ms: number) => (2 * 1024 ** 3) / (ms * 1e6);
  return { gflops1: gflops(median(t1)), gflopsN: gflops(median(tN)), scaling: median(ratio), bestScaling: Math.min(...t1) / Math.min(...tN) };
}

export const peakSuite: Suite = {
  name: 'peak',
  async run() {
    const rows: Row[] = [];
    for (const relaxed of (await relaxedSimdSupported()) ? [false, true] : [false]) {
      const tag = relaxed ? 'relaxed madd' : 'mul+add';
      const one = await createWasmBackend({ relaxed, threads: 1 });
      const all = await createWasmBackend({ relaxed });
      const threads = all.threads;
      const peak1 = peakGflops(one, 1), peakN = peakGflops(all, threads);
      const { gflops1: gemm1, gflopsN: gemmN, scaling, bestScaling } = sgemmScaling(one, all);
      await one.close();
      await all.close();
      rows.push(
        { case: `128-bit SIMD peak, ${tag}, 1 thread`, value: peak1, unit: 'GFLOP/s' },
        { case: `SGEMM 1024³, ${tag}, 1 thread`, value: gemm1, unit: `GFLOP/s (${((100 * gemm1) / peak1).toFixed(0)} % of the peak)` },
        { case: `128-bit SIMD peak, ${tag}, ${threads} threads`, value: peakN, unit: `GFLOP/s (${(peakN / peak1).toFixed(2)}× 1 thread)` },
        { case: `SGEMM 1024³, ${tag}, ${threads} threads`, value: gemmN, unit: `GFLOP/s (${((100 * gemmN) / peakN).toFixed(0)} % of the peak; ${scaling.toFixed(2)}× 1 thread, median of ${ROUNDS} interleaved rounds; ${bestScaling.toFixed(2)}× fastest call to fastest call)` },
      );
    }
    return rows;
  },
};
