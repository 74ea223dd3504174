// Activation transforms, initializers and the primitive layers: values, shapes, fans, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import {
  Activation, Affine, BatchNorm, Bias, Conv, Convolution, DataTransform, Dropout, Linear, Pooling, Sequential, buildLayers,
} from '../src/layers/index.ts';
import type { Layer } from '../src/layers/layer.ts';
import {
  Explin, Identity, Logistic, Normalizer, Rectlin, Softmax, Tanh, activationFromConfig, type ActivationTransform,
} from '../src/nn/activations.ts';
import {
  Constant, Gaussian, GlorotUniform, Kaiming, Uniform, Xavier, initializerFromConfig, type Initializer,
} from '../src/nn/initializers.ts';
import * as ops from '../src/ops/index.ts';
import { Random } from '../src/random.ts';
import { Tensor } from '../src/tensor.ts';
import { F64, expectClose, randomArray } from './helpers.ts';

const backend = createRefBackend('float64');
const train = { training: true, random: new Random(3) };
const infer = { training: false, random: new Random(3) };
const build = (root: Layer, shape: number[], seed = 1) => buildLayers(root, shape, { backend, random: new Random(seed) });
const input = (shape: number[], seed = 5, lo = -1, hi = 1) => Tensor.fromArray(backend, randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);

test('activation transforms compute neon\'s functions', () => {
  const xs = [-2, -0.5, 0, 0.5, 3];
  const x = Tensor.fromArray(backend, xs, [5, 1]);
  const cases: [ActivationTransform, (v: number) => number][] = [
    [new Identity(), (v) => v],
    [new Rectlin(), (v) => Math.max(v, 0)],
    [new Rectlin({ slope: 0.1 }), (v) => Math.max(v, 0) + 0.1 * Math.min(v, 0)],
    [new Explin({ alpha: 0.5 }), (v) => Math.max(v, 0) + 0.5 * (Math.exp(Math.min(v, 0)) - 1)],
    [new Logistic(), (v) => 1 / (1 + Math.exp(-v))],
    [new Tanh(), Math.tanh],
    [new Normalizer(), (v) => v / 128],
  ];
  for (const [f, ref] of cases) expectClose(f.apply(x).toArray(), xs.map(ref), F64, f.type);
  const z = Math.exp(-2) + Math.exp(-0.5) + 1 + Math.exp(0.5) + Math.exp(3);
  expectClose(new Softmax().apply(x).toArray(), xs.map((v) => Math.exp(v) / z), F64, 'Softmax');
});

test('shortcut defaults: Logistic false (neon), Softmax true; configs round-trip', () => {
  assert.is(new Logistic().shortcut, false);
  assert.is(new Softmax().shortcut, true);
  for (const f of [new Identity(), new Rectlin({ slope: 0.2 }), new Explin({ alpha: 2 }), new Logistic({ shortcut: true }),
    new Tanh(), new Softmax({ shortcut: false }), new Normalizer({ divisor: 255 })]) {
    assert.equal(activationFromConfig(f.config()).config(), f.config());
  }
  assert.throws(() => activationFromConfig({ type: 'Swish' }), /Unknown activation type "Swish"/);
});

test('initializers: neon\'s fills, fan by neon\'s weight shape, configs round-trip', () => {
  const fan = { first: 12, second: 48 };
  const stats = (init: Initializer, f = fan) => {
    const v = init.fill(20000, f, new Random(9));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return { v, mean, std, min: Math.min(...v), max: Math.max(...v) };
  };
  assert.equal([...new Constant({ val: 0.5 }).fill(3, fan, new Random(1))], [0.5, 0.5, 0.5]);
  const u = stats(new Uniform({ low: 2, high: 3 }));
  assert.ok(u.min >= 2 && u.max < 3 && Math.abs(u.mean - 2.5) < 0.01);
  const g = stats(new Gaussian({ loc: 1, scale: 2 }));
  assert.ok(Math.abs(g.mean - 1) < 0.05 && Math.abs(g.std - 2) < 0.05, `Gaussian ${g.mean} ${g.std}`);
  const bound = (s: { min: number; max: number }, k: number, label: string) =>
    assert.ok(s.max <= k && s.min >= -k && s.max > 0.99 * k && s.min < -0.99 * k, `${label}: [${s.min}, ${s.max}] vs ±${k}`);
  bound(stats(new GlorotUniform()), Math.sqrt(6 / 60), 'GlorotUniform');
  bound(stats(new Xavier()), Math.sqrt(3 / 12), 'Xavier local');
  bound(stats(new Xavier({ local: false })), Math.sqrt(3 / 48), 'Xavier non-local');
  const k = stats(new Kaiming());
  assert.ok(Math.abs(k.std - Math.sqrt(2 / 12)) < 0.01 && Math.abs(k.mean) < 0.01, `Kaiming std ${k.std}`);
  assert.ok(Math.abs(stats(new Kaiming({ local: false })).std - Math.sqrt(2 / 48)) < 0.005);
  for (const i of [new Constant({ val: 2 }), new Uniform({ low: -1, high: 2 }), new Gaussian({ loc: 0, scale: 0.1 }),
    new GlorotUniform(), new Xavier({ local: false }), new Kaiming()]) {
    assert.equal(initializerFromConfig(i.config()).config(), i.config());
  }
  assert.equal([...new Xavier().fill(5, fan, new Random(4))], [...new Xavier().fill(5, fan, new Random(4))], 'seeded');
});

