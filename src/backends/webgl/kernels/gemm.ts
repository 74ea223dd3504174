// C[m×n] = alpha·op(A)·op(B) (+ beta·C) on packed textures: the blocked core (gemm-shaders.ts)
// into T render targets, then the epilogue into C. beta = 0 never reads C (0·NaN would be NaN).
import { WebglBuffer } from '../buffer.ts';
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime } from '../runtime.ts';
import { buf, type WebglKernel } from './common.ts';
import { fill, scale } from './elementwise.ts';
import { runBlocked, type Epilogue } from './gather.ts';
import { gemmCore, PACK_ROWS } from './gemm-shaders.ts';
import { storePrefix } from './map.ts';

/** A GEMM operand as the core reads it: a packed texture whose stored rows are `stride` texels. */
interface Operand { tex: GpuTexture; stride: number; owned: boolean }

/** src (a buffer or a packed texture) viewed as [rows, cols]; padded to whole texels per row when
 *  cols is not a multiple of 4. */
function operand(rt: GpuRuntime, src: WebglBuffer | GpuTexture, rows: number, cols: number): Operand {
  const cq = Math.ceil(cols / 4);
  if (cols % 4 === 0) return { tex: src instanceof WebglBuffer ? rt.texture(src) : src, stride: cq, owned: false };
  const l = rt.layout(rows * cq * 4, `a GEMM operand padded to ${rows}×${cq * 4}`);
  const tex = rt.run1(PACK_ROWS, l, { rows, cols, cq }, [src]);
  return { tex, stride: cq, owned: true };
}

interface GemmPlan {
  T: number;
  /** Column-quad blocks, row blocks, k-slices and k-quads per slice. */
  GW: number; GH: number; S: number; L: number;
  KQ: number;
}

/** Blocks of T = 8 rows (4 for short outputs); long sums over fewer than 2,048 blocks are split
 *  into slices of at least 32 k-quads. */
function gemmPlan(m: number, n: number, k: number): GemmPlan {
  const T = m > 4 ? 8 : 4;
  const GW = Math.ceil(n / 4), GH = Math.ceil(m / T), KQ = Math.max(1, Math.ceil(k / 4));
  const blocks = GW * GH;
  let S = blocks < 2048 && KQ > 64 ? Math.min(Math.ceil(2048 / blocks), Math.ceil(KQ / 32)) : 1;
  const L = Math.ceil(KQ / S);
  S = Math.ceil(KQ / L);
  return { T, GW, GH, S, L, KQ };
}

/** Texture fetches and multiply-adds of one gemm call (the benchmark prints their ratio). */
export function gemmCost(m: number, n: number, k: number, transA: boolean, transB: boolean): { fetches: number; macs: number } {
  const p = gemmPlan(m, n, k);
  const aPad = (transA ? m : k) % 4 !== 0, bPad = (transB ? k : n) % 4 !== 0;
  let fetches = p.GW * p.GH * p.KQ * (p.T + 4); // the core
  fetches += Math.ceil(m * n / 4) * p.S * (n % 4 === 0 ? 1 : 4); // the epilogue
  if (aPad) fetches += (transA ? k : m) * Math.ceil((transA ? m : k) / 4) * 4; // padding copies
  if (bPad) fetches += (transB ? n : k) * Math.ceil((transB ? k : n) / 4) * 4;
  return { fetches, macs: m * n * k };
}

/** Runs the core and the epilogue; returns C's values as a texture in the packed layout of m·n. */
export function gemmTexture(rt: GpuRuntime, A: WebglBuffer | GpuTexture, B: WebglBuffer | GpuTexture, m: number, n: number, k: number,
  transA: boolean, transB: boolean, alpha: number, beta: number, C: WebglBuffer | null, epi: Epilogue | null = null): GpuTexture {
  const p = gemmPlan(m, n, k);
  rt.count(gemmCost(m, n, k, transA, transB));
  const a = transA ? operand(rt, A, k, m) : operand(rt, A, m, k);
  const b = transB ? operand(rt, B, n, k) : operand(rt, B, k, n);
  try {
    return runBlocked(rt, gemmCore(p.T), p.GW * p.GH * p.S, {
      T: p.T, AM: transA ? 1 : 0, BM: transB ? 1 : 0, ASTR: a.stride, BSTR: b.stride, K: k, KQ: p.KQ, KREM: k % 4,
      GW: p.GW, GH: p.GH, S: p.S, L: p.L,
    }, [a.tex, b.tex], { ROWS: m, ROWLEN: n, RQ: p.GW, S: p.S, SB: p.GW * p.GH }, `a ${m}×${n}×${k} GEMM's blocks`, epi, { alpha, beta, C });
  } finally {
    if (a.owned) a.tex.delete();
    if (b.owned) b.tex.delete();
  }
}

export const gemm: WebglKernel<'gemm'> = (rt, { a, b, c, m, n, k, transA, transB, alpha, beta }) => {
  const len = m * n;
  if (len === 0) return;
  const A = buf(a, m * k, 'gemm a'), B = buf(b, k * n, 'gemm b'), C = buf(c, len, 'gemm c');
  if (k === 0) {
    // An empty sum: C = beta·C (beta = 0 gives zeros, whatever C held).
    if (beta === 0) fill(rt, { x: C, n: len, value: 0 });
    else scale(rt, { x: C, out: C, n: len, alpha: beta });
    return;
  }
  storePrefix(rt, C, gemmTexture(rt, A, B, m, n, k, transA, transB, alpha, beta, C), len);
};
