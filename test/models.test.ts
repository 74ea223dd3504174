// The course's networks: parameter counts from networks.md, CNN-2's spatial sizes, recipes, and a
// forward/backward pass through CNN-1 and ResNet-18 on the reference backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import type { Backend } from '../src/backends/backend.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { Affine, Conv, MergeSum, Sequential, SkipNode, assignNames, buildLayers, walkLayers } from '../src/layers/index.ts';
import type { Layer } from '../src/layers/layer.ts';
import { RECIPE_CHANGES, convParams, makeResnetBase, modelNames, models, type ModelName } from '../src/models/index.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { expectClose, randomArray } from './helpers.ts';

function configured(layers: Layer[], shape: number[]): Sequential {
  const root = new Sequential(layers);
  assignNames(root);
  root.configure(shape);
  return root;
}

const paramCount = (root: Layer) => root.info().reduce((s, r) => s + r.params, 0);

test('parameter counts at 3×64×64, 2 classes, equal networks.md', () => {
  const expected: Partial<Record<ModelName, number>> = {
    fcnn1: 1_573_120, fcnn2: 1_581_184, fcnn3: 4_935_300, cnn1: 52_064, cnn2: 207_792, resnet18: 11_179_840, resnet50: 23_504_448,
  };
  for (const [name, n] of Object.entries(expected)) {
    for (const recipe of ['default', 'course'] as const) {
      assert.is(paramCount(configured(models[name as ModelName]({ recipe }), [3, 64, 64])), n, `${name} (${recipe})`);
    }
  }
  assert.equal(modelNames, ['fcnn1', 'fcnn2', 'fcnn3', 'cnn1', 'cnn2', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'fcn']);
});

test('ResNet-18/50 at 3×224×224, 1000 classes', () => {
  const at = (name: ModelName) => paramCount(configured(models[name]({ nclass: 1000, inputShape: [3, 224, 224] }), [3, 224, 224]));
  assert.is(at('resnet18'), 11_690_816);
  assert.is(at('resnet50'), 25_548_352);
});

test('CNN-2 spatial sizes 64→62→29→27→27→25→25→23→21→21→1', () => {
  const root = configured(models.cnn2(), [3, 64, 64]);
  const sizes = [64];
  for (const l of walkLayers(root)) if (l.type === 'Convolution' || l.type === 'Pooling') sizes.push(l.outShape[1]);
  assert.equal(sizes, [64, 62, 29, 27, 27, 25, 25, 23, 21, 21, 1]);
});

test('ResNet structure: stages, strides, projection shortcuts, head', () => {
  const base = makeResnetBase([2, 2, 2, 2], 'basic');
  const blocks = base.filter((l): l is MergeSum => l instanceof MergeSum);
  assert.is(blocks.length, 8);
  const side = blocks.map((b) => (b.branches[0].children()[0] instanceof SkipNode ? 'skip' : 'proj'));
  assert.equal(side, ['proj', 'skip', 'proj', 'skip', 'proj', 'skip', 'proj', 'skip']);
  const root = configured(models.resnet50(), [3, 64, 64]);
  assert.equal(root.outShape, [2]);
  const types = root.children().slice(-4).map((l) => l.type);
  assert.equal(types, ['BatchNorm', 'Activation', 'Pooling', 'Affine']);
  const [fshape, opts] = convParams(3, 64, { stride: 2, relu: false });
  assert.equal(fshape, [3, 3, 64]);
  assert.equal([opts.strides, opts.padding, opts.batchNorm, opts.activation, opts.init?.config()],
    [2, 1, true, undefined, { type: 'Kaiming', local: true }]);
});

test('recipes: course keeps neon\'s Xavier() on the Affine head, default uses the fan-in', () => {
  const headInit = (layers: Layer[]) => (layers.at(-1) as Affine).linear.init.config();
  for (const name of ['fcnn1', 'cnn1', 'cnn2'] as const) {
    assert.equal(headInit(models[name]({ recipe: 'course' })), { type: 'Xavier', local: true }, `${name} course`);
    assert.equal(headInit(models[name]()), { type: 'Xavier', local: false }, `${name} default`);
  }
  assert.equal(headInit(models.resnet18({ recipe: 'course' })), { type: 'Kaiming', local: false });
  const cnn1 = models.cnn1({ recipe: 'course' });
  assert.equal(cnn1.map((l) => l.type), ['DataTransform', 'Conv', 'Pooling', 'Conv', 'Pooling', 'Affine']);
  assert.equal((cnn1[1] as Conv).config().init, { type: 'Kaiming', local: true });
  assert.ok(RECIPE_CHANGES.length >= 1 && RECIPE_CHANGES[0].includes('Xavier({ local: false })'));
  assert.throws(() => models.cnn1({ nclass: 0 }), /nclass must be a positive integer/);
});

function forwardBackward(backend: Backend, layers: Layer[], shape: number[], batch: number, nclass: number): number[] {
  const root = new Sequential(layers);
  buildLayers(root, shape, { backend, random: new Random(1) });
  const params = root.params();
  const out = tidy(() => {
    const x = Tensor.fromArray(backend, randomArray(shape.reduce((a, b) => a * b, 1) * batch, 3, 0, 255), [...shape, batch]);
    const ctx = { training: true, random: new Random(2) };
    const { pre, final } = root.forwardPre(x, ctx);
    assert.equal(pre.shape, [nclass, batch]);
    assert.ok(final !== null);
    const y = final.apply(pre).toArray();
    for (let n = 0; n < batch; n++) {
      for (let k = 0; k < nclass; k++) assert.ok(y[k * batch + n] > 0 && y[k * batch + n] < 1);
    }
    backward(pre, Tensor.fromArray(backend, randomArray(nclass * batch, 4), pre.shape));
    return Array.from(pre.toArray());
  });
  for (const p of params) {
    const g = p.value.grad;
    assert.ok(g !== null, `${p.name} has no gradient`);
    const values = g.toArray();
    assert.ok(values.every(Number.isFinite) && values.some((v) => v !== 0), `${p.name}: gradient all zero or not finite`);
  }
  const grads = params.map((p) => p.value.grad!.toArray()[0]);
  root.dispose();
  return [...out, ...grads];
}

const wasm = createWasmBackend();

async function onBoth(make: () => Layer[], shape: number[], nclass: number, tol: { rtol: number; atol: number }): Promise<void> {
  const ref = forwardBackward(createRefBackend('float32'), make(), shape, 2, nclass);
  const fast = forwardBackward(await wasm, make(), shape, 2, nclass);
  expectClose(fast, ref, tol, 'wasm against ref-f32: outputs, then each parameter\'s first gradient value');
}

test('CNN-1 at 3×32×32, batch 2 (ref and wasm): output [2, 2], every parameter gets a gradient', async () => {
  await onBoth(() => models.cnn1({ inputShape: [3, 32, 32] }), [3, 32, 32], 2, { rtol: 1e-4, atol: 1e-5 });
});

// Batch statistics over 2 samples at 1×1 spatial size amplify float32 rounding: a looser tolerance.
test('ResNet-18 at 3×32×32, batch 2 (ref and wasm): output [3, 2], every parameter gets a gradient', async () => {
  await onBoth(() => models.resnet18({ nclass: 3, inputShape: [3, 32, 32] }), [3, 32, 32], 3, { rtol: 2e-3, atol: 1e-4 });
});

test.run();
