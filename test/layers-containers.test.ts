// Containers, names, forwardPre, the concat op, build-time shape errors and config round trips.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import {
  Activation, Affine, BatchNorm, Conv, Convolution, Dropout, Linear, MergeBroadcast, MergeSum, Pooling, Sequential, SkipNode,
  assignNames, buildLayers, layerFromConfig, walkLayers,
} from '../src/layers/index.ts';
import type { Layer } from '../src/layers/layer.ts';
import { models } from '../src/models/index.ts';
import { Logistic, Rectlin, Softmax, Tanh } from '../src/nn/activations.ts';
import { Constant, Gaussian } from '../src/nn/initializers.ts';
import * as ops from '../src/ops/index.ts';
import { Random } from '../src/random.ts';
import { Tensor } from '../src/tensor.ts';
import { F64, expectClose, randomArray } from './helpers.ts';

const backend = createRefBackend('float64');
const ctx = { training: true, random: new Random(3) };
const build = (root: Layer, shape: number[], seed = 1) => buildLayers(root, shape, { backend, random: new Random(seed) });
const input = (shape: number[], seed = 5) => Tensor.fromArray(backend, randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

test('default names: <Type>_<n> per type; compounds take their primitive\'s name, sub-layers neon\'s suffixes', () => {
  const root = new Sequential([
    new Conv([3, 3, 4], { batchNorm: true, activation: new Rectlin() }), new Pooling(2),
    new Conv([3, 3, 4], { name: 'mine', bias: new Constant(), activation: new Tanh() }),
    new MergeSum([new SkipNode(), [new Convolution([1, 1, 4]), new BatchNorm()]]),
    new Affine(2, { activation: new Logistic() }),
  ]);
  assignNames(root);
  assert.equal(walkLayers(root).map((l) => l.name), [
    'Sequential_0', 'Convolution_0', 'Convolution_0', 'Convolution_0_bnorm', 'Convolution_0_Rectlin', 'Pooling_0',
    'mine', 'mine', 'mine_bias', 'mine_Tanh', 'MergeSum_0', 'Sequential_1', 'SkipNode_0', 'Sequential_2', 'Convolution_1',
    'BatchNorm_0', 'Linear_0', 'Linear_0', 'Linear_0_Logistic',
  ]);
  assignNames(root);
  assert.is(walkLayers(root)[1].name, 'Convolution_0', 'idempotent');
  const dup = new Sequential([new Linear(2, { name: 'fc' }), new Linear(2, { name: 'fc' })]);
  assert.throws(() => assignNames(dup), /Layer name 'fc' is used twice/);
  const nested = new Sequential([new Linear(3), [new Dropout(), [new Linear(2)]]]);
  assert.equal(nested.children().map((l) => l.type), ['Linear', 'Dropout', 'Linear'], 'nested lists flatten');
});

test('forwardPre skips a final Activation, looking into a trailing compound', () => {
  const root = new Sequential([new Affine(3, { activation: new Tanh() }), new Affine(2, { activation: new Logistic({ shortcut: true }) })]);
  build(root, [4]);
  const x = input([4, 5]);
  const { pre, final } = root.forwardPre(x, ctx);
  assert.is(final?.type, 'Logistic');
  const w = root.params().map((p) => p.value);
  const expected = ops.matmul(w[1], ops.tanh(ops.matmul(w[0], x)));
  expectClose(pre.toArray(), expected.toArray(), F64, 'pre-activation');
  expectClose(root.forward(x, ctx).toArray(), ops.logistic(expected).toArray(), F64, 'forward');
  const plain = new Sequential([new Linear(2)]);
  build(plain, [4]);
  assert.is(plain.forwardPre(x, ctx).final, null);
  const merged = new Sequential([new MergeSum([new Activation(new Tanh()), new SkipNode()])]);
  build(merged, [4]);
  assert.is(merged.forwardPre(x, ctx).final, null, 'a merge is never skipped');
});

test('MergeSum adds its branches; branch shape mismatch names the branch and both shapes', () => {
  const c = new Convolution([1, 1, 3], { init: new Gaussian() });
  const m = new MergeSum([new SkipNode(), c]);
  build(new Sequential([m]), [3, 2, 2]);
  const x = input([3, 2, 2, 2]);
  expectClose(m.forward(x, ctx).toArray(), ops.add(x, ops.conv(x, c.params()[0].value)).toArray(), F64, 'x + conv(x)');
  assert.is(m.info().at(-1)?.type, 'MergeSum');
  const bad = new MergeSum([new Convolution([1, 1, 8], { strides: 2 }), [new Convolution([3, 3, 4], { padding: 1 })]], { name: 'block' });
  assert.throws(() => build(new Sequential([bad]), [3, 8, 8]),
    /MergeSum layer 'block': branch 1 outputs \[4, 8, 8\] but branch 0 outputs \[8, 4, 4\]/);
});

test('MergeBroadcast depth merge concatenates channels; spatial mismatch is an error', () => {
  const a = new Convolution([1, 1, 2]), b = new Convolution([3, 3, 3], { padding: 1 });
  const m = new MergeBroadcast([a, [b], new Pooling(3, { strides: 1, padding: 1 })], { merge: 'depth' });
  assert.equal(build(new Sequential([m]), [2, 4, 4]), [7, 4, 4]);
  const x = input([2, 4, 4, 3]);
  const y = m.forward(x, ctx).toArray();
  const parts = [ops.conv(x, a.params()[0].value), ops.conv(x, b.params()[0].value, { pad: 1 }), ops.pool(x, { window: 3, stride: 1, pad: 1 })];
  expectClose(y, parts.flatMap((p) => [...p.toArray()]), F64, 'channel blocks in order');
  const bad = new MergeBroadcast([new Convolution([1, 1, 2]), new Convolution([3, 3, 2])], { merge: 'depth' });
  assert.throws(() => build(new Sequential([bad]), [1, 5, 5]), /branch 1 outputs \[2, 3, 3\] but branch 0 outputs \[2, 5, 5\]/);
});

test('concat: any axis, forward and backward', () => {
  const a = Tensor.fromArray(backend, [1, 2, 3, 4], [2, 2], { requiresGrad: true });
  const b = Tensor.fromArray(backend, [5, 6], [2, 1], { requiresGrad: true });
  const y = ops.concat([a, b], 1);
  assert.equal(y.shape, [2, 3]);
  assert.equal([...y.toArray()], [1, 2, 5, 3, 4, 6]);
  backward(y, Tensor.fromArray(backend, [10, 20, 30, 40, 50, 60], [2, 3]));
  assert.equal([...a.grad!.toArray()], [10, 20, 40, 50]);
  assert.equal([...b.grad!.toArray()], [30, 60]);
  assert.equal([...ops.concat([a, a], 0).toArray()], [1, 2, 3, 4, 1, 2, 3, 4]);
  assert.throws(() => ops.concat([a, b], 0), /input 1 has shape \[2, 1\], input 0 \[2, 2\]/);
});

test('build-time shape errors name the layer, the expected and the actual shape', () => {
  const conv = new Conv([3, 3, 8], { padding: 1 });
  const root = new Sequential([conv, new Affine(2)]);
  build(root, [3, 8, 8]);
  assert.throws(() => root.configure([1, 8, 8]), /Convolution layer 'Convolution_0': expected input \[3, H, W\], got \[1, 8, 8\]/);
  assert.throws(() => build(new Sequential([new Conv([3, 3, 8])]), [3, 8]), /Convolution layer 'Convolution_0': expected input \[C, H, W\], got \[3, 8\]/);
  const fc = new Sequential([new Linear(2)]);
  build(fc, [10]);
  assert.throws(() => fc.configure([3, 2, 2]), /Linear layer 'Linear_0': expected input with 10 values per sample, got \[3, 2, 2\]/);
  assert.throws(() => build(new Sequential([new Conv([5, 5, 2])]), [1, 3, 3]), /Convolution layer 'Convolution_0': input \[1, 3, 3\].*window spans 5 cells/);
  assert.throws(() => models.cnn2({ inputShape: [3, 4, 4] }), /cnn2 cannot take input \[3, 4, 4\]/);
});

function same(a: Layer, b: Layer): void {
  assert.equal(b.params().map((p) => [p.name, p.kind, p.value.shape, p.trainable]), a.params().map((p) => [p.name, p.kind, p.value.shape, p.trainable]));
  assert.equal(b.states().map((s) => s.name), a.states().map((s) => s.name));
  assert.equal(b.info().map((r) => [r.name, r.type, r.outShape]), a.info().map((r) => [r.name, r.type, r.outShape]));
  assert.equal(JSON.parse(JSON.stringify(b.config())), JSON.parse(JSON.stringify(a.config())));
}

test('config → layerFromConfig rebuilds the same tree, names and parameters', () => {
  const trees: [Layer, number[]][] = [
    [new Sequential(models.cnn1()), [3, 16, 16]],
    [new Sequential(models.resnet18({ nclass: 3 })), [3, 32, 32]],
    [new Sequential([
      new Conv([3, 3, 4], { strides: { h: 2, w: 1 }, padding: [1, 1], bias: new Constant({ val: 0.1 }), trainable: false }),
      new MergeBroadcast([new Convolution([1, 1, 2]), [new Pooling(3, { strides: 1, padding: 1, op: 'l2' }), new Dropout({ keep: 0.8 })]], { merge: 'depth', name: 'mb' }),
      new Affine(5, { batchNorm: true, activation: new Softmax({ shortcut: false }) }),
    ]), [2, 6, 5]],
  ];
  for (const [a, shape] of trees) {
    build(a, shape);
    const json = JSON.parse(JSON.stringify(a.config()));
    const b = layerFromConfig(json);
    build(b, shape, 2);
    same(a, b);
  }
  assert.throws(() => layerFromConfig({ type: 'Conv', name: 'x', fshape: 'big' }), /layer config "x" \(Conv\): 'fshape' must be a list of integers/);
  assert.throws(() => layerFromConfig({ type: 'Nope', name: 'x' }), /Unknown layer type "Nope"/);
});

test.run();