test('the course\'s Affine head trap: Xavier() uses fan = nout, Xavier({ local: false }) the fan-in', () => {
  const head = (init: Initializer) => {
    const a = new Affine(2, { init });
    build(new Sequential([a]), [64, 16, 16]);
    const w = a.params()[0].value;
    assert.equal(w.shape, [2, 16384]);
    return Math.max(...w.toArray().map(Math.abs));
  };
  const local = head(new Xavier()), fanIn = head(new Xavier({ local: false }));
  assert.ok(local > 1.2 && local <= Math.sqrt(3 / 2), `local max ${local}`);
  assert.ok(fanIn <= Math.sqrt(3 / 16384) && fanIn > 0.013, `fan-in max ${fanIn}`);
});

test('Convolution: W [K, C, R, S], conv fan C·R·S, output sizes, forward equals ops.conv', () => {
  const c = new Convolution([3, 3, 4], { padding: 2, dilation: 2, init: new Xavier() });
  const root = new Sequential([c]);
  assert.equal(build(root, [2, 6, 5]), [4, 6, 5]);
  const w = c.params()[0];
  assert.is(w.name, 'Convolution_0.W');
  assert.equal(w.value.shape, [4, 2, 3, 3]);
  assert.ok(Math.max(...w.value.toArray().map(Math.abs)) <= Math.sqrt(3 / 18));
  const x = input([2, 6, 5, 3]);
  expectClose(root.forward(x, train).toArray(), ops.conv(x, w.value, { pad: 2, dilation: 2 }).toArray(), F64, 'conv');
  const per = new Sequential([new Convolution([3, 2, 1], { strides: { h: 2 }, padding: { w: 1 } })]);
  assert.equal(build(per, [1, 9, 4]), [1, 4, 5]);
  assert.equal(build(new Sequential([new Convolution([3, 5])]), [2, 10]), [5, 8], '1-D');
  assert.equal(build(new Sequential([new Convolution([2, 3, 3, 6], { strides: [1, 2, 2] })]), [1, 4, 9, 9]), [6, 3, 4, 4], '3-D');
  const info = c.info()[0];
  assert.equal([info.params, info.macs, info.workspace], [72, 72 * 30, 18 * 30]);
  const pw = new Convolution([1, 1, 8]);
  build(new Sequential([pw]), [4, 3, 3]);
  assert.is(pw.info()[0].workspace, 0, '1×1 stride 1 reads its input as columns');
});

test('Pooling: neon sizes, stride defaults to the window, \'all\', argmax workspace', () => {
  const shape = (p: Pooling, s: number[]) => build(new Sequential([p]), s);
  assert.equal(shape(new Pooling([3, 3], { padding: 1, strides: 2 }), [8, 64, 64]), [8, 32, 32]);
  assert.equal(shape(new Pooling([3, 3], { padding: 1, strides: 2 }), [8, 63, 63]), [8, 32, 32]);
  assert.equal(shape(new Pooling([5, 5], { strides: 2 }), [32, 62, 62]), [32, 29, 29]);
  assert.equal(shape(new Pooling(2), [1, 6, 7]), [1, 3, 3]);
  const all = new Pooling('all', { op: 'avg' });
  assert.equal(shape(all, [5, 7, 3]), [5, 1, 1]);
  const x = input([5, 7, 3, 2]);
  expectClose(all.forward(x, infer).toArray(), ops.pool(x, { window: 'all', op: 'avg' }).toArray(), F64, 'global avg');
  const mx = new Pooling(2);
  shape(mx, [3, 4, 4]);
  assert.is(mx.info()[0].workspace, 12);
  assert.is(all.info()[0].workspace, 0);
  assert.throws(() => shape(new Pooling(2, { padding: 2 }), [1, 4, 4]), /Pooling layer 'Pooling_0'.*padding must be smaller than the window/);
});

