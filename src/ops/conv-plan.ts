// Which algorithm runs a convolution, per layer, from a cost model calibrated by measurement (the
// constants below; `npm run bench -- calibrate` measures them on the machine at hand). The choice
// is a function of the shapes and the backend's kernels only — never of timings taken at run time
// or of the thread count — because the algorithms round differently and results must be the same
// on every run and every thread count.
//   pointwise    1×1, stride 1, no padding: x is its own column matrix, one GEMM
//   im2col       im2col + GEMM, the column matrix kept for the backward pass
//   column-free  tiled kernels that rebuild each tile's columns in cache (big column matrices)
//   direct       a first layer with few taps per filter: the tiled forward pass and a direct weight
//                gradient that reads x in place (no input gradient: the layer reads the data)
//   winograd     Winograd F(2×2, 3×3) (2-D 3×3, stride 1): 16 products per 2×2 tile instead of 36
import type { Backend } from '../backends/backend.ts';
import type { WindowGeometry } from '../kernels.ts';
import { directEligible, winogradEligible } from '../shape.ts';

export type ConvAlgorithm = 'pointwise' | 'im2col' | 'column-free' | 'direct' | 'winograd';

/** What a backend offers beyond im2col + GEMM. */
export interface ConvKernels { columnFree: boolean; winograd: boolean; direct?: boolean }

export function convKernels(backend: Backend): ConvKernels {
  const columnFree = backend.has('convForward') && backend.has('convWeightGrad') && backend.has('convInputGrad');
  return {
    columnFree,
    winograd: backend.has('winogradForward') && backend.has('winogradWeightGrad') && backend.has('winogradInputGrad'),
    direct: columnFree && backend.has('directConvWeightGrad'),
  };
}

/** The passes a layer runs: forward always; the gradients that something needs. */
export interface ConvPasses { weightGrad: boolean; inputGrad: boolean }

/** Column matrices above this size are never built where the backend can avoid them (below, the
 *  im2col + GEMM path is as fast and simpler). */
const COLUMN_FREE_MIN_BYTES = 4 * 2 ** 20;

/** The column matrix rule alone (summary() uses it too): rows × cols is the column matrix
 *  (C·T·R·S × P·N), k the output channels; the weight gradient's partial sums (up to 16 × K ×
 *  rows in the wasm backend) must stay well below the matrix. */
export function columnFreePays(rows: number, cols: number, k: number): boolean {
  return rows * cols * 4 >= COLUMN_FREE_MIN_BYTES && 16 * k * rows <= (rows * cols) / 4;
}

/**
 * The cost model, in single-thread nanoseconds. GEMM time is MACs / RATE · (1 + K0 / depth), with
 * depth the reduction length each micro-kernel call runs (short reductions pay the call and the
 * store of the 4×8 block); every other pass costs its floats written times a per-float constant.
 * Calibrated with `npm run bench -- calibrate` (bench/conv-calibrate.bench.ts): a least-squares fit
 * to 99 timed passes (11 layers of CNN-1, MNIST CNN, CNN-2 and ResNet-18; forward, weight and input
 * gradient; im2col, column-free and Winograd) on the 2-vCPU AMD EPYC (Zen 4) of the project,
 * Node 20.20, relaxed SIMD, 1 thread, CPU time, load average 4.6 from other jobs, 2026-12-06. With
 * these constants the planner picks the measured faster algorithm for every one of the 11 layers.
 */
export const CONV_COST = {
  /** Multiply–adds per ns of the micro-kernel over long reductions. */
  rate: 19.3,
  /** Reduction steps' worth of overhead per micro-kernel call. */
  k0: 2.4,
  /** ns per float written by im2col / col2im. */
  copy: 0.77,
  /** ns per transformed value of the Winograd input (Bᵀ·d·B, and A·dy·Aᵀ in the weight gradient). */
  transformIn: 0.89,
  /** ns per transformed-domain product turned back into outputs (Aᵀ·m·A and its epilogue). */
  transformOut: 0.39,
  /** ns per filter value transformed (G·g·Gᵀ, and Gᵀ·z·G back). */
  filter: 1.39,
  /** ns per multiply–add of the direct weight gradient (directConvWeightGrad). */
  directWeightGrad: 0.065,
};

const gemmNs = (macs: number, depth: number): number => (macs / CONV_COST.rate) * (1 + CONV_COST.k0 / Math.max(1, depth));

/** F(2×2, 3×3) tiles covering `out` positions of one axis with dilation d (each residue class of
 *  d in tiles of 2). */
export function tilesAlong(out: number, d: number): number {
  let t = 0;
  for (let a = 0; a < Math.min(d, out); a++) t += Math.ceil((Math.floor((out - 1 - a) / d) + 1) / 2);
  return t;
}

export type ConvPass = 'forward' | 'weightGrad' | 'inputGrad';

/** One pass's modelled single-thread ns: its GEMM (micro-kernel) part and the rest (im2col/col2im
 *  copies, or the Winograd transforms). Benchmarks use the split to apportion measured kernel time. */
export interface PassCost { gemm: number; other: number }

/** The modelled cost of one pass by direct GEMM (im2col or column-free alike) or by Winograd
 *  (null where Winograd does not apply). */
