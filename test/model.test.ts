// Model end to end on the CPU backend: learning, saving and loading, exact resume, intermediate
// outputs, frozen layers, and the errors a user meets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { Affine, BatchNorm, Conv, Pooling, type Layer } from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { Logistic, Rectlin } from '../src/nn/activations.ts';
import { CrossEntropyBinary, GeneralizedCost } from '../src/nn/costs.ts';
import { Kaiming, Xavier } from '../src/nn/initializers.ts';
import { Accuracy } from '../src/nn/metrics.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import { throwsWith } from './data-fixtures.ts';
import { randomArray } from './helpers.ts';

/** 1×8×8 images; class 1 when the top half is brighter than the bottom half. Values 0–255. */
function halves(n: number, seed: number): { X: Float32Array; y: Int32Array } {
  const noise = randomArray(n * 64, seed, 0, 1);
  const X = new Float32Array(n * 64), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let p = 0; p < 64; p++) {
      const top = p < 32;
      const base = (top === (y[i] === 1)) ? 150 : 90;
      X[i * 64 + p] = base + 60 * (noise[i * 64 + p] - 0.5);
    }
  }
  return { X, y };
}

function net(opts: { frozenFirst?: boolean } = {}): Layer[] {
  return [
    new Conv([3, 3, 4], { padding: 1, init: new Kaiming(), activation: new Rectlin(), trainable: !opts.frozenFirst, name: 'conv' }),
    new Pooling(2, { op: 'max' }),
    new Conv([3, 3, 4], { padding: 1, init: new Kaiming(), batchNorm: true, activation: new Rectlin() }),
    new Affine(2, { init: new Xavier({ local: false }), activation: new Logistic({ shortcut: true }) }),
  ];
}

const cost = () => new GeneralizedCost({ costfunc: new CrossEntropyBinary() });
const sgd = () => new GradientDescentMomentum(0.01, { momentumCoef: 0.9, wdecay: 0.0005 });
const data = (n = 96, seed = 1, shuffle = true) => {
  const d = halves(n, seed);
  return new ArrayIterator(d.X, d.y, { nclass: 2, lshape: [1, 8, 8], batchSize: 16, shuffle, seed: 3 });
};
const weights = (m: Model) => m.params().map((p) => Array.from(p.value.toArray()));

test('fit lowers the cost and learns a separable task', async () => {
  const model = new Model(net(), { seed: 5 });
  const history = await model.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 6 });
  assert.is(history.loss.length, 6);
  assert.ok(history.loss[5] < history.loss[0] * 0.5, `loss ${history.loss.join(', ')}`);
  const [acc] = await model.eval(data(64, 9, false), new Accuracy());
  assert.ok(acc >= 0.9, `accuracy ${acc}`);
  model.dispose();
});

test('toBytes → fromBytes gives the same outputs, at any batch size', async () => {
  const model = new Model(net(), { seed: 2 });
  await model.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const rows = halves(5, 4).X;
  const before = await model.getOutputs(rows);
  const copy = Model.fromBytes(model.toBytes());
  const after = await copy.getOutputs(rows, { batchSize: 2 });
  assert.equal(Array.from(after), Array.from(before));
  const one = await copy.predict(rows.subarray(0, 64));
  assert.equal(Array.from(one), Array.from(before.subarray(0, 2)));
  assert.ok(one.every((v) => v > 0 && v < 1), 'sigmoid outputs');
  model.dispose(); copy.dispose();
});

test('resuming from a checkpoint continues exactly', async () => {
  const straight = new Model(net(), { seed: 7 });
  await straight.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 4 });

  const first = new Model(net(), { seed: 7 });
  await first.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 2 });
  const resumed = Model.fromBytes(first.toBytes());
  assert.is(resumed.epoch, 2);
  await resumed.fit(data(), { cost: cost(), optimizer: resumed.optimizer!, epochs: 4 });
  assert.equal(weights(resumed), weights(straight));
  assert.equal(resumed.history!.loss, straight.history!.loss);
  straight.dispose(); first.dispose(); resumed.dispose();
});

