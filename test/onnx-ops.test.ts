// Layer-by-layer ONNX export semantics against ONNX Runtime: dilation, pooling padding (max never
// picks padded cells, avg does not count them, l2/lp sum only real cells), no-bias and standalone
// Bias, dense BatchNorm, every activation, neon's dropout, merges and the Graph container; each model
// also round-trips export → import → export byte for byte with the same outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-node';
import {
  Activation, Affine, BatchNorm, Bias, Conv, Convolution, DataTransform, Dropout, Graph, Linear, MergeBroadcast, MergeSum,
  Pooling, SkipNode, type Layer,
} from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { Explin, Identity, Logistic, Normalizer, Rectlin, Softmax, Tanh } from '../src/nn/activations.ts';
import { Constant, Uniform } from '../src/nn/initializers.ts';
import { decodeOnnx } from '../src/onnx/index.ts';
import { F32, expectClose, randomArray } from './helpers.ts';

async function ortRun(bytes: Uint8Array, rows: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const n = rows.length / shape.reduce((a, b) => a * b, 1);
  const out = await session.run({ input: new ort.Tensor('float32', rows, [n, ...shape]) });
  await session.release();
  return out.output.data as Float32Array;
}

/** Builds, randomises BatchNorm state, compares with ONNX Runtime and checks the round trip. Returns the ONNX op types. */
async function check(label: string, layers: Layer[], shape: number[], seed = 1): Promise<string[]> {
  const model = new Model(layers, { seed });
  await model.build(shape);
  model.root.states().forEach((s, i) => {
    const v = randomArray(s.value.size, seed * 100 + i, 0.2, 1.5);
    model.backend.write(s.value.buf, Float32Array.from(v, (x) => (s.name.endsWith('runMean') ? x - 0.8 : x)));
  });
  const n = 3, size = shape.reduce((a, b) => a * b, 1);
  const rows = Float32Array.from(randomArray(n * size, seed + 17, -2, 2));
  const ours = await model.getOutputs(rows);
  const bytes = model.toOnnx();
  expectClose(await ortRun(bytes, rows, shape), ours, F32, `${label}: ONNX Runtime vs Argon`);
  const back = Model.fromOnnx(bytes);
  expectClose(await back.getOutputs(rows), ours, F32, `${label}: imported`);
  assert.ok(Buffer.from(back.toOnnx()).equals(Buffer.from(bytes)), `${label}: export → import → export differs`);
  back.dispose();
  model.dispose();
  return decodeOnnx(bytes).graph.nodes.map((node) => node.opType);
}

const w = () => new Uniform({ low: -0.5, high: 0.5 });

test('convolution: dilation, stride, padding, no bias / bias, 1-D and 2-D', async () => {
  const ops = await check('conv2d', [
    new Conv([3, 3, 4], { init: w(), padding: 2, dilation: 2, strides: 1 }),
    new Conv([3, 3, 5], { init: w(), padding: { h: 1, w: 0 }, strides: [2, 1], bias: new Uniform({ low: -1, high: 1 }) }),
    new Affine(3, { init: w(), activation: new Softmax() }),
  ], [2, 9, 8]);
  assert.equal(ops, ['Conv', 'Conv', 'Flatten', 'Gemm', 'Softmax']);
  await check('conv1d', [new Conv([3, 4], { init: w(), padding: 1, dilation: 2, bias: new Constant({ val: 0.3 }) }), new Affine(2, { init: w() })], [3, 12]);
});

test('pooling: max, avg (padded cells not counted), l2 and lp (Pad + LpPool), global', async () => {
  const base = () => new Convolution([1, 1, 3], { init: w() });
  const cases: [string, Layer, string[]][] = [
    ['max', new Pooling(3, { op: 'max', strides: 2, padding: 1 }), ['MaxPool']],
    ['avg', new Pooling(3, { op: 'avg', strides: 2, padding: 1 }), ['AveragePool']],
    ['l2', new Pooling([3, 2], { op: 'l2', strides: 1, padding: [1, 1] }), ['Pad', 'LpPool']],
    ['lp3', new Pooling(2, { op: 'lp', p: 3, strides: 2, padding: 1 }), ['Pad', 'LpPool']],
    ['l2, no padding', new Pooling(2, { op: 'l2' }), ['LpPool']],
    ['global avg', new Pooling('all', { op: 'avg' }), ['GlobalAveragePool']],
    ['global max', new Pooling('all', { op: 'max' }), ['GlobalMaxPool']],
    ['global l2', new Pooling('all', { op: 'l2' }), ['GlobalLpPool']],
  ];
  for (const [label, pool, want] of cases) {
    const ops = await check(label, [base(), pool], [2, 7, 7]);
    assert.equal(ops, ['Conv', ...want], label);
  }
});

