// The reference backend pinned to hand-checked values and to central differences: it is the spec
// the other backends are compared with, so its own cases never come from another backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Backend, DeviceBuffer } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { KERNEL_NAMES, type KernelName, type PoolMode, type WindowGeometry } from '../src/kernels.ts';
import { expectClose, F32, F64, randomArray, type Tolerance } from './helpers.ts';

type V3 = [number, number, number];
const ref = createRefBackend('float64');
const both: [string, Backend, Tolerance][] = [['f64', ref, F64], ['f32', createRefBackend('float32'), F32]];
/** Central differences in float64: truncation ~h², roundoff ~1e-16/h. */
const FD: Tolerance = { rtol: 1e-6, atol: 1e-8 };

function put(b: Backend, values: ArrayLike<number>): DeviceBuffer {
  const buf = b.alloc(values.length);
  b.write(buf, values);
  return buf;
}
function putInt(b: Backend, values: ArrayLike<number>): DeviceBuffer {
  const buf = b.alloc(values.length, 'int32');
  b.write(buf, values);
  return buf;
}
const get = (b: Backend, buf: DeviceBuffer): number[] => Array.from(b.read(buf));

function geom(channels: number, batch: number, inSize: V3, window: V3, stride: V3, pad: V3, dilation: V3 = [1, 1, 1]): WindowGeometry {
  const outSize = inSize.map((x, i) => Math.floor((x + 2 * pad[i] - (dilation[i] * (window[i] - 1) + 1)) / stride[i]) + 1) as V3;
  return { channels, batch, inSize, window, stride, pad, dilation, outSize };
}
const prod = (v: V3): number => v[0] * v[1] * v[2];

function numGrad(f: (x: Float64Array) => number, x0: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    const x = x0.slice();
    x[i] = x0[i] + h; const up = f(x);
    x[i] = x0[i] - h; const down = f(x);
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

// ---- gemm ----
const A = [1, 2, 3, 4, 5, 6], AT = [1, 4, 2, 5, 3, 6];       // 2×3 and its transpose
const B = [7, 8, 9, 10, 11, 12], BT = [7, 9, 11, 8, 10, 12]; // 3×2 and its transpose
const AB = [58, 64, 139, 154];

test('gemm: 2×3 · 3×2 for every transpose combination', () => {
  for (const [name, b, tol] of both) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const c = b.alloc(4);
      b.run('gemm', { a: put(b, transA ? AT : A), b: put(b, transB ? BT : B), c, m: 2, n: 2, k: 3, transA, transB, alpha: 1, beta: 0 });
      expectClose(get(b, c), AB, tol, `${name} gemm transA=${transA} transB=${transB}`);
    }
  }
});

test('gemm: alpha and beta; beta = 0 ignores NaN in C', () => {
  const c = put(ref, [1, 2, 3, 4]);
  ref.run('gemm', { a: put(ref, A), b: put(ref, B), c, m: 2, n: 2, k: 3, transA: false, transB: false, alpha: 2, beta: 0.5 });
  expectClose(get(ref, c), [116.5, 129, 279.5, 310], F64, 'alpha 2 beta 0.5');
  const nan = put(ref, [NaN, NaN, NaN, NaN]);
  ref.run('gemm', { a: put(ref, A), b: put(ref, B), c: nan, m: 2, n: 2, k: 3, transA: false, transB: false, alpha: 1, beta: 0 });
  expectClose(get(ref, nan), AB, F64, 'beta 0 over NaN');
});

// ---- im2col / col2im ----
function runIm2col(b: Backend, x: ArrayLike<number>, g: WindowGeometry): number[] {
  const cols = b.alloc(g.channels * prod(g.window) * prod(g.outSize) * g.batch);
  b.run('im2col', { x: put(b, x), cols, g });
  return get(b, cols);
}

