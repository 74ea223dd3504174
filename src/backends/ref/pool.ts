// Pooling with neon's padding rule: each window is clipped to the valid input (layer_cpu.py
// pool_slice), so padded cells are never picked by max, never counted by avg, never summed by l2 or
// lp, and carry no weight in 'weighted'. Exact semantics: poolForward in src/kernels.ts.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs, PoolMode, WindowGeometry } from '../../kernels.ts';
import { floats, ints } from './buffer.ts';
import { dims, tapTable } from './window.ts';

/** The window-local index of the first maximum over the valid taps (strictly greater while scanning
 *  in t, r, s order), or −1 for a window with no valid cell. */
function firstMax(X: ArrayLike<number>, table: Int32Array, base: number, stride: number, offset: number, taps: number): number {
  let best = -1, bestValue = 0;
  for (let k = 0; k < taps; k++) {
    const cell = table[base + k];
    if (cell < 0) continue;
    const v = X[offset + cell * stride];
    if (best < 0 || v > bestValue) { best = k; bestValue = v; }
  }
  return best;
}

/** The Lp exponent, checked (p = 2 takes the l2 path, so callers test `mode === 'lp' && p !== 2`). */
export function lpExponent(mode: PoolMode, p: number | undefined, kernel: string): number {
  if (mode !== 'lp') return 2;
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) throw new Error(`${kernel}: mode 'lp' needs a finite p ≥ 1, got ${String(p)}`);
  return p;
}

/** Gaussian tap weights exp(−d²/(2σ²)), d measured in input cells from the window centre (dilation
 *  included), indexed t·R·S + r·S + s. Unnormalised: each window divides by its valid cells' sum. */
function gaussianTapWeights(g: WindowGeometry, sigma: number | undefined, kernel: string): Float64Array {
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new Error(`${kernel}: mode 'weighted' needs a finite sigma > 0, got ${String(sigma)}`);
  }
  const [T, R, S] = g.window, [dd, dh, dw] = g.dilation;
  const w = new Float64Array(T * R * S);
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) {
    const a = dd * (t - (T - 1) / 2), b = dh * (r - (R - 1) / 2), c = dw * (s - (S - 1) / 2);
    w[(t * R + r) * S + s] = Math.exp(-(a * a + b * b + c * c) / (2 * sigma * sigma));
  }
  return w;
}

export function poolForward({ x, y, argmax, g, mode, p, sigma }: KernelArgs<DeviceBuffer>['poolForward']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch;
  const X = floats(x, C * cells * N, 'poolForward x');
  const Y = floats(y, C * positions * N, 'poolForward y');
  const AM = mode === 'max' && argmax ? ints(argmax, C * positions * N, 'poolForward argmax') : null;
  const pe = lpExponent(mode, p, 'poolForward');
  const lp = mode === 'lp' && pe !== 2;
  const weights = mode === 'weighted' ? gaussianTapWeights(g, sigma, 'poolForward') : null;
  const table = tapTable(g);
  for (let c = 0; c < C; c++) for (let q = 0; q < positions; q++) for (let n = 0; n < N; n++) {
    const out = (c * positions + q) * N + n;
    const offset = c * cells * N + n, base = q * taps;
    if (mode === 'max') {
      const k = firstMax(X, table, base, N, offset, taps);
      Y[out] = k < 0 ? 0 : X[offset + table[base + k] * N];
      if (AM) AM[out] = k;
      continue;
    }
    // lp (p ≠ 2) scales by the window's largest |x| first, so Σ (|x|/m)^p ≤ taps cannot overflow.
    let m = 0;
    if (lp) for (let k = 0; k < taps; k++) { const cell = table[base + k]; if (cell >= 0) m = Math.max(m, Math.abs(X[offset + cell * N])); }
    let acc = 0, count = 0, wsum = 0;
    for (let k = 0; k < taps; k++) {
      const cell = table[base + k];
      if (cell < 0) continue;
      const v = X[offset + cell * N];
      if (mode === 'avg') acc += v;
      else if (weights) { acc += weights[k] * v; wsum += weights[k]; }
      else if (lp) acc += m === 0 ? 0 : Math.pow(Math.abs(v) / m, pe);
      else acc += v * v;
      count++;
    }
    if (mode === 'avg') Y[out] = count === 0 ? 0 : acc / count;
    else if (weights) Y[out] = count === 0 ? 0 : acc / wsum;
    else if (lp) Y[out] = m * Math.pow(acc, 1 / pe);
    else Y[out] = Math.sqrt(acc);
  }
}

/** Overwrites dx. max routes dy to the argmax cell (recomputed from x when argmax is null). */
export function poolBackward({ x, y, dy, argmax, dx, g, mode, p, sigma }: KernelArgs<DeviceBuffer>['poolBackward']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch;
  const X = floats(x, C * cells * N, 'poolBackward x');
  const Y = floats(y, C * positions * N, 'poolBackward y');
  const DY = floats(dy, C * positions * N, 'poolBackward dy');
  const DX = floats(dx, C * cells * N, 'poolBackward dx');
  const AM = mode === 'max' && argmax ? ints(argmax, C * positions * N, 'poolBackward argmax') : null;
  const pe = lpExponent(mode, p, 'poolBackward');
  const lp = mode === 'lp' && pe !== 2;
  const weights = mode === 'weighted' ? gaussianTapWeights(g, sigma, 'poolBackward') : null;
  const table = tapTable(g);
  // Overlapping windows add into the same cell: sum in float64, store once.
  const acc = new Float64Array(C * cells * N);
  for (let c = 0; c < C; c++) for (let q = 0; q < positions; q++) for (let n = 0; n < N; n++) {
    const out = (c * positions + q) * N + n;
    const offset = c * cells * N + n, base = q * taps;
    const d = DY[out];
    if (mode === 'max') {
      const k = AM ? AM[out] : firstMax(X, table, base, N, offset, taps);
      // An out-of-range or padding argmax (an empty window) has nowhere to go.
      const cell = k >= 0 && k < taps ? table[base + k] : -1;
      if (cell >= 0) acc[offset + cell * N] += d;
      continue;
    }
    let count = 0, wsum = 0;
    for (let k = 0; k < taps; k++) {
      if (table[base + k] < 0) continue;
      count++;
      if (weights) wsum += weights[k];
    }
    const yv = Y[out];
    for (let k = 0; k < taps; k++) {
      const cell = table[base + k];
      if (cell < 0) continue;
      const i = offset + cell * N;
      if (mode === 'avg') acc[i] += d / count;
      else if (weights) acc[i] += d * weights[k] / wsum;
      else if (yv === 0) continue;
      else if (lp) acc[i] += d * Math.sign(X[i]) * Math.pow(Math.abs(X[i]) / yv, pe - 1);
      else acc[i] += d * X[i] / yv;
    }
  }
  DX.set(acc);
}
