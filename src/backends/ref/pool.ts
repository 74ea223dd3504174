// Pooling with neon's padding rule: each window is clipped to the valid input (layer_cpu.py
// pool_slice), so padded cells are never picked by max, never counted by avg, never summed by l2.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
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

export function poolForward({ x, y, argmax, g, mode }: KernelArgs<DeviceBuffer>['poolForward']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch;
  const X = floats(x, C * cells * N, 'poolForward x');
  const Y = floats(y, C * positions * N, 'poolForward y');
  const AM = mode === 'max' && argmax ? ints(argmax, C * positions * N, 'poolForward argmax') : null;
  const table = tapTable(g);
  for (let c = 0; c < C; c++) for (let p = 0; p < positions; p++) for (let n = 0; n < N; n++) {
    const out = (c * positions + p) * N + n;
    const offset = c * cells * N + n, base = p * taps;
    if (mode === 'max') {
      const k = firstMax(X, table, base, N, offset, taps);
      Y[out] = k < 0 ? 0 : X[offset + table[base + k] * N];
      if (AM) AM[out] = k;
      continue;
    }
    let acc = 0, count = 0;
    for (let k = 0; k < taps; k++) {
      const cell = table[base + k];
      if (cell < 0) continue;
      const v = X[offset + cell * N];
      acc += mode === 'avg' ? v : v * v;
      count++;
    }
    if (mode === 'avg') Y[out] = count === 0 ? 0 : acc / count;
    else Y[out] = Math.sqrt(acc);
  }
}

/** Overwrites dx. max routes dy to the argmax cell (recomputed from x when argmax is null). */
export function poolBackward({ x, y, dy, argmax, dx, g, mode }: KernelArgs<DeviceBuffer>['poolBackward']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch;
  const X = floats(x, C * cells * N, 'poolBackward x');
  const Y = floats(y, C * positions * N, 'poolBackward y');
  const DY = floats(dy, C * positions * N, 'poolBackward dy');
  const DX = floats(dx, C * cells * N, 'poolBackward dx');
  const AM = mode === 'max' && argmax ? ints(argmax, C * positions * N, 'poolBackward argmax') : null;
  const table = tapTable(g);
  // Overlapping windows add into the same cell: sum in float64, store once.
  const acc = new Float64Array(C * cells * N);
  for (let c = 0; c < C; c++) for (let p = 0; p < positions; p++) for (let n = 0; n < N; n++) {
    const out = (c * positions + p) * N + n;
    const offset = c * cells * N + n, base = p * taps;
    const d = DY[out];
    if (mode === 'max') {
      const k = AM ? AM[out] : firstMax(X, table, base, N, offset, taps);
      // An out-of-range or padding argmax (an empty window) has nowhere to go.
      const cell = k >= 0 && k < taps ? table[base + k] : -1;
      if (cell >= 0) acc[offset + cell * N] += d;
      continue;
    }
    let count = 0;
    for (let k = 0; k < taps; k++) if (table[base + k] >= 0) count++;
    for (let k = 0; k < taps; k++) {
      const cell = table[base + k];
      if (cell < 0) continue;
      const i = offset + cell * N;
      if (mode === 'avg') acc[i] += d / count;
      else if (Y[out] !== 0) acc[i] += d * X[i] / Y[out];
    }
  }
  DX.set(acc);
}
