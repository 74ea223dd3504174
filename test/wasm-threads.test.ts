// The threaded wasm backend: every split kernel, the conv op and a few training steps of a small
// CNN give the same bytes on 1, 2 and 3 threads (minPartNs 0 splits every call, however small, into
// more parts than threads); backend selection by thread count; deferred zero-fill; shared-memory
// limits; workers never keep a process alive.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import type { BufferKind, DeviceBuffer } from '../src/backends/backend.ts';
import { getBackend } from '../src/backends/select.ts';
import { createWasmBackend, WasmBackend } from '../src/backends/wasm/backend.ts';
import type { KernelArgs, KernelName, PoolMode } from '../src/kernels.ts';
import { Affine, Conv, Pooling, Sequential, buildLayers } from '../src/layers/index.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { Rectlin, Softmax } from '../src/nn/activations.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/gradientDescentMomentum.ts';
import { conv } from '../src/ops/index.ts';
import { Random } from '../src/random.ts';
import { windowGeometry } from '../src/shape.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { randomArray, sameBytes } from './helpers.ts';

const one = await createWasmBackend({ threads: 1 });
const two = await createWasmBackend({ threads: 2, minPartNs: 0 });
const three = await createWasmBackend({ threads: 3, minPartNs: 0 });
const SPLIT = [two, three];

const f32 = (n: number, seed: number, lo = -1, hi = 1): Float32Array => Float32Array.from(randomArray(n, seed, lo, hi));

type Init = Float32Array | { size: number; kind?: BufferKind } | { ints: number[] };

interface KernelCase<K extends KernelName> {
  label: string;
  kernel: K;
  buffers: Record<string, Init>;
  args: (b: Record<string, DeviceBuffer>) => KernelArgs<DeviceBuffer>[K];
  out: string[];
}

function runCase<K extends KernelName>(be: WasmBackend, c: KernelCase<K>): Record<string, Float32Array | Int32Array> {
  const bufs: Record<string, DeviceBuffer> = {};
  for (const [name, init] of Object.entries(c.buffers)) {
    if (init instanceof Float32Array) {
      bufs[name] = be.alloc(init.length);
      be.write(bufs[name], init);
    } else if ('ints' in init) {
      bufs[name] = be.alloc(init.ints.length, 'int32');
      be.write(bufs[name], init.ints);
    } else {
      bufs[name] = be.alloc(init.size, init.kind ?? 'float');
      be.write(bufs[name], new Array<number>(init.size).fill(7));
    }
  }
  be.run(c.kernel, c.args(bufs));
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const name of c.out) out[name] = be.read(bufs[name]) as Float32Array | Int32Array;
  for (const b of Object.values(bufs)) be.dispose(b);
  return out;
}

function checkCase<K extends KernelName>(c: KernelCase<K>): void {
  const want = runCase(one, c);
  for (const be of SPLIT) {
    const got = runCase(be, c);
    for (const name of c.out) sameBytes(got[name], want[name], `${c.label} ${name} on ${be.threads} threads`);
  }
}

test('thread counts, shared memory and the CPU backend by thread count', async () => {
  assert.is(one.threads, 1);
  assert.is(two.threads, 2);
  assert.is(three.threads, 3);
  assert.is(two.threadsNote, null, 'Node runs threads');
  assert.ok(two.wasmMemory.buffer instanceof SharedArrayBuffer, 'threads share one memory');
  assert.not.ok(one.wasmMemory.buffer instanceof SharedArrayBuffer, 'one thread keeps a private memory');
  const cpu2 = await getBackend('cpu', { threads: 2 });
  assert.ok(cpu2 instanceof WasmBackend && cpu2.threads === 2, "getBackend('cpu', { threads: 2 })");
  assert.is(await getBackend('cpu', { threads: 2 }), cpu2, 'one backend per thread count');
  let msg = '';
  try { await createWasmBackend({ threads: 0 }); } catch (e) { msg = (e as Error).message; }
  assert.match(msg, /threads must be a positive integer/);
});

test('gemm: every transpose and awkward shapes, identical bytes', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [5, 3, 7], [37, 21, 19], [4, 130, 70], [130, 9, 33], [64, 600, 400], [300, 40, 9], [6, 5, 9 * 16384 + 3]];
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      checkCase({
        label: `gemm ${m}×${n}×${k} tA=${transA} tB=${transB}`, kernel: 'gemm',
        buffers: { a: f32(m * k, m + k), b: f32(k * n, n + 3 * k), c: f32(m * n, 5) },
        args: (b) => ({ a: b.a, b: b.b, c: b.c, m, n, k, transA, transB, alpha: 0.75, beta: 0.5 }), out: ['c'],
      });
    }
  }
});

