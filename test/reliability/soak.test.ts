// Long runs and many models leak nothing (issue 15 §7, cases that held in the audit, kept): 1,000
// training steps with the backend's memory sampled every 100 steps (bytes in use, live buffers and
// the reserved wasm heap constant after the first epoch; RSS reported and held to a loose bound),
// and 200 create/train/dispose cycles that return the backend to where it started.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { Model } from '../../src/model/model.ts';
import { CrossEntropyBinary, GeneralizedCost } from '../../src/nn/costs.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { randomArray } from '../helpers.ts';
import { smallNet } from './fixtures.ts';

const cost = () => new GeneralizedCost({ costfunc: new CrossEntropyBinary() });
const X = Float32Array.from(randomArray(800 * 192, 1, 0, 255));
const y = Int32Array.from({ length: 800 }, (_, i) => (X[i * 192] > 127 ? 1 : 0));

test('1,000 training steps: the wasm heap and live buffers stay constant', async () => {
  const model = new Model(smallNet({ dropout: true }), { seed: 1 });
  const data = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 8, shuffle: true, seed: 1 }); // 100 steps an epoch
  const samples: { bytes: number; buffers: number; reserved: number; rss: number }[] = [];
  const sample = { onEpochEnd: () => {
    const m = model.backend.memory();
    samples.push({ bytes: m.bytesInUse, buffers: m.buffers, reserved: m.reservedBytes, rss: process.memoryUsage().rss });
  } };
  const history = await model.fit(data, { cost: cost(), optimizer: new GradientDescentMomentum(0.01, { momentumCoef: 0.9 }), epochs: 10, callbacks: [sample] });
  assert.is(history.length, 10);
  assert.is(samples.length, 10);
  const [first, ...rest] = samples;
  for (const [i, s] of rest.entries()) {
    assert.is(s.bytes, first.bytes, `bytes in use after epoch ${i + 2}`);
    assert.is(s.buffers, first.buffers, `live buffers after epoch ${i + 2}`);
    assert.is(s.reserved, first.reserved, `wasm heap after epoch ${i + 2}`);
  }
  const growth = (samples[9].rss - samples[1].rss) / 2 ** 20;
  console.log(`soak: 1,000 steps, wasm heap ${(first.reserved / 2 ** 20).toFixed(1)} MiB constant, RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB over epochs 2–10`);
  assert.ok(growth < 64, `RSS grew ${growth.toFixed(1)} MiB over 900 steps`);
  model.dispose();
});

test('200 create/train/dispose cycles return the backend to where it started', async () => {
  const data = new ArrayIterator(X.subarray(0, 16 * 192), y.subarray(0, 16), { nclass: 2, lshape: [3, 8, 8], batchSize: 8 });
  const warm = new Model(smallNet(), { seed: 0 });
  await warm.fit(data, { cost: cost(), optimizer: new GradientDescentMomentum(0.01), epochs: 1 });
  const backend = warm.backend;
  warm.dispose();
  const start = backend.memory();
  for (let i = 0; i < 200; i++) {
    const m = new Model(smallNet({ dropout: i % 2 === 0 }), { seed: i });
    await m.fit(data, { cost: cost(), optimizer: new GradientDescentMomentum(0.01, { momentumCoef: 0.9 }), epochs: 1 });
    await m.getOutputs(X.subarray(0, 3 * 192));
    m.dispose();
  }
  const end = backend.memory();
  assert.is(end.bytesInUse, start.bytesInUse, 'bytes in use');
  assert.is(end.buffers, start.buffers, 'live buffers');
  assert.is(end.reservedBytes, start.reservedBytes, 'wasm heap');
});

test.run();