test('im2col: 3×3 image, N = 2, 2×2 window, pad 1, stride 2', () => {
  const g = geom(1, 2, [1, 3, 3], [1, 2, 2], [1, 2, 2], [0, 1, 1]);
  assert.equal(g.outSize, [1, 2, 2]);
  // x[h, w, n] = 1 + 3h + w + 100n, stored [C, D, H, W, N].
  const x: number[] = [];
  for (let i = 0; i < 9; i++) x.push(1 + i, 101 + i);
  const expected = [
    0, 0, 0, 0, 0, 0, 5, 105, // tap (0,0): only position (1,1) reaches the image
    0, 0, 0, 0, 4, 104, 6, 106, // tap (0,1)
    0, 0, 2, 102, 0, 0, 8, 108, // tap (1,0)
    1, 101, 3, 103, 7, 107, 9, 109, // tap (1,1)
  ];
  for (const [name, b, tol] of both) expectClose(runIm2col(b, x, g), expected, tol, `${name} im2col`);
});

test('im2col: dilation 2 in 2D, two channels', () => {
  const g = geom(2, 1, [1, 3, 3], [1, 2, 2], [1, 1, 1], [0, 0, 0], [1, 2, 2]);
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  expectClose(runIm2col(ref, x, g), [1, 3, 7, 9, 11, 13, 17, 19], F64, 'dilated corners');
});

test('im2col: 1D, window 3, dilation 2, pad 2, two channels', () => {
  const g = geom(2, 1, [1, 1, 5], [1, 1, 3], [1, 1, 1], [0, 0, 2], [1, 1, 2]);
  assert.equal(g.outSize, [1, 1, 5]);
  const x = [1, 2, 3, 4, 5, 10, 20, 30, 40, 50];
  const expected = [0, 0, 1, 2, 3, 1, 2, 3, 4, 5, 3, 4, 5, 0, 0, 0, 0, 10, 20, 30, 10, 20, 30, 40, 50, 30, 40, 50, 0, 0];
  expectClose(runIm2col(ref, x, g), expected, F64, '1D dilated');
});

test('im2col: 3D, window 2×1×1 with depth padding', () => {
  const g = geom(1, 1, [2, 1, 2], [2, 1, 1], [1, 1, 1], [1, 0, 0]);
  assert.equal(g.outSize, [3, 1, 2]);
  expectClose(runIm2col(ref, [1, 2, 3, 4], g), [0, 0, 1, 2, 3, 4, 1, 2, 3, 4, 0, 0], F64, '3D');
});

/** The im2col comment's formula, evaluated entry by entry. */
function naiveIm2col(x: ArrayLike<number>, g: WindowGeometry): number[] {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize, N = g.batch;
  const out: number[] = [];
  for (let c = 0; c < g.channels; c++) for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) {
    for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let n = 0; n < N; n++) {
      const d = od * g.stride[0] - g.pad[0] + t * g.dilation[0];
      const h = oh * g.stride[1] - g.pad[1] + r * g.dilation[1];
      const w = ow * g.stride[2] - g.pad[2] + s * g.dilation[2];
      const inside = d >= 0 && d < D && h >= 0 && h < H && w >= 0 && w < W;
      out.push(inside ? x[(((c * D + d) * H + h) * W + w) * N + n] : 0);
    }
  }
  return out;
}

test('im2col matches the formula and col2im is its adjoint on awkward geometry', () => {
  // stride > window in depth and width, pad ≥ 1 everywhere, dilation 2 in height and width.
  const g = geom(2, 3, [3, 5, 7], [2, 2, 3], [3, 1, 4], [1, 1, 2], [1, 2, 2]);
  assert.equal(g.outSize, [2, 5, 2]);
  const x = randomArray(2 * prod(g.inSize) * 3, 1);
  const colsLen = 2 * prod(g.window) * prod(g.outSize) * 3;
  const c = randomArray(colsLen, 2);
  const cols = runIm2col(ref, x, g);
  expectClose(cols, naiveIm2col(x, g), F64, 'im2col vs formula');
  const dx = put(ref, new Float64Array(x.length).fill(NaN)); // overwritten, never read
  ref.run('col2im', { cols: put(ref, c), dx, g });
  expectClose([dot(x, get(ref, dx))], [dot(cols, c)], F64, '<x, col2im(c)> = <im2col(x), c>');
});

