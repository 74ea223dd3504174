// ONNX import: PyTorch-made models (tools/onnx/make_fixture.py) against PyTorch's saved outputs,
// structure recovery (MergeSum/MergeBroadcast, or the Graph container), the round trip, fine-tuning
// with frozen layers, and the errors for unsupported, malformed and ill-shaped files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import {
  Activation, BatchNorm, Convolution, Graph, Linear, SkipNode, layerFromConfig, walkLayers, type Layer,
} from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { Softmax } from '../src/nn/activations.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import { AT, DT, decodeOnnx, encodeOnnx, type OnnxModel, type OnnxNode } from '../src/onnx/codec.ts';
import { importOnnx } from '../src/onnx/import.ts';
import { F32, expectClose, randomArray } from './helpers.ts';

const dir = new URL('./fixtures/onnx/', import.meta.url);
const bytesOf = (name: string) => new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir)));
interface Fixture { xShape: number[]; x: number[]; yShape: number[]; y: number[] }
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
const types = (root: Layer) => walkLayers(root).map((l) => l.type);

async function ortRun(bytes: Uint8Array, rows: Float32Array, shape: readonly number[], input = 'input', output = 'output'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = await session.run({ [input]: new ort.Tensor('float32', rows, [rows.length / shape.reduce((a, b) => a * b, 1), ...shape]) });
  await session.release();
  return out[output].data as Float32Array;
}

const CASES: [string, string, (t: string[]) => void][] = [
  ['resnet_bn', 'BatchNorm kept (training=PRESERVE), Identity-shared initializers', (t) => {
    assert.is(t.filter((x) => x === 'BatchNorm').length, 6);
    assert.is(t.filter((x) => x === 'MergeSum').length, 2);
    assert.is(t.filter((x) => x === 'SkipNode').length, 1, 'the identity shortcut');
  }],
  ['resnet_folded', 'BatchNorm folded into Conv weights and bias', (t) => {
    assert.is(t.filter((x) => x === 'BatchNorm').length, 0);
    assert.is(t.filter((x) => x === 'Bias').length, 7);
    assert.is(t.filter((x) => x === 'MergeSum').length, 2);
  }],
  ['zoo', 'LeakyReLU, ELU, Tanh, Sigmoid, Concat, padded AvgPool, Mul, Reshape, MatMul, Add, Softmax', (t) => {
    for (const x of ['MergeBroadcast', 'DataTransform', 'Linear', 'Bias']) assert.ok(t.includes(x), x);
  }],
  ['argon_res_torch', 'an Argon network trained in PyTorch (tools/onnx/torch_roundtrip.py): MatMul(x, Transpose(W)), scalar Mul', (t) => {
    for (const x of ['MergeSum', 'SkipNode', 'BatchNorm', 'DataTransform', 'Linear']) assert.ok(t.includes(x), x);
    assert.is(t.filter((x) => x === 'BatchNorm').length, 4);
  }],
  ['dag', 'not nested blocks: a Graph container', (t) => {
    assert.equal(t.slice(0, 3), ['Sequential', 'Graph', 'Sequential']);
    assert.is(t[t.length - 1], 'Activation', 'the final Sigmoid sits outside the Graph');
  }],
];

for (const [name, what, structure] of CASES) {
  test(`PyTorch ${name} (${what}) imports and matches PyTorch's outputs`, async () => {
    const fx = fixture(name);
    const bytes = bytesOf(name);
    const model = Model.fromOnnx(bytes);
    assert.equal(model.pendingShape, fx.xShape.slice(1));
    const y = await model.getOutputs(Float32Array.from(fx.x));
    expectClose(y, fx.y, F32, `${name} vs PyTorch`);
    structure(types(model.root));

    // Exporting normalises names once (Argon's layer names, Gemm/Conv biases fused); after that,
    // export ∘ import is a fixed point.
    const once = model.toOnnx();
    const twice = Model.fromOnnx(once).toOnnx();
    assert.ok(Buffer.from(twice).equals(Buffer.from(once)), `${name}: export(import(export)) differs from export`);
    expectClose(await ortRun(once, Float32Array.from(fx.x), fx.xShape.slice(1)), fx.y, F32, `${name} re-exported, in ONNX Runtime`);
    const g = decodeOnnx(bytes).graph;
    const asWritten = await ortRun(bytes, Float32Array.from(fx.x), fx.xShape.slice(1), g.inputs[0].name, g.outputs[0].name);
    expectClose(asWritten, fx.y, F32, `${name} as PyTorch wrote it, in ONNX Runtime`);
    model.dispose();
  });
}

