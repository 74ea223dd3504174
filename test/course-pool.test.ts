// Lp and Gaussian-weighted pooling (issue 7): values against a direct reading of the formulas,
// p = 2 against 'l2' (bit-identical, ref and wasm), float64 gradient checks through ops.pool, wasm
// against ref-f64 on awkward shapes, the Pooling layer's options and config round trip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, gradCheck } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import type { PoolMode, WindowGeometry } from '../src/kernels.ts';
import { Pooling, layerFromConfig } from '../src/layers/index.ts';
import { pool, type PoolOptions } from '../src/ops/pool.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { testBackends } from './backends.ts';
import { expectClose, F64, randomArray } from './helpers.ts';
import { compareWasm, describe, geometry, inputSize, outputSize, rand, refRun } from './wasm-harness.ts';

const ref = createRefBackend('float64');

/** The formulas read literally, for a 2-D [C, H, W, N] input (one output value). */
function direct(x: Float64Array, shape: number[], c: number, oh: number, ow: number, n: number,
  k: number, s: number, pad: number, mode: 'lp' | 'weighted', param: number): number {
  const [, H, W, N] = shape;
  const cells: { v: number; d2: number }[] = [];
  for (let r = 0; r < k; r++) for (let q = 0; q < k; q++) {
    const h = oh * s - pad + r, w = ow * s - pad + q;
    if (h < 0 || h >= H || w < 0 || w >= W) continue;
    const a = r - (k - 1) / 2, b = q - (k - 1) / 2;
    cells.push({ v: x[((c * H + h) * W + w) * N + n], d2: a * a + b * b });
  }
  if (mode === 'lp') return Math.pow(cells.reduce((acc, e) => acc + Math.pow(Math.abs(e.v), param), 0), 1 / param);
  const wts = cells.map((e) => Math.exp(-e.d2 / (2 * param * param)));
  return cells.reduce((acc, e, i) => acc + wts[i] * e.v, 0) / wts.reduce((a, b) => a + b, 0);
}

for (const [mode, param] of [['lp', 1], ['lp', 1.5], ['lp', 3], ['lp', 7], ['weighted', 0.6], ['weighted', 2]] as const) {
  test(`${mode} ${param}: ref values are the formula (3×3, stride 2, padding 1 on 7×6)`, () => {
    tidy(() => {
      const shape = [2, 7, 6, 3];
      const xv = randomArray(2 * 7 * 6 * 3, 5, -2, 2);
      const x = Tensor.fromArray(ref, xv, shape);
      const y = pool(x, { window: 3, stride: 2, pad: 1, op: mode, ...(mode === 'lp' ? { p: param } : { sigma: param }) });
      assert.equal(y.shape, [2, 4, 3, 3]);
      const want: number[] = [];
      for (let c = 0; c < 2; c++) for (let oh = 0; oh < 4; oh++) for (let ow = 0; ow < 3; ow++) for (let n = 0; n < 3; n++) {
        want.push(direct(xv, shape, c, oh, ow, n, 3, 2, 1, mode, param));
      }
      expectClose(y.toArray(), want, F64, `${mode} ${param}`);
    });
  });
}

test('weighted: a corner window averages only its valid cells (neon padding rule)', () => {
  tidy(() => {
    // 2×2 input, 3×3 window, padding 1: the first window is centred on cell (0,0), so its valid
    // cells 1, 2, 3, 4 lie at squared distances 0, 1, 1, 2 from the centre.
    const x = Tensor.fromArray(ref, [1, 2, 3, 4], [1, 2, 2, 1]);
    const y = pool(x, { window: 3, stride: 1, pad: 1, op: 'weighted', sigma: 1 }).toArray();
    const w0 = 1, w1 = Math.exp(-0.5), w2 = Math.exp(-1);
    expectClose([y[0]], [(w0 * 1 + w1 * 2 + w1 * 3 + w2 * 4) / (w0 + 2 * w1 + w2)], F64, 'corner');
  });
});

/** Output values and input gradient (seeded with r) of one pooling call. */
function forwardBackward(backend: Backend, xv: ArrayLike<number>, shape: number[], opts: PoolOptions, seed: number): { y: number[]; dx: number[] } {
  return tidy(() => {
    const x = Tensor.fromArray(backend, xv, shape, { requiresGrad: true });
    const y = pool(x, opts);
    backward(y, Tensor.fromArray(backend, randomArray(y.size, seed), y.shape));
    const out = { y: Array.from(y.toArray()), dx: Array.from(x.grad!.toArray()) };
    x.grad!.dispose();
    return out;
  });
}

