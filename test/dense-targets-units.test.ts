// Dense targets (issue 14), the pieces: the L1 and MeanSquared costs over any target shape (values by
// hand, gradients by float64 central differences), the per-pixel softmax cross-entropy with unlabelled
// (ignore-label) positions, LabelMapIterator and TargetArrayIterator layouts and errors, and the
// class-map and regression metrics by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, gradCheck } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { LabelMapIterator, TargetArrayIterator } from '../src/data/target-iterators.ts';
import { PixelwiseSoftmax } from '../src/nn/activations.ts';
import { costFromConfig, GeneralizedCost, L1, MeanSquared, PixelwiseCrossEntropy } from '../src/nn/costs.ts';
import { MeanAbsoluteError, MeanIoU, MetricList, PixelAccuracy } from '../src/nn/dense-metrics.ts';
import { Accuracy, metricFromConfig } from '../src/nn/metrics.ts';
import * as ops from '../src/ops/index.ts';
import { Tensor } from '../src/tensor.ts';
import { collect } from './data-fixtures.ts';
import { expectClose, F64, randomArray } from './helpers.ts';

const be = createRefBackend('float64');
const tensor = (v: ArrayLike<number>, shape: number[], requiresGrad = false) => Tensor.fromArray(be, v, shape, { requiresGrad });

test('L1: per sample the mean over units of |y − t|, gradient sign(y − t) / units, config round trip', () => {
  // y, t [2 units, 3 samples]; no y = t (the kink), so central differences apply.
  const y = [1, -2, 0.5, 3, 0, -1], t = [0, -1.5, 0.25, 1, 0.5, 2];
  const cost = new GeneralizedCost({ costfunc: new L1() });
  const pre = tensor(y, [2, 3], true);
  const { loss } = cost.loss(pre, null, tensor(t, [2, 3]));
  const expected = y.reduce((a, v, i) => a + Math.abs(v - t[i]) / 2, 0);
  expectClose([loss.item()], [expected], F64, 'loss');
  assert.is(cost.mean(loss, 3), expected / 3);
  backward(loss);
  assert.equal(Array.from(pre.grad!.toArray()), y.map((v, i) => Math.sign(v - t[i]) / 2));
  const z = tensor(randomArray(24, 3, -2, 2), [2, 3, 4], true), tt = tensor(randomArray(24, 4, -2, 2), [2, 3, 4]);
  const r = gradCheck(([a]) => ops.l1(a, tt), [z]);
  assert.ok(r.ok, `L1 gradient: ${JSON.stringify(r.worst)}`);
  assert.is(costFromConfig(cost.config()).costfunc.type, 'L1');
  const same = tensor([2], [1, 1], true);
  backward(ops.l1(same, tensor([2], [1, 1])));
  assert.equal(Array.from(same.grad!.toArray()), [0], 'zero gradient at y = t');
});

test('MeanSquared over [C, H, W, N] divides by every value of a sample (C·H·W), with its gradient', () => {
  const y = randomArray(2 * 2 * 3 * 2, 5), t = randomArray(24, 6);
  const loss = ops.meanSquared(tensor(y, [2, 2, 3, 2]), tensor(t, [2, 2, 3, 2]));
  expectClose([loss.item()], [y.reduce((a, v, i) => a + (v - t[i]) ** 2 / 2 / 12, 0)], F64, 'loss');
  const z = tensor(y, [2, 2, 3, 2], true), tt = tensor(t, [2, 2, 3, 2]);
  const r = gradCheck(([a]) => ops.meanSquared(a, tt), [z]);
  assert.ok(r.ok, `MeanSquared gradient: ${JSON.stringify(r.worst)}`);
});