test('the Argon export that went to PyTorch re-exports byte for byte', () => {
  // Regenerate with tools/onnx/torch_roundtrip.py if the exporter's output changes on purpose.
  const bytes = bytesOf('argon_res');
  assert.ok(Buffer.from(Model.fromOnnx(bytes).toOnnx()).equals(Buffer.from(bytes)));
});

test('a fully convolutional import takes another input size; the model file keeps a Graph', async () => {
  const model = Model.fromOnnx(bytesOf('resnet_bn'), { inputShape: [3, 24, 24] });
  const rows = Float32Array.from(randomArray(2 * 3 * 24 * 24, 4));
  const y = await model.getOutputs(rows);
  expectClose(y, await ortRun(model.toOnnx(), rows, [3, 24, 24]), F32, 'resnet_bn at 24×24 (PyTorch fixed H and W at 16)');
  assert.throws(() => importOnnx(bytesOf('resnet_bn'), { inputShape: [3, 24] }), /inputShape \[3, 24\] has 2 dims, the input 'x' has 3 after N/);

  const dag = Model.fromOnnx(bytesOf('dag'));
  const fx = fixture('dag');
  await dag.build(fx.xShape.slice(1));
  const again = Model.fromBytes(dag.toBytes());
  expectClose(await again.getOutputs(Float32Array.from(fx.x)), fx.y, F32, 'dag through the model file');
  const graph = walkLayers(dag.root).find((l) => l instanceof Graph)!;
  assert.equal(layerFromConfig(graph.config()).config(), graph.config());
  model.dispose();
  dag.dispose();
  again.dispose();
});

test('fine-tuning an import: frozen layers keep their weights, the loss goes down', async () => {
  const shape = [3, 16, 16], n = 24, nclass = 3;
  const y = Int32Array.from({ length: n }, (_, i) => i % nclass);
  // Learnable: class k brightens channel k.
  const X = Float32Array.from(randomArray(n * 768, 11, -1, 1), (v, i) => v + (Math.floor((i % 768) / 256) === y[Math.floor(i / 768)] ? 1.5 : 0));
  // A new Softmax head on PyTorch's ResNet: every conv frozen, BatchNorm and the classifier train.
  const r = importOnnx(bytesOf('resnet_bn'));
  const model = new Model([...r.root.children(), new Activation(new Softmax())], { seed: 2 });
  model.pending = { tensors: r.tensors };
  for (const l of walkLayers(model.root)) if (l instanceof Convolution) l.trainable = false;
  await model.build(shape);
  const frozen = model.params().filter((p) => p.trainable === false);
  assert.is(frozen.length, 6);
  const before = frozen.map((p) => Array.from(p.value.toArray()));
  const gamma = model.params().find((p) => p.kind === 'gamma')!;
  const gammaBefore = Array.from(gamma.value.toArray());
  const data = new ArrayIterator(X, y, { nclass, lshape: shape, batchSize: 8, shuffle: true, seed: 1 });
  const history = await model.fit(data, {
    cost: new GeneralizedCost({ costfunc: new CrossEntropyMulti() }), optimizer: new GradientDescentMomentum(0.05, { momentumCoef: 0.9 }), epochs: 6,
  });
  const losses = history.toJSON().loss as number[];
  assert.ok(losses[losses.length - 1] < 0.7 * losses[0], `loss ${losses.map((v) => v.toFixed(3)).join(' → ')}`);
  frozen.forEach((p, i) => assert.equal(Array.from(p.value.toArray()), before[i], `${p.name} changed`));
  assert.not.equal(Array.from(gamma.value.toArray()), gammaBefore, 'trainable BatchNorm gamma did not change');
  model.dispose();
});

// ---------------------------------------------------------------- errors

