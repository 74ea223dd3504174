// Inference's Winograd keeps its transformed filters between calls (winogradForward's keepFilters,
// WasmContext.kept): the kept transform gives the same bits as a fresh one, is redone after every
// way the weights can change (write(), an in-place optimizer kernel), costs its bytes once and is
// freed with the weights; a model that trains between predictions predicts from its new weights.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, noGrad } from '../src/autograd/index.ts';
import type { DeviceBuffer } from '../src/backends/backend.ts';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from '../src/backends/wasm/backend.ts';
import { keptFilterBytes } from '../src/backends/wasm/kernels/conv-scratch.ts';
import type { WindowGeometry } from '../src/kernels.ts';
import { Conv, Convolution, Sequential, buildLayers } from '../src/layers/index.ts';
import { Rectlin } from '../src/nn/activations.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/gradientDescentMomentum.ts';
import { convKernels, planConv } from '../src/ops/conv-plan.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { sameBytes } from './helpers.ts';
import { geometry, rand } from './wasm-harness.ts';

/** Runs fn on a fresh backend and closes it even when an assertion fails (an open pool of kernel
 *  threads would keep the test process alive). */
async function withBackend(opts: WasmBackendOptions, fn: (be: WasmBackend) => void): Promise<void> {
  const be = await createWasmBackend(opts);
  try {
    fn(be);
  } finally {
    await be.close();
  }
}

function differs(a: Float32Array | Int32Array, b: Float32Array | Int32Array, label: string): void {
  assert.ok(a.some((v, i) => !Object.is(v, b[i])), `${label}: expected a change`);
}

interface Layer { g: WindowGeometry; K: number; x: DeviceBuffer; w: DeviceBuffer; y: DeviceBuffer }

function layer(be: WasmBackend, g: WindowGeometry, K: number, seed: number): Layer {
  const n = g.channels * g.inSize[1] * g.inSize[2] * g.batch;
  const x = be.alloc(n), w = be.alloc(K * g.channels * 9), y = be.alloc(K * g.outSize[1] * g.outSize[2] * g.batch);
  be.write(x, rand(n, seed, 0, 1));
  be.write(w, rand(K * g.channels * 9, seed + 1));
  return { g, K, x, w, y };
}

function forward(be: WasmBackend, l: Layer, keepFilters: boolean): Float32Array | Int32Array {
  be.run('winogradForward', { x: l.x, w: l.w, y: l.y, g: l.g, k: l.K, scale: null, shift: null, slope: 0.1, keepFilters });
  return be.read(l.y);
}

// Each chunk transforming its own input (many columns), the input shared by every part (few
// columns), and shared because the filters are large (192 × 176: 2.1 MB transformed).
const shapes: [WindowGeometry, number][] = [
  [geometry(24, 8, [21, 19], [3, 3], { pad: [1, 1] }), 12],
  [geometry(64, 3, [4, 4], [3, 3], { pad: [1, 1] }), 40],
  [geometry(192, 4, [12, 12], [3, 3], { pad: [1, 1] }), 176],
  [geometry(520, 1, [2, 2], [3, 3], { pad: [1, 1] }), 302],
];