test('avg pooling at the edges divides by the real cells only (count_include_pad = 0)', async () => {
  // All-ones input: every window average is exactly 1, also where a window overlaps the padding.
  const model = new Model([new Pooling(3, { op: 'avg', strides: 2, padding: 1 })]);
  await model.build([1, 5, 5]);
  const y = await ortRun(model.toOnnx(), new Float32Array(25).fill(1), [1, 5, 5]);
  assert.equal(Array.from(y), new Array<number>(9).fill(1));
  model.dispose();
});

test('activations, standalone Bias, dense BatchNorm, Normalizer, neon dropout', async () => {
  const ops = await check('mix', [
    new DataTransform(new Normalizer({ divisor: 3 })),
    new Convolution([3, 3, 4], { init: w() }),
    new Bias({ init: new Uniform({ low: -1, high: 1 }) }),
    new Activation(new Rectlin({ slope: 0.1 })),
    new BatchNorm({ eps: 1e-4 }),
    new Activation(new Explin({ alpha: 0.5 })),
    new Pooling(2, { op: 'max' }),
    new Dropout({ keep: 0.8 }),
    new Activation(new Identity()),
    new Affine(6, { init: w(), batchNorm: true, activation: new Tanh() }),
    new Linear(4, { init: w() }),
    new Bias({ init: new Uniform({ low: -1, high: 1 }) }),
    new Activation(new Logistic()),
  ], [2, 8, 8]);
  assert.equal(ops, ['Mul', 'Conv', 'LeakyRelu', 'BatchNormalization', 'Elu', 'MaxPool', 'Dropout', 'Mul', 'Identity',
    'Flatten', 'Gemm', 'BatchNormalization', 'Tanh', 'Gemm', 'Sigmoid']);
});

test('merges: MergeSum (Add, Sum) with SkipNode, MergeBroadcast (Concat), a Graph container', async () => {
  const conv = (k: number) => new Conv([3, 3, k], { init: w(), padding: 1, activation: new Rectlin() });
  const ops = await check('merges', [
    conv(3),
    new MergeSum([new SkipNode(), [conv(3), conv(3)]]),
    new MergeSum([new SkipNode(), conv(3), [conv(3), new BatchNorm()]]),
    new MergeBroadcast([conv(2), [new Pooling(3, { op: 'avg', strides: 1, padding: 1 }), conv(1)]], { merge: 'depth' }),
    new Affine(2, { init: w(), activation: new Softmax() }),
  ], [3, 6, 6]);
  assert.equal(ops.filter((o) => ['Add', 'Sum', 'Concat'].includes(o)), ['Add', 'Sum', 'Concat']);

  const graph = new Graph({
    input: 'x', output: 'y',
    nodes: [
      { name: 'a', op: 'layer', inputs: ['x'], output: 'a', layer: new Conv([3, 3, 2], { init: w(), padding: 1, bias: new Constant({ val: 0.1 }) }) },
      { name: 'b', op: 'layer', inputs: ['x'], output: 'b', layer: new Convolution([1, 1, 2], { init: w() }) },
      { name: 's1', op: 'add', inputs: ['a', 'b'], output: 's1' },
      { name: 'r', op: 'layer', inputs: ['s1'], output: 'r', layer: new Activation(new Tanh()) },
      { name: 's2', op: 'add', inputs: ['r', 'a'], output: 's2' },
      { name: 'cat', op: 'concat', inputs: ['s2', 'a'], output: 'cat' },
      { name: 'flat', op: 'flatten', inputs: ['cat'], output: 'f' },
      { name: 'fc', op: 'layer', inputs: ['f'], output: 'y', layer: new Affine(3, { init: w() }) },
    ],
  });
  const gops = await check('graph', [graph, new Activation(new Softmax())], [3, 5, 5]);
  assert.equal(gops, ['Conv', 'Conv', 'Add', 'Tanh', 'Add', 'Concat', 'Flatten', 'Gemm', 'Softmax']);
});

test('pooling without an ONNX operator is a documented error', async () => {
  const model = new Model([new Pooling(2, { op: 'weighted', sigma: 1 })]);
  await model.build([1, 4, 4]);
  assert.throws(() => model.toOnnx(), /Pooling layer 'Pooling_0' uses op 'weighted' \(Gaussian-weighted pooling\), which has no ONNX operator/);
  const lp = new Model([new Pooling(2, { op: 'lp', p: 2.5 })]);
  await lp.build([1, 4, 4]);
  assert.throws(() => lp.toOnnx(), /op 'lp' with p = 2.5; ONNX LpPool takes an integer p/);
  const fresh = new Model([new Pooling(2)]);
  assert.throws(() => fresh.toOnnx(), /no input shape yet/);
  model.dispose();
  lp.dispose();
});

test.run();