function tiny(nodes: OnnxNode[], inits: OnnxModel['graph']['initializers'] = [], dims: (number | string)[] = ['N', 3, 8, 8]): Uint8Array {
  return encodeOnnx({
    irVersion: 7, producerName: 'test', producerVersion: '', opsets: [{ domain: '', version: 13 }],
    graph: {
      name: 'g', nodes, initializers: inits,
      inputs: [{ name: 'x', elemType: DT.FLOAT, dims }], outputs: [{ name: nodes[nodes.length - 1].outputs[0], elemType: DT.FLOAT, dims: null }],
    },
  });
}
const node = (name: string, opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = [], domain = ''): OnnxNode =>
  ({ name, opType, domain, inputs, outputs, attributes });
const weight = (name: string, dims: number[]) => ({ name, dims, dataType: DT.FLOAT, floats: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1) });

test('unsupported operators are listed, each with its node name', () => {
  const bytes = tiny([
    node('c1', 'Conv', ['x', 'w'], ['a']),
    node('g1', 'Gather', ['a', 'idx'], ['b']),
    node('f1', 'Frobnicate', ['b'], ['c'], [], 'com.example'),
    node('sh', 'Shape', ['c'], ['d']),
  ], [weight('w', [4, 3, 3, 3])]);
  assert.throws(() => Model.fromOnnx(bytes),
    /3 node\(s\) use operators Argon does not support: Gather \(node 'g1'\), com\.example\.Frobnicate \(node 'f1'\), Shape \(node 'sh'\)/);
});

test('malformed, truncated and non-ONNX files give a clear error', () => {
  const good = bytesOf('resnet_bn');
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(0), /not a valid ONNX model: the file is empty/],
    [good.subarray(0, 1000), /not a valid ONNX model: truncated: a field needs \d+ bytes, \d+ remain at byte \d+/],
    [new TextEncoder().encode('{"format": "argon-model"}'), /not a valid ONNX model: unsupported wire type/],
    [Uint8Array.of(0x08, 0x07), /not a valid ONNX model: no graph in the file/],
    [Uint8Array.of(0x08, 0xff, 0xff), /not a valid ONNX model: truncated varint/],
  ];
  for (const [bytes, re] of cases) assert.throws(() => Model.fromOnnx(bytes), re);
  assert.throws(() => Model.fromOnnx(tiny([node('r', 'Relu', ['x'], ['y'])], [], ['N', 3, 'H', 'W'])), /the input 'x' has dims \[N, 3, \?, \?\]; pass inputShape/);
});

test('shapes that do not chain name the node', () => {
  const conv = tiny([node('c1', 'Conv', ['x', 'w1'], ['a']), node('c2', 'Conv', ['a', 'w2'], ['b'])], [weight('w1', [4, 3, 3, 3]), weight('w2', [2, 5, 3, 3])]);
  assert.throws(() => Model.fromOnnx(conv), /node 'c2' \(Conv\): the input has 4 channels, the weight \[2, 5, 3, 3\] expects 5/);
  const gemm = tiny([node('fl', 'Flatten', ['x'], ['a']), node('fc', 'Gemm', ['a', 'w'], ['b'], [{ name: 'transB', type: AT.INT, i: 1 }])], [weight('w', [2, 100])]);
  assert.throws(() => Model.fromOnnx(gemm), /node 'fc' \(Gemm\): the input has 192 values per sample \(\[192\]\), the weight expects 100/);
  const pool = tiny([node('mp', 'MaxPool', ['x'], ['a'], [{ name: 'kernel_shape', type: AT.INTS, ints: [9, 9] }])]);
  assert.throws(() => Model.fromOnnx(pool), /node 'mp' \(MaxPool\): .*window spans 9 cells but the padded input has 8/);
  const add = tiny([
    node('c1', 'Conv', ['x', 'w1'], ['a']), node('c2', 'Conv', ['x', 'w2'], ['b']), node('sum', 'Add', ['a', 'b'], ['y']),
  ], [weight('w1', [4, 3, 3, 3]), weight('w2', [4, 3, 1, 1])]);
  assert.throws(() => Model.fromOnnx(add), /node 'sum' \(Add\): input 1 is \[N, 4, 8, 8\] but input 0 is \[N, 4, 6, 6\]/);
  const pad = tiny([node('p', 'Pad', ['x', 'pads'], ['a']), node('r', 'Relu', ['a'], ['y'])], [{ name: 'pads', dims: [8], dataType: DT.INT64, ints: [0, 0, 1, 1, 0, 0, 1, 1] }]);
  assert.throws(() => Model.fromOnnx(pad), /node 'p' \(Pad\): a Pad is supported only when its one reader is a Conv or an LpPool/);
});

