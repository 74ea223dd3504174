// Pooling shaders (modes and exact semantics: poolForward / poolBackward in src/kernels.ts).
//
// With the batch a multiple of 4 ("aligned"), a texel of x, y, dy and dx holds 4 batch items at
// one place, so a window is walked once for all 4 and each tap costs one fetch. Other batches run
// the same GLSL per value: loads then broadcast one value to a vec4 and lane 0 is kept.
//
// The backward pass gathers, for each input cell, over the windows that cover it. Without
// dilation those windows form a box of output positions found with two divisions per dimension,
// walked without further index arithmetic; with dilation each tap is tested on its own.
// Mode constant: 0 max, 1 avg, 2 l2 (and lp with p = 2), 3 lp, 4 weighted (Gaussian).
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { WINDOW_GLSL } from './window-glsl.ts';

export const POOL_MODE = { max: 0, avg: 1, l2: 2, lp: 3, weighted: 4 } as const;

/** Loads of a texture by "window index": a texel when aligned, else one value broadcast. */
function loader(name: string, aligned: number): string {
  return `vec4 load_${name}(int i) { return ${aligned ? `ld_${name}(i)` : `vec4(at_${name}(i))`}; }`;
}

/** The Gaussian weight of tap k and, per dimension, the weights' sum over a range of taps. */
const GAUSS = `
float gaussAxis(int t, int size, int dil, float sigma) {
  float d = float(dil) * (float(t) - 0.5 * float(size - 1));
  return exp(-d * d / (2.0 * sigma * sigma));
}
float gaussWeight(ivec3 k, float sigma) {
  return gaussAxis(k.x, constants_T, constants_dd, sigma) * gaussAxis(k.y, constants_R, constants_dh, sigma) *
    gaussAxis(k.z, constants_S, constants_dw, sigma);
}
/** Σ of the weights of the valid taps of the window at o (the valid set is a box, so the sum
 *  factors into one sum per dimension). */
float gaussSum(ivec3 o, float sigma) {
  float total = 1.0;
  ivec3 in0 = o * ivec3(constants_sd, constants_sh, constants_sw) - ivec3(constants_pd, constants_ph, constants_pw);
  ivec3 dil = ivec3(constants_dd, constants_dh, constants_dw);
  ivec3 size = ivec3(constants_T, constants_R, constants_S);
  ivec3 lim = ivec3(constants_D, constants_H, constants_W);
  for (int a = 0; a < 3; a++) {
    float s = 0.0;
    for (int t = 0; t < size[a]; t++) {
      int i = in0[a] + t * dil[a];
      if (i >= 0 && i < lim[a]) s += gaussAxis(t, size[a], dil[a], sigma);
    }
    total *= s;
  }
  return total;
}`;

export const POOL_FORWARD: Shader = {
  name: 'poolForward',
  textures: ['x'],
  scalars: ['p', 'sigma'],
  targets: 2,
  glsl: (c) => `${flatReader('x')}${WINDOW_GLSL}${GAUSS}
${loader('x', c.aligned)}
/** The window at output o over the cells base + cell·stride: the pooled value, and in arg the
 *  window-local index of the first maximum (max mode; −1 without a valid cell). */
vec4 poolWindow(ivec3 o, int base, int stride, float p, float sigma, out vec4 arg) {
  vec4 acc = vec4(0.0);
  vec4 best = vec4(0.0);
  arg = vec4(-1.0);
  bool have = false;
  int k = 0;
  for (int t = 0; t < constants_T; t++) for (int r = 0; r < constants_R; r++) for (int s = 0; s < constants_S; s++, k++) {
    int cell = tapSource(o, ivec3(t, r, s));
    if (cell < 0) continue;
    vec4 v = load_x(base + cell * stride);
    if (constants_mode == 0) {
      bvec4 gt = have ? greaterThan(v, best) : bvec4(true);
      best = mix(best, v, gt);
      arg = mix(arg, vec4(float(k)), gt);
    } else if (constants_mode == 1) {
      acc += v;
    } else if (constants_mode == 2) {
      acc += v * v;
    } else if (constants_mode == 3) {
      best = max(best, abs(v));
    } else {
      acc += gaussWeight(ivec3(t, r, s), sigma) * v;
    }
    have = true;
  }
  if (!have) return vec4(0.0);
  if (constants_mode == 0) return best;
  if (constants_mode == 1) return acc / float(validTaps(o));
  if (constants_mode == 2) return sqrt(acc);
  if (constants_mode == 4) return acc / gaussSum(o, sigma);
  // lp: m·(Σ (|x|/m)^p)^(1/p) with m = max |x|, so that large p cannot overflow.
  vec4 m = best;
  vec4 safe = mix(m, vec4(1.0), equal(m, vec4(0.0)));
  for (int t = 0; t < constants_T; t++) for (int r = 0; r < constants_R; r++) for (int s = 0; s < constants_S; s++) {
    int cell = tapSource(o, ivec3(t, r, s));
    if (cell >= 0) acc += pow(abs(load_x(base + cell * stride)) / safe, vec4(p));
  }
  return mix(m * pow(acc, vec4(1.0 / p)), vec4(0.0), equal(m, vec4(0.0)));
}
vec4 argonMain(int x, int y, float p, float sigma) {
  ${OUT_TEXEL}
  vec4 arg;
  ${c.aligned ? `
  int ch = t / constants_PNQ;
  int rem = t - ch * constants_PNQ;
  int pos = rem / ${c.N / 4};
  vec4 v = poolWindow(splitOut(pos), ch * constants_cells * ${c.N / 4} + rem - pos * ${c.N / 4}, ${c.N / 4}, p, sigma, arg);
  argonT1 = arg;
  return v;` : `
  vec4 v, args;
  for (int l = 0; l < 4; l++) {
    int f = min(4 * t + l, constants_outLen - 1);
    int ci = f / constants_N;
    int ch = ci / constants_P;
    v[l] = poolWindow(splitOut(ci - ch * constants_P), ch * constants_cells * constants_N + f - ci * constants_N, constants_N, p, sigma, arg).x;
    args[l] = arg.x;
  }
  argonT1 = args;
  return v;`}
}`,
};