test('im2col, col2im and pooling (every mode; max with and without argmax), identical bytes', () => {
  const x = [5, 9, 7, 3];
  const g = windowGeometry('t', x, [3, 3], { stride: 2, pad: 2, dilation: 2 }, false);
  const inN = 5 * 9 * 7 * 3, rows = 5 * 9, cols = g.outSize[1] * g.outSize[2] * 3;
  checkCase({ label: 'im2col', kernel: 'im2col', buffers: { x: f32(inN, 1), cols: { size: rows * cols } },
    args: (b) => ({ x: b.x, cols: b.cols, g }), out: ['cols'] });
  checkCase({ label: 'col2im', kernel: 'col2im', buffers: { cols: f32(rows * cols, 2), dx: { size: inN } },
    args: (b) => ({ cols: b.cols, dx: b.dx, g }), out: ['dx'] });
  const pg = windowGeometry('t', x, [3, 2], { stride: [2, 2], pad: [1, 1] }, true);
  const outN = 5 * pg.outSize[1] * pg.outSize[2] * 3;
  for (const mode of ['max', 'avg', 'l2', 'lp', 'weighted'] as PoolMode[]) {
    for (const withArgmax of mode === 'max' ? [true, false] : [false]) {
      const am = (b: Record<string, DeviceBuffer>) => (withArgmax ? b.argmax : null);
      checkCase({ label: `poolForward ${mode} argmax=${withArgmax}`, kernel: 'poolForward',
        buffers: { x: f32(inN, 3), y: { size: outN }, argmax: { size: outN, kind: 'int32' } },
        args: (b) => ({ x: b.x, y: b.y, argmax: am(b), g: pg, mode, p: 3, sigma: 0.8 }), out: withArgmax ? ['y', 'argmax'] : ['y'] });
      const fwd = runCase(one, { label: '', kernel: 'poolForward', buffers: { x: f32(inN, 3), y: { size: outN }, argmax: { size: outN, kind: 'int32' } },
        args: (b) => ({ x: b.x, y: b.y, argmax: b.argmax, g: pg, mode, p: 3, sigma: 0.8 }), out: ['y', 'argmax'] });
      checkCase({ label: `poolBackward ${mode} argmax=${withArgmax}`, kernel: 'poolBackward',
        buffers: { x: f32(inN, 3), y: fwd.y as Float32Array, dy: f32(outN, 4), argmax: { ints: Array.from(fwd.argmax) }, dx: { size: inN } },
        args: (b) => ({ x: b.x, y: b.y, dy: b.dy, argmax: am(b), dx: b.dx, g: pg, mode, p: 3, sigma: 0.8 }), out: ['dx'] });
    }
  }
});

test('fused inference convolution and the column-free conv gradients, tiled and whole (3×3 and 1×1), identical bytes', () => {
  for (const [x, win, opts, K] of [
    [[48, 12, 11, 8], [3, 3], { pad: 1, dilation: 1, stride: 1 }, 6],
    [[200, 6, 7, 16], [1, 1], { pad: 0, dilation: 1, stride: 1 }, 5],
    [[1200, 8, 8, 2], [1, 1], { pad: 0, dilation: 1, stride: 1 }, 9],
    [[64, 13, 11, 8], [3, 3], { pad: 1, dilation: 1, stride: 1 }, 6],
  ] as const) {
    const g = windowGeometry('t', [...x], [...win], opts, false);
    const rows = x[0] * win[0] * win[1], outs = g.outSize[1] * g.outSize[2] * x[3];
    checkCase({ label: `convForward ${win.join('x')}`, kernel: 'convForward',
      buffers: { x: f32(x[0] * x[1] * x[2] * x[3], 11), w: f32(K * rows, 12), y: { size: K * outs }, scale: f32(K, 13), shift: f32(K, 14) },
      args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: K, scale: b.scale, shift: b.shift, slope: 0.05 }), out: ['y'] });
    checkCase({ label: `convWeightGrad ${win.join('x')}`, kernel: 'convWeightGrad',
      buffers: { x: f32(x[0] * x[1] * x[2] * x[3], 15), dy: f32(K * outs, 16), dw: { size: K * rows } },
      args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }), out: ['dw'] });
    checkCase({ label: `convInputGrad ${win.join('x')}`, kernel: 'convInputGrad',
      buffers: { dy: f32(K * outs, 17), w: f32(K * rows, 18), dx: { size: x[0] * x[1] * x[2] * x[3] } },
      args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: K }), out: ['dx'] });
  }
});

