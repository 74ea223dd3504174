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
//   dense        the window covers the whole input from every output position (ResNet's 3×3 layers
//                on a 1×1 map and the strided one into it; on 2×2 maps Winograd stays faster): one
//                dense product over x and y in place, no zero taps
import type { Backend } from '../backends/backend.ts';
import type { WindowGeometry } from '../kernels.ts';
import { denseEligible, directEligible, sizeOf, winogradEligible } from '../shape.ts';

export type ConvAlgorithm = 'pointwise' | 'im2col' | 'column-free' | 'direct' | 'winograd' | 'dense';

/** What a backend offers beyond im2col + GEMM; `preferColumnFree`: where its column-free kernels
 *  are its fastest convolution (Backend.prefersColumnFree, the webgl backend); `keepsFilters`:
 *  inference's Winograd and dense ways keep what they derive from the weights between calls
 *  (Backend.keepsFilterTransforms). */
export interface ConvKernels {
  columnFree: boolean; winograd: boolean; direct?: boolean; dense?: boolean; preferColumnFree?: Backend['prefersColumnFree']; keepsFilters?: boolean;
}

/** The kernels of each algorithm that keeps no column matrix, per pass (direct's input gradient
 *  never runs: it is planned only where x needs none). */
export const CONV_PASS_KERNELS = {
  'column-free': { forward: 'convForward', weightGrad: 'convWeightGrad', inputGrad: 'convInputGrad' },
  winograd: { forward: 'winogradForward', weightGrad: 'winogradWeightGrad', inputGrad: 'winogradInputGrad' },
  direct: { forward: 'convForward', weightGrad: 'directConvWeightGrad', inputGrad: 'convInputGrad' },
  dense: { forward: 'denseConvForward', weightGrad: 'denseConvWeightGrad', inputGrad: 'denseConvInputGrad' },
} as const;
export type ColumnlessAlgorithm = keyof typeof CONV_PASS_KERNELS;

/** Whether an algorithm keeps no column matrix (it has CONV_PASS_KERNELS of its own). */
export function isColumnless(algorithm: ConvAlgorithm): algorithm is ColumnlessAlgorithm {
  return Object.hasOwn(CONV_PASS_KERNELS, algorithm);
}

/** The algorithms whose inference runs its own kernel and may keep what it derives from the weights
 *  (Winograd's transformed filters, the dense way's gathered ones: keepFilters); inference by the
 *  others runs the fused direct kernel (convForward). */
export function derivesFromWeights(algorithm: ConvAlgorithm): algorithm is 'winograd' | 'dense' {
  return algorithm === 'winograd' || algorithm === 'dense';
}

export function convKernels(backend: Backend): ConvKernels {
  const hasAll = (algorithm: ColumnlessAlgorithm) => Object.values(CONV_PASS_KERNELS[algorithm]).every((name) => backend.has(name));
  const columnFree = hasAll('column-free');
  return {
    columnFree,
    winograd: hasAll('winograd'),
    direct: columnFree && hasAll('direct'),
    dense: hasAll('dense'),
    preferColumnFree: columnFree && backend.prefersColumnFree,
    keepsFilters: backend.keepsFilterTransforms === true,
  };
}

/** The passes a layer runs: forward always; the gradients that something needs. */
export interface ConvPasses { weightGrad: boolean; inputGrad: boolean }

/** Column matrices above this size are never built where the backend can avoid them (below, the
 *  im2col + GEMM path is as fast and simpler). */
const COLUMN_FREE_MIN_BYTES = 4 * 2 ** 20;

/** The column matrix rule: rows × cols is the column matrix
 *  (C·T·R·S × P·N), k the output channels; the weight gradient's partial sums (up to 16 × K ×
 *  rows in the wasm backend) must stay well below the matrix. */
function columnFreePays(rows: number, cols: number, k: number): boolean {
  return rows * cols * 4 >= COLUMN_FREE_MIN_BYTES && 16 * k * rows <= (rows * cols) / 4;
}