test('a loaded model not yet built saves back to a file that loads, optimizer state included', async () => {
  const trained = new Model(net(), { seed: 7 });
  await trained.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const bytes = trained.toBytes();
  const again = Model.fromBytes(Model.fromBytes(bytes).toBytes());
  assert.equal(again.optimizer!.getState(), Model.fromBytes(bytes).optimizer!.getState());
  await again.build(again.pendingShape!);
  assert.equal(weights(again), weights(trained));
  trained.dispose(); again.dispose();
});

test('save writes atomically and load refuses a corrupt file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argon-model-'));
  const model = new Model(net(), { seed: 1 });
  await model.fit(data(32), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const path = join(dir, 'm.argon');
  await model.save(path);
  await model.save(path);
  assert.equal(await readdir(dir), ['m.argon'], 'no temporary files left behind');
  const loaded = await Model.load(path);
  assert.equal(weights(loaded), weights(model));
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, bytes.length - 100));
  try {
    await Model.load(path);
    assert.unreachable('a truncated file must not load');
  } catch (e) {
    assert.match((e as Error).message, /m\.argon.*(truncated|corrupt)/);
  }
  model.dispose(); loaded.dispose();
});

test('layerOutput gives a named layer\'s activations from the last inference', async () => {
  const model = new Model(net(), { seed: 1 });
  await model.getOutputs(halves(3, 2).X, { inputShape: [1, 8, 8] });
  const conv = model.layerOutput('conv');
  assert.equal([...conv.shape], [4, 8, 8, 3]);
  assert.ok(conv.toArray().every((v) => v >= 0), 'after Rectlin');
  assert.equal([...model.layerOutput(1).shape], [4, 4, 4, 3]);
  assert.throws(() => model.layerOutput('nope'), /no output for "nope"/);
  model.dispose();
});

test('a frozen layer keeps its weights while the rest trains', async () => {
  const model = new Model(net({ frozenFirst: true }), { seed: 1 });
  await model.build([1, 8, 8]);
  const before = weights(model);
  await model.fit(data(32), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const after = weights(model);
  assert.equal(after[0], before[0], 'frozen conv unchanged');
  assert.not.equal(after[1], before[1], 'the next layer trained');
  model.dispose();
});

test('errors: wrong input shape, class count, NaN input', async () => {
  const small = new Model([new Pooling(16, { name: 'pool16' }), new Affine(2, { activation: new Logistic({ shortcut: true }) })]);
  await throwsWith(() => small.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 1 }), /pool16/, /spans 16 cells but the padded input has 8/);

  const rgb = new Model(net());
  await rgb.build([3, 8, 8]);
  await throwsWith(() => rgb.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 1 }), /built for input \[3, 8, 8\], got data of shape \[1, 8, 8\]/);
  rgb.dispose();

  const wrongClasses = new Model([new Affine(3, { activation: new Logistic({ shortcut: true }) })]);
  await throwsWith(() => wrongClasses.fit(data(), { cost: cost(), optimizer: sgd(), epochs: 1 }), /gives \[3\] per sample, the data has 2 classes/);

  // Caught where it enters (the iterator's constructor, before any fit), naming the sample and the
  // value: sample 1, value 6 of its 64 is flat index 70. A NaN that reaches fit through a custom
  // loader, and the weights staying untouched, is reliability/numerics.test.ts's case.
  const bad = halves(32, 1);
  bad.X[70] = NaN;
  await throwsWith(() => new ArrayIterator(bad.X, bad.y, { nclass: 2, lshape: [1, 8, 8], batchSize: 16 }),
    'ArrayIterator: sample 1 holds NaN at value 6 (of 64 per sample)');
});

test('BatchNorm running statistics are saved and used at inference', async () => {
  const model = new Model([new Conv([3, 3, 2], { padding: 1 }), new BatchNorm(), new Affine(2, { activation: new Logistic({ shortcut: true }) })], { seed: 1 });
  await model.fit(data(32), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const states = model.root.states().map((s) => Array.from(s.value.toArray()));
  assert.ok(states.some((v) => v.some((x) => x !== 0)), 'running stats moved from zero');
  const copy = Model.fromBytes(model.toBytes());
  await copy.build([1, 8, 8]);
  assert.equal(copy.root.states().map((s) => Array.from(s.value.toArray())), states);
  model.dispose(); copy.dispose();
});

test.run();