test('Winograd F(2×2, 3×3) forward and both gradients, chunked and shared ways, identical bytes', () => {
  for (const [x, opts, K] of [
    [[24, 21, 19, 8], { pad: 2, dilation: 2, stride: 1 }, 10],
    [[130, 5, 5, 3], { pad: 1, dilation: 1, stride: 1 }, 66],
    [[40, 40, 38, 12], { pad: 1, dilation: 1, stride: 1 }, 20],
    [[192, 12, 12, 4], { pad: 1, dilation: 1, stride: 1 }, 176],
    [[520, 2, 2, 1], { pad: 1, dilation: 1, stride: 1 }, 302],
    [[3, 69, 69, 15], { pad: 2, dilation: 2, stride: 1 }, 5],
  ] as const) {
    const g = windowGeometry('t', [...x], [3, 3], opts, false);
    const rows = x[0] * 9, outs = g.outSize[1] * g.outSize[2] * x[3], inN = x[0] * x[1] * x[2] * x[3];
    checkCase({ label: `winogradForward C${x[0]}`, kernel: 'winogradForward',
      buffers: { x: f32(inN, 31), w: f32(K * rows, 32), y: { size: K * outs }, scale: f32(K, 33), shift: f32(K, 34) },
      args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: K, scale: b.scale, shift: b.shift, slope: 0.05 }), out: ['y'] });
    checkCase({ label: `winogradWeightGrad C${x[0]}`, kernel: 'winogradWeightGrad',
      buffers: { x: f32(inN, 35), dy: f32(K * outs, 36), dw: { size: K * rows } },
      args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }), out: ['dw'] });
    checkCase({ label: `winogradInputGrad C${x[0]}`, kernel: 'winogradInputGrad',
      buffers: { dy: f32(K * outs, 37), w: f32(K * rows, 38), dx: { size: inN } },
      args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: K }), out: ['dx'] });
  }
});

test('direct weight gradient (many position chunks in fixed groups), identical bytes', () => {
  const g = windowGeometry('t', [3, 30, 29, 16], [3, 3], { pad: 2, dilation: 2, stride: 1 }, false);
  const K = 9, outs = g.outSize[1] * g.outSize[2] * 16, inN = 3 * 30 * 29 * 16;
  checkCase({ label: 'directConvWeightGrad', kernel: 'directConvWeightGrad',
    buffers: { x: f32(inN, 41), dy: f32(K * outs, 42), dw: { size: K * 27 } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }), out: ['dw'] });
});

test('a split call with fewer parts than threads keeps every thread inside its own scratch slot', async () => {
  // Each thread writes the slot of its fixed index, whichever part it runs: 2 parts on 4 threads
  // must still reserve 4 slots, or a worker writes past the scratch region into the next buffer.
  const four = await createWasmBackend({ threads: 4, minPartNs: 0 });
  const g = windowGeometry('t', [2, 64, 64, 1], [3, 3], { pad: 1, dilation: 1, stride: 1 }, false);
  const K = 4, outs = 64 * 64, inN = 2 * 64 * 64;
  const run = (be: WasmBackend): Float32Array => {
    const dy = be.alloc(K * outs), w = be.alloc(K * 18), dx = be.alloc(inN);
    be.write(dy, f32(K * outs, 21));
    be.write(w, f32(K * 18, 22));
    be.run('convInputGrad', { dy, w, dx, g, k: K });
    const out = be.read(dx) as Float32Array;
    for (const b of [dy, w, dx]) be.dispose(b);
    return out;
  };
  const want = run(one);
  sameBytes(run(four), want, 'first call');
  const guard = four.alloc(1 << 18);
  four.write(guard, new Float32Array(1 << 18).fill(7));
  for (let i = 0; i < 3; i++) sameBytes(run(four), want, `call ${i + 2}`);
  const after = four.read(guard);
  assert.ok(after.every((v) => v === 7), 'a buffer allocated after the scratch region is untouched');
  four.dispose(guard);
  await four.close();
});

