// The model bar: a small CNN (3×16×16 inputs, batch 16, conv–pool–conv with BatchNorm–
// global pool–softmax) trained 5 steps from one seed on 'gpu' and on 'cpu'. Outputs must agree
// (rtol 1e-3, atol 1e-5) and the losses within 2 % per step.
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { Activation, Affine, BatchNorm, Conv, Pooling } from '../../src/layers/index.ts';
import { makeResnetBase } from '../../src/models/index.ts';
import { Model } from '../../src/model/model.ts';
import type { BackendName } from '../../src/backends/select.ts';
import { Rectlin, Softmax } from '../../src/nn/activations.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../../src/nn/costs.ts';
import { Kaiming, Xavier } from '../../src/nn/initializers.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { randomArray } from '../helpers.ts';

export interface BarRun { losses: number[]; outputs: Float32Array; backend: string; ms: number }

const N = 80, BATCH = 16, CLASSES = 4, SHAPE = [3, 16, 16];

function data(): ArrayIterator {
  const X = Float32Array.from(randomArray(N * 3 * 16 * 16, 77, 0, 1));
  const y = Int32Array.from(randomArray(N, 78, 0, CLASSES), Math.floor);
  return new ArrayIterator(X, y, { nclass: CLASSES, lshape: SHAPE, batchSize: BATCH, shuffle: false });
}

/** A miniature ResNet (makeResnetBase([1, 1], 'basic', 8): projection and identity shortcuts,
 *  MergeSum, BatchNorm) + BN → Rectlin → global avg pool → Affine(Softmax), 3 steps. */
export async function trainMiniResnet(backend: BackendName): Promise<BarRun> {
  const t0 = performance.now();
  const model = new Model([
    ...makeResnetBase([1, 1], 'basic', 8),
    new BatchNorm(), new Activation(new Rectlin()), new Pooling('all', { op: 'avg' }),
    new Affine(CLASSES, { init: new Kaiming({ local: false }), activation: new Softmax() }),
  ], { seed: 9, backend });
  const losses: number[] = [];
  const X = Float32Array.from(randomArray(12 * 3 * 16 * 16, 91, 0, 255));
  const y = Int32Array.from(randomArray(12, 92, 0, CLASSES), Math.floor);
  const it = new ArrayIterator(X, y, { nclass: CLASSES, lshape: SHAPE, batchSize: 4, shuffle: false });
  await model.fit(it, {
    cost: new GeneralizedCost({ costfunc: new CrossEntropyMulti() }),
    optimizer: new GradientDescentMomentum(0.05, { momentumCoef: 0.9, wdecay: 5e-4 }),
    epochs: 1,
    callbacks: [{ onBatchEnd: (_b, logs) => { losses.push(logs.loss); } }],
  });
  const outputs = await model.getOutputs(new ArrayIterator(X, y, { nclass: CLASSES, lshape: SHAPE, batchSize: 6, shuffle: false }));
  const name = model.backend.name;
  model.dispose();
  return { losses, outputs, backend: name, ms: performance.now() - t0 };
}

export async function trainBar(backend: BackendName, onStep?: (step: number) => void): Promise<BarRun> {
  const t0 = performance.now();
  const model = new Model([
    new Conv([3, 3, 8], { padding: 1, init: new Kaiming(), activation: new Rectlin() }),
    new Pooling(2, { op: 'max' }),
    new Conv([3, 3, 16], { padding: 1, init: new Kaiming(), batchNorm: true, activation: new Rectlin() }),
    new Pooling('all', { op: 'avg' }),
    new Affine(CLASSES, { init: new Xavier({ local: false }), activation: new Softmax() }),
  ], { seed: 5, backend });
  const losses: number[] = [];
  const train = data();
  await model.fit(train, {
    cost: new GeneralizedCost({ costfunc: new CrossEntropyMulti() }),
    optimizer: new GradientDescentMomentum(0.1, { momentumCoef: 0.9 }),
    epochs: 1,
    callbacks: [{ onBatchEnd: (_b, logs) => { losses.push(logs.loss); onStep?.(losses.length); } }],
  });
  const outputs = await model.getOutputs(data());
  const name = model.backend.name;
  model.dispose();
  return { losses, outputs, backend: name, ms: performance.now() - t0 };
}
