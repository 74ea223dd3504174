// summary()'s scratch term against the wasm backend itself: the largest scratch region one
// convolution call of a training step asks for (Winograd's transformed filters, transforms and
// partial sums; the dense way's tap table, packed operands and gathered weights), as
// Backend.convScratchBytes predicts from the shapes, equals what the kernels took.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../src/autograd/index.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import { Conv, Sequential, buildLayers } from '../src/layers/index.ts';
import { Rectlin } from '../src/nn/activations.ts';
import { withConvAlgorithm } from '../src/ops/conv-plan.ts';
import { Random } from '../src/random.ts';
import { summarize } from '../src/summary.ts';
import { Tensor } from '../src/tensor.ts';
import { randomArray } from './helpers.ts';

const BATCH = 8;

/** A training step's forward and backward passes, every conv by Winograd (or as a dense product);
 *  returns the estimate's scratch term and the largest scratch request the backend saw. */
function step(be: WasmBackend, [shape, layers]: Net, algorithm: 'winograd' | 'dense' = 'winograd'): { estimate: number; taken: number } {
  return withConvAlgorithm(algorithm, () => {
    const root = new Sequential(layers());
    buildLayers(root, shape, { backend: be, random: new Random(2) });
    const estimate = summarize(root, { inputShape: shape, batchSize: BATCH, scratchBytes: be.convScratchBytes.bind(be) }).memory.scratch;
    be.resetPeak();
    const n = shape[0] * shape[1] * shape[2] * BATCH;
    const x = Tensor.fromArray(be, randomArray(n, 3, -1, 1), [...shape, BATCH]);
    const y = root.forward(x, { training: true, random: new Random(1) });
    const seed = Tensor.fromArray(be, randomArray(y.size, 4, -1, 1), y.shape);
    backward(y, seed);
    const taken = be.memory().scratchBytes ?? 0;
    for (const t of [x, y, seed]) t.dispose();
    root.dispose();
    return { estimate, taken };
  });
}

type Net = [shape: [number, number, number], layers: () => Conv[]];
// The first layer's input gradient never runs. Small: every weight gradient the whole way; wide: the
// second's transforms pass WHOLE_BYTES (16 MiB), so it sums chunks in groups.
const small: Net = [[16, 12, 12], () => [new Conv([3, 3, 24], { padding: 1, activation: new Rectlin() }), new Conv([3, 3, 40], { padding: 2, dilation: 2 })]];
const wide: Net = [[16, 24, 24], () => [new Conv([3, 3, 96], { padding: 1 }), new Conv([3, 3, 160], { padding: 1 })]];
// ResNet's last stage at a small input: 3×3 convs over 2×2 and 1×1 maps, as dense products.
const tiny: Net = [[48, 2, 2], () => [new Conv([3, 3, 40], { padding: 1, strides: 2 }), new Conv([3, 3, 24], { padding: 1 })]];

test('one thread: the estimate is the scratch the Winograd kernels took, byte for byte', async () => {
  const be = await createWasmBackend({ threads: 1 });
  for (const [name, net] of [['small', small], ['wide', wide]] as const) {
    const { estimate, taken } = step(be, net);
    assert.ok(taken > 0, `${name}: no scratch taken`);
    assert.is(estimate, taken, `${name}: estimate vs taken`);
  }
  const { estimate, taken } = step(be, tiny, 'dense');
  assert.ok(taken > 0, 'dense: no scratch taken');
  assert.is(estimate, taken, 'dense: estimate vs taken');
  await be.close();
});

test('two threads: the estimate (a slot per thread) bounds what split calls took', async () => {
  const be = await createWasmBackend({ threads: 2, minPartNs: 0 });
  const one = await createWasmBackend({ threads: 1 });
  for (const net of [small, wide]) {
    const { estimate, taken } = step(be, net);
    assert.ok(taken <= estimate, `taken ${taken} > estimate ${estimate}`);
    // More than one thread's worth: the per-thread slots are in both.
    assert.ok(taken > step(one, net).taken, 'two threads took no more than one');
  }
  await be.close();
  await one.close();
});

test.run();