test('PixelwiseSoftmax + PixelwiseCrossEntropy: all-zero target columns add no cost and get zero gradient', () => {
  // z [3 classes, 2 pixels, 2 samples]; column (pixel 1, sample 0) is unlabelled.
  const C = 3, cols = 4;
  const z = Array.from(randomArray(C * cols, 9, -2, 2));
  const labels = [2, 0, -1, 1]; // column = pixel·2 + sample
  const t = new Array<number>(C * cols).fill(0);
  labels.forEach((c, col) => { if (c >= 0) t[c * cols + col] = 1; });
  const pre = tensor(z, [C, 2, 1, 2], true);
  const cost = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
  const { loss, y } = cost.loss(pre, new PixelwiseSoftmax({ c: 3 }), tensor(t, [C, 2, 1, 2]));
  const yv = Array.from(y.toArray());
  const expected = labels.reduce((a, c, col) => (c < 0 ? a : a - Math.log(yv[c * cols + col])), 0);
  expectClose([loss.item()], [expected], F64, 'loss over the labelled columns');
  backward(loss);
  const g = Array.from(pre.grad!.toArray());
  for (let k = 0; k < C; k++) {
    for (let col = 0; col < cols; col++) {
      const want = labels[col] < 0 ? 0 : yv[k * cols + col] - t[k * cols + col];
      expectClose([g[k * cols + col]], [want], F64, `gradient class ${k} column ${col}`);
    }
  }
  const zt = tensor(z, [C, 4], true), tt = tensor(t, [C, 4]);
  const r = gradCheck(([a]) => ops.softmaxCrossEntropyMulti(a, tt, { unlabelled: 'ignore' }).loss, [zt]);
  assert.ok(r.ok, `fused gradient with an unlabelled column: ${JSON.stringify(r.worst)}`);
  assert.throws(() => ops.softmaxCrossEntropyMulti(tensor(z, [C, 4]), tt), /sample 2 sum to 0/, 'per-sample Softmax still refuses an empty target');
});

test('LabelMapIterator: one-hot per position, the ignore label as an all-zero column, errors that name the place', async () => {
  // 3 samples of 1×1×2 pixels, 2 classes, ignore label 255.
  const X = Uint8Array.from([10, 20, 30, 40, 50, 60]);
  const maps = Uint8Array.from([0, 1, 255, 1, 1, 0]);
  const it = new LabelMapIterator(X, maps, { lshape: [1, 1, 2], nclass: 2, batchSize: 2, ignoreLabel: 255 });
  assert.equal(it.targetShape, [2, 1, 2]);
  assert.is(it.nclass, 2);
  const [a, b] = await collect(it);
  assert.equal(Array.from(a.x), [10, 30, 20, 40]);
  // targets [2 classes, 2 pixels, 2 samples]: sample 1's pixel 0 is ignored.
  assert.equal(Array.from(a.targets), [1, 0, 0, 0, /* class 1 */ 0, 0, 1, 1]);
  assert.is(a.labels.length, 0, 'no per-sample labels were given');
  assert.equal(Array.from(b.targets), [0, 1, 1, 0]);
  assert.throws(() => new LabelMapIterator(X, Uint8Array.from([0, 1, 2, 1, 1, 0]), { lshape: [1, 1, 2], nclass: 2, batchSize: 2 }),
    /label 2 at position 0 of sample 1 is outside \[0, 2\)/);
  assert.throws(() => new LabelMapIterator(X, maps, { lshape: [1, 1, 2], nclass: 2, batchSize: 2, ignoreLabel: 254 }), /not the ignore label 254/);
  assert.throws(() => new LabelMapIterator(X, maps.subarray(1), { lshape: [1, 1, 2], nclass: 2, batchSize: 2 }), /need 6 label map values/);
  assert.throws(() => new LabelMapIterator(X.subarray(1), maps, { lshape: [1, 1, 2], nclass: 2, batchSize: 2 }), /X has 5 values/);
});

test('LabelMapIterator: shuffling replays from a saved state; plain() keeps file order', async () => {
  const X = Float32Array.from({ length: 10 }, (_, i) => i), maps = Uint8Array.from({ length: 10 }, (_, i) => i % 3);
  const it = new LabelMapIterator(X, maps, { lshape: [1], nclass: 3, mapShape: [1], batchSize: 4, shuffle: true, seed: 2 });
  await collect(it);
  const state = it.getState();
  const next = (await collect(it)).flatMap((b) => Array.from(b.x));
  const again = new LabelMapIterator(X, maps, { lshape: [1], nclass: 3, mapShape: [1], batchSize: 4, shuffle: true, seed: 99 });
  again.setState(state);
  assert.equal((await collect(again)).flatMap((b) => Array.from(b.x)), next);
  assert.not.equal(next, Array.from(X), 'shuffled');
  assert.equal((await collect(it.plain())).flatMap((b) => Array.from(b.x)), Array.from(X));
  assert.equal(it.plain().targetShape, [3, 1]);
});

