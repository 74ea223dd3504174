// Convolution without a column matrix ("implicit GEMM"), for batches that are a multiple of 4: a
// texel of x, y, dy and dx then holds 4 batch items at one place, and every kernel below is a GEMM
// whose operands are read straight from the tensors.
//
// forward      y[k, p, n]   = Σ_{c,tap} W[k, c, tap] · x[c, tap(p), n]
//   a block is T output channels × 4 batch items at one position; per valid tap and input
//   channel: 1 texel of x and T/4 texels of the repacked weights WT ([C·taps, K] in channel quads),
//   4·T multiply-adds.
// weight grad  dW[k, j]     = Σ_{p,n} dy[k, p, n] · x[c_j, tap_j(p), n]
//   a block is T output channels × 4 consecutive (channel, tap) columns j; per position and batch
//   quad: 4 texels of x and T of dy, 16·T multiply-adds (4×4 matrix products). Long sums over
//   positions are split into slices that the gather pass adds.
// input grad   dx[c, cell, n] = Σ_{k, taps reading cell} W[k, c, tap] · dy[k, pos, n]
//   a block is T input channels × 4 batch items at one cell; per covering tap and output channel:
//   1 texel of dy and T/4 texels of the repacked weights WI ([K·taps, C] in channel quads).
// Each block's T rows go to T render targets; gather.ts puts them in place and, for an inference
// forward, applies the folded BatchNorm or bias and Rectlin.
import { accumulators, flatReader, OUT_TEXEL, range, returnAccumulators, shaderFamily, type Shader } from '../shader.ts';
import { WINDOW_GLSL } from './window-glsl.ts';

/** T rank-1 updates acc_r += v · w_{r/4}[r % 4] (w0, w1: weight texels of 4 channels each). */
const rank1 = (T: number, v: string): string => range(T).map((r) => `acc${r} += ${v} * w${r >> 2}[${r & 3}];`).join(' ');

/** [K, C·taps] → WT: texel (j, kq) = W[4kq…4kq+3, j], zeros past K. */
export const PACK_WT: Shader = {
  name: 'packWT',
  textures: ['w'],
  glsl: () => `${flatReader('w')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  int j = t / constants_KQ4;
  int k0 = 4 * (t - j * constants_KQ4);
  vec4 v = vec4(0.0);
  for (int l = 0; l < 4; l++) if (k0 + l < constants_K && j < constants_CRS) v[l] = at_w((k0 + l) * constants_CRS + j);
  return v;
}`,
};

/** [K, C, taps] → WI: texel (k·taps + tap, cq) = W[k, 4cq…4cq+3, tap], zeros past C. */
export const PACK_WI: Shader = {
  name: 'packWI',
  textures: ['w'],
  glsl: () => `${flatReader('w')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  int idx = t / constants_CQ4;
  int c0 = 4 * (t - idx * constants_CQ4);
  int k = idx / constants_taps;
  int tap = idx - k * constants_taps;
  vec4 v = vec4(0.0);
  for (int l = 0; l < 4; l++) if (c0 + l < constants_C && k < constants_K) v[l] = at_w(k * constants_CRS + (c0 + l) * constants_taps + tap);
  return v;
}`,
};

/** The forward and the input gradient are one GEMM over a window: a block is T rows (output
 *  channels; input channels) × 4 batch items at one place (an output position; an input cell); per
 *  place `tap` links to (tapSource; tapTarget) and per step along the reduction (input channels;
 *  output channels) it reads 1 texel of `src` and T/4 texels of the repacked weights. */
interface WindowGemm {
  name: string;
  /** The source tensor and the repacked weights (texture names). */
  src: string; weights: string;
  /** Constants: row blocks, places × batch quads, weight texels per tap row, reduction depth. */
  blocks: string; placeQuads: string; quads: string; depth: string;
  /** GLSL: a place's coordinates from its index; the source place a tap links to (−1: none);
   *  the source stride between reduction steps. */
  split: string; tap: string; srcStep: string;
}

