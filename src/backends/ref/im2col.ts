import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';
import { dims, tapTable } from './window.ts';

/** cols[c·TRS + k, p·N + n] = x[c, cell(p, k), n], 0 for padding taps (k = (t·R + r)·S + s). */
export function im2col({ x, cols, g }: KernelArgs<DeviceBuffer>['im2col']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch, PN = positions * N;
  const X = floats(x, C * cells * N, 'im2col x');
  const Y = floats(cols, C * taps * PN, 'im2col cols');
  const table = tapTable(g);
  for (let c = 0; c < C; c++) for (let k = 0; k < taps; k++) {
    const row = (c * taps + k) * PN;
    for (let p = 0; p < positions; p++) {
      const cell = table[p * taps + k];
      for (let n = 0; n < N; n++) Y[row + p * N + n] = cell < 0 ? 0 : X[(c * cells + cell) * N + n];
    }
  }
}

/** The adjoint: every column entry im2col read from x[c, cell, n] is added back there. Overwrites dx. */
export function col2im({ cols, dx, g }: KernelArgs<DeviceBuffer>['col2im']): void {
  const { cells, positions, taps } = dims(g);
  const C = g.channels, N = g.batch, PN = positions * N;
  const Y = floats(cols, C * taps * PN, 'col2im cols');
  const DX = floats(dx, C * cells * N, 'col2im dx');
  const table = tapTable(g);
  // Sum in float64 whatever the storage, then store once.
  const acc = new Float64Array(C * cells * N);
  for (let c = 0; c < C; c++) for (let k = 0; k < taps; k++) {
    const row = (c * taps + k) * PN;
    for (let p = 0; p < positions; p++) {
      const cell = table[p * taps + k];
      if (cell < 0) continue;
      for (let n = 0; n < N; n++) acc[(c * cells + cell) * N + n] += Y[row + p * N + n];
    }
  }
  DX.set(acc);
}
