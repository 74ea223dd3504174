// im2col / col2im over [C, D, H, W, N] windows (src/kernels.ts). col2im gathers: one thread per
// input cell sums the column entries of every window tap that read it, so no atomics are needed.
// The window natives (natives.ts) take the geometry constants in one fixed order:
// N D H W T R S OD OH OW sd sh sw pd ph pw dd dh dw (geometryConstants()).
import type { KernelThis } from '../gpujs.ts';
import { buf, geometryConstants, windowSizes, type Arr, type WebglKernel } from './common.ts';

export function im2colK(this: KernelThis, x: Arr): number {
  if (anIm2col(this.thread.x, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) < 0) return 0;
  return x[anIm2col(this.thread.x, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
}

/** dx[cell] = Σ over taps of the cols entries that im2col copied from this cell. */
export function col2imK(this: KernelThis, cols: Arr): number {
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 1, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          acc += cols[anWinDst(this.thread.x, t, r, s, 1, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
        }
      }
    }
  }
  return acc;
}

export const im2col: WebglKernel<'im2col'> = (rt, { x, cols, g }) => {
  const { cells, positions, taps } = windowSizes(g);
  const len = g.channels * taps * positions * g.batch;
  if (len === 0) return;
  const X = buf(x, g.channels * cells * g.batch, 'im2col x'), Y = buf(cols, len, 'im2col cols');
  rt.assign(Y, rt.run('im2col', im2colK, len, geometryConstants(g), [X]), 0, len);
};

export const col2im: WebglKernel<'col2im'> = (rt, { cols, dx, g }) => {
  const { cells, positions, taps } = windowSizes(g);
  const len = g.channels * cells * g.batch;
  if (len === 0) return;
  const Y = buf(cols, g.channels * taps * positions * g.batch, 'col2im cols'), DX = buf(dx, len, 'col2im dx');
  rt.assign(DX, rt.run('col2im', col2imK, len, geometryConstants(g), [Y]), 0, len);
};
