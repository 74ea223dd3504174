// Kernel-level workloads of `npm run bench:gpu`: each runs on Argon's webgl backend (its own
// layouts: channel-major, batch innermost) and, with --peers, on TF.js's webgl backend (NHWC),
// from the same random values. A run includes reading the result back (both engines then have
// finished); converting TF.js's result to Argon's layout for the agreement check is not timed.
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceBuffer } from '../src/backends/backend.ts';
import type { WebglBackend } from '../src/backends/webgl/backend.ts';
import { convPassCost } from '../src/backends/webgl/kernels/conv.ts';
import { gemmCost } from '../src/backends/webgl/kernels/gemm.ts';
import type { WindowGeometry } from '../src/kernels.ts';
import { windowGeometry } from '../src/shape.ts';

export interface Engine {
  /** Does the work and reads the result back. */
  run(): void | Promise<void>;
  /** The last result in Argon's layout (for the agreement check). */
  result(): Float32Array;
  dispose(): void;
}

export interface KernelWorkload {
  name: string;
  /** Multiply-adds (0 where the workload has none). */
  macs: number;
  /** Argon's texture fetches per multiply-add, from its kernels' loop counts. */
  fetchesPerMac: number | null;
  argon(be: WebglBackend): Engine;
  tf(): Engine;
}

const rnd = (n: number, seed: number): Float32Array => {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; }
  return a;
};

/** [C, H, W, N] → [N, H, W, C] and back (host side, untimed). */
function chwnToNhwc(v: Float32Array, C: number, H: number, W: number, N: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) for (let n = 0; n < N; n++) out[(n * H * W + p) * C + c] = v[(c * H * W + p) * N + n];
  return out;
}
function nhwcToChwn(v: Float32Array | Int32Array | Uint8Array, C: number, H: number, W: number, N: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) for (let n = 0; n < N; n++) out[(c * H * W + p) * N + n] = v[(n * H * W + p) * C + c];
  return out;
}

/** An Argon engine over uploaded buffers: `work` runs kernels, the result buffer is read back. */
function argonEngine(be: WebglBackend, inputs: Float32Array[], extra: number[], work: (b: DeviceBuffer[]) => void, resultIndex: number): Engine {
  const bufs = [...inputs.map((v) => { const b = be.alloc(v.length); be.write(b, v); return b; }), ...extra.map((n) => be.alloc(n))];
  let last = new Float32Array(0);
  return {
    run() { work(bufs); last = Float32Array.from(be.read(bufs[resultIndex])); },
    result: () => last,
    dispose() { for (const b of bufs) be.dispose(b); },
  };
}

/** A TF.js engine: `work` returns the result tensor (disposed after reading). */
function tfEngine(inputs: tf.Tensor[], work: () => tf.Tensor, toArgon: (v: Float32Array) => Float32Array): Engine {
  let last = new Float32Array(0);
  return {
    run() { const y = work(); last = Float32Array.from(y.dataSync()); y.dispose(); },
    result: () => toArgon(last),
    dispose() { for (const t of inputs) t.dispose(); },
  };
}

function matmul(n: number): KernelWorkload {
  const a = rnd(n * n, n), b = rnd(n * n, n + 1);
  const c = gemmCost(n, n, n, false, false);
  return {
    name: `matmul ${n}³`, macs: c.macs, fetchesPerMac: c.fetches / c.macs,
    argon: (be) => argonEngine(be, [a, b], [n * n], ([A, B, C]) => be.run('gemm', { a: A, b: B, c: C, m: n, n, k: n, transA: false, transB: false, alpha: 1, beta: 0 }), 2),
    tf: () => {
      const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
      return tfEngine([A, B], () => tf.matMul(A, B), (v) => v);
    },
  };
}

interface ConvShape { C: number; K: number; H: number; W: number; N: number; R: number; stride: number; pad: number }
type ConvPass = 'forward' | 'inputGrad' | 'weightGrad';

const geometryOf = (s: ConvShape): WindowGeometry => windowGeometry('bench conv', [s.C, s.H, s.W, s.N], [s.R, s.R], { stride: s.stride, pad: s.pad }, false);

