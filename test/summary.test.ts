// summary(): rows, totals and the training-memory formula on networks small enough to count by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Affine, Conv, MergeSum, Pooling, Sequential, SkipNode, assignNames } from '../src/layers/index.ts';
import type { Layer } from '../src/layers/layer.ts';
import { models } from '../src/models/index.ts';
import { Rectlin } from '../src/nn/activations.ts';
import { adviceRules, formatSummary, summarize } from '../src/summary.ts';

function configured(layers: Layer[], shape: number[]): Sequential {
  const root = new Sequential(layers);
  assignNames(root);
  root.configure(shape);
  return root;
}

// Input [1, 4, 4]; Conv 3×3×2 pad 1 + Rectlin → [2, 4, 4]; max pool 2 → [2, 2, 2]; Affine(3) + BatchNorm.
const tiny = () => configured([
  new Conv([3, 3, 2], { padding: 1, activation: new Rectlin() }),
  new Pooling(2),
  new Affine(3, { batchNorm: true }),
], [1, 4, 4]);

test('rows: one per primitive layer with output shape, params and output memory at the batch size', () => {
  const s = summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 4 });
  assert.equal(s.rows.map((r) => [r.name, r.type, r.outShape, r.params, r.memory]), [
    ['Convolution_0', 'Convolution', [2, 4, 4], 18, 4 * 4 * 32],
    ['Convolution_0_Rectlin', 'Activation', [2, 4, 4], 0, 4 * 4 * 32],
    ['Pooling_0', 'Pooling', [2, 2, 2], 0, 4 * 4 * 8],
    ['Linear_0', 'Linear', [3], 24, 4 * 4 * 3],
    ['Linear_0_bnorm', 'BatchNorm', [3], 6, 4 * 4 * 3],
  ]);
  assert.equal([s.params, s.trainableParams, s.states, s.macs], [48, 48, 6, 18 * 16 + 24]);
});

test('memory: params + grads + optimizer state + batch × (input + outputs + workspace + 2 × largest output)', () => {
  const s = summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 4 });
  const B = 4, f32 = 4;
  const expected = {
    parameters: f32 * 48,
    state: f32 * 6,
    gradients: f32 * 48,
    optimizer: f32 * 48,
    input: f32 * B * 16,
    activations: f32 * B * (32 + 32 + 8 + 3 + 3),
    workspace: f32 * B * 8, // max-pool argmax (the conv runs direct on the CPU backend: no columns kept)
    backwardPeak: f32 * B * 2 * 32,
    scratch: 0, // the direct kernels' scratch is small: not counted
    total: 0,
  };
  expected.total = Object.values(expected).reduce((a, b) => a + b, 0);
  assert.is(s.rows[0].algorithm?.train, 'direct');
  // keptFilters: no layer runs by Winograd in inference; not part of the training total.
  assert.equal(s.memory, { ...expected, keptFilters: 0 });
  assert.is(s.memory.total, 3256);
  const adam = summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 4, optimizerStateFactor: 2 });
  assert.is(adam.memory.total - s.memory.total, f32 * 48);
  // A backend without the column-free kernels keeps the im2col columns C·R·S·P.
  const columns = summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 4, kernels: { columnFree: false, winograd: false } });
  assert.is(columns.rows[0].algorithm?.train, 'im2col');
  assert.is(columns.memory.workspace - s.memory.workspace, f32 * B * 1 * 9 * 16);
});

test('CNN-1 at batch 128: 52,064 parameters and 578.6 MiB, counted by hand', () => {
  // Where the backend keeps every column matrix (the course's own counting).
  const s = summarize(configured(models.cnn1(), [3, 64, 64]), { inputShape: [3, 64, 64], batchSize: 128, kernels: { columnFree: false, winograd: false } });
  const outputs = 3 * 4096 + 2 * 32 * 4096 + 32 * 1024 + 2 * 64 * 1024 + 64 * 256 + 2 * 2;
  const argmax = 32 * 1024 + 64 * 256;
  const columns = 27 * 4096 + 288 * 1024;
  const bytes = 4 * 3 * 52_064 + 4 * 128 * (3 * 4096 + outputs + columns + argmax + 2 * 32 * 4096);
  assert.is(s.memory.total, bytes);
  const lines = formatSummary(s).split('\n');
  assert.equal(lines.slice(-2), ['parameters: 52,064', `training memory at batch 128: ${(bytes / 2 ** 20).toFixed(1)} MiB`]);
  assert.is(lines.at(-1), 'training memory at batch 128: 578.6 MiB');
  // The CPU backend runs both convolutions without their column matrices (56 and 151 MB here).
  const cpu = summarize(configured(models.cnn1(), [3, 64, 64]), { inputShape: [3, 64, 64], batchSize: 128 });
  // ...and the second by Winograd, whose largest call (here its weight gradient's group sums) is counted.
  assert.is(cpu.rows.find((r) => r.name === 'Convolution_1')?.algorithm?.train, 'winograd');
  assert.ok(cpu.memory.scratch > 2 ** 20, `scratch ${cpu.memory.scratch}`);
  assert.is(cpu.memory.total, bytes - 4 * 128 * columns + cpu.memory.scratch);
  assert.is(cpu.memory.workspace, 4 * 128 * argmax);
});

test('format: state values on their own line, SkipNode costs no memory, frozen params get no gradient memory', () => {
  const root = configured([
    new Conv([1, 1, 2], { batchNorm: true, trainable: false }),
    new MergeSum([new SkipNode(), new Conv([1, 1, 2])]),
  ], [2, 3, 3]);
  const s = summarize(root, { inputShape: [2, 3, 3], batchSize: 1 });
  const skip = s.rows.find((r) => r.type === 'SkipNode');
  assert.is(skip?.memory, 0);
  assert.is(s.rows.at(-1)?.type, 'MergeSum');
  assert.equal([s.params, s.trainableParams, s.states], [4 + 4 + 4, 4, 4]);
  assert.is(s.memory.gradients, 16);
  const text = formatSummary(s);
  const lines = text.split('\n');
  assert.equal(lines.slice(-4), [
    'frozen parameters: 8',
    'state values: 4 (BatchNorm running statistics)',
    'parameters: 12',
    `training memory at batch 1: ${(s.memory.total / 2 ** 20).toFixed(1)} MiB`,
  ]);
  assert.ok(lines.some((l) => /^Convolution_0_bnorm\s+BatchNorm\s+\[2, 3, 3\]\s+4\s+72 B$/.test(l)), text);
});

test('design advice hook: rules\' lines are printed before the totals', () => {
  adviceRules.push((s) => (s.params > 40 ? [`${s.params} parameters is a lot for 16 pixels`] : []));
  try {
    const lines = formatSummary(summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 2 })).split('\n');
    assert.ok(lines.indexOf('advice: 48 parameters is a lot for 16 pixels') >= 0);
    assert.ok(lines.indexOf('advice: 48 parameters is a lot for 16 pixels') < lines.indexOf('parameters: 48'));
  } finally {
    adviceRules.pop();
  }
});

test('errors: unbuilt root, wrong input shape, bad batch size', () => {
  assert.throws(() => summarize(new Sequential([new Affine(2)]), { inputShape: [4], batchSize: 1 }), /build the model first/);
  assert.throws(() => summarize(tiny(), { inputShape: [3, 4, 4], batchSize: 1 }), /built for input \[1, 4, 4\], not \[3, 4, 4\]/);
  assert.throws(() => summarize(tiny(), { inputShape: [1, 4, 4], batchSize: 0 }), /batchSize must be a positive integer/);
});

test.run();