function windowGemmSource(g: WindowGemm, T: number): string {
  return `${flatReader(g.src)}${flatReader(g.weights)}${WINDOW_GLSL}
vec4 argonMain(int x, int y) {
  int id = (y << constants_outS) + x;
  if (id >= constants_${g.blocks} * constants_${g.placeQuads}) return vec4(0.0);
  int blk = id / constants_${g.placeQuads};
  int rem = id - blk * constants_${g.placeQuads};
  int place = rem / constants_NQ;
  int nq = rem - place * constants_NQ;
  ivec3 here = ${g.split}(place);
  ${accumulators(T)}
  for (int t = 0; t < constants_T; t++) for (int r = 0; r < constants_R; r++) for (int s = 0; s < constants_S; s++) {
    int linked = ${g.tap}(here, ivec3(t, r, s));
    if (linked < 0) continue;
    int vi = linked * constants_NQ + nq;
    int wi = ((t * constants_R + r) * constants_S + s) * constants_${g.quads} + blk * ${T / 4};
    for (int d = 0; d < constants_${g.depth}; d++) {
      vec4 v = ld_${g.src}(vi);
      ${range(T / 4).map((h) => `vec4 w${h} = ld_${g.weights}(wi + ${h});`).join(' ')}
      ${rank1(T, 'v')}
      vi += ${g.srcStep};
      wi += constants_taps * constants_${g.quads};
    }
  }
  ${returnAccumulators(T)}
}`;
}

const FORWARD: WindowGemm = {
  name: 'convForward', src: 'x', weights: 'wt', blocks: 'KB', placeQuads: 'PNQ', quads: 'KQ4', depth: 'C',
  split: 'splitOut', tap: 'tapSource', srcStep: 'constants_cells * constants_NQ',
};
const INPUT_GRAD: WindowGemm = {
  name: 'convInputGrad', src: 'dy', weights: 'wi', blocks: 'CB', placeQuads: 'CNQ', quads: 'CQ4', depth: 'K',
  split: 'splitIn', tap: 'tapTarget', srcStep: 'constants_P * constants_NQ',
};

const windowGemmShader = (g: WindowGemm): ((T: number) => Shader) => shaderFamily((T: number): Shader => ({
  name: `${g.name}${T}`, textures: [g.src, g.weights], targets: T, glsl: () => windowGemmSource(g, T),
}));

export const convForwardCore = windowGemmShader(FORWARD);
export const convInputGradCore = windowGemmShader(INPUT_GRAD);

export const convWeightGradCore = shaderFamily((T: number): Shader => ({
  name: `convWeightGrad${T}`,
  textures: ['x', 'dy'],
  targets: T,
  glsl: () => `${flatReader('x')}${flatReader('dy')}${WINDOW_GLSL}
vec4 argonMain(int x, int y) {
  int id = (y << constants_outS) + x;
  if (id >= constants_SB * constants_SL) return vec4(0.0);
  int z = id / constants_SB;
  int rem = id - z * constants_SB;
  int kb = rem / constants_JQ;
  int jq = rem - kb * constants_JQ;
  ivec4 j = ivec4(4 * jq) + ivec4(0, 1, 2, 3);
  ivec4 ch = j / constants_taps;
  ivec3 tap0 = splitTap(j.x - ch.x * constants_taps), tap1 = splitTap(j.y - ch.y * constants_taps);
  ivec3 tap2 = splitTap(j.z - ch.z * constants_taps), tap3 = splitTap(j.w - ch.w * constants_taps);
  bvec4 ok = lessThan(j, ivec4(constants_CRS));
  int p0 = z * constants_PL;
  int p1 = min(p0 + constants_PL, constants_P);
  ivec3 o = splitOut(p0);
  int rowStep = constants_P * constants_NQ;
  ${accumulators(T)}
  for (int pos = p0; pos < p1; pos++) {
    ivec4 cell = ivec4(ok.x ? tapSource(o, tap0) : -1, ok.y ? tapSource(o, tap1) : -1, ok.z ? tapSource(o, tap2) : -1, ok.w ? tapSource(o, tap3) : -1);
    ivec4 xb = (ch * constants_cells + cell) * constants_NQ;
    int db = (kb * ${T} * constants_P + pos) * constants_NQ;
    for (int nq = 0; nq < constants_NQ; nq++) {
      mat4 xm = mat4(cell.x >= 0 ? ld_x(xb.x + nq) : vec4(0.0), cell.y >= 0 ? ld_x(xb.y + nq) : vec4(0.0),
        cell.z >= 0 ? ld_x(xb.z + nq) : vec4(0.0), cell.w >= 0 ? ld_x(xb.w + nq) : vec4(0.0));
      ${range(T).map((r) => `acc${r} += ld_dy(db + ${r} * rowStep + nq) * xm;`).join('\n      ')}
    }
    o.z++;
    if (o.z == constants_OW) { o.z = 0; o.y++; if (o.y == constants_OH) { o.y = 0; o.x++; } }
  }
  ${returnAccumulators(T)}
}`,
}));
