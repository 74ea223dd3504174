// Elementwise and per-channel kernels. Scalars (a, b, alpha, value, limit) are kernel arguments,
// not constants, so a changing value never recompiles.
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { buf, type WebglKernel } from './common.ts';
import { intoKeepingTail, KEEP_TAIL, returnKeepingTail, runMap, type MapOp } from './map.ts';

const AXPBY: MapOp = { name: 'axpby', inputs: ['x', 'y'], scalars: ['a', 'b'], expr: 'a * vx + b * vy' };
const MUL: MapOp = { name: 'mul', inputs: ['x', 'y'], expr: 'vx * vy' };
const SCALE: MapOp = { name: 'scale', inputs: ['x'], scalars: ['alpha'], expr: 'alpha * vx' };
const CLIP: MapOp = { name: 'clip', inputs: ['x'], scalars: ['limit'], expr: 'min(max(vx, vec4(-limit)), vec4(limit))' };
const FILL: MapOp = { name: 'fill', inputs: [], scalars: ['value'], expr: 'vec4(value)' };

export const axpby: WebglKernel<'axpby'> = (rt, { x, y, out, n, a, b }) => {
  if (n === 0) return;
  runMap(rt, AXPBY, buf(out, n, 'axpby out'), n, [buf(x, n, 'axpby x'), buf(y, n, 'axpby y')], [a, b]);
};

export const mul: WebglKernel<'mul'> = (rt, { x, y, out, n }) => {
  if (n === 0) return;
  runMap(rt, MUL, buf(out, n, 'mul out'), n, [buf(x, n, 'mul x'), buf(y, n, 'mul y')]);
};

export const scale: WebglKernel<'scale'> = (rt, { x, out, n, alpha }) => {
  if (n === 0) return;
  runMap(rt, SCALE, buf(out, n, 'scale out'), n, [buf(x, n, 'scale x')], [alpha]);
};

export const clip: WebglKernel<'clip'> = (rt, { x, out, n, limit }) => {
  if (n === 0) return;
  runMap(rt, CLIP, buf(out, n, 'clip out'), n, [buf(x, n, 'clip x')], [limit]);
};

export const fill: WebglKernel<'fill'> = (rt, { x, n, value }) => {
  if (n === 0) return;
  runMap(rt, FILL, buf(x, n, 'fill x'), n, [], [value]);
};

/** out[i] = x[i − outOffset + xOffset] inside [outOffset, outOffset + n), old[i] elsewhere. When
 *  the two offsets agree modulo 4, each output texel is one input texel (`shift` texels away);
 *  otherwise each value is fetched on its own. */
const COPY: Shader = {
  name: 'copy',
  textures: ['x', 'old'],
  glsl: (c) => `${flatReader('x')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  vec4 old = texelFetch(user_old, ivec2(x, y), 0);
  int i0 = 4 * t;
  if (i0 + 3 < constants_lo || i0 >= constants_hi) return old;
  vec4 v = ${c.aligned ? 'ld_x(t + constants_shift)' : 'vec4(0.0)'};
  vec4 r = old;
  for (int l = 0; l < 4; l++) {
    int i = i0 + l;
    if (i >= constants_lo && i < constants_hi) r[l] = ${c.aligned ? 'v[l]' : 'at_x(i + constants_delta)'};
  }
  return r;
}`,
};

export const copy: WebglKernel<'copy'> = (rt, { x, out, n, xOffset, outOffset }) => {
  if (n === 0) return;
  const X = buf(x, xOffset + n, 'copy x'), O = buf(out, outOffset + n, 'copy out');
  const delta = xOffset - outOffset, aligned = delta % 4 === 0 ? 1 : 0;
  rt.into(O, COPY, { lo: outOffset, hi: outOffset + n, delta, aligned, shift: aligned ? delta / 4 : 0 }, [X, rt.texture(O)]);
};

/** y[c, j] = x[c, j] + bias[c] over [channels, inner]; whole texels share a channel when inner is
 *  a multiple of 4 (one division per texel), else each value finds its own. A y longer than
 *  channels·inner keeps its tail (n = channels·inner). */
const BIAS_ADD: Shader = {
  name: 'biasAdd',
  textures: ['x', 'bias'],
  glsl: (c) => `${flatReader('x')}${flatReader('bias')}${c.partial ? KEEP_TAIL : ''}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  vec4 v = ld_x(t);
  ${c.inner % 4 === 0
    ? `v += at_bias(min(t / ${c.inner / 4}, constants_channels - 1));`
    : 'for (int l = 0; l < 4; l++) v[l] += at_bias(min((4 * t + l) / constants_inner, constants_channels - 1));'}
  ${returnKeepingTail(c, 'v')}
}`,
};

export const biasAdd: WebglKernel<'biasAdd'> = (rt, { x, bias, y, channels, inner }) => {
  const n = channels * inner;
  if (n === 0) return;
  const X = buf(x, n, 'biasAdd x'), B = buf(bias, channels, 'biasAdd bias'), Y = buf(y, n, 'biasAdd y');
  intoKeepingTail(rt, Y, n, BIAS_ADD, { inner, channels }, [X, B]);
};