test('Linear flattens any input; Bias per channel; Affine with bias', () => {
  const lin = new Linear(3);
  const root = new Sequential([lin]);
  assert.equal(build(root, [2, 2, 2]), [3]);
  const x = input([2, 2, 2, 4]);
  const w = lin.params()[0].value;
  assert.equal(w.shape, [3, 8]);
  expectClose(root.forward(x, train).toArray(), ops.matmul(w, ops.reshape(x, [8, 4])).toArray(), F64, 'linear');
  const b = new Bias({ init: new Constant({ val: 0.5 }) });
  build(new Sequential([b]), [2, 3]);
  assert.equal([...b.forward(Tensor.zeros(backend, [2, 3, 1]), train).toArray()], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  const aff = new Affine(4, { bias: new Constant({ val: 1 }), activation: new Rectlin() });
  build(new Sequential([aff]), [3]);
  assert.equal(aff.params().map((p) => [p.name, p.kind, p.value.size]), [['Linear_0.W', 'weight', 12], ['Linear_0_bias.b', 'bias', 4]]);
  assert.equal(aff.children().map((l) => l.name), ['Linear_0', 'Linear_0_bias', 'Linear_0_Rectlin']);
});

test('BatchNorm: gamma 1, beta 0, running stats 0 as state; batch stats in training, running in inference', () => {
  const bn = new BatchNorm({ rho: 0.5 });
  build(new Sequential([bn]), [2, 3]);
  assert.equal(bn.params().map((p) => [p.name, p.kind, [...p.value.toArray()]]), [['BatchNorm_0.gamma', 'gamma', [1, 1]], ['BatchNorm_0.beta', 'beta', [0, 0]]]);
  assert.equal(bn.states().map((s) => s.name), ['BatchNorm_0.runMean', 'BatchNorm_0.runVar']);
  const x = Tensor.fromArray(backend, [1, 3, 1, 3, 1, 3, 0, 0, 0, 4, 4, 4], [2, 3, 2]);
  const y = bn.forward(x, train).toArray();
  expectClose(y, [-1, 1, -1, 1, -1, 1].map((v) => v / Math.sqrt(1 + 1e-3)).concat([-1, -1, -1, 1, 1, 1].map((v) => v * 2 / Math.sqrt(4 + 1e-3))), F64, 'normalised');
  expectClose(bn.states()[0].value.toArray(), [1, 1], F64, 'runMean = 0.5·0 + 0.5·mean');
  expectClose(bn.states()[1].value.toArray(), [0.5, 2], F64, 'runVar');
  const yi = bn.forward(x, infer).toArray();
  expectClose(yi.slice(0, 2), [0, 2 / Math.sqrt(0.5 + 1e-3)], F64, 'inference uses running stats');
});

test('Dropout: mask without rescaling in training, ×keep in inference; DataTransform divides', () => {
  const d = new Dropout({ keep: 0.75 });
  build(new Sequential([d]), [100]);
  const ones = Tensor.fromArray(backend, new Float64Array(400).fill(1), [100, 4]);
  const y: number[] = Array.from(d.forward(ones, train).toArray());
  assert.ok(y.every((v) => v === 0 || v === 1));
  const kept = y.reduce((a: number, b) => a + b, 0) / 400;
  assert.ok(kept > 0.68 && kept < 0.82, `kept ${kept}`);
  assert.ok(d.forward(ones, infer).toArray().every((v) => v === 0.75));
  assert.is(d.info()[0].workspace, 100);
  const dt = new DataTransform(new Normalizer({ divisor: 128 }));
  build(new Sequential([dt]), [1]);
  assert.equal([...dt.forward(Tensor.fromArray(backend, [0, 255], [1, 2]), infer).toArray()], [0, 255 / 128]);
});

test('trainable: false creates params without gradients and marks them for the optimizer', () => {
  const frozen = new Conv([3, 3, 2], { padding: 1, batchNorm: true, activation: new Rectlin(), trainable: false });
  const head = new Affine(2);
  const root = new Sequential([frozen, head]);
  build(root, [1, 4, 4]);
  assert.equal(root.params().map((p) => [p.name, p.trainable, p.value.requiresGrad]), [
    ['Convolution_0.W', false, false], ['Convolution_0_bnorm.gamma', false, false], ['Convolution_0_bnorm.beta', false, false],
    ['Linear_0.W', true, true],
  ]);
  const y = root.forward(input([1, 4, 4, 2]), train);
  backward(y);
  assert.ok(frozen.params().every((p) => p.value.grad === null));
  assert.ok(head.params()[0].value.grad !== null);
  const nested = new Sequential([new Sequential([new Convolution([1, 1, 2])], { trainable: false }), new Linear(1)]);
  build(nested, [1, 2, 2]);
  assert.equal(nested.params().map((p) => p.trainable), [false, true], 'a frozen container freezes its children');
});

test('compound rules: bias with batchNorm is an error; Activation is the last sub-layer', () => {
  assert.throws(() => new Conv([3, 3, 8], { bias: new Constant(), batchNorm: true }), /batchNorm and bias cannot be combined/);
  assert.throws(() => new Affine(2, { bias: new Constant(), batchNorm: true }), /batchNorm and bias cannot be combined/);
  const c = new Conv([3, 3, 8], { batchNorm: true, activation: new Explin(), name: 'c1' });
  assert.equal(c.children().map((l) => [l.type, l.name]), [['Convolution', 'c1'], ['BatchNorm', 'c1_bnorm'], ['Activation', 'c1_Explin']]);
  assert.ok(c.children()[2] instanceof Activation);
});

test.run();