// ---- pooling ----
function poolFwd(b: Backend, x: ArrayLike<number>, g: WindowGeometry, mode: PoolMode): { y: number[]; argmax: number[] } {
  const outLen = g.channels * prod(g.outSize) * g.batch;
  const y = b.alloc(outLen), argmax = b.alloc(outLen, 'int32');
  b.run('poolForward', { x: put(b, x), y, argmax: mode === 'max' ? argmax : null, g, mode });
  return { y: get(b, y), argmax: get(b, argmax) };
}
// The course's pooling: 3×3 window, pad 1, stride 2 on 4×4 → 2×2. Window cells valid: 4, 6, 6, 9.
const course = geom(1, 1, [1, 4, 4], [1, 3, 3], [1, 2, 2], [0, 1, 1]);
const negative = Array.from({ length: 16 }, (_, i) => -(i + 1));

test('poolForward max ignores padding (all-negative input) and writes the first argmax', () => {
  assert.equal(course.outSize, [1, 2, 2]);
  for (const [name, b, tol] of both) {
    const { y, argmax } = poolFwd(b, negative, course, 'max');
    expectClose(y, [-1, -2, -5, -6], tol, `${name} max`);
    assert.equal(argmax, [4, 3, 1, 0], `${name} argmax is window-local t·R·S + r·S + s`);
  }
  // Ties: the first valid cell in t, r, s order wins (the corner window starts at tap (1, 1)).
  assert.equal(poolFwd(ref, new Array(16).fill(0), course, 'max').argmax, [4, 3, 1, 0], 'ties');
  assert.equal(poolFwd(ref, [-Infinity, ...negative.slice(1)], course, 'max').argmax[0], 5, '−∞ corner');
});

test('poolForward avg divides by valid cells, l2 sums valid squares', () => {
  for (const [name, b, tol] of both) {
    expectClose(poolFwd(b, negative, course, 'avg').y, [-14 / 4, -30 / 6, -57 / 6, -99 / 9], tol, `${name} avg`);
    expectClose(poolFwd(b, negative, course, 'l2').y, [66, 178, 607, 1191].map(Math.sqrt), tol, `${name} l2`);
  }
});

test('poolForward global (window = input) over 2 channels and a batch of 2', () => {
  const g = geom(2, 2, [1, 2, 2], [1, 2, 2], [1, 2, 2], [0, 0, 0]);
  assert.equal(g.outSize, [1, 1, 1]);
  // [C, H, W, N]: channel 0 = (1,−1), (2,−2), (3,−3), (4,−4); channel 1 = 10 × channel 0.
  const x = [1, -1, 2, -2, 3, -3, 4, -4, 10, -10, 20, -20, 30, -30, 40, -40];
  expectClose(poolFwd(ref, x, g, 'avg').y, [2.5, -2.5, 25, -25], F64, 'global avg');
  const max = poolFwd(ref, x, g, 'max');
  expectClose(max.y, [4, -1, 40, -10], F64, 'global max');
  assert.equal(max.argmax, [3, 0, 3, 0]);
});

test('poolBackward matches central differences of poolForward for max, avg and l2', () => {
  // Overlapping windows, padding and dilation in 3D; distinct values keep max differentiable.
  const g = geom(2, 2, [2, 4, 5], [1, 3, 2], [1, 2, 1], [0, 1, 1], [1, 1, 2]);
  const x = randomArray(2 * prod(g.inSize) * 2, 7, 0.5, 2);
  const outLen = 2 * prod(g.outSize) * 2;
  const w = randomArray(outLen, 8);
  for (const mode of ['max', 'avg', 'l2'] as const) {
    const expected = numGrad((xv) => dot(poolFwd(ref, xv, g, mode).y, w), x);
    const { y, argmax } = poolFwd(ref, x, g, mode);
    const withArgmax = mode === 'max' ? [true, false] : [false];
    for (const useArgmax of withArgmax) {
      const dx = put(ref, new Float64Array(x.length).fill(NaN));
      ref.run('poolBackward', {
        x: put(ref, x), y: put(ref, y), dy: put(ref, w), argmax: useArgmax ? putInt(ref, argmax) : null, dx, g, mode,
      });
      expectClose(get(ref, dx), expected, FD, `${mode} dx${useArgmax ? '' : ' (argmax null)'}`);
    }
  }
});

