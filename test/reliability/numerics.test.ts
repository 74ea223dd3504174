// The numerics guard (issue 15 §3): NaN/Inf inputs are errors naming the sample (and the file it
// came from); a non-finite cost or update stops training naming the batch that caused it, with the
// saved checkpoint untouched; a loss stuck at the cross-entropy clip and a BatchNorm seeing one
// value per channel in training each warn once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import type { Batch, DataIterator } from '../../src/data/iterator.ts';
import { Affine, Conv, DataTransform, Pooling } from '../../src/layers/index.ts';
import { Model } from '../../src/model/model.ts';
import { Logistic, Normalizer, Rectlin } from '../../src/nn/activations.ts';
import { CrossEntropyBinary, GeneralizedCost } from '../../src/nn/costs.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { randomArray } from '../helpers.ts';
import { throwsWith } from '../data-fixtures.ts';
import { smallNet } from './fixtures.ts';

const cost = () => new GeneralizedCost({ costfunc: new CrossEntropyBinary() });
const sgd = (lr = 0.01) => new GradientDescentMomentum(lr, { momentumCoef: 0.9 });
const F = 3 * 8 * 8;

function rows(n: number, seed = 1): { X: Float32Array; y: Int32Array } {
  const X = Float32Array.from(randomArray(n * F, seed, 0, 255));
  const y = Int32Array.from({ length: n }, (_, i) => (X[i * F] > 127 ? 1 : 0));
  return { X, y };
}

/** An iterator that hands out fixed batches (a user's own loader, unchecked at construction). */
function batchesOf(list: Batch[]): DataIterator {
  const n = list.reduce((a, b) => a + b.n, 0);
  return {
    inputShape: [3, 8, 8], nclass: 2, ndata: n, batchSize: list[0].n, nbatches: list.length,
    batches: () => ({ async *[Symbol.asyncIterator]() { yield* list; } }),
  };
}

function batch(X: Float32Array, y: Int32Array, from: number, n: number): Batch {
  const x = new Float32Array(F * n), targets = new Float32Array(2 * n), labels = y.slice(from, from + n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < F; i++) x[i * n + j] = X[(from + j) * F + i];
    targets[labels[j] * n + j] = 1;
  }
  return { x, n, labels, targets };
}

test('NaN or Inf in the data: the error names the sample index and the file', async () => {
  const { X, y } = rows(8);
  X[5 * F + 17] = NaN;
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 4, source: 'pixels.bin' }),
    'pixels.bin', 'sample 5', 'NaN', 'value 17');
  X[5 * F + 17] = 0;
  X[2 * F] = -Infinity;
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 4 }), 'sample 2', '-Infinity');
});

test('NaN in rows given to predict or getOutputs is an error, not a plausible output', async () => {
  const model = new Model(smallNet(), { seed: 1 });
  await model.build([3, 8, 8]);
  const { X } = rows(4);
  X[3 * F + 9] = NaN;
  await throwsWith(() => model.getOutputs(X), 'getOutputs', 'sample 3', 'NaN');
  await throwsWith(() => model.predict(X.subarray(3 * F, 4 * F)), 'predict', 'NaN', 'value 9');
  model.dispose();
});

test('a NaN in a batch of a custom loader stops training at that batch, before the weights change', async () => {
  const model = new Model(smallNet(), { seed: 1 });
  await model.build([3, 8, 8]);
  const before = model.params().map((p) => Array.from(p.value.toArray()));
  const { X, y } = rows(48);
  const list = [batch(X, y, 0, 16), batch(X, y, 16, 16), batch(X, y, 32, 16)];
  list[1].x[7 * 16 + 4] = NaN; // batch 1, sample 4 of the batch
  const msg = await throwsWith(() => model.fit(batchesOf(list), { cost: cost(), optimizer: sgd(), epochs: 1 }),
    'epoch 0', 'batch 1', 'sample 4', 'NaN');
  assert.not.match(msg, /batch 2/);
  assert.not.match(msg, /learning rate/, 'bad data is not blamed on the learning rate');
  // Batch 0 trained; batch 1 did not touch the weights: compare with a run over batch 0 alone.
  const ref = new Model(smallNet(), { seed: 1 });
  await ref.fit(batchesOf([batch(X, y, 0, 16)]), { cost: cost(), optimizer: sgd(), epochs: 1 });
  assert.equal(model.params().map((p) => Array.from(p.value.toArray())), ref.params().map((p) => Array.from(p.value.toArray())));
  assert.not.equal(before, ref.params().map((p) => Array.from(p.value.toArray())));
  model.dispose(); ref.dispose();
});

test('an update that makes the weights non-finite stops training naming that batch, not the next', async () => {
  const model = new Model([new Affine(2, { activation: new Logistic({ shortcut: true }) })], { seed: 1 });
  const { X, y } = rows(64);
  const data = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 16 });
  const msg = await throwsWith(() => model.fit(data, { cost: cost(), optimizer: sgd(1e38), epochs: 1 }),
    'epoch 0, batch 0', 'not finite', 'learning rate');
  assert.not.match(msg, /batch 1/);
  model.dispose();
});

test('a loss stuck at the cross-entropy clip warns once', async () => {
  // A linear classifier stays alive at any learning rate: at lr 100 its outputs saturate and the
  // loss sits near the clip (50 per confidently wrong term) without ever becoming NaN.
  const linear = () => [new DataTransform(new Normalizer({ divisor: 128 })), new Affine(2, { activation: new Logistic({ shortcut: true }) })];
  const warnings: string[] = [];
  const model = new Model(linear(), { seed: 1 });
  const { X, y } = rows(256);
  const data = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 16, shuffle: true, seed: 1 });
  const history = await model.fit(data, { cost: cost(), optimizer: sgd(100), epochs: 2, onWarning: (m) => warnings.push(m) });
  assert.ok(history.loss.every((v) => Number.isFinite(v) && v > 20), `losses ${history.loss.join(', ')}`);
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /clip/);
  assert.match(warnings[0], /learning rate/);
  // A healthy run does not warn.
  const quiet: string[] = [];
  const ok = new Model(linear(), { seed: 1 });
  const h = await ok.fit(data, { cost: cost(), optimizer: sgd(0.01), epochs: 2, onWarning: (m) => quiet.push(m) });
  assert.ok(h.loss[1] < 1.4, `healthy losses ${h.loss.join(', ')}`);
  assert.equal(quiet, []);
  model.dispose(); ok.dispose();
});

test('a BatchNorm that sees one value per channel in training warns once, naming the layer', async () => {
  const warnings: string[] = [];
  const model = new Model([
    new Conv([3, 3, 4], { padding: 1, activation: new Rectlin() }),
    new Pooling('all', { op: 'avg' }),
    new Affine(4, { batchNorm: true, activation: new Rectlin(), name: 'fc' }),
    new Affine(2, { activation: new Logistic({ shortcut: true }) }),
  ], { seed: 1 });
  const { X, y } = rows(8);
  const one = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 1 });
  await model.fit(one, { cost: cost(), optimizer: sgd(), epochs: 2, onWarning: (m) => warnings.push(m) });
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /BatchNorm/);
  assert.match(warnings[0], /fc/);
  assert.match(warnings[0], /one value per channel/);
  const quiet: string[] = [];
  const four = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 4 });
  await model.fit(four, { cost: cost(), optimizer: sgd(), epochs: 3, onWarning: (m) => quiet.push(m) });
  assert.equal(quiet, []);
  model.dispose();
});

test.run();