test('lp: p = 2 equals l2 bit for bit on every backend, forward and backward', async () => {
  const xv = randomArray(3 * 9 * 8 * 5, 9);
  xv.fill(0, 0, 9 * 8 * 5); // windows with y = 0
  const geo = { window: [3, 2], stride: [2, 1], pad: [1, 1] };
  for (const { name, backend } of await testBackends()) {
    const a = forwardBackward(backend, xv, [3, 9, 8, 5], { ...geo, op: 'l2' }, 4);
    const b = forwardBackward(backend, xv, [3, 9, 8, 5], { ...geo, op: 'lp', p: 2 }, 4);
    assert.equal(b.y, a.y, `${name}: forward`);
    assert.equal(b.dx, a.dx, `${name}: backward`);
  }
});

const GRAD_CASES: { name: string; shape: number[]; window: number[]; stride: number[]; pad: number[]; op: PoolMode; p?: number; sigma?: number }[] = [
  { name: 'lp p=1', shape: [2, 5, 5, 2], window: [3, 3], stride: [2, 2], pad: [1, 1], op: 'lp', p: 1 },
  { name: 'lp p=1.5 overlapping', shape: [2, 5, 6, 3], window: [3, 3], stride: [1, 2], pad: [1, 0], op: 'lp', p: 1.5 },
  { name: 'lp p=3', shape: [1, 6, 6, 2], window: [2, 3], stride: [2, 1], pad: [1, 1], op: 'lp', p: 3 },
  { name: 'lp p=4.5 1-D', shape: [2, 9, 3], window: [4], stride: [2], pad: [2], op: 'lp', p: 4.5 },
  { name: 'weighted sigma=0.8', shape: [2, 5, 5, 2], window: [3, 3], stride: [2, 2], pad: [1, 1], op: 'weighted', sigma: 0.8 },
  { name: 'weighted sigma=2 3-D', shape: [1, 3, 4, 4, 2], window: [2, 3, 3], stride: [1, 1, 2], pad: [1, 1, 1], op: 'weighted', sigma: 2 },
];

for (const c of GRAD_CASES) {
  test(`gradient (float64 central differences): ${c.name}`, () => {
    tidy(() => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      // |x| ≥ 0.2: away from the kink of |x| at 0 (p = 1).
      const v = randomArray(n, 21, -1, 1).map((t) => Math.sign(t || 1) * (0.2 + Math.abs(t)));
      const x = Tensor.fromArray(ref, v, c.shape, { requiresGrad: true });
      const result = gradCheck(([t]) => pool(t, { window: c.window, stride: c.stride, pad: c.pad, op: c.op, p: c.p, sigma: c.sigma }), [x], { rtol: 1e-6, atol: 1e-9 });
      const w = result.worst;
      assert.ok(result.ok, w ? `index ${w.index}: analytic ${w.analytic}, numeric ${w.numeric}` : '');
      assert.ok(result.checked === n);
    });
  });
}

// wasm against ref-f64: odd batches (scalar tails), padding, overlapping windows, dilation, 1-D and 3-D.
const WASM_CASES: [WindowGeometry, number][] = [
  [geometry(3, 5, [7, 8], [3, 3], { stride: [2, 2], pad: [1, 1] }), 2],
  [geometry(2, 6, [6, 6], [2, 2], { stride: [1, 1] }), 2],
  [geometry(1, 1, [9], [3], { pad: [1] }), 1],
  [geometry(2, 3, [3, 4, 4], [2, 2, 2], { pad: [1, 1, 1] }), 3],
  [geometry(1, 8, [7, 7], [3, 3], { stride: [2, 2], pad: [2, 2] }), 2],
  [geometry(2, 7, [7, 7], [2, 3], { stride: [1, 2], pad: [1, 1], dilation: [2, 1] }), 2],
  [geometry(2, 4, [5, 5], [5, 5], { stride: [5, 5] }), 2],
];
const PARAMS: { mode: PoolMode; p?: number; sigma?: number }[] = [
  { mode: 'lp', p: 1 }, { mode: 'lp', p: 1.5 }, { mode: 'lp', p: 2 }, { mode: 'lp', p: 3 }, { mode: 'lp', p: 6.25 },
  { mode: 'weighted', sigma: 0.5 }, { mode: 'weighted', sigma: 1.7 },
];

