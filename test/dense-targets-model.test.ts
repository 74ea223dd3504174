// Dense targets through Model.fit / Model.eval (issue 14) on small synthetic data: a per-pixel class
// map with an ignore label (PixelwiseCrossEntropy, PixelAccuracy, MeanIoU, checkpoints and an exact
// resume), real-valued regression targets (MeanSquared and L1, MeanAbsoluteError), and the shape
// errors met before anything runs. Values from evaluate are checked against getOutputs by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LabelMapIterator, TargetArrayIterator } from '../src/data/target-iterators.ts';
import { Affine, Activation, Conv, DataTransform, type Layer } from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { Normalizer, PixelwiseSoftmax, Rectlin } from '../src/nn/activations.ts';
import { GeneralizedCost, L1, MeanSquared, PixelwiseCrossEntropy } from '../src/nn/costs.ts';
import { MeanAbsoluteError, MeanIoU, MetricList, PixelAccuracy } from '../src/nn/dense-metrics.ts';
import { Constant, Kaiming, Xavier } from '../src/nn/initializers.ts';
import { Accuracy, type Metric } from '../src/nn/metrics.ts';
import { Adam, GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import { throwsWith } from './data-fixtures.ts';
import { expectClose, randomArray } from './helpers.ts';

const IGNORE = 255, P = 36;

/** 1×6×6 images of values 0–255; pixel class = value / 86 (0, 1, 2); every 5th pixel unlabelled. */
function classMaps(n: number, seed: number): { X: Float32Array; maps: Uint8Array } {
  const X = Float32Array.from(randomArray(n * P, seed, 0, 255), Math.round);
  const maps = Uint8Array.from(X, (v, i) => (i % 5 === 2 ? IGNORE : Math.floor(v / 86)));
  return { X, maps };
}

const pixelNet = (): Layer[] => [
  new DataTransform(new Normalizer({ divisor: 128 })),
  new Conv([1, 1, 8], { init: new Kaiming(), bias: new Constant({ val: 0 }), activation: new Rectlin() }),
  new Conv([1, 1, 3], { init: new Kaiming(), bias: new Constant({ val: 0 }) }),
  new Activation(new PixelwiseSoftmax({ c: 3 })),
];
const mapData = (n: number, seed: number, shuffle: boolean) => {
  const d = classMaps(n, seed);
  return new LabelMapIterator(d.X, d.maps, { lshape: [1, 6, 6], nclass: 3, batchSize: 16, shuffle, ignoreLabel: IGNORE, seed: shuffle ? 4 : undefined });
};
const pixelCost = () => new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
const pixelMetric = () => new MetricList([new PixelAccuracy(), new MeanIoU()]);
const weights = (m: Model) => m.params().map((p) => Array.from(p.value.toArray()));

test('a per-pixel class map trains through Model.fit; evaluate matches getOutputs by hand, ignored pixels excluded', async () => {
  const model = new Model(pixelNet(), { seed: 3 });
  const history = await model.fit(mapData(64, 1, true), {
    cost: pixelCost(), optimizer: new Adam({ learningRate: 0.05 }), epochs: 12, valid: mapData(32, 2, false), metric: pixelMetric(),
  });
  assert.equal(Object.keys(history.metrics), ['PixelAccuracy', 'MeanIoU']);
  assert.ok(history.loss[11] < 0.3 * history.loss[0], `training cost ${history.loss[0]} → ${history.loss[11]}`);
  const test = classMaps(32, 2);
  const r = await model.evaluate(mapData(32, 2, false), { cost: pixelCost(), metric: pixelMetric() });
  const y = await model.getOutputs(test.X);
  let right = 0, counted = 0, loss = 0;
  const hits = [0, 0, 0], truths = [0, 0, 0], predictions = [0, 0, 0];
  for (let s = 0; s < 32; s++) {
    for (let p = 0; p < P; p++) {
      const truth = test.maps[s * P + p];
      if (truth === IGNORE) continue;
      const score = (k: number) => y[(s * 3 + k) * P + p];
      const best = [0, 1, 2].reduce((b, k) => (score(k) > score(b) ? k : b), 0);
      counted++; truths[truth]++; predictions[best]++;
      if (best === truth) { right++; hits[truth]++; }
      loss -= Math.log(score(truth));
    }
  }
  const iou = hits.map((h, k) => h / (truths[k] + predictions[k] - h)).filter((v) => !Number.isNaN(v));
  assert.is(counted, 32 * P - 230, 'every 5th pixel (flat index ≡ 2 mod 5) is ignored');
  expectClose(r.metrics, [right / counted, iou.reduce((a, b) => a + b, 0) / iou.length], { rtol: 1e-12, atol: 0 }, 'metrics');
  expectClose([r.loss!], [loss / 32], { rtol: 1e-5, atol: 0 }, 'cost per sample, summed over labelled pixels');
  assert.ok(r.metrics[0] > 0.9, `held-out pixel accuracy ${r.metrics[0]}`);
  assert.equal(history.metrics.PixelAccuracy.at(-1), r.metrics[0], 'the last validation pass is the same evaluation');
  model.dispose();
});

test('dense targets: a checkpointed run resumes exactly (weights, history, shuffling)', async () => {
  const opts = () => ({ cost: pixelCost(), optimizer: new Adam({ learningRate: 0.05 }), valid: mapData(16, 5, false), metric: pixelMetric() });
  const straight = new Model(pixelNet(), { seed: 8 });
  await straight.fit(mapData(48, 6, true), { ...opts(), epochs: 4 });
  const first = new Model(pixelNet(), { seed: 8 });
  await first.fit(mapData(48, 6, true), { ...opts(), epochs: 2 });
  const resumed = Model.fromBytes(first.toBytes());
  const o = opts();
  o.optimizer.setState(resumed.optimizer!.getState());
  await resumed.fit(mapData(48, 6, true), { ...o, epochs: 4 });
  assert.equal(weights(resumed), weights(straight));
  assert.equal(resumed.history!.loss, straight.history!.loss);
  assert.equal(resumed.history!.metrics, straight.history!.metrics);
  straight.dispose(); first.dispose(); resumed.dispose();
});

test('a batch whose pixels are all unlabelled costs 0 and leaves the weights as they were', async () => {
  const d = classMaps(16, 7);
  const it = new LabelMapIterator(d.X, new Uint8Array(16 * P).fill(IGNORE), { lshape: [1, 6, 6], nclass: 3, batchSize: 16, ignoreLabel: IGNORE });
  const model = new Model(pixelNet(), { seed: 2 });
  await model.build([1, 6, 6]);
  const before = weights(model);
  const h = await model.fit(it, { cost: pixelCost(), optimizer: new GradientDescentMomentum(0.1, { momentumCoef: 0.9 }), epochs: 1 });
  assert.equal(h.loss, [0]);
  assert.equal(weights(model), before);
  model.dispose();
});

/** 1×4×4 images; target = mean pixel / 16 (one real value per sample; 0.5 per normalised pixel). */
function regression(n: number, seed: number): { X: Float32Array; T: Float32Array } {
  const X = Float32Array.from(randomArray(n * 16, seed, 0, 255));
  const T = Float32Array.from({ length: n }, (_, s) => X.subarray(s * 16, s * 16 + 16).reduce((a, b) => a + b, 0) / 256);
  return { X, T };
}
const regressionData = (n: number, seed: number, shuffle: boolean) => {
  const d = regression(n, seed);
  return new TargetArrayIterator(d.X, d.T, { lshape: [1, 4, 4], tshape: [1], batchSize: 16, shuffle, seed: 1 });
};

for (const [name, costfunc] of [['MeanSquared', () => new MeanSquared()], ['L1', () => new L1()]] as const) {
  test(`regression targets with ${name}: MAE far below predict-the-mean, and equal to getOutputs by hand`, async () => {
    const model = new Model([
      new DataTransform(new Normalizer({ divisor: 128 })),
      new Affine(1, { init: new Xavier({ local: false }), bias: new Constant({ val: 0 }) }),
    ], { seed: 1 });
    const cost = new GeneralizedCost({ costfunc: costfunc() });
    await model.fit(regressionData(128, 3, true), { cost, optimizer: new Adam({ learningRate: 0.05 }), epochs: 40 });
    const held = regression(64, 4);
    const r = await model.evaluate(regressionData(64, 4, false), { cost, metric: new MeanAbsoluteError() });
    const y = await model.getOutputs(held.X);
    const mae = held.T.reduce((a, t, s) => a + Math.abs(y[s] - t), 0) / 64;
    expectClose(r.metrics, [mae], { rtol: 1e-12, atol: 0 }, 'MeanAbsoluteError');
    const mean = held.T.reduce((a, b) => a + b, 0) / 64;
    const baseline = held.T.reduce((a, t) => a + Math.abs(t - mean), 0) / 64;
    assert.ok(mae < 0.15 * baseline, `MAE ${mae} vs predict-the-mean ${baseline}`);
    model.dispose();
  });
}

test('targets and metrics that do not fit the model are refused before training, naming both shapes', async () => {
  const model = new Model(pixelNet(), { seed: 1 });
  const fit = (data: Parameters<Model['fit']>[0], metric: Metric = pixelMetric()) =>
    model.fit(data, { cost: pixelCost(), optimizer: new Adam(), epochs: 1, valid: data, metric });
  const wrongMap = new LabelMapIterator(new Float32Array(2 * P), new Uint8Array(2 * P), { lshape: [1, 6, 6], nclass: 4, batchSize: 2 });
  await throwsWith(() => fit(wrongMap), /last layer gives \[3, 6, 6\] per sample, but the data's targets are \[4, 6, 6\]/);
  await throwsWith(() => fit(mapData(16, 1, false), new Accuracy()), /Accuracy: scores one class vector per sample/);
  await throwsWith(() => fit(new TargetArrayIterator(new Float32Array(2 * P), new Float32Array(2), { lshape: [1, 6, 6], tshape: [1], batchSize: 2 })),
    /targets are \[1\] per sample/);
  model.dispose();
});

test.run();