test('batch norm, bias, elementwise, activations and optimizers, identical bytes', () => {
  const C = 7, inner = 53, n = C * inner;
  const stats = { gamma: f32(C, 11, 0.5, 1.5), beta: f32(C, 12), runMean: f32(C, 13), runVar: f32(C, 14, 0.5, 2) };
  checkCase({ label: 'batchNormTrain', kernel: 'batchNormTrain',
    buffers: { x: f32(n, 10), ...stats, y: { size: n }, mean: { size: C }, invStd: { size: C } },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd, runMean: b.runMean,
      runVar: b.runVar, channels: C, inner, rho: 0.9, eps: 1e-3 }), out: ['y', 'mean', 'invStd', 'runMean', 'runVar'] });
  checkCase({ label: 'batchNormInfer', kernel: 'batchNormInfer', buffers: { x: f32(n, 10), ...stats, y: { size: n } },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, runMean: b.runMean, runVar: b.runVar, y: b.y, channels: C, inner, eps: 1e-3 }),
    out: ['y'] });
  checkCase({ label: 'batchNormGrad', kernel: 'batchNormGrad',
    buffers: { x: f32(n, 10), dy: f32(n, 15), gamma: stats.gamma, mean: f32(C, 16), invStd: f32(C, 17, 0.5, 2),
      dx: { size: n }, dgamma: { size: C }, dbeta: { size: C } },
    args: (b) => ({ x: b.x, dy: b.dy, gamma: b.gamma, mean: b.mean, invStd: b.invStd, dx: b.dx, dgamma: b.dgamma, dbeta: b.dbeta,
      channels: C, inner }), out: ['dx', 'dgamma', 'dbeta'] });
  checkCase({ label: 'batchNormRectlinTrain', kernel: 'batchNormRectlinTrain',
    buffers: { x: f32(n, 10), ...stats, y: { size: n }, mean: { size: C }, invStd: { size: C } },
    args: (b) => ({ x: b.x, gamma: b.gamma, beta: b.beta, y: b.y, mean: b.mean, invStd: b.invStd, runMean: b.runMean,
      runVar: b.runVar, channels: C, inner, rho: 0.9, eps: 1e-3, slope: 0.1 }), out: ['y', 'mean', 'invStd', 'runMean', 'runVar'] });
  checkCase({ label: 'batchNormRectlinGrad', kernel: 'batchNormRectlinGrad',
    buffers: { x: f32(n, 10), dy: f32(n, 15), gamma: stats.gamma, beta: stats.beta, mean: f32(C, 16), invStd: f32(C, 17, 0.5, 2),
      dx: { size: n }, dgamma: { size: C }, dbeta: { size: C } },
    args: (b) => ({ x: b.x, dy: b.dy, gamma: b.gamma, beta: b.beta, mean: b.mean, invStd: b.invStd, dx: b.dx, dgamma: b.dgamma,
      dbeta: b.dbeta, channels: C, inner, slope: 0.1 }), out: ['dx', 'dgamma', 'dbeta'] });
  checkCase({ label: 'biasAdd', kernel: 'biasAdd', buffers: { x: f32(n, 20), bias: f32(C, 21), y: { size: n } },
    args: (b) => ({ x: b.x, bias: b.bias, y: b.y, channels: C, inner }), out: ['y'] });
  checkCase({ label: 'biasGrad', kernel: 'biasGrad', buffers: { dy: f32(n, 22), db: { size: C } },
    args: (b) => ({ dy: b.dy, db: b.db, channels: C, inner }), out: ['db'] });
  const x = f32(n, 30, -3, 3), y = f32(n, 31, -1, 1);
  const unary = ['rectlin', 'explin', 'logistic', 'tanh'] as const;
  for (const k of unary) {
    checkCase({ label: k, kernel: k, buffers: { x, y: { size: n } },
      args: (b) => ({ x: b.x, y: b.y, n, slope: 0.1, alpha: 0.7 }), out: ['y'] });
  }
  for (const k of ['rectlinGrad', 'explinGrad', 'logisticGrad', 'tanhGrad'] as const) {
    checkCase({ label: k, kernel: k, buffers: { y, dy: x, dx: { size: n } },
      args: (b) => ({ y: b.y, dy: b.dy, dx: b.dx, n, slope: 0.1, alpha: 0.7 }), out: ['dx'] });
  }
  checkCase({ label: 'axpby', kernel: 'axpby', buffers: { x, y, out: { size: n } }, args: (b) => ({ x: b.x, y: b.y, out: b.out, n, a: 0.3, b: -1.7 }), out: ['out'] });
  checkCase({ label: 'mul', kernel: 'mul', buffers: { x, y, out: { size: n } }, args: (b) => ({ x: b.x, y: b.y, out: b.out, n }), out: ['out'] });
  checkCase({ label: 'scale', kernel: 'scale', buffers: { x, out: { size: n } }, args: (b) => ({ x: b.x, out: b.out, n, alpha: 1.3 }), out: ['out'] });
  checkCase({ label: 'clip', kernel: 'clip', buffers: { x, out: { size: n } }, args: (b) => ({ x: b.x, out: b.out, n, limit: 1.2 }), out: ['out'] });
  checkCase({ label: 'fill', kernel: 'fill', buffers: { x: { size: n } }, args: (b) => ({ x: b.x, n: n - 3, value: 2.5 }), out: ['x'] });
  const w = f32(n, 40), g = f32(n, 41), v = f32(n, 42, 0, 1), m = f32(n, 43, 0, 1);
  checkCase({ label: 'sgdUpdate', kernel: 'sgdUpdate', buffers: { w, g, v }, out: ['w', 'v'],
    args: (b) => ({ w: b.w, g: b.g, v: b.v, n, lr: 0.1, momentum: 0.9, wdecay: 5e-4, gradScale: 1 / 32, nesterov: true }) });
  checkCase({ label: 'adamUpdate', kernel: 'adamUpdate', buffers: { w, g, m, v }, out: ['w', 'm', 'v'],
    args: (b) => ({ w: b.w, g: b.g, m: b.m, v: b.v, n, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradScale: 0.5, step: 3 }) });
  checkCase({ label: 'adagradUpdate', kernel: 'adagradUpdate', buffers: { w, g, acc: v }, out: ['w', 'acc'],
    args: (b) => ({ w: b.w, g: b.g, acc: b.acc, n, lr: 0.01, eps: 1e-8, gradScale: 1 }) });
  checkCase({ label: 'rmspropUpdate', kernel: 'rmspropUpdate', buffers: { w, g, m }, out: ['w', 'm'],
    args: (b) => ({ w: b.w, g: b.g, m: b.m, n, lr: 0.01, decay: 0.9, eps: 1e-6, gradScale: 1 }) });
});

