// The degradation experiment's networks and recorder (examples/degradation): 6n + 2 weighted layers,
// plain = the same convs without shortcuts, parameter counts of He et al. 2015 Table 6, and one
// tiny training run's records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cifarNet } from '../examples/degradation/nets.ts';
import { trainNet } from '../examples/degradation/train.ts';
import { Sequential, assignNames, primitiveLayers } from '../src/layers/index.ts';
import { summarize } from '../src/summary.ts';
import { randomArray } from './helpers.ts';

function built(family: 'plain' | 'resnet', depth: number, width: number): Sequential {
  const root = new Sequential(cifarNet(family, depth, width));
  assignNames(root);
  root.configure([1, 28, 28]);
  return root;
}

test('6n + 2 weighted layers; plain has no shortcut; the output is 10 classes', () => {
  for (const depth of [8, 20, 32, 56]) {
    const plain = primitiveLayers(built('plain', depth, 16));
    const res = primitiveLayers(built('resnet', depth, 16));
    const weighted = (ls: typeof plain) => ls.filter((l) => l.type === 'Convolution' || l.type === 'Linear');
    assert.is(weighted(plain).length, depth, `plain-${depth}`);
    // The residual net adds the two 1×1 projection shortcuts, which He et al. do not count as layers.
    assert.is(weighted(res).length, depth + 2, `resnet-${depth}`);
    assert.is(plain.filter((l) => l.type === 'SkipNode').length, 0);
    assert.is(res.filter((l) => l.type === 'SkipNode').length, 3 * ((depth - 2) / 6) - 2);
    assert.equal(built('plain', depth, 16).outShape, [10]);
  }
  assert.throws(() => cifarNet('plain', 21, 16), /6n \+ 2/);
});

test('width 16 matches He et al. Table 6 parameter counts (0.27M, 0.46M, 0.85M, two digits) within 2 %', () => {
  for (const [depth, paper] of [[20, 0.27e6], [32, 0.46e6], [56, 0.85e6]]) {
    const params = summarize(built('resnet', depth, 16), { inputShape: [1, 28, 28], batchSize: 1 }).params;
    // Ours include the BatchNorm parameters and two 1×1 projections (option B).
    assert.ok(Math.abs(params - paper) / paper < 0.02, `resnet-${depth}: ${params}`);
  }
});

test('trainNet records per-epoch training and test error and a quarter-epoch training curve', async () => {
  const n = 64;
  const X = Float32Array.from(randomArray(n * 784, 3, 0, 255));
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  const lines: string[] = [];
  const r = await trainNet('resnet', 8, { X, y }, { X, y }, { epochs: 2, batchSize: 16, lr: 0.01, width: 2, seed: 1 }, (l) => lines.push(l));
  assert.equal([r.family, r.depth, r.epochs.length, r.trainCurve.length], ['resnet', 8, 2, 8]);
  assert.equal(r.trainCurve.map((p) => p.x), [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  for (const e of r.epochs) assert.ok(e.trainError >= 0 && e.trainError <= 1 && e.testError >= 0 && e.testError <= 1);
  assert.match(lines[1], /^ {2}resnet-8 epoch 2: training error \d+\.\d\d %, test error \d+\.\d\d %/);
});

test.run();
