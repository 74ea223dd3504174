// Softmax over the class axis of [classes, batch] (column-wise, max-subtracted) and its gradient.
// Each invocation writes 4 values and recomputes their columns' max and sums (classes is small).
// With batch a multiple of 4 a texel holds 4 columns of one class, so a column walk fetches one
// texel per class for all 4; otherwise each value walks its own column.
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { buf, type WebglKernel } from './common.ts';
import { runPrefix } from './map.ts';

/** GLSL walking the 4 columns of output texel t: vec4 col(k) reads class k of them. */
function columns(c: Record<string, number>, inputs: string[]): string {
  const bq = c.batch / 4;
  const decls = c.aligned
    ? `int k0 = t / ${bq}; int q = t - k0 * ${bq};`
    : 'ivec4 n = ivec4(4 * t) + ivec4(0, 1, 2, 3); ivec4 k0 = n / constants_batch; n -= k0 * constants_batch;';
  const col = inputs.map((x) => (c.aligned
    ? `vec4 col_${x}(int q, int k) { return ld_${x}(k * ${bq} + q); }`
    : `vec4 col_${x}(ivec4 n, int k) { int b = k * constants_batch; return vec4(at_${x}(b + n.x), at_${x}(b + n.y), at_${x}(b + n.z), at_${x}(b + n.w)); }`)).join('\n');
  return `${inputs.map(flatReader).join('')}\n${col}\n#define ARGON_COLUMNS ${decls}\n#define ARGON_AT ${c.aligned ? 'q' : 'n'}`;
}

const SOFTMAX: Shader = {
  name: 'softmax',
  textures: ['x'],
  glsl: (c) => `${columns(c, ['x'])}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ARGON_COLUMNS
  vec4 m = col_x(ARGON_AT, 0);
  for (int k = 1; k < constants_classes; k++) m = max(m, col_x(ARGON_AT, k));
  vec4 total = vec4(0.0);
  for (int k = 0; k < constants_classes; k++) total += exp(col_x(ARGON_AT, k) - m);
  return exp(ld_x(t) - m) / total;
}`,
};

const SOFTMAX_GRAD: Shader = {
  name: 'softmaxGrad',
  textures: ['y', 'dy'],
  glsl: (c) => `${columns(c, ['y', 'dy'])}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ARGON_COLUMNS
  vec4 s = vec4(0.0);
  for (int k = 0; k < constants_classes; k++) s += col_y(ARGON_AT, k) * col_dy(ARGON_AT, k);
  return ld_y(t) * (ld_dy(t) - s);
}`,
};

export const softmax: WebglKernel<'softmax'> = (rt, { x, y, classes, batch }) => {
  const len = classes * batch;
  if (len === 0) return;
  runPrefix(rt, buf(y, len, 'softmax y'), len, SOFTMAX, { classes, batch, aligned: batch % 4 === 0 ? 1 : 0 }, [buf(x, len, 'softmax x')]);
};

export const softmaxGrad: WebglKernel<'softmaxGrad'> = (rt, { y, dy, dx, classes, batch }) => {
  const len = classes * batch;
  if (len === 0) return;
  runPrefix(rt, buf(dx, len, 'softmaxGrad dx'), len, SOFTMAX_GRAD, { classes, batch, aligned: batch % 4 === 0 ? 1 : 0 }, [buf(y, len, 'softmaxGrad y'), buf(dy, len, 'softmaxGrad dy')]);
};