test('conv op forward and backward (strided, dilated, 1×1), identical bytes', () => {
  const cases = [
    { x: [3, 11, 13, 4], w: [6, 3, 3, 3], opts: { pad: 2, dilation: 2 } },
    { x: [4, 9, 9, 5], w: [7, 4, 3, 3], opts: { stride: 2, pad: 1 } },
    { x: [8, 5, 6, 3], w: [5, 8, 1, 1], opts: {} },
  ];
  for (const [i, c] of cases.entries()) {
    const results = [one, ...SPLIT].map((be) => tidy(() => {
      const x = Tensor.fromArray(be, f32(c.x.reduce((a, b) => a * b), 50 + i), c.x, { requiresGrad: true });
      const w = Tensor.fromArray(be, f32(c.w.reduce((a, b) => a * b), 60 + i), c.w, { requiresGrad: true });
      const y = conv(x, w, c.opts);
      backward(y, Tensor.fromArray(be, f32(y.shape.reduce((a, b) => a * b), 70 + i), y.shape));
      const out = { y: be.read(y.buf), dx: be.read(x.grad!.buf), dw: be.read(w.grad!.buf) };
      x.grad!.dispose();
      w.grad!.dispose();
      return out;
    }));
    for (const [j, r] of results.slice(1).entries()) {
      for (const k of ['y', 'dx', 'dw'] as const) {
        sameBytes(r[k] as Float32Array, results[0][k] as Float32Array, `conv case ${i} ${k} on ${SPLIT[j].threads} threads`);
      }
    }
  }
});