function conv(s: ConvShape, pass: ConvPass): KernelWorkload {
  const g = geometryOf(s);
  const [OH, OW] = [g.outSize[1], g.outSize[2]];
  const CRS = s.C * s.R * s.R;
  const x = rnd(s.C * s.H * s.W * s.N, 11), w = rnd(s.K * CRS, 12), dy = rnd(s.K * OH * OW * s.N, 13);
  // A 1×1 stride-1 convolution is a plain GEMM in Argon's layout (ops/conv.ts), on both passes.
  const pointwise = s.R === 1 && s.stride === 1 && s.pad === 0;
  const cost = pointwise
    ? gemmCost(pass === 'inputGrad' ? s.C : s.K, pass === 'weightGrad' ? s.C : OH * OW * s.N, pass === 'forward' ? s.C : pass === 'inputGrad' ? s.K : OH * OW * s.N, pass === 'inputGrad', pass === 'weightGrad')
    : convPassCost(pass, g, s.K);
  const label = `${s.R}×${s.R}${s.stride > 1 ? `/${s.stride}` : ''} ${s.C}→${s.K} ${s.H}×${s.W} b${s.N}`;
  const wTf = (): tf.Tensor4D => tf.tidy(() => tf.transpose(tf.tensor4d(w, [s.K, s.C, s.R, s.R]), [2, 3, 1, 0]));
  const P = OH * OW * s.N;
  return {
    name: `conv ${pass === 'forward' ? 'forward' : pass === 'inputGrad' ? 'input grad' : 'weight grad'} ${label}`,
    macs: cost.macs, fetchesPerMac: cost.fetches / cost.macs,
    argon: (be) => {
      if (pass === 'forward') {
        return argonEngine(be, [x, w], [s.K * P], ([X, Wt, Y]) => (pointwise
          ? be.run('gemm', { a: Wt, b: X, c: Y, m: s.K, n: P, k: s.C, transA: false, transB: false, alpha: 1, beta: 0 })
          : be.run('convForward', { x: X, w: Wt, y: Y, g, k: s.K, scale: null, shift: null, slope: null })), 2);
      }
      if (pass === 'inputGrad') {
        return argonEngine(be, [dy, w], [x.length], ([DY, Wt, DX]) => (pointwise
          ? be.run('gemm', { a: Wt, b: DY, c: DX, m: s.C, n: P, k: s.K, transA: true, transB: false, alpha: 1, beta: 0 })
          : be.run('convInputGrad', { dy: DY, w: Wt, dx: DX, g, k: s.K })), 2);
      }
      return argonEngine(be, [x, dy], [w.length], ([X, DY, DW]) => (pointwise
        ? be.run('gemm', { a: DY, b: X, c: DW, m: s.K, n: s.C, k: P, transA: false, transB: true, alpha: 1, beta: 0 })
        : be.run('convWeightGrad', { x: X, dy: DY, dw: DW, g, k: s.K })), 2);
    },
    tf: () => {
      const strides: [number, number] = [s.stride, s.stride];
      if (pass === 'forward') {
        const X = tf.tensor4d(chwnToNhwc(x, s.C, s.H, s.W, s.N), [s.N, s.H, s.W, s.C]), F = wTf();
        return tfEngine([X, F], () => tf.conv2d(X, F, strides, s.pad), (v) => nhwcToChwn(v, s.K, OH, OW, s.N));
      }
      if (pass === 'inputGrad') {
        const DY = tf.tensor4d(chwnToNhwc(dy, s.K, OH, OW, s.N), [s.N, OH, OW, s.K]), F = wTf();
        return tfEngine([DY, F], () => tf.engine().runKernel('Conv2DBackpropInput', { dy: DY, filter: F },
          { strides, pad: s.pad, dataFormat: 'NHWC', inputShape: [s.N, s.H, s.W, s.C] }) as tf.Tensor, (v) => nhwcToChwn(v, s.C, s.H, s.W, s.N));
      }
      const X = tf.tensor4d(chwnToNhwc(x, s.C, s.H, s.W, s.N), [s.N, s.H, s.W, s.C]);
      const DY = tf.tensor4d(chwnToNhwc(dy, s.K, OH, OW, s.N), [s.N, OH, OW, s.K]);
      return tfEngine([X, DY], () => tf.engine().runKernel('Conv2DBackpropFilter', { x: X, dy: DY },
        { strides, pad: s.pad, dataFormat: 'NHWC', filterShape: [s.R, s.R, s.C, s.K] }) as tf.Tensor, (v) => {
        // [R, S, C, K] → [K, C, R, S]
        const out = new Float32Array(v.length);
        for (let k = 0; k < s.K; k++) for (let c = 0; c < s.C; c++) for (let rs = 0; rs < s.R * s.R; rs++) out[(k * s.C + c) * s.R * s.R + rs] = v[(rs * s.C + c) * s.K + k];
        return out;
      });
    },
  };
}