// ---- activations ----
type Unary = 'rectlin' | 'explin' | 'logistic' | 'tanh';
const gradOf = { rectlin: 'rectlinGrad', explin: 'explinGrad', logistic: 'logisticGrad', tanh: 'tanhGrad' } as const;
const SLOPE = 0.1, ALPHA = 2;

function unary(name: Unary, x: ArrayLike<number>, b: Backend = ref): number[] {
  const xb = put(b, x), y = b.alloc(x.length), n = x.length;
  if (name === 'rectlin') b.run('rectlin', { x: xb, y, n, slope: SLOPE });
  else if (name === 'explin') b.run('explin', { x: xb, y, n, alpha: ALPHA });
  else b.run(name, { x: xb, y, n });
  return get(b, y);
}

function unaryGrad(name: Unary, y: ArrayLike<number>, dy: ArrayLike<number>): number[] {
  const args = { y: put(ref, y), dy: put(ref, dy), dx: ref.alloc(y.length), n: y.length };
  const kernel = gradOf[name];
  if (kernel === 'rectlinGrad') ref.run(kernel, { ...args, slope: SLOPE });
  else if (kernel === 'explinGrad') ref.run(kernel, { ...args, alpha: ALPHA });
  else ref.run(kernel, args);
  return get(ref, args.dx);
}

test('activations at known points', () => {
  for (const [name, b, tol] of both) {
    expectClose(unary('rectlin', [-2, 0, 3], b), [-0.2, 0, 3], tol, `${name} rectlin`);
    expectClose(unary('explin', [-1, 0, 2], b), [2 * (Math.exp(-1) - 1), 0, 2], tol, `${name} explin`);
    expectClose(unary('tanh', [0.5, -3], b), [0.46211715726000974, -0.9950547536867305], tol, `${name} tanh`);
    const big = unary('logistic', [0, 50, -50, 1000, -1000], b);
    assert.ok(big.every(Number.isFinite), `${name} logistic finite at ±50, ±1000: ${big}`);
    expectClose(big, [0.5, 1, 0, 1, 0], { rtol: 0, atol: 1e-21 }, `${name} logistic`);
  }
  expectClose([unary('logistic', [-50])[0]], [1.9287498479639178e-22], F64, 'logistic(−50) keeps its precision');
  expectClose(unaryGrad('explin', [0, 0.5, -1.5], [1, 1, 1]), [0, 1, 0.5], F64, 'explinGrad: 0 at y = 0, y + alpha below');
  expectClose(unaryGrad('rectlin', [0, 2, -0.2], [3, 3, 3]), [0, 3, 0.3], F64, 'rectlinGrad: 0 at y = 0, slope below');
});

test('activation gradients (from the output y) match central differences', () => {
  // Away from the kinks at 0, where the one-sided derivatives differ.
  const x = Float64Array.from(randomArray(12, 3, -3, 3), (v) => (Math.abs(v) < 0.1 ? v + 0.5 : v));
  const dy = randomArray(12, 4);
  for (const name of ['rectlin', 'explin', 'logistic', 'tanh'] as const) {
    const expected = numGrad((xv) => dot(unary(name, xv), dy), x);
    expectClose(unaryGrad(name, unary(name, x), dy), expected, FD, `${name}Grad`);
  }
});

function softmaxOf(x: ArrayLike<number>, classes: number, batch: number): number[] {
  const y = ref.alloc(classes * batch);
  ref.run('softmax', { x: put(ref, x), y, classes, batch });
  return get(ref, y);
}

test('softmax: per column, max-subtracted, and its gradient', () => {
  // [3 classes, 2 batch]: column 0 = (1, 2, 3), column 1 = (1000, 1000, 999) would overflow exp.
  const y = softmaxOf([1, 1000, 2, 1000, 3, 999], 3, 2);
  const z = Math.E + Math.E ** 2 + Math.E ** 3, w = 2 + Math.exp(-1);
  expectClose(y, [Math.E / z, 1 / w, Math.E ** 2 / z, 1 / w, Math.E ** 3 / z, Math.exp(-1) / w], F64, 'softmax');
  expectClose([y[0] + y[2] + y[4], y[1] + y[3] + y[5]], [1, 1], F64, 'columns sum to 1');
  const x = randomArray(12, 5, -2, 2), dy = randomArray(12, 6);
  const expected = numGrad((xv) => dot(softmaxOf(xv, 4, 3), dy), x);
  const dx = ref.alloc(12);
  ref.run('softmaxGrad', { y: put(ref, softmaxOf(x, 4, 3)), dy: put(ref, dy), dx, classes: 4, batch: 3 });
  expectClose(get(ref, dx), expected, FD, 'softmaxGrad');
});