/**
 * The cost model, in single-thread nanoseconds: a pass's cost is Σ feature·constant over the
 * features of passFeatures. GEMM work counts multiply–adds with m and n rounded up to the
 * micro-kernel's 4×8 block (an 8-wide panel of 9 columns computes 16), at RATE, plus K0 reduction
 * steps' worth of overhead per micro-kernel call; every other pass costs its floats written times a
 * per-float constant. Calibrated with `npm run bench -- calibrate` (bench/conv-calibrate.bench.ts):
 * a least-squares fit to 123 timed passes (11 3×3 layers of CNN-1, MNIST CNN, CNN-2 and ResNet-18 by
 * im2col, column-free and Winograd, each pass; four first layers by im2col, column-free and the
 * direct weight gradient) on the 2-vCPU AMD EPYC (Zen 4) of the project, Node 20.20, relaxed SIMD,
 * 1 thread, CPU time, load average 2.2 from other jobs, 2026-12-06. With these constants the
 * planner picks the measured faster algorithm for all 11 3×3 layers; on the first layers the direct
 * weight gradient wins clearly only on MNIST's (2.2 against 3.7 ms), and by under 10 % on CNN-1's and
 * CNN-2's, where the model calls it a tie.
 */
export const CONV_COST = {
  /** Multiply–adds per ns of the micro-kernel over long reductions. */
  rate: 28.5,
  /** Reduction steps' worth of overhead per micro-kernel call. */
  k0: 11.6,
  /** ns per float moved by im2col / col2im and the GEMM's packing. */
  copy: 0.254,
  /** ns per transformed value of the Winograd input (Bᵀ·d·B, and A·dy·Aᵀ in the weight gradient). */
  transformIn: 0.891,
  /** ns per transformed-domain product turned back into outputs (Aᵀ·m·A and its epilogue). */
  transformOut: 0.077,
  /** ns per filter value transformed (G·g·Gᵀ, and Gᵀ·z·G back). */
  filter: 1.075,
  /** ns per multiply–add of the direct weight gradient (directConvWeightGrad). */
  directWeightGrad: 0.0695,
} as const;

/** F(2×2, 3×3) tiles covering `out` positions of one axis with dilation d (each residue class of
 *  d in tiles of 2). */
function tilesAlong(out: number, d: number): number {
  let t = 0;
  for (let a = 0; a < Math.min(d, out); a++) t += Math.ceil((Math.floor((out - 1 - a) / d) + 1) / 2);
  return t;
}

export type ConvPass = 'forward' | 'weightGrad' | 'inputGrad';
/** How a pass runs: by a GEMM over (possibly tiled) columns, by Winograd, the direct weight
 *  gradient, or as a dense product. */
export type PassWay = 'gemm' | 'winograd' | 'direct' | 'dense';

/** The coefficients of CONV_COST's constants for one pass, in the order 1/rate (multiply–adds),
 *  k0/rate (multiply–adds per reduction step: the micro-kernel calls' overhead), copy, transformIn,
 *  transformOut, filter, directWeightGrad; null where the way does not apply. keptFilters: a
 *  forward pass whose transformed filters are kept from an earlier call (inference) does no
 *  filter transform. */