test('hand-made graphs: Pad folds into Conv, Dropout is inverted dropout, Concat of two splits nests', async () => {
  const ratio = { name: 'ratio', dims: [], dataType: DT.FLOAT, floats: Float32Array.of(0.25) };
  const bytes = tiny([
    node('p', 'Pad', ['x', 'pads'], ['a']),
    node('c', 'Conv', ['a', 'w'], ['b'], [{ name: 'pads', type: AT.INTS, ints: [1, 0, 1, 0] }]),
    node('d', 'Dropout', ['b', 'ratio'], ['e']),
    node('c2', 'Conv', ['e', 'w2'], ['f']),
    node('cat', 'Concat', ['e', 'f'], ['y'], [{ name: 'axis', type: AT.INT, i: 1 }]),
  ], [{ name: 'pads', dims: [8], dataType: DT.INT64, ints: [0, 0, 1, 1, 0, 0, 1, 1] }, weight('w', [2, 3, 3, 3]), ratio, weight('w2', [1, 2, 1, 1])]);
  const model = Model.fromOnnx(bytes);
  const t = types(model.root);
  assert.ok(t.includes('MergeBroadcast') && t.includes('SkipNode') && t.includes('Dropout'), t.join(','));
  const conv = walkLayers(model.root).find((l) => l instanceof Convolution) as Convolution;
  assert.equal(conv.opts.padding, [2, 1]);
  const rows = Float32Array.from(randomArray(2 * 192, 9));
  expectClose(await model.getOutputs(rows), await ortRun(bytes, rows, [3, 8, 8], 'x', 'y'), F32, 'hand-made graph vs ONNX Runtime');
  model.dispose();
});

test('Graph container: checks its edges, runs in topological order, infers shapes', () => {
  const bad = (nodes: ConstructorParameters<typeof Graph>[0]['nodes'], re: RegExp) => assert.throws(() => new Graph({ input: 'x', output: 'y', nodes }), re);
  bad([{ name: 'a', op: 'layer', inputs: ['q'], output: 'y', layer: new SkipNode() }], /node 'a' reads edge 'q', which no node writes/);
  bad([
    { name: 'a', op: 'add', inputs: ['x', 'b'], output: 'a' }, { name: 'b', op: 'add', inputs: ['a'], output: 'b' },
    { name: 'c', op: 'add', inputs: ['b'], output: 'y' },
  ], /the nodes 'a', 'b', 'c' form a cycle/);
  bad([{ name: 'a', op: 'add', inputs: ['x'], output: 'y' }, { name: 'b', op: 'add', inputs: ['x'], output: 'y' }], /edge 'y' is written twice/);
  bad([{ name: 'a', op: 'flatten', inputs: ['x', 'x'], output: 'y' }], /op 'flatten' takes exactly one input edge, got 2/);
  const g = new Graph({
    input: 'x', output: 'y',
    nodes: [
      { name: 'fc', op: 'layer', inputs: ['f'], output: 'y', layer: new Linear(2) },
      { name: 'flat', op: 'flatten', inputs: ['m'], output: 'f' },
      { name: 'cat', op: 'concat', inputs: ['x', 'b'], output: 'm' },
      { name: 'bn', op: 'layer', inputs: ['x'], output: 'b', layer: new BatchNorm() },
    ],
  });
  assert.equal(g.nodes.map((x) => x.name), ['bn', 'cat', 'flat', 'fc']);
  assert.equal(g.configure([3, 4, 4]), [2]);
  assert.equal(g.edgeShape('m'), [6, 4, 4]);
  assert.throws(() => new Graph({ input: 'x', output: 'y', nodes: [{ name: 's', op: 'add', inputs: ['x', 'z'], output: 'y' }, { name: 'z', op: 'flatten', inputs: ['x'], output: 'z' }] }).configure([2, 3]),
    /Graph layer '\(unnamed\)': node 's' \(add\): input 'z' is \[6\] but 'x' is \[2, 3\]/);
});

test.run();