// ---- elementwise ----
test('elementwise kernels, bias add/grad and reductions', () => {
  const x = put(ref, [1, -2, 3, -4, 5, -6]), y = put(ref, [0.5, 0.5, 2, 2, -1, -1]), out = ref.alloc(6);
  ref.run('axpby', { x, y, out, n: 6, a: 2, b: -1 });
  expectClose(get(ref, out), [1.5, -4.5, 4, -10, 11, -11], F64, 'axpby');
  ref.run('mul', { x, y, out, n: 6 });
  expectClose(get(ref, out), [0.5, -1, 6, -8, -5, 6], F64, 'mul');
  ref.run('scale', { x, out: x, n: 6, alpha: -0.5 }); // aliasing allowed
  expectClose(get(ref, x), [-0.5, 1, -1.5, 2, -2.5, 3], F64, 'scale in place');
  ref.run('clip', { x, out, n: 6, limit: 1.5 });
  expectClose(get(ref, out), [-0.5, 1, -1.5, 1.5, -1.5, 1.5], F64, 'clip');
  const s = ref.alloc(1);
  ref.run('sum', { x, out: s, n: 6 });
  expectClose(get(ref, s), [1.5], F64, 'sum');
  ref.run('sumSquares', { x, out: s, n: 6 });
  expectClose(get(ref, s), [22.75], F64, 'sumSquares');
  ref.run('fill', { x: out, n: 4, value: 7 });
  expectClose(get(ref, out), [7, 7, 7, 7, -1.5, 1.5], F64, 'fill touches only n values');
  // [2 channels, 3 inner]
  ref.run('biasAdd', { x: put(ref, [1, 2, 3, 4, 5, 6]), bias: put(ref, [10, -1]), y: out, channels: 2, inner: 3 });
  expectClose(get(ref, out), [11, 12, 13, 3, 4, 5], F64, 'biasAdd');
  const db = put(ref, [NaN, NaN]);
  ref.run('biasGrad', { dy: put(ref, [1, 2, 3, 4, 5, 6]), db, channels: 2, inner: 3 });
  expectClose(get(ref, db), [6, 15], F64, 'biasGrad overwrites');
});

// ---- batch norm ----
const bnX = [1, 2, 3, 4, 5, 6, 2, 2, 2, 2, 2, 8]; // [2 channels, 6]
const bnMean = [3.5, 3], bnVar = [17.5 / 6, 5];
const gamma = [2, 0.5], beta = [1, -1], eps = 1e-3;

function bnTrain(x: ArrayLike<number>, g: ArrayLike<number>, bt: ArrayLike<number>) {
  const bufs = {
    x: put(ref, x), gamma: put(ref, g), beta: put(ref, bt), y: ref.alloc(12), mean: ref.alloc(2), invStd: ref.alloc(2),
    runMean: ref.alloc(2), runVar: ref.alloc(2),
  };
  ref.run('batchNormTrain', { ...bufs, channels: 2, inner: 6, rho: 0.9, eps });
  return bufs;
}

test('batchNormTrain: per-channel mean, biased variance, running stats from zero', () => {
  const r = bnTrain(bnX, gamma, beta);
  const inv = bnVar.map((v) => 1 / Math.sqrt(v + eps));
  expectClose(get(ref, r.mean), bnMean, F64, 'mean');
  expectClose(get(ref, r.invStd), inv, F64, 'invStd');
  expectClose(get(ref, r.runMean), [0.35, 0.3], F64, 'runMean = 0.1·mean');
  expectClose(get(ref, r.runVar), [0.1 * bnVar[0], 0.5], F64, 'runVar = 0.1·var');
  const y = bnX.map((v, i) => { const c = i < 6 ? 0 : 1; return (v - bnMean[c]) * inv[c] * gamma[c] + beta[c]; });
  expectClose(get(ref, r.y), y, F64, 'y');
});

