// Exact integer index arithmetic in GLSL, registered with gpu.js as native functions.
//
// Why natives: gpu.js translates kernels to GLSL and declares every local variable a float, even
// one initialised from an integer (gpu.js src/backend/web-gl/function-node.js,
// astVariableDeclaration: "Since we are assigning to a float"), and it turns `/` and `%` into float
// division. A float holds integers exactly only up to 2^24, so a flat index into a buffer of more
// than 16.7M values would silently read the wrong cell. Loop counters, `this.thread.x`, Integer
// constants and these functions' results stay `int` when used inline, so kernels compute every
// large index with these helpers directly inside the subscript and keep only small values (a
// channel, a batch column) in locals.
//
// Each helper is self-contained: gpu.js emits natives in an order of its own, and GLSL needs a
// function defined before it is called. The sources are valid GLSL ES 1.00 and 3.00 (no loops, no
// unsigned types), so headless-gl's WebGL1 compiles them too.
import type { NativeFunction } from './gpujs.ts';

/** The geometry parameters every window helper takes, in this order (kernels pass the constants
 *  of geometryConstants() in the same order). */
const GEOM = 'int N, int D, int H, int W, int T, int R, int S, int OD, int OH, int OW, ' +
  'int sd, int sh, int sw, int pd, int ph, int pw, int dd, int dh, int dw';

/** Splits output position p into (od, oh, ow). */
const SPLIT_P = `
  int od = p / (OH * OW);
  int oh = p / OW - (p / (OH * OW)) * OH;
  int ow = p - (p / OW) * OW;`;

/** The input cell of tap (t, r, s) at output position (od, oh, ow), or −1 in the padding. */
const TAP_SOURCE = `
  int d = od * sd - pd + t * dd;
  int h = oh * sh - ph + r * dh;
  int w = ow * sw - pw + s * dw;
  if (d < 0 || d >= D || h < 0 || h >= H || w < 0 || w >= W) return -1;`;

/** The output position whose tap (t, r, s) reads input cell (d, h, w), or −1 when there is none. */
const TAP_TARGET = `
  int ad = d + pd - t * dd;
  int ah = h + ph - r * dh;
  int aw = w + pw - s * dw;
  if (ad < 0 || ah < 0 || aw < 0) return -1;
  if (ad - (ad / sd) * sd != 0 || ah - (ah / sh) * sh != 0 || aw - (aw / sw) * sw != 0) return -1;
  int od = ad / sd;
  int oh = ah / sh;
  int ow = aw / sw;
  if (od >= OD || oh >= OH || ow >= OW) return -1;
  int p = (od * OH + oh) * OW + ow;`;

/** Splits input index i = ((c·D + d)·H + h)·W + w)·N + n. */
const SPLIT_INPUT = `
  int n = i - (i / N) * N;
  int cell = i / N;
  int cells = D * H * W;
  int c = cell / cells;
  cell = cell - c * cells;
  int d = cell / (H * W);
  int h = cell / W - (cell / (H * W)) * H;
  int w = cell - (cell / W) * W;`;

/** Valid taps along one dimension at output coordinate o: t in [0, K) with 0 ≤ o·s − p + t·dil < X. */
const COUNT_1D = (o: string, X: string, K: string, s: string, p: string, dl: string): string => `
  {
    int a = ${p} - ${o} * ${s};
    int lo = a <= 0 ? 0 : (a + ${dl} - 1) / ${dl};
    int b = ${X} - 1 - ${o} * ${s} + ${p};
    int hi = b < 0 ? -1 : b / ${dl};
    if (hi > ${K} - 1) hi = ${K} - 1;
    count = hi < lo ? 0 : count * (hi - lo + 1);
  }`;

export const NATIVES: readonly NativeFunction[] = [
  { name: 'anDiv', source: 'int anDiv(int a, int b) { return a / b; }' },
  { name: 'anMod', source: 'int anMod(int a, int b) { return a - (a / b) * b; }' },
  // C[m×n], i = row·n + col; op(A)[row, p] is A[row·k + p], or A[p·m + row] when transposed.
  { name: 'anGemmA', source: `int anGemmA(int i, int p, int n, int k, int m, int trans) {
  int row = i / n;
  return trans == 1 ? p * m + row : row * k + p;
}` },
  // op(B)[p, col] is B[p·n + col], or B[col·k + p] when transposed.
  { name: 'anGemmB', source: `int anGemmB(int i, int p, int n, int k, int trans) {
  int col = i - (i / n) * n;
  return trans == 1 ? col * k + p : p * n + col;
}` },
  // Pooling output i = (c·P + p)·N + n: the input index tap (t, r, s) reads, or −1 (padding).
  { name: 'anWinSrc', source: `int anWinSrc(int i, int t, int r, int s, ${GEOM}) {
  int n = i - (i / N) * N;
  int P = OD * OH * OW;
  int c = (i / N) / P;
  int p = i / N - c * P;${SPLIT_P}${TAP_SOURCE}
  return (((c * D + d) * H + h) * W + w) * N + n;
}` },
  // im2col output i = row·(P·N) + p·N + n with row = c·T·R·S + (t·R + r)·S + s: the input index, or −1.
  { name: 'anIm2col', source: `int anIm2col(int i, ${GEOM}) {
  int P = OD * OH * OW;
  int taps = T * R * S;
  int row = i / (P * N);
  int col = i - row * (P * N);
  int n = col - (col / N) * N;
  int p = col / N;
  int c = row / taps;
  int k = row - c * taps;
  int t = k / (R * S);
  int r = k / S - (k / (R * S)) * R;
  int s = k - (k / S) * S;${SPLIT_P}${TAP_SOURCE}
  return (((c * D + d) * H + h) * W + w) * N + n;
}` },
  // Input index i (of x or dx): the index that tap (t, r, s) of the window covering it occupies in
  // the pooling output (lay 0: (c·P + p)·N + n) or in the im2col columns (lay 1:
  // ((c·T·R·S + k)·P + p)·N + n), or −1 when no window reads this cell through that tap.
  // (Not `layout`: that is a reserved word in GLSL ES 3.00.)
  { name: 'anWinDst', source: `int anWinDst(int i, int t, int r, int s, int lay, ${GEOM}) {${SPLIT_INPUT}${TAP_TARGET}
  int P = OD * OH * OW;
  if (lay == 0) return (c * P + p) * N + n;
  return ((c * (T * R * S) + (t * R + r) * S + s) * P + p) * N + n;
}` },
  // Pooling output i: the number of its window's taps that fall inside the input.
  { name: 'anWinCount', source: `int anWinCount(int i, ${GEOM}) {
  int P = OD * OH * OW;
  int p = i / N - ((i / N) / P) * P;${SPLIT_P}
  int count = 1;${COUNT_1D('od', 'D', 'T', 'sd', 'pd', 'dd')}${COUNT_1D('oh', 'H', 'R', 'sh', 'ph', 'dh')}${COUNT_1D('ow', 'W', 'S', 'sw', 'pw', 'dw')}
  return count;
}` },
];