/** Pooling forward + backward (the gradient with respect to x). */
function pool(mode: 'max' | 'avg', C: number, H: number, N: number, R: number, stride: number, pad: number): KernelWorkload {
  const g = windowGeometry('bench pool', [C, H, H, N], [R, R], { stride, pad }, true);
  const O = g.outSize[1];
  const x = rnd(C * H * H * N, 21), dy = rnd(C * O * O * N, 22);
  return {
    name: `${mode} pool ${R}×${R}/${stride}${pad ? ` pad ${pad}` : ''} fwd+bwd ${C} ch ${H}×${H} b${N}`, macs: 0, fetchesPerMac: null,
    argon: (be) => argonEngine(be, [x, dy], [C * O * O * N, C * O * O * N, x.length], ([X, DY, Y, AM, DX]) => {
      be.run('poolForward', { x: X, y: Y, argmax: mode === 'max' ? AM : null, g, mode });
      be.run('poolBackward', { x: X, y: Y, dy: DY, argmax: mode === 'max' ? AM : null, dx: DX, g, mode });
    }, 4),
    tf: () => {
      const X = tf.tensor4d(chwnToNhwc(x, C, H, H, N), [N, H, H, C]), DY = tf.tensor4d(chwnToNhwc(dy, C, O, O, N), [N, O, O, C]);
      const f = (t: tf.Tensor): tf.Tensor => (mode === 'max' ? tf.maxPool(t as tf.Tensor4D, R, stride, pad) : tf.avgPool(t as tf.Tensor4D, R, stride, pad));
      return tfEngine([X, DY], () => tf.grad(f)(X, DY), (v) => nhwcToChwn(v, C, H, H, N));
    },
  };
}

/** Training-mode BatchNorm forward + backward over [C, H·W·N]. */
function batchNorm(C: number, H: number, N: number): KernelWorkload {
  const inner = H * H * N;
  const x = rnd(C * inner, 31), dy = rnd(C * inner, 32), gamma = rnd(C, 33).map((v) => 1 + 0.2 * v), beta = rnd(C, 34);
  return {
    name: `BatchNorm fwd+bwd ${C} ch ${H}×${H} b${N}`, macs: 0, fetchesPerMac: null,
    argon: (be) => argonEngine(be, [x, dy, gamma, beta], [C * inner, C, C, C, C, C * inner, C, C], ([X, DY, G, B, Y, M, S, RM, RV, DX, DG, DB]) => {
      be.run('batchNormTrain', { x: X, gamma: G, beta: B, y: Y, mean: M, invStd: S, runMean: RM, runVar: RV, channels: C, inner, rho: 0.9, eps: 1e-3 });
      be.run('batchNormGrad', { x: X, dy: DY, gamma: G, mean: M, invStd: S, dx: DX, dgamma: DG, dbeta: DB, channels: C, inner });
    }, 9),
    tf: () => {
      const X = tf.tensor4d(chwnToNhwc(x, C, H, H, N), [N, H, H, C]), DY = tf.tensor4d(chwnToNhwc(dy, C, H, H, N), [N, H, H, C]);
      const G = tf.tensor1d(gamma), B = tf.tensor1d(beta);
      const f = (t: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor => {
        const { mean, variance } = tf.moments(t, [0, 1, 2]);
        return tf.batchNorm(t, mean, variance, b, g, 1e-3);
      };
      return tfEngine([X, DY, G, B], () => {
        const grads = tf.grads((t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(t as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D))([X, G, B], DY);
        grads[1].dispose();
        grads[2].dispose();
        return grads[0];
      }, (v) => nhwcToChwn(v, C, H, H, N));
    },
  };
}

/** The kernel workloads in the issue's order; `quick` keeps the small ones. */
export function kernelWorkloads(quick: boolean): KernelWorkload[] {
  const list: KernelWorkload[] = [matmul(256), matmul(512)];
  if (!quick) list.push(matmul(1024));
  const s1: ConvShape = { C: 32, K: 64, H: 32, W: 32, N: 16, R: 3, stride: 1, pad: 1 };
  const s2: ConvShape = { ...s1, stride: 2 };
  const p1: ConvShape = { C: 64, K: 128, H: 16, W: 16, N: 16, R: 1, stride: 1, pad: 0 };
  for (const s of quick ? [s1] : [s1, s2, p1]) for (const pass of ['forward', 'inputGrad', 'weightGrad'] as const) list.push(conv(s, pass));
  list.push(pool('max', 32, 32, 16, 3, 2, 1), pool('avg', 32, 32, 16, 2, 2, 0), batchNorm(64, 32, 16));
  return list;
}
