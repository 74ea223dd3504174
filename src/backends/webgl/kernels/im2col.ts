// im2col / col2im over [C, D, H, W, N] windows (src/kernels.ts), packed. With the batch a multiple
// of 4 a texel of x, of the columns and of dx holds 4 batch items at one place, so im2col copies a
// texel per texel and col2im gathers one texel per tap that covers a cell; other batches work value
// by value. The convolutions themselves do not go through here on this backend (conv.ts reads the
// windows straight from x); ops that need the column matrix do.
import type { WindowGeometry } from '../../../kernels.ts';
import type { WebglBuffer } from '../buffer.ts';
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime } from '../runtime.ts';
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { buf, geometryConstants, windowSizes, type WebglKernel } from './common.ts';
import { runPrefix } from './map.ts';
import { WINDOW_GLSL } from './window-glsl.ts';

/** cols[row = c·taps + k, col = p·N + n] = x[c, tap k of position p, n] (0 in the padding). */
const IM2COL: Shader = {
  name: 'im2col',
  textures: ['x'],
  glsl: (c) => `${flatReader('x')}${WINDOW_GLSL}
float colValue(int f) {
  int row = f / constants_PN;
  int col = f - row * constants_PN;
  int ch = row / constants_taps;
  int p = col / constants_N;
  int cell = tapSource(splitOut(p), splitTap(row - ch * constants_taps));
  if (cell < 0 || ch >= constants_C) return 0.0;
  return at_x((ch * constants_cells + cell) * constants_N + col - p * constants_N);
}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ${c.N % 4 === 0 ? `
  int row = t / constants_PNQ;
  int cq = t - row * constants_PNQ;
  int ch = row / constants_taps;
  int p = cq / ${c.N / 4};
  int cell = tapSource(splitOut(p), splitTap(row - ch * constants_taps));
  if (cell < 0 || ch >= constants_C) return vec4(0.0);
  return ld_x((ch * constants_cells + cell) * ${c.N / 4} + cq - p * ${c.N / 4});`
    : 'return vec4(colValue(4 * t), colValue(4 * t + 1), colValue(4 * t + 2), colValue(4 * t + 3));'}
}`,
};

/** dx[c, cell, n] = Σ over the taps k whose window reads the cell of cols[c·taps + k, p·N + n]. */
const COL2IM: Shader = {
  name: 'col2im',
  textures: ['cols'],
  glsl: (c) => `${flatReader('cols')}${WINDOW_GLSL}
float cellSum(int f) {
  int n = f - (f / constants_N) * constants_N;
  int ci = f / constants_N;
  int ch = ci / constants_cells;
  if (ch >= constants_C) return 0.0;
  ivec3 cell = splitIn(ci - ch * constants_cells);
  float acc = 0.0;
  for (int k = 0; k < constants_taps; k++) {
    int p = tapTarget(cell, splitTap(k));
    if (p >= 0) acc += at_cols((ch * constants_taps + k) * constants_PN + p * constants_N + n);
  }
  return acc;
}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ${c.N % 4 === 0 ? `
  int ci = t / ${c.N / 4};
  int nq = t - ci * ${c.N / 4};
  int ch = ci / constants_cells;
  if (ch >= constants_C) return vec4(0.0);
  ivec3 cell = splitIn(ci - ch * constants_cells);
  vec4 acc = vec4(0.0);
  for (int k = 0; k < constants_taps; k++) {
    int p = tapTarget(cell, splitTap(k));
    if (p >= 0) acc += ld_cols((ch * constants_taps + k) * constants_PNQ + p * ${c.N / 4} + nq);
  }
  return acc;`
    : 'return vec4(cellSum(4 * t), cellSum(4 * t + 1), cellSum(4 * t + 2), cellSum(4 * t + 3));'}
}`,
};

function windowConstants(g: WindowGeometry): Record<string, number> {
  const { cells, positions, taps } = windowSizes(g);
  const PN = positions * g.batch;
  return { ...geometryConstants(g), C: g.channels, cells, taps, PN, PNQ: Math.floor(PN / 4) };
}

/** im2col of x into a packed texture of C·taps·P·N values (the caller owns it). */
export function im2colTexture(rt: GpuRuntime, x: WebglBuffer, g: WindowGeometry): GpuTexture {
  const { positions, taps } = windowSizes(g);
  return rt.run1(IM2COL, rt.layout(g.channels * taps * positions * g.batch, 'a column matrix'), windowConstants(g), [x]);
}

/** col2im of a packed column texture into a packed texture of C·cells·N values. */
export function col2imTexture(rt: GpuRuntime, cols: GpuTexture, g: WindowGeometry): GpuTexture {
  const { cells } = windowSizes(g);
  return rt.run1(COL2IM, g.channels * cells * g.batch, windowConstants(g), [cols]);
}

export const im2col: WebglKernel<'im2col'> = (rt, { x, cols, g }) => {
  const { cells, positions, taps } = windowSizes(g);
  const len = g.channels * taps * positions * g.batch;
  if (len === 0) return;
  const X = buf(x, g.channels * cells * g.batch, 'im2col x'), Y = buf(cols, len, 'im2col cols');
  runPrefix(rt, Y, len, IM2COL, windowConstants(g), [X]);
};

export const col2im: WebglKernel<'col2im'> = (rt, { cols, dx, g }) => {
  const { cells, positions, taps } = windowSizes(g);
  const len = g.channels * cells * g.batch;
  if (len === 0) return;
  const Y = buf(cols, g.channels * taps * positions * g.batch, 'col2im cols'), DX = buf(dx, len, 'col2im dx');
  runPrefix(rt, DX, len, COL2IM, windowConstants(g), [Y]);
};
