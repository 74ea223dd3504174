// C[m×n] = alpha·op(A)·op(B) (+ beta·C): one output per thread, a dot product of length k.
// beta = 0 uses the kernels that never read C (0·NaN would be NaN).
// Split-K: the weight gradients of a convolution are small outputs over long sums (dW = dy·colsᵀ
// has k = positions × batch, 131,072 for CNN-1 at 32×32 and batch 128), which one thread per output
// would leave to a few thousand threads running for a long time (and risk a driver watchdog). Long
// sums over few outputs are cut into chunks summed in parallel, then the chunks are added.
import type { KernelThis } from '../gpujs.ts';
import { buf, type Arr, type WebglKernel } from './common.ts';

export function gemmK(this: KernelThis, a: Arr, b: Arr, alpha: number): number {
  let acc = 0;
  for (let p = 0; p < this.constants.k; p++) {
    acc += a[anGemmA(this.thread.x, p, this.constants.n, this.constants.k, this.constants.m, this.constants.transA)] *
      b[anGemmB(this.thread.x, p, this.constants.n, this.constants.k, this.constants.transB)];
  }
  return alpha * acc;
}

export function gemmBetaK(this: KernelThis, a: Arr, b: Arr, c: Arr, alpha: number, beta: number): number {
  let acc = 0;
  for (let p = 0; p < this.constants.k; p++) {
    acc += a[anGemmA(this.thread.x, p, this.constants.n, this.constants.k, this.constants.m, this.constants.transA)] *
      b[anGemmB(this.thread.x, p, this.constants.n, this.constants.k, this.constants.transB)];
  }
  return alpha * acc + beta * c[this.thread.x];
}

/** Partial sums: output chunk·(m·n) + i sums p over [chunk·L, min(k, chunk·L + L)). */
export function gemmChunkK(this: KernelThis, a: Arr, b: Arr): number {
  let acc = 0;
  for (let q = 0; q < this.constants.L; q++) {
    if (anDiv(this.thread.x, this.constants.mn) * this.constants.L + q < this.constants.k) {
      acc += a[anGemmA(anMod(this.thread.x, this.constants.mn), anDiv(this.thread.x, this.constants.mn) * this.constants.L + q, this.constants.n, this.constants.k, this.constants.m, this.constants.transA)] *
        b[anGemmB(anMod(this.thread.x, this.constants.mn), anDiv(this.thread.x, this.constants.mn) * this.constants.L + q, this.constants.n, this.constants.k, this.constants.transB)];
    }
  }
  return acc;
}

/** alpha·Σ_chunks partial[chunk·(m·n) + i] (+ beta·C when useC = 1). */
export function gemmChunkSumK(this: KernelThis, partial: Arr, c: Arr, alpha: number, beta: number): number {
  let acc = 0;
  for (let j = 0; j < this.constants.chunks; j++) acc += partial[j * this.constants.mn + this.thread.x];
  if (this.constants.useC === 1) return alpha * acc + beta * c[this.thread.x];
  return alpha * acc;
}

/** Outputs below which a long sum is split, and the sum length that counts as long. */
const SPLIT_OUTPUTS = 16384, SPLIT_K = 2048;

export const gemm: WebglKernel<'gemm'> = (rt, { a, b, c, m, n, k, transA, transB, alpha, beta }) => {
  const len = m * n;
  if (len === 0) return;
  const A = buf(a, m * k, 'gemm a'), B = buf(b, k * n, 'gemm b'), C = buf(c, len, 'gemm c');
  const consts = { m, n, k, transA: transA ? 1 : 0, transB: transB ? 1 : 0 };
  if (k >= SPLIT_K && len < SPLIT_OUTPUTS) {
    const L = Math.max(256, Math.ceil(Math.sqrt(k))), chunks = Math.ceil(k / L);
    const partial = rt.run('gemmChunk', gemmChunkK, chunks * len, { ...consts, mn: len, L }, [A, B]);
    try {
      const useC = beta === 0 ? 0 : 1;
      // With beta = 0, C is passed but never read (useC = 0 compiles the read away).
      rt.assign(C, rt.run('gemmChunkSum', gemmChunkSumK, len, { mn: len, chunks, useC }, [partial, useC ? C : partial, alpha, beta]), 0, len);
    } finally {
      partial.delete();
    }
    return;
  }
  const tex = beta === 0
    ? rt.run('gemm', gemmK, len, consts, [A, B, alpha])
    : rt.run('gemmBeta', gemmBetaK, len, consts, [A, B, C, alpha, beta]);
  rt.assign(C, tex, 0, len);
};