test('TargetArrayIterator: real targets [...tshape, n], nclass 0, errors', async () => {
  const X = Float32Array.from([1, 2, 3, 4, 5, 6]), T = Float32Array.from([0.5, -1, 2, 3.5, 7, 8]);
  const it = new TargetArrayIterator(X, T, { lshape: [2], tshape: [2], batchSize: 2 });
  assert.is(it.nclass, 0);
  assert.equal(it.targetShape, [2]);
  const [a, b] = await collect(it);
  assert.equal(Array.from(a.targets), [0.5, 2, -1, 3.5]);
  assert.equal(Array.from(b.targets), [7, 8]);
  assert.throws(() => new TargetArrayIterator(X, T.subarray(1), { lshape: [2], tshape: [2], batchSize: 2 }), /need 6 target values/);
  assert.throws(() => new TargetArrayIterator(X, Float32Array.from([0, 1, NaN, 0, 0, 0]), { lshape: [2], tshape: [2], batchSize: 2 }),
    /target value NaN of sample 1 is not finite/);
});

test('row iterators: an evaluation set smaller than the batch is one partial batch; options are checked', async () => {
  const X = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const small = new TargetArrayIterator(X, Float32Array.from([1, 2, 3]), { lshape: [2], tshape: [1], batchSize: 8 });
  const [only] = await collect(small);
  assert.is(only.n, 3);
  assert.throws(() => new TargetArrayIterator(X, Float32Array.from([1, 2, 3]), { lshape: [2], tshape: [1], batchSize: 8, shuffle: true }),
    /shuffled \(training\) set needs/);
  assert.throws(() => new LabelMapIterator(X, [0, 1, 0], { lshape: [2, 1], nclass: 2, batchSize: 1, ignore: 255 } as never),
    /unknown option 'ignore'/);
  assert.throws(() => new TargetArrayIterator(X, Float32Array.from([1, 2, 3]), { tshape: [1], batchSize: 1 } as never),
    /option 'lshape' is required/);
});

test('PixelAccuracy and MeanIoU by hand: ignored positions and samples past `valid` are not counted', () => {
  // 2 classes, 2 positions, n = 3 samples, valid = 2: columns (p, j) = p·3 + j; j = 2 is padding.
  const y = [0.9, 0.2, 0.5, /* p1 */ 0.4, 0.3, 0.5, /* class 1 */ 0.1, 0.8, 0.5, 0.6, 0.7, 0.5];
  // truth: (p0,j0) 0, (p0,j1) 0, (p1,j0) ignored, (p1,j1) 1; padding column labelled but not valid.
  const t = [1, 1, 1, 0, 0, 0, /* class 1 */ 0, 0, 0, 0, 1, 1];
  const acc = new PixelAccuracy(), iou = new MeanIoU({ nclass: 2 });
  acc.checkOutput([2, 2]);
  const both = new MetricList([acc, iou]);
  both.reset();
  both.update(y, t, 3, 2);
  // predictions: (p0,j0) 0 ✓, (p0,j1) 1 ✗ (truth 0), (p1,j1) 1 ✓ → 2 of 3.
  assert.equal(both.metricNames, ['PixelAccuracy', 'MeanIoU']);
  expectClose(both.values(), [2 / 3, (1 / 2 + 1 / 2) / 2], F64, 'values');
  expectClose(iou.iou(), [0.5, 0.5], F64, 'IoU per class');
  assert.equal(Array.from(iou.confusion.counts), [1, 1, 0, 1]);
  const again = metricFromConfig(both.config());
  assert.equal(again.metricNames, both.metricNames);
  assert.throws(() => new PixelAccuracy().update(y, t, 3), /class count is unknown/);
  assert.throws(() => iou.checkOutput([3, 2]), /built for 2 classes/);
  assert.throws(() => new PixelAccuracy({ nclass: 2 }).values(), /before any labelled position/);
  assert.throws(() => new Accuracy().checkOutput([11, 28, 28]), /Accuracy: scores one class vector per sample.*\[11, 28, 28\].*PixelAccuracy/);
  assert.throws(() => new MetricList([new PixelAccuracy(), new PixelAccuracy()]), /two metrics are named 'PixelAccuracy'/);
});

test('MeanAbsoluteError by hand over every value of the valid samples', () => {
  const m = new MeanAbsoluteError();
  m.update([1, 2, 3, /* unit 1 */ 4, 5, 6], [0, 4, 100, 4, 2, 100], 3, 2);
  m.update([10], [13], 1);
  expectClose(m.values(), [(1 + 2 + 0 + 3 + 3) / 5], F64, 'mae');
  assert.is(metricFromConfig(m.config()).type, 'MeanAbsoluteError');
  m.reset();
  assert.throws(() => m.values(), /before any update/);
});

test.run();
