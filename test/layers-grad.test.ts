// Gradient checks (float64 central differences) through whole blocks: a residual MergeSum with
// BatchNorm and a projection shortcut, and an inception-style MergeBroadcast depth block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gradCheck } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { Activation, Affine, BatchNorm, Conv, Convolution, MergeBroadcast, MergeSum, Pooling, Sequential, SkipNode, buildLayers } from '../src/layers/index.ts';
import { Explin, Rectlin, Tanh } from '../src/nn/activations.ts';
import { Gaussian } from '../src/nn/initializers.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { randomArray } from './helpers.ts';

const backend = createRefBackend('float64');

function check(root: Sequential, shape: number[], batch: number): void {
  buildLayers(root, shape, { backend, random: new Random(4) });
  const size = shape.reduce((a, b) => a * b, 1) * batch;
  const x = Tensor.fromArray(backend, randomArray(size, 17), [...shape, batch], { requiresGrad: true });
  const params = root.params().map((p) => p.value);
  const ctx = { training: true, random: new Random(1) };
  tidy(() => {
    const result = gradCheck(() => root.forward(x, ctx), [x, ...params], { rtol: 1e-5, atol: 1e-8 });
    const w = result.worst;
    assert.ok(result.ok, w ? `input ${w.input} index ${w.index}: analytic ${w.analytic}, numeric ${w.numeric} (${result.mismatches.length} of ${result.checked})` : '');
    assert.is(result.checked, size + params.reduce((s, p) => s + p.size, 0));
  });
}

test('residual block: MergeSum([projection, BN → Rectlin → conv/2 → conv]) + identity block', () => {
  const init = () => new Gaussian({ scale: 0.5 });
  const root = new Sequential([
    new MergeSum([
      new Conv([1, 1, 3], { strides: 2, init: init() }),
      [new BatchNorm(), new Activation(new Rectlin()), new Conv([3, 3, 3], { strides: 2, padding: 1, init: init(), batchNorm: true, activation: new Explin() }),
        new Conv([3, 3, 3], { padding: 1, init: init() })],
    ]),
    new MergeSum([new SkipNode(), [new BatchNorm(), new Conv([3, 3, 3], { padding: 1, init: init(), activation: new Tanh() })]]),
  ]);
  check(root, [2, 5, 5], 3);
});

test('depth block: MergeBroadcast([1×1, 3×3, avg pool]) → Affine', () => {
  const init = () => new Gaussian({ scale: 0.5 });
  const root = new Sequential([
    new MergeBroadcast([
      new Convolution([1, 1, 2], { init: init() }),
      [new Conv([3, 3, 2], { padding: 1, init: init(), activation: new Tanh() })],
      new Pooling(3, { strides: 1, padding: 1, op: 'avg' }),
    ], { merge: 'depth' }),
    new Affine(3, { init: init(), batchNorm: true, activation: new Rectlin({ slope: 0.1 }) }),
  ]);
  check(root, [2, 3, 3], 4);
});

test.run();
