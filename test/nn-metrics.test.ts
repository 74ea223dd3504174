// Metrics on hand-made outputs ([nclass, N], batch innermost), neon's tie rules and eval weighting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Accuracy, confusionMatrix, LogLoss, metricFromConfig, Misclassification, PrecisionRecall, TopKMisclassification,
} from '../src/nn/metrics.ts';
import { expectClose, F64 } from './helpers.ts';

/** [classes][samples] → the flat [C, N] layout. */
const layout = (rows: number[][]) => Float32Array.from(rows.flat());
const onehot = (labels: number[], C: number) => layout(Array.from({ length: C }, (_, k) => labels.map((l) => (l === k ? 1 : 0))));

// 3 classes, 4 samples. Predictions (argmax): 0, 2, 1 (tie of 1 and 2 → first: 1), 0.
const Y = layout([
  [0.7, 0.1, 0.2, 0.5],
  [0.2, 0.3, 0.4, 0.25],
  [0.1, 0.6, 0.4, 0.25],
]);
const T = onehot([0, 1, 1, 2], 3);

test('Misclassification and Accuracy: argmax ties go to the first index', () => {
  const m = new Misclassification(), a = new Accuracy();
  m.update(Y, T, 4); a.update(Y, T, 4);
  assert.equal(m.metricNames, ['Top1Misclass']);
  assert.equal(a.metricNames, ['Accuracy']);
  expectClose(m.values(), [0.5], F64, 'misclass'); // samples 1 and 3 wrong
  expectClose(a.values(), [0.5], F64, 'accuracy');
});

test('values() weights batches by their valid samples (neon eval), and valid < n skips the padding', () => {
  const m = new Misclassification();
  m.update(Y, T, 4);          // 2 wrong of 4
  m.update(Y, T, 4, 1);       // sample 0 only: right
  expectClose(m.values(), [2 / 5], F64, 'weighted');
  m.reset();
  assert.throws(() => m.values(), /before any update/);
  assert.throws(() => m.update(Y, T, 5), /not nclass × 5/);
  assert.throws(() => m.update(Y, T, 4, 5), /valid count 5/);
});

test('LogLoss: mean −log Σ y·t', () => {
  const l = new LogLoss();
  l.update(Y, T, 4);
  const want = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.4) + Math.log(0.25)) / 4;
  expectClose(l.values(), [want], { rtol: 1e-6, atol: 0 }, 'logloss');
});

test('TopKMisclassification: names, top-1 and top-k with neon tie handling', () => {
  const k2 = new TopKMisclassification({ k: 2 });
  assert.equal(k2.metricNames, ['LogLoss', 'Top1Misclass', 'Top2Misclass']);
  k2.update(Y, T, 4);
  // Sample 2: target 1 ties with class 2 at 0.4 → top-1 counts 1 − 1/2 = 0.5 (neon), top-2 right.
  // Sample 3: target 2 (0.25) ties class 1 below 0.5 → top-1 wrong; top-2 has one slot for two tied: 1 − 1/2.
  // Sample 1: target 1 (0.3) below 0.6 → top-1 wrong, top-2 right.
  const [ll, top1, top2] = k2.values();
  expectClose([top1], [(0 + 1 + 0.5 + 1) / 4], F64, 'top1');
  expectClose([top2], [(0 + 0 + 0 + 0.5) / 4], F64, 'top2');
  expectClose([ll], [-(Math.log(0.7) + Math.log(0.3) + Math.log(0.4) + Math.log(0.25)) / 4], { rtol: 1e-6, atol: 0 }, 'logloss');
  const k3 = new TopKMisclassification({ k: 3 });
  k3.update(Y, T, 4);
  expectClose([k3.values()[2]], [0], F64, 'top3 of 3 classes is never wrong');
  assert.throws(() => new TopKMisclassification({ k: 0 }), /positive integer/);
});

test('PrecisionRecall: class-averaged, raw and binarized', () => {
  const pr = new PrecisionRecall({ numClasses: 3, binarize: true });
  pr.update(Y, T, 4);
  // Binarized predictions 0, 2, 1, 0 against targets 0, 1, 1, 2.
  // class 0: tp 1, predicted 2, targets 1; class 1: tp 1, pred 1, tgt 2; class 2: tp 0, pred 1, tgt 1.
  const e = 1e-6;
  const precision = (1 / (2 + e) + 1 / (1 + e) + 0) / 3, recall = (1 / (1 + e) + 1 / (2 + e) + 0) / 3;
  assert.equal(pr.metricNames, ['Precision', 'Recall']);
  expectClose(pr.values(), [precision, recall], F64, 'binarized');
  const raw = new PrecisionRecall({ numClasses: 3 });
  raw.update(Y, T, 4);
  // tp per class: [0.7, 0.3 + 0.4, 0.25]; predicted: row sums; targets: [1, 2, 1].
  const tp = [0.7, 0.7, 0.25], pred = [1.5, 1.15, 1.35], tgt = [1, 2, 1];
  const p = tp.reduce((a, v, k) => a + v / (pred[k] + e), 0) / 3, r = tp.reduce((a, v, k) => a + v / (tgt[k] + e), 0) / 3;
  expectClose(raw.values(), [p, r], { rtol: 1e-6, atol: 0 }, 'raw');
  assert.throws(() => new PrecisionRecall({ numClasses: 2 }).update(Y, T, 4), /built for 2 classes/);
});

test('confusionMatrix accumulates m[true][predicted]; metricFromConfig round-trips', () => {
  const m = confusionMatrix(Y, T, 4, 3);
  assert.equal(m, [[1, 0, 0], [0, 1, 1], [1, 0, 0]]);
  confusionMatrix(Y, T, 4, 3, { into: m, valid: 2 });
  assert.equal(m, [[2, 0, 0], [0, 1, 2], [1, 0, 0]]);
  assert.throws(() => confusionMatrix(Y, T, 4, 2), /expected 2 classes/);
  for (const metric of [new Misclassification(), new Accuracy(), new LogLoss(), new TopKMisclassification({ k: 5 }),
    new PrecisionRecall({ numClasses: 4, binarize: true, epsilon: 1e-3 })]) {
    assert.equal(metricFromConfig(metric.config()).config(), metric.config());
  }
});

test.run();