test('batchNormInfer uses the running stats', () => {
  const y = ref.alloc(12);
  ref.run('batchNormInfer', {
    x: put(ref, bnX), gamma: put(ref, gamma), beta: put(ref, beta), runMean: put(ref, [1, 2]), runVar: put(ref, [4 - eps, 0.25 - eps]),
    y, channels: 2, inner: 6, eps,
  });
  // channel 0: (x − 1)/2·2 + 1 = x; channel 1: (x − 2)/0.5·0.5 − 1 = x − 3.
  expectClose(get(ref, y), [1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, 5], F64, 'infer');
});

test('batchNormGrad matches central differences of Σ y·dy', () => {
  const x = randomArray(12, 9, -2, 2), g = Float64Array.from([1.5, -0.7]), bt = Float64Array.from([0.2, 0.3]);
  const dy = randomArray(12, 10);
  const loss = (xv: ArrayLike<number>, gv: ArrayLike<number>, bv: ArrayLike<number>): number => dot(get(ref, bnTrain(xv, gv, bv).y), dy);
  const f = bnTrain(x, g, bt);
  const out = { dx: ref.alloc(12), dgamma: put(ref, [NaN, NaN]), dbeta: put(ref, [NaN, NaN]) };
  ref.run('batchNormGrad', { x: f.x, dy: put(ref, dy), gamma: f.gamma, mean: f.mean, invStd: f.invStd, ...out, channels: 2, inner: 6 });
  expectClose(get(ref, out.dx), numGrad((xv) => loss(xv, g, bt), x), FD, 'dx');
  expectClose(get(ref, out.dgamma), numGrad((gv) => loss(x, gv, bt), g), FD, 'dgamma');
  expectClose(get(ref, out.dbeta), numGrad((bv) => loss(x, g, bv), bt), FD, 'dbeta');
});

// ---- optimizers ----
function sgd(w: number[], g: number[], v: number[], momentum: number, nesterov: boolean, wdecay: number, steps = 1) {
  const bufs = { w: put(ref, w), g: put(ref, g), v: put(ref, v) };
  for (let i = 0; i < steps; i++) {
    ref.run('sgdUpdate', { ...bufs, n: w.length, lr: 0.1, momentum, wdecay, gradScale: 0.5, nesterov });
  }
  return { w: get(ref, bufs.w), v: get(ref, bufs.v) };
}

test('sgdUpdate: momentum, nesterov, weight decay, momentum 0', () => {
  // g' = 0.5·g + 0.01·w = (0.26, 0.48); v = 0.9·v − 0.1·g' = (0.064, −0.048).
  let r = sgd([1, -2], [0.5, 1], [0.1, 0], 0.9, false, 0.01);
  expectClose(r.v, [0.064, -0.048], F64, 'momentum v');
  expectClose(r.w, [1.064, -2.048], F64, 'momentum w');
  r = sgd([1, -2], [0.5, 1], [0.1, 0], 0.9, true, 0.01);
  expectClose(r.v, [0.064, -0.048], F64, 'nesterov v');
  expectClose(r.w, [1.0316, -2.0912], F64, 'nesterov w += 0.9·v − 0.1·g\'');
  r = sgd([1, -2], [0.5, 1], [0.1, 0], 0, false, 0.01);
  expectClose(r.w, [0.974, -2.048], F64, 'momentum 0 w');
  expectClose(r.v, [0.1, 0], F64, 'momentum 0 leaves v untouched');
  // Two steps, constant g' = 1: v = −0.1, w = 0.9; v = −0.19, w = 0.71.
  r = sgd([1], [2], [0], 0.9, false, 0, 2);
  expectClose(r.w, [0.71], F64, 'two momentum steps');
});

