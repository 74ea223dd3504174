// TrainingGuard.observe skips the host copy of the outputs only when the batch cost rules the
// clip out; whenever "most samples at the clip" is possible it still looks (numerics-guard.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBatchFinite } from '../../src/finite.ts';
import { TrainingGuard } from '../../src/model/numerics-guard.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost, type CostFunction } from '../../src/nn/costs.ts';
import type { Tensor } from '../../src/tensor.ts';

const CLIPPED = 1e-30;

/** A stand-in output that counts its host copies. */
function output(values: number[]): { tensor: Tensor; reads: () => number } {
  let reads = 0;
  const tensor = { toArray: () => { reads++; return Float32Array.from(values); } } as unknown as Tensor;
  return { tensor, reads: () => reads };
}

function guard(cost: CostFunction = new CrossEntropyMulti()): { g: TrainingGuard; warnings: string[] } {
  const warnings: string[] = [];
  return { g: new TrainingGuard(new GeneralizedCost({ costfunc: cost }), (m) => warnings.push(m)), warnings };
}

test('one-hot targets and a cost below the clip bound: the outputs are not copied', () => {
  const { g } = guard();
  const y = output([0.9, 0.8, 0.1, 0.2]); // [2 classes, 2 samples]
  for (let b = 0; b < 10; b++) g.observe(y.tensor, 'Softmax', [1, 1, 0, 0], 2, 0.2, 0, b);
  assert.is(y.reads(), 0);
});

test('a cost that could come from the clip is inspected, and five such batches warn once', () => {
  const { g, warnings } = guard();
  const y = output([CLIPPED, CLIPPED, 1, 1]);
  for (let b = 0; b < 7; b++) g.observe(y.tensor, 'Softmax', [1, 1, 0, 0], 2, 50, 0, b);
  assert.is(y.reads(), 5, 'inspected until the warning, then never again');
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /clip/);
});

test('soft targets: a small cost with tiny target weights can still be the clip, so it is inspected', () => {
  const { g, warnings } = guard();
  const y = output([CLIPPED, CLIPPED, 1, 1]);
  // weight 0.001 on the clipped class: 50 · 0.001 = 0.05 per sample, far below 25.
  for (let b = 0; b < 5; b++) g.observe(y.tensor, 'Softmax', [0.001, 0.001, 0.999, 0.999], 2, 0.05, 0, b);
  assert.is(y.reads(), 5);
  assert.is(warnings.length, 1);
});

test('outputs of unknown range, targets outside [0, 1]: always inspected', () => {
  const { g } = guard(new CrossEntropyBinary());
  const y = output([0.5, 0.5]);
  g.observe(y.tensor, null, [1, 0], 2, 0.1, 0, 0);
  g.observe(y.tensor, 'Identity', [1, 0], 2, 0.1, 0, 1);
  g.observe(y.tensor, 'Logistic', [2, 0], 2, 0.1, 0, 2);
  assert.is(y.reads(), 3);
  g.observe(y.tensor, 'Logistic', [1, 0], 2, 0.1, 0, 3);
  assert.is(y.reads(), 3);
});

test('a batch ruled out by its cost breaks a run of stuck batches', () => {
  const { g, warnings } = guard();
  const stuck = output([CLIPPED, CLIPPED, 1, 1]);
  const fine = output([0.9, 0.9, 0.1, 0.1]);
  for (let b = 0; b < 4; b++) g.observe(stuck.tensor, 'Softmax', [1, 1, 0, 0], 2, 50, 0, b);
  g.observe(fine.tensor, 'Softmax', [1, 1, 0, 0], 2, 0.1, 0, 4);
  for (let b = 5; b < 9; b++) g.observe(stuck.tensor, 'Softmax', [1, 1, 0, 0], 2, 50, 0, b);
  assert.equal(warnings, []);
  g.observe(stuck.tensor, 'Softmax', [1, 1, 0, 0], 2, 50, 0, 9);
  assert.is(warnings.length, 1);
});

test('checkBatchFinite names the sample (within the batch, or as a row of the data) and the value', () => {
  const x = new Float32Array(6 * 3); // [2, 3] per sample, 3 samples, batch innermost
  x[4 * 3 + 1] = Infinity;
  assert.throws(() => checkBatchFinite('evaluate: batch 2', x, 3, { inputShape: [2, 3] }),
    (e: Error) => e.message === 'evaluate: batch 2 holds Infinity in sample 1 of the batch (input value 4 of [2, 3]); inputs must be finite numbers');
  assert.throws(() => checkBatchFinite('getOutputs: the data', x, 3, { rowOffset: 30 }),
    (e: Error) => e.message === 'getOutputs: the data holds Infinity in sample 31 (input value 4); inputs must be finite numbers');
  checkBatchFinite('fine', new Float32Array(4), 2);
});

test.run();
