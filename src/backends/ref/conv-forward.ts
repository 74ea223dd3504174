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