export function passFeatures(g: WindowGeometry, k: number, pass: ConvPass, way: PassWay, keptFilters = false): number[] | null {
  const C = g.channels, N = g.batch, taps = g.window[0] * g.window[1] * g.window[2];
  const up = (v: number, to: number) => Math.ceil(v / to) * to;
  const rows = C * taps, cols = g.outSize[0] * g.outSize[1] * g.outSize[2] * N;
  if (way === 'direct') return pass === 'weightGrad' ? [0, 0, 0, 0, 0, 0, k * rows * cols] : null;
  if (way === 'dense') return denseFeatures(g, k, pass, keptFilters);
  if (way === 'gemm') {
    // Forward: m = k, n = columns, depth rows, the columns written by im2col and packed; weight
    // gradient: m = k, n = rows, depth a tile of columns (long), the columns written and packed and
    // dy packed; input gradient: m = rows, n = columns, depth k, dy packed and col2im's adds.
    const [macs, depth, copies] = pass === 'forward' ? [up(k, 4) * rows * up(cols, 8), rows, 2 * rows * cols]
      : pass === 'weightGrad' ? [up(k, 4) * up(rows, 8) * cols, 256, 2 * rows * cols + k * cols]
        : [up(rows, 4) * up(cols, 8) * k, k, rows * cols + k * cols];
    return [macs, macs / depth, copies, 0, 0, 0, 0];
  }
  if (!winogradEligible(g)) return null;
  const filters = 16 * k * C;
  if (pass === 'inputGrad') {
    const J = up(tilesAlong(g.inSize[1], g.dilation[1]) * tilesAlong(g.inSize[2], g.dilation[2]) * N, 8), macs = 16 * up(C, 4) * k * J;
    return [macs, macs / k, 0, 16 * J * k, 16 * J * C, filters, 0];
  }
  const J = tilesAlong(g.outSize[1], g.dilation[1]) * tilesAlong(g.outSize[2], g.dilation[2]) * N;
  if (pass === 'weightGrad') {
    const macs = 16 * up(k, 4) * up(C, 8) * J;
    return [macs, macs / 256, 0, 16 * J * (C + k), 0, filters, 0];
  }
  const macs = 16 * up(k, 4) * C * up(J, 8);
  return [macs, macs / C, 0, 16 * J * C, 16 * J * k, keptFilters ? 0 : filters, 0];
}

/** A dense convolution's features (denseEligible): an M × depth × N product with M and N rounded to the
 *  register block, depth C·Pi forward, K·Po for the input gradient and the batch N for the weight
 *  gradient (whose Po·Pi products per filter and channel are then summed into dW tap by tap). The
 *  weights gathered into panels (forward and input gradient, unless inference keeps them) and the
 *  products summed into dW are priced as filter values, whose transform they resemble: each a
 *  scalar gather or scatter per weight value (measured on ResNet's 512-channel 2×2 layer, 1 thread:
 *  gathering 4.2 M values 3.3 ms, about 0.8 ns each; scattering them 4–5 ms). */
function denseFeatures(g: WindowGeometry, k: number, pass: ConvPass, keptFilters: boolean): number[] | null {
  if (!denseEligible(g)) return null;
  const up = (v: number, to: number) => Math.ceil(v / to) * to;
  const C = g.channels, N = g.batch, po = sizeOf(g.outSize), pi = sizeOf(g.inSize), values = k * po * C * pi;
  if (pass === 'weightGrad') {
    const macs = up(k * po, 4) * up(C * pi, 8) * N;
    return [macs, macs / N, 0, 0, 0, values, 0];
  }
  const [m, depth] = pass === 'forward' ? [k * po, C * pi] : [C * pi, k * po];
  const macs = up(m, 4) * depth * up(N, 8);
  return [macs, macs / depth, 0, 0, 0, pass === 'forward' && keptFilters ? 0 : values, 0];
}

/** CONV_COST in passFeatures' order, formed once (CONV_COST is read-only). */
const CONSTANTS: readonly number[] = [
  1 / CONV_COST.rate, CONV_COST.k0 / CONV_COST.rate, CONV_COST.copy, CONV_COST.transformIn, CONV_COST.transformOut,
  CONV_COST.filter, CONV_COST.directWeightGrad,
];

/** One pass's modelled single-thread ns: its multiply–adds (GEMM micro-kernel or the direct loop)
 *  and the rest (im2col/col2im copies, or the Winograd transforms). Benchmarks use the split to
 *  apportion measured kernel time. */
export interface PassCost { gemm: number; other: number }

export function passCost(g: WindowGeometry, k: number, pass: ConvPass, way: PassWay, keptFilters = false): PassCost | null {
  const f = passFeatures(g, k, pass, way, keptFilters);
  if (!f) return null;
  const c = CONSTANTS;
  const gemm = f[0] * c[0] + f[1] * c[1] + f[6] * c[6];
  return { gemm, other: f[2] * c[2] + f[3] * c[3] + f[4] * c[4] + f[5] * c[5] };
}

/** gemm: by a GEMM over the columns (im2col or column-free); winograd and dense: null where they
 *  do not apply. */
export interface ConvCosts { gemm: number; winograd: number | null; dense: number | null }