function adam(gs: number[], beta2: number, eps: number) {
  const bufs = { w: put(ref, [1]), g: ref.alloc(1), m: ref.alloc(1), v: ref.alloc(1) };
  gs.forEach((g, i) => {
    ref.write(bufs.g, [g]);
    ref.run('adamUpdate', { ...bufs, n: 1, lr: 0.1, beta1: 0.9, beta2, eps, gradScale: 0.5, step: i + 1 });
  });
  return { w: get(ref, bufs.w)[0], m: get(ref, bufs.m)[0], v: get(ref, bufs.v)[0] };
}

test('adamUpdate: bias-corrected steps 1 and 2', () => {
  // eps = 0: step 1 moves w by exactly lr·sign(g'); a constant g' keeps doing so.
  let r = adam([2], 0.999, 0);
  expectClose([r.w, r.m, r.v], [0.9, 0.1, 0.001], F64, 'step 1');
  expectClose([adam([2, 2], 0.999, 0).w], [0.8], F64, 'step 2, same gradient');
  // Step 2 with g' = −1: m = −0.01, v = 0.001999, update = 0.1·(−0.01/0.19).
  r = adam([2, -2], 0.999, 0);
  expectClose([r.w, r.m, r.v], [0.9 + 0.1 / 19, -0.01, 0.001999], F64, 'step 2, reversed gradient');
  // eps outside the root: β2 = 0.75 → v = 0.25, l = 0.1·0.5/0.1; update = 0.5·0.1/(0.5 + 0.5).
  expectClose([adam([2], 0.75, 0.5).w], [0.95], F64, 'eps added to √v');
});

test('rmspropUpdate', () => {
  // g' = 1; m = 0.5·0.26 + 0.5 = 0.63; √(m + 0.01) + 0.01 = 0.81; w −= 0.081/0.81.
  const bufs = { w: put(ref, [1]), g: put(ref, [2]), m: put(ref, [0.26]) };
  ref.run('rmspropUpdate', { ...bufs, n: 1, lr: 0.081, decay: 0.5, eps: 0.01, gradScale: 0.5 });
  expectClose([get(ref, bufs.w)[0], get(ref, bufs.m)[0]], [0.9, 0.63], F64, 'rmsprop');
});

// ---- backend ----
test('backend: storage, copies, bounds, disposal and memory stats', () => {
  const b = createRefBackend('float32');
  assert.is(b.name, 'ref');
  assert.is(b.dtype, 'float32');
  b.resetPeak();
  const f = b.alloc(5), i = b.alloc(3, 'int32');
  assert.ok(b.read(f) instanceof Float32Array && b.read(i) instanceof Int32Array);
  assert.equal(Array.from(b.read(f)), [0, 0, 0, 0, 0], 'zero-filled');
  b.write(f, [1, 2], 3);
  const copy = b.read(f);
  copy[0] = 99;
  assert.equal(Array.from(b.read(f)), [0, 0, 0, 1, 2], 'write at offset; read returns a copy');
  assert.throws(() => b.write(f, [1, 2, 3], 3), /3 values at offset 3 .*5 elements/);
  assert.is(ref.read(ref.alloc(2)).constructor, Float64Array);
  assert.equal(b.memory(), { bytesInUse: 32, peakBytes: 32, buffers: 2, reservedBytes: 32 });
  b.dispose(f);
  b.dispose(f); // harmless
  assert.throws(() => b.read(f), /ref.*disposed/);
  assert.throws(() => b.run('sum', { x: f, out: i, n: 1 }), /ref/);
  assert.equal(b.memory(), { bytesInUse: 12, peakBytes: 32, buffers: 1, reservedBytes: 12 });
  b.resetPeak();
  assert.is(b.memory().peakBytes, 12);
  assert.is(ref.memory().bytesInUse % 8, 0, 'float64 buffers count 8 bytes per element');
});

test('backend: every kernel registered; unknown names are named in the error', () => {
  for (const name of KERNEL_NAMES) assert.ok(ref.has(name), name);
  const bogus = 'convolveSideways' as KernelName;
  assert.not.ok(ref.has(bogus));
  assert.throws(() => ref.run(bogus, { x: ref.alloc(1), out: ref.alloc(1), n: 1 }), /Kernel 'convolveSideways' is not implemented by backend 'ref'/);
});

test.run();