for (const threads of [1, 2]) {
  test(`kept filters: the same bits as transforming them each call, redone after the weights change (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
    await withBackend({ threads, minPartNs: 0 }, (be) => shapes.forEach(([g, K], i) => {
      const l = layer(be, g, K, 10 + i);
      const fresh = forward(be, l, false);
      sameBytes(forward(be, l, true), fresh, 'first call (makes the transform)');
      sameBytes(forward(be, l, true), fresh, 'second call (reuses it)');
      // write(): new weights.
      be.write(l.w, rand(K * g.channels * 9, 50 + i));
      const written = forward(be, l, false);
      differs(written, fresh, 'the new weights');
      sameBytes(forward(be, l, true), written, 'after write()');
      // A kernel that updates the weights in place (SGD without momentum reads g, writes w).
      const grad = be.alloc(K * g.channels * 9);
      be.write(grad, rand(K * g.channels * 9, 70 + i));
      forward(be, l, true);
      be.run('sgdUpdate', { w: l.w, g: grad, v: grad, n: K * g.channels * 9, lr: 0.5, momentum: 0, wdecay: 0, gradScale: 1, nesterov: false });
      const updated = forward(be, l, false);
      differs(updated, written, 'the new weights');
      sameBytes(forward(be, l, true), updated, 'after an in-place kernel');
      // A partial write changes the contents too.
      be.write(l.w, [3], 5);
      sameBytes(forward(be, l, true), forward(be, l, false), 'after a partial write()');
      for (const b of [l.x, l.w, l.y, grad]) be.dispose(b);
    }));
  });
}

test('kept filters: counted once in bytesInUse, freed with the weights', () => withBackend({ threads: 1 }, (be) => {
  const [g, K] = shapes[2];
  const l = layer(be, g, K, 30);
  const before = be.memory().bytesInUse;
  forward(be, l, true);
  const kept = keptFilterBytes(K, g.channels);
  assert.ok(kept >= 16 * K * g.channels * 4, `16 transformed values per filter and channel: ${kept}`);
  // Matrices from 4 KiB on lie apart by 4 KiB plus a cache line (L1 sets); smaller ones are not padded.
  assert.is(keptFilterBytes(4, 3), 16 * 64, 'a 4 × 3 layer keeps 16 matrices of 48 bytes, 64 apart');
  assert.is(be.memory().bytesInUse - before, kept, 'one transform kept');
  forward(be, l, true);
  be.write(l.w, rand(K * g.channels * 9, 31));
  assert.is(be.memory().bytesInUse, before, 'freed as soon as the weights change');
  forward(be, l, true);
  assert.is(be.memory().bytesInUse - before, kept, 'made again, once');
  be.dispose(l.w);
  assert.is(be.memory().bytesInUse, before - K * g.channels * 9 * 4, 'the weights and their transform freed');
  for (const b of [l.x, l.y]) be.dispose(b);
}));

test('kept filters: one buffer read as filters of another shape with the same bytes gets its own transform', () => withBackend({ threads: 1 }, (be) => {
  // K = 4, C = 8 and K = 8, C = 4 transform into blocks of the same size, laid out differently.
  const w = be.alloc(4 * 8 * 9);
  be.write(w, rand(4 * 8 * 9, 40));
  for (const [C, K] of [[8, 4], [4, 8], [8, 4]]) {
    const g = geometry(C, 4, [6, 6], [3, 3], { pad: [1, 1] });
    const x = be.alloc(C * 36 * 4), y = be.alloc(K * 36 * 4);
    be.write(x, rand(C * 36 * 4, 41 + C));
    const run = (keepFilters: boolean) => {
      be.run('winogradForward', { x, w, y, g, k: K, scale: null, shift: null, slope: null, keepFilters });
      return be.read(y);
    };
    sameBytes(run(true), run(false), `K ${K}, C ${C}`);
    be.dispose(x); be.dispose(y);
  }
  be.dispose(w);
}));

test('kept filters: a bare Convolution layer (no fused epilogue) keeps them too when nothing needs a gradient', () => withBackend({ threads: 1 }, (be) => {
  const root = new Sequential([new Convolution([3, 3, 48], { padding: 1 })]);
  buildLayers(root, [40, 8, 8], { backend: be, random: new Random(5) });
  const before = be.memory().bytesInUse;
  const y = noGrad(() => root.forward(Tensor.fromArray(be, rand(40 * 64 * 8, 6), [40, 8, 8, 8]), { training: false, random: new Random(1) }));
  const held = be.memory().bytesInUse - before - 4 * y.size - 4 * 40 * 64 * 8;
  assert.is(held, keptFilterBytes(48, 40));
  y.dispose();
  root.dispose();
}));

test('kept filters: inference plans leave the filter transform out, so ResNet-18\'s 2×2 stage runs by Winograd', () => withBackend({ threads: 1 }, (be) => {
  const kernels = convKernels(be);
  assert.is(kernels.keepsFilters, true);
  const g = geometry(512, 32, [2, 2], [3, 3], { pad: [1, 1] });
  const infer = { weightGrad: false, inputGrad: false };
  assert.is(planConv(g, 512, kernels, infer).algorithm, 'winograd');
  assert.is(planConv(g, 512, { ...kernels, keepsFilters: false }, infer).algorithm, 'im2col', 'transforming 9.4 MB of filters for 8 images does not pay');
}));

test('keepFilterTransforms: false keeps nothing and plans the filter transform back in, for the same predictions', async () => {
  const build = (be: WasmBackend) => {
    const root = new Sequential([new Conv([3, 3, 40], { padding: 1, batchNorm: true, activation: new Rectlin() })]);
    buildLayers(root, [36, 16, 16], { backend: be, random: new Random(6) });
    return root;
  };
  // 16×16 maps: Winograd pays with or without the filter transform in its cost.
  const x = rand(36 * 256 * 8, 4, -1, 1);
  const run = async (keepFilterTransforms: boolean) => {
    let out = new Float32Array(0), held = 0;
    await withBackend({ threads: 1, keepFilterTransforms }, (be) => {
      const root = build(be);
      assert.is(be.keepsFilterTransforms, keepFilterTransforms);
      const planned = planConv(geometry(36, 8, [16, 16], [3, 3], { pad: [1, 1] }), 40, convKernels(be), { weightGrad: false, inputGrad: false });
      assert.is(planned.algorithm, 'winograd');
      const before = be.memory().bytesInUse;
      out = noGrad(() => tidy(() => Float32Array.from(root.forward(Tensor.fromArray(be, x, [36, 16, 16, 8]), { training: false, random: new Random(1) }).toArray())));
      held = be.memory().bytesInUse - before;
      root.dispose();
    });
    return { out, held };
  };
  const kept = await run(true), not = await run(false);
  assert.is(kept.held, keptFilterBytes(40, 36), 'the transformed filters stay');
  assert.is(not.held, 0, 'nothing stays');
  sameBytes(not.out, kept.out, 'the same Winograd arithmetic either way');
  const g = geometry(512, 32, [2, 2], [3, 3], { pad: [1, 1] }), infer = { weightGrad: false, inputGrad: false };
  await withBackend({ threads: 1, keepFilterTransforms: false }, (be) => {
    assert.is(planConv(g, 512, convKernels(be), infer).algorithm, 'im2col');
  });
});

test('a model trained between predictions predicts from its new weights', () => withBackend({ threads: 2, minPartNs: 0 }, (be) => {
  const build = () => {
    const root = new Sequential([
      new Conv([3, 3, 32], { padding: 1, batchNorm: true, activation: new Rectlin() }),
      new Conv([3, 3, 24], { padding: 1, activation: new Rectlin() }),
    ]);
    buildLayers(root, [16, 6, 6], { backend: be, random: new Random(8) });
    return root;
  };
  const root = build();
  const x = rand(16 * 36 * 4, 9, -1, 1);
  const predict = (r: Sequential): Float32Array => noGrad(() => tidy(() =>
    Float32Array.from(r.forward(Tensor.fromArray(be, x, [16, 6, 6, 4]), { training: false, random: new Random(1) }).toArray())));
  const kernels = convKernels(be), infer = { weightGrad: false, inputGrad: false };
  const g = geometry(32, 4, [6, 6], [3, 3], { pad: [1, 1] });
  assert.is(planConv(g, 24, kernels, infer).algorithm, 'winograd', 'the second conv runs by Winograd in inference');
  const before = predict(root);
  sameBytes(predict(root), before, 'the kept transform reproduces the prediction');
  // One SGD step changes every weight in place.
  const opt = new GradientDescentMomentum(0.1, { momentumCoef: 0.9 });
  tidy(() => {
    const y = root.forward(Tensor.fromArray(be, x, [16, 6, 6, 4]), { training: true, random: new Random(2) });
    backward(y);
    opt.optimize(root.params(), 4, 0);
  });
  for (const p of root.params()) { p.value.grad?.dispose(); p.value.grad = null; }
  const after = predict(root);
  differs(after, before, 'the new weights');
  // The same weights and statistics in a fresh model that never predicted before.
  const copy = build();
  const from = root.params(), to = copy.params();
  from.forEach((p, i) => be.write(to[i].value.buf, be.read(p.value.buf)));
  const states = copy.states();
  root.states().forEach((s, i) => be.write(states[i].value.buf, be.read(s.value.buf)));
  sameBytes(after, predict(copy), 'predicts as a fresh model with the trained weights');
  root.dispose(); copy.dispose();
}));

test.run();