export const POOL_BACKWARD: Shader = {
  name: 'poolBackward',
  textures: ['x', 'y', 'dy', 'argmax'],
  scalars: ['p', 'sigma'],
  glsl: (c) => `${flatReader('x')}${flatReader('y')}${flatReader('dy')}${flatReader('argmax')}${WINDOW_GLSL}${GAUSS}
${loader('y', c.aligned)}
${loader('dy', c.aligned)}
${loader('argmax', c.aligned)}
/** What the window at position pos (tap k of it covers this cell) sends back to the cell. */
vec4 share(ivec3 o, ivec3 k, int at, vec4 xv, float p, float sigma) {
  vec4 d = load_dy(at);
  if (constants_mode == 0) return d * vec4(equal(load_argmax(at), vec4(float((k.x * constants_R + k.y) * constants_S + k.z))));
  if (constants_mode == 1) return d / float(validTaps(o));
  if (constants_mode == 4) return d * gaussWeight(k, sigma) / gaussSum(o, sigma);
  vec4 yv = load_y(at);
  bvec4 zero = equal(yv, vec4(0.0));
  vec4 safe = mix(yv, vec4(1.0), zero);
  vec4 g = constants_mode == 2 ? d * xv / safe : d * sign(xv) * pow(abs(xv) / safe, vec4(p - 1.0));
  return mix(g, vec4(0.0), zero);
}
/** Σ over the windows covering input cell ic of channel ch (window index base: ch·P·stride + nOff). */
vec4 gather(ivec3 ic, int ch, int nOff, int stride, vec4 xv, float p, float sigma) {
  vec4 acc = vec4(0.0);
  int base = ch * constants_P * stride + nOff;
  ${c.dil1 ? `
  ivec3 st = ivec3(constants_sd, constants_sh, constants_sw);
  ivec3 a = ic + ivec3(constants_pd, constants_ph, constants_pw);
  ivec3 lo = a - ivec3(constants_T - 1, constants_R - 1, constants_S - 1);
  lo = max(ivec3(0), (max(lo, ivec3(0)) + st - 1) / st);
  ivec3 hi = min(a / st, ivec3(constants_OD - 1, constants_OH - 1, constants_OW - 1));
  for (int od = lo.x; od <= hi.x; od++) for (int oh = lo.y; oh <= hi.y; oh++) for (int ow = lo.z; ow <= hi.z; ow++) {
    ivec3 o = ivec3(od, oh, ow);
    acc += share(o, a - o * st, base + ((od * constants_OH + oh) * constants_OW + ow) * stride, xv, p, sigma);
  }` : `
  for (int t = 0; t < constants_T; t++) for (int r = 0; r < constants_R; r++) for (int s = 0; s < constants_S; s++) {
    ivec3 k = ivec3(t, r, s);
    int pos = tapTarget(ic, k);
    if (pos >= 0) acc += share(splitOut(pos), k, base + pos * stride, xv, p, sigma);
  }`}
  return acc;
}
vec4 argonMain(int x, int y, float p, float sigma) {
  ${OUT_TEXEL}
  ${c.aligned ? `
  int ci = t / ${c.N / 4};
  int ch = ci / constants_cells;
  return gather(splitIn(ci - ch * constants_cells), ch, t - ci * ${c.N / 4}, ${c.N / 4}, ld_x(t), p, sigma);` : `
  vec4 v;
  for (int l = 0; l < 4; l++) {
    int f = min(4 * t + l, constants_inLen - 1);
    int ci = f / constants_N;
    int ch = ci / constants_cells;
    v[l] = gather(splitIn(ci - ch * constants_cells), ch, f - ci * constants_N, constants_N, vec4(at_x(f)), p, sigma).x;
  }
  return v;`}
}`,
};