/** Estimated single-thread ns of the passes that run, by a GEMM over the columns and by Winograd
 *  (null where it does not apply); keptFilters as passFeatures. */
export function convCosts(g: WindowGeometry, k: number, passes: ConvPasses, keptFilters = false): ConvCosts {
  const list: ConvPass[] = ['forward', ...(passes.weightGrad ? ['weightGrad' as const] : []), ...(passes.inputGrad ? ['inputGrad' as const] : [])];
  const total = (way: PassWay): number | null => {
    let ns = 0;
    for (const pass of list) {
      const c = passCost(g, k, pass, way, keptFilters);
      if (!c) return null;
      ns += c.gemm + c.other;
    }
    return ns;
  };
  return { gemm: total('gemm') ?? 0, winograd: total('winograd'), dense: total('dense') };
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
 *  Where the backend keeps Winograd's transformed filters between inference calls the filter
 *  transform is left out of the cost; where it does not, 8 keeps Winograd off the layers whose
 *  filter transform a small batch does not amortise (ResNet-18's last stage at 64 px). */
export const INFERENCE_PLAN_BATCH = 8;

/** Where Winograd applies too, the dense way must cost less than this share of Winograd's: on a
 *  2×2 map the two multiply equally often and the model prices them within a few per cent, but
 *  Winograd measured faster in every pass (ResNet-18's 512-channel layer at batch 32, 1 thread:
 *  forward 9.4 against 9.9 ms, weight gradient 8.5 against 11.0, inference with kept weights 6.3
 *  against 6.7); on a 1×1 map the dense way does 1/16 of Winograd's products and wins 7–17×. */
const DENSE_OVER_WINOGRAD = 0.75;

/** The algorithm for a convolution of geometry g (its batch included) with k filters. */
export function planConv(g: WindowGeometry, k: number, kernels: ConvKernels, passes: ConvPasses): ConvPlan {
  const inference = !passes.weightGrad && !passes.inputGrad;
  if (inference) g = { ...g, batch: INFERENCE_PLAN_BATCH };
  const pointwise = g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
  if (pointwise) return { algorithm: 'pointwise', costs: null };
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2];
  const cols = g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;
  const winograd = kernels.winograd && winogradEligible(g);
  const direct = (kernels.direct ?? false) && directEligible(g) && passes.weightGrad && !passes.inputGrad;
  const dense = (kernels.dense ?? false) && denseEligible(g);
  if (forced === 'winograd' && winograd) return { algorithm: 'winograd', costs: null };
  if (forced === 'dense' && dense) return { algorithm: 'dense', costs: null };
  if (forced === 'column-free' && kernels.columnFree) return { algorithm: 'column-free', costs: null };
  if (forced === 'direct' && direct) return { algorithm: 'direct', costs: null };
  if (forced === 'im2col') return { algorithm: 'im2col', costs: null };
  const prefer = kernels.preferColumnFree;
  const family: ConvAlgorithm = kernels.columnFree && ((typeof prefer === 'function' ? prefer(g) : prefer === true) || columnFreePays(rows, cols, k)) ? 'column-free' : 'im2col';
  if (!winograd && !direct && !dense) return { algorithm: family, costs: null };
  const costs = convCosts(g, k, passes, inference && kernels.keepsFilters === true);
  let best: { algorithm: ConvAlgorithm; ns: number } = { algorithm: family, ns: costs.gemm };
  if (direct) {
    const fwd = passCost(g, k, 'forward', 'gemm')!, wgrad = passCost(g, k, 'weightGrad', 'direct')!;
    const ns = fwd.gemm + fwd.other + wgrad.gemm;
    if (ns < best.ns) best = { algorithm: 'direct', ns };
  }
  if (winograd && costs.winograd !== null && costs.winograd < best.ns) best = { algorithm: 'winograd', ns: costs.winograd };
  if (dense && costs.dense !== null) {
    const bar = winograd && costs.winograd !== null ? Math.min(best.ns, DENSE_OVER_WINOGRAD * costs.winograd) : best.ns;
    if (costs.dense < bar) best = { algorithm: 'dense', ns: costs.dense };
  }
  return { algorithm: best.algorithm, costs };
}