test('three training steps of a small CNN (conv, BN, ReLU, pool, affine, softmax), identical bytes', () => {
  const batch = 6, shape = [3, 12, 12];
  const run = (be: WasmBackend) => {
    const root = new Sequential([
      new Conv([3, 3, 8], { padding: 1, batchNorm: true, activation: new Rectlin() }),
      new Pooling(2),
      new Conv([3, 3, 12], { padding: 2, dilation: 2, activation: new Rectlin() }),
      new Pooling('all', { op: 'avg' }),
      new Affine(5, { activation: new Softmax() }),
    ]);
    buildLayers(root, shape, { backend: be, random: new Random(7) });
    const cost = new GeneralizedCost({ costfunc: new CrossEntropyMulti() });
    const opt = new GradientDescentMomentum(0.05, { momentumCoef: 0.9, wdecay: 1e-4 });
    const params = root.params();
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      losses.push(tidy(() => {
        const x = Tensor.fromArray(be, f32(3 * 12 * 12 * batch, 100 + step), [...shape, batch]);
        const t = new Float32Array(5 * batch);
        for (let i = 0; i < batch; i++) t[((i + step) % 5) * batch + i] = 1;
        const tt = Tensor.fromArray(be, t, [5, batch]);
        const { pre, final } = root.forwardPre(x, { training: true, random: new Random(step) });
        const { loss } = cost.loss(pre, final, tt);
        const value = cost.mean(loss, batch);
        backward(loss);
        opt.optimize(params, batch, 0);
        for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
        return value;
      }));
    }
    const state = [...params.map((p) => be.read(p.value.buf)), ...root.states().map((s) => be.read(s.value.buf))];
    root.dispose();
    return { losses, state };
  };
  const want = run(one);
  assert.ok(want.losses.every(Number.isFinite), 'finite losses');
  for (const be of SPLIT) {
    const got = run(be);
    assert.equal(got.losses, want.losses, `losses on ${be.threads} threads`);
    got.state.forEach((v, i) => sameBytes(v as Float32Array, want.state[i] as Float32Array, `parameter/state ${i} on ${be.threads} threads`));
  }
});

test('back-to-back split calls each run with their own arguments', () => {
  const n = 999, x = three.alloc(n), y = three.alloc(n);
  for (let i = 0; i < 1500; i++) {
    three.run('fill', { x, n, value: i });
    three.run('scale', { x, out: y, n, alpha: 2 });
    const r = three.read(y);
    if (r[0] !== 2 * i || r[n - 1] !== 2 * i) assert.unreachable(`call ${i}: got ${r[0]}, ${r[n - 1]}, expected ${2 * i}`);
  }
  three.dispose(x);
  three.dispose(y);
});

test('deferred zero-fill: fresh buffers read as zeros, also after a kernel wrote only part of them', () => {
  for (const be of [one, two]) {
    const dirty = be.alloc(4096);
    be.write(dirty, new Float32Array(4096).fill(5));
    be.dispose(dirty);
    const again = be.alloc(4096);
    assert.ok(be.read(again).every((v) => v === 0), 'a reused block reads as zeros');
    be.run('fill', { x: again, n: 100, value: 2 });
    const r = be.read(again);
    assert.is(r[99], 2);
    assert.ok(r.subarray(100).every((v) => v === 0), 'the part the kernel did not write is zero');
    const out = be.alloc(4096);
    be.run('scale', { x: again, out, n: 4096, alpha: 3 });
    assert.is(be.read(out)[0], 6, 'an output the kernel covers entirely');
    for (const b of [again, out]) be.dispose(b);
  }
});

test('training steps after the second allocate nothing new: the memory and live buffers stay put', async () => {
  const { argonRunner } = await import('../bench/argon-workloads.ts');
  for (const be of [one, two]) {
    const runner = argonRunner(be, 'mnist-cnn', 16);
    runner.train();
    runner.train();
    const bytes = be.wasmMemory.buffer.byteLength, live = be.memory();
    for (let i = 0; i < 3; i++) runner.train();
    assert.is(be.wasmMemory.buffer.byteLength, bytes, `memory grew after step 2 on ${be.threads} thread(s)`);
    assert.is(be.memory().buffers, live.buffers, 'live buffers');
    assert.is(be.memory().bytesInUse, live.bytesInUse, 'bytes in use');
    runner.dispose();
  }
});

test('a shared memory stops at its maximum with a clear error', async () => {
  const small = await createWasmBackend({ threads: 2, maxMemory: 16 * 2 ** 20 });
  let msg = '';
  try { small.alloc(8 * 2 ** 20); } catch (e) { msg = (e as Error).message; }
  assert.match(msg, /out of memory.*maximum is 16777216 bytes/);
  await small.close();
  const buf = small.alloc(1000);
  small.run('fill', { x: buf, n: 1000, value: 3 });
  assert.is(small.read(buf)[999], 3, 'kernels still run on one thread after close()');
});

test('back-to-back split calls with changing part counts never hang or return early', () => {
  const script = new URL('./fixtures/threads-race.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '3'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.signal, null, 'the child hung (killed after 60 s)');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /pairs \d+, results identical/);
});

test('kernel workers do not keep a Node process alive', () => {
  const script = new URL('./fixtures/threads-exit.ts', import.meta.url).pathname;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.signal, null, `the child was killed after ${Date.now() - started} ms: it did not exit by itself`);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /threads 2: 8320/);
});

test.run();