WASM_CASES.forEach(([g, dims], i) => {
  for (const prm of PARAMS) {
    const name = `${describe(g, dims)} ${prm.mode} ${prm.p ?? prm.sigma}`;
    // Channel 0 is zero so lp meets windows with y = 0 (its gradient must be 0, not NaN).
    const x = rand(inputSize(g), 500 + i);
    if (prm.mode === 'lp') x.fill(0, 0, inputSize(g) / g.channels);
    test(`wasm = ref: poolForward and poolBackward ${name}`, async () => {
      await compareWasm({
        kernel: 'poolForward', label: name, buffers: { x, y: { size: outputSize(g) } },
        args: (b) => ({ x: b.x, y: b.y, argmax: null, g, ...prm }), check: ['y'],
      });
      const fwd = await refRun({
        kernel: 'poolForward', label: name, buffers: { x, y: { size: outputSize(g) } },
        args: (b) => ({ x: b.x, y: b.y, argmax: null, g, ...prm }), check: ['y'],
      });
      await compareWasm({
        kernel: 'poolBackward', label: name,
        buffers: { x, y: fwd.y.map(Math.fround), dy: rand(outputSize(g), 600 + i), dx: { size: inputSize(g) } },
        args: (b) => ({ x: b.x, y: b.y, dy: b.dy, argmax: null, dx: b.dx, g, ...prm }), check: ['dx'],
      });
    });
  }
});

test('wasm threads: lp and weighted split over channels give the single-thread bits', async () => {
  const one = await createWasmBackend({ threads: 1 });
  const split = await createWasmBackend({ threads: 3, minPartNs: 0 });
  assert.is(split.threads, 3, split.threadsNote ?? '');
  const xv = rand(7 * 6 * 5 * 9, 77);
  const geo = { window: [3, 3], stride: [2, 1], pad: [1, 1] };
  for (const opts of [{ op: 'lp', p: 3 }, { op: 'lp', p: 1.5 }, { op: 'weighted', sigma: 0.9 }, { op: 'max' }] as const) {
    const a = forwardBackward(one, xv, [7, 6, 5, 9], { ...geo, ...opts }, 8);
    const b = forwardBackward(split, xv, [7, 6, 5, 9], { ...geo, ...opts }, 8);
    assert.equal(b.y, a.y, `${opts.op}: forward`);
    assert.equal(b.dx, a.dx, `${opts.op}: backward`);
  }
});

test('lp: a large p does not overflow (max-scaled) on any backend', async () => {
  for (const { name, backend } of await testBackends()) {
    tidy(() => {
      const x = Tensor.fromArray(backend, [300, -200, 100, 250], [1, 2, 2, 1]);
      const y = pool(x, { window: 2, op: 'lp', p: 30 }).toArray();
      const want = 300 * Math.pow(1 + (200 / 300) ** 30 + (100 / 300) ** 30 + (250 / 300) ** 30, 1 / 30);
      expectClose([y[0]], [want], { rtol: 1e-5, atol: 0 }, name);
    });
  }
});

test('Pooling layer: p and sigma options, defaults, config round trip, errors', () => {
  const lp = new Pooling(3, { op: 'lp', p: 3, strides: 2 });
  assert.equal(lp.config(), { type: 'Pooling', name: '', fshape: 3, op: 'lp', p: 3, strides: 2 });
  const back = layerFromConfig(lp.config()) as Pooling;
  assert.equal(back.opParams, { p: 3 });
  assert.equal(new Pooling(2, { op: 'lp' }).opParams, { p: 2 });
  assert.equal(new Pooling(3, { op: 'weighted' }).opParams, { sigma: 1 });
  assert.equal((layerFromConfig(new Pooling(3, { op: 'weighted', sigma: 0.5 }).config()) as Pooling).opParams, { sigma: 0.5 });
  assert.throws(() => new Pooling(2, { op: 'lp', p: 0.5 }), /p must be a finite number ≥ 1/);
  assert.throws(() => new Pooling(2, { op: 'weighted', sigma: 0 }), /sigma must be a finite number > 0/);
  assert.throws(() => new Pooling(2, { op: 'max', p: 3 }), /p is an option of op 'lp'/);
  assert.throws(() => new Pooling(2, { op: 'median' as PoolMode }), /op must be one of 'max', 'avg', 'l2', 'lp', 'weighted'/);
  assert.throws(() => layerFromConfig({ type: 'Pooling', name: 'P', fshape: 2, op: 'median' }), /'op' must be 'max', 'avg', 'l2', 'lp', 'weighted'/);
});

test('kernels reject a missing p or sigma (ref and wasm)', async () => {
  for (const { name, backend } of await testBackends()) {
    const g = geometry(1, 1, [4, 4], [2, 2], { stride: [2, 2] });
    const x = backend.alloc(16), y = backend.alloc(4);
    assert.throws(() => backend.run('poolForward', { x, y, argmax: null, g, mode: 'lp' }), /p ≥ 1/, name);
    assert.throws(() => backend.run('poolForward', { x, y, argmax: null, g, mode: 'weighted', sigma: -1 }), /sigma > 0/, name);
    backend.dispose(x);
    backend.dispose(y);
  }
});

test.run();