export function passCost(g: WindowGeometry, k: number, pass: ConvPass, winograd: boolean): PassCost | null {
  const C = g.channels, N = g.batch, taps = g.window[0] * g.window[1] * g.window[2];
  if (!winograd) {
    const rows = C * taps, cols = g.outSize[0] * g.outSize[1] * g.outSize[2] * N, macs = k * rows * cols;
    // Reduction depth: forward the rows; weight gradient a tile of columns (long); input gradient k.
    const depth = pass === 'forward' ? rows : pass === 'weightGrad' ? 256 : k;
    return { gemm: gemmNs(macs, depth), other: rows * cols * CONV_COST.copy };
  }
  if (!winogradEligible(g)) return null;
  const filters = 16 * k * C * CONV_COST.filter;
  if (pass === 'inputGrad') {
    const Jin = tilesAlong(g.inSize[1], g.dilation[1]) * tilesAlong(g.inSize[2], g.dilation[2]) * N;
    return { gemm: gemmNs(16 * k * C * Jin, k), other: 16 * Jin * (k * CONV_COST.transformIn + C * CONV_COST.transformOut) + filters };
  }
  const J = tilesAlong(g.outSize[1], g.dilation[1]) * tilesAlong(g.outSize[2], g.dilation[2]) * N;
  if (pass === 'weightGrad') return { gemm: gemmNs(16 * k * C * J, 256), other: 16 * J * (C + k) * CONV_COST.transformIn + filters };
  return { gemm: gemmNs(16 * k * C * J, C), other: 16 * J * (C * CONV_COST.transformIn + k * CONV_COST.transformOut) + filters };
}

/** The direct weight gradient's modelled cost (all of it products, no copies). */
export function directWeightGradCost(g: WindowGeometry, k: number): PassCost {
  const taps = g.channels * g.window[0] * g.window[1] * g.window[2];
  const macs = k * taps * g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;
  return { gemm: macs * CONV_COST.directWeightGrad, other: 0 };
}

export interface ConvCosts { direct: number; winograd: number | null }

/** Estimated single-thread ns of the passes that run, by direct GEMM and by Winograd (null where
 *  it does not apply). */
export function convCosts(g: WindowGeometry, k: number, passes: ConvPasses): ConvCosts {
  const list: ConvPass[] = ['forward', ...(passes.weightGrad ? ['weightGrad' as const] : []), ...(passes.inputGrad ? ['inputGrad' as const] : [])];
  const total = (winograd: boolean): number | null => {
    let ns = 0;
    for (const pass of list) {
      const c = passCost(g, k, pass, winograd);
      if (!c) return null;
      ns += c.gemm + c.other;
    }
    return ns;
  };
  return { direct: total(false) ?? 0, winograd: total(true) };
}

export interface ConvPlan { algorithm: ConvAlgorithm; costs: ConvCosts | null }

let forced: ConvAlgorithm | null = null;

/** Runs fn with every convolution taking `algorithm` wherever it applies and the backend has its
 *  kernels (the others keep their usual choice): tests hold each path to the same checks. */
export function withConvAlgorithm<T>(algorithm: ConvAlgorithm, fn: () => T): T {
  const before = forced;
  forced = algorithm;
  try {
    return fn();
  } finally {
    forced = before;
  }
}

/** Inference (no gradient pass) is planned for this batch size whatever the actual one, so a
 *  sample's prediction is the same, bit for bit, in any batch (the algorithms round differently).
 *  8 keeps Winograd off the layers whose filter transform a small batch does not amortise
 *  (ResNet-18's last stage at 64 px). */
export const INFERENCE_PLAN_BATCH = 8;

/** The algorithm for a convolution of geometry g (its batch included) with k filters. */
export function planConv(g: WindowGeometry, k: number, kernels: ConvKernels, passes: ConvPasses): ConvPlan {
  if (!passes.weightGrad && !passes.inputGrad) g = { ...g, batch: INFERENCE_PLAN_BATCH };
  const pointwise = g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
  if (pointwise) return { algorithm: 'pointwise', costs: null };
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2];
  const cols = g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;
  const winograd = kernels.winograd && winogradEligible(g);
  const direct = (kernels.direct ?? false) && directEligible(g) && passes.weightGrad && !passes.inputGrad;
  if (forced === 'winograd' && winograd) return { algorithm: 'winograd', costs: null };
  if (forced === 'column-free' && kernels.columnFree) return { algorithm: 'column-free', costs: null };
  if (forced === 'direct' && direct) return { algorithm: 'direct', costs: null };
  if (forced === 'im2col') return { algorithm: 'im2col', costs: null };
  const family: ConvAlgorithm = kernels.columnFree && columnFreePays(rows, cols, k) ? 'column-free' : 'im2col';
  if (!winograd && !direct) return { algorithm: family, costs: null };
  const costs = convCosts(g, k, passes);
  let best: { algorithm: ConvAlgorithm; ns: number } = { algorithm: family, ns: costs.direct };
  if (direct) {
    const fwd = passCost(g, k, 'forward', false)!, wgrad = directWeightGradCost(g, k);
    const ns = fwd.gemm + fwd.other + wgrad.gemm;
    if (ns < best.ns) best = { algorithm: 'direct', ns };
  }
  if (costs.winograd !== null && costs.winograd < best.ns) best = { algorithm: 'winograd', ns: costs.winograd };
  return { algorithm: best.algorithm, costs };
}
