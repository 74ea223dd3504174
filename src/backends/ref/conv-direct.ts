// Convolution kernels straight from their definitions, without a column matrix: the fused inference
// convolution and the two training gradients (the wasm backend tiles them; these are their spec).
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';
import { dims, tapTable } from './window.ts';

/** The fused inference convolution straight from its definition: every output summed over the
 *  window in float64, then scale, shift and Rectlin applied once, then stored. */
export function convForward({ x, w, y, g, k: K, scale, shift, slope }: KernelArgs<DeviceBuffer>['convForward']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch, rows = C * taps;
  const X = floats(x, C * cells * N, 'convForward x');
  const Wt = floats(w, K * rows, 'convForward w');
  const Y = floats(y, K * positions * N, 'convForward y');
  const S = scale ? floats(scale, K, 'convForward scale') : null;
  const T = shift ? floats(shift, K, 'convForward shift') : null;
  const table = tapTable(g);
  const acc = new Float64Array(N);
  for (let k = 0; k < K; k++) for (let p = 0; p < positions; p++) {
    acc.fill(0);
    for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) {
      const cell = table[p * taps + t];
      if (cell < 0) continue;
      const wv = Wt[k * rows + c * taps + t], at = (c * cells + cell) * N;
      for (let n = 0; n < N; n++) acc[n] += wv * X[at + n];
    }
    for (let n = 0; n < N; n++) {
      let v = acc[n] * (S ? S[k] : 1) + (T ? T[k] : 0);
      if (slope !== null) v = Math.max(v, 0) + slope * Math.min(v, 0);
      Y[(k * positions + p) * N + n] = v;
    }
  }
}

/** dw[k, c·taps + t] = Σ over positions p and batch n of dy[k, p·N + n]·x[c, cell(p, t), n], in float64. */
export function convWeightGrad({ x, dy, dw, g, k: K }: KernelArgs<DeviceBuffer>['convWeightGrad']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch, rows = C * taps;
  const X = floats(x, C * cells * N, 'convWeightGrad x');
  const DY = floats(dy, K * positions * N, 'convWeightGrad dy');
  const DW = floats(dw, K * rows, 'convWeightGrad dw');
  const table = tapTable(g);
  for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) {
    let s = 0;
    for (let p = 0; p < positions; p++) {
      const cell = table[p * taps + t];
      if (cell < 0) continue;
      const d = (k * positions + p) * N, at = (c * cells + cell) * N;
      for (let n = 0; n < N; n++) s += DY[d + n] * X[at + n];
    }
    DW[k * rows + c * taps + t] = s;
  }
}

/** dx[c, cell, n] = Σ over the (p, t) that read it and k of w[k, c·taps + t]·dy[k, p·N + n], in float64. */
export function convInputGrad({ dy, w, dx, g, k: K }: KernelArgs<DeviceBuffer>['convInputGrad']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch, rows = C * taps;
  const DY = floats(dy, K * positions * N, 'convInputGrad dy');
  const Wt = floats(w, K * rows, 'convInputGrad w');
  const DX = floats(dx, C * cells * N, 'convInputGrad dx');
  const table = tapTable(g);
  const acc = new Float64Array(C * cells * N);
  for (let p = 0; p < positions; p++) for (let t = 0; t < taps; t++) {
    const cell = table[p * taps + t];
    if (cell < 0) continue;
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      const wv = Wt[k * rows + c * taps + t], d = (k * positions + p) * N, at = (c * cells + cell) * N;
      for (let n = 0; n < N; n++) acc[at + n] += wv * DY[d + n];
    }
  }
  DX.set(acc);
}
