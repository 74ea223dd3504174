// The public entry points check their arguments at run time, for plain-JS users: a missing or
// mistyped option is an error naming the function, the option, what was expected and what came —
// with the closest known name for a misspelt one, as the CLI does — before anything is built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { ImageFolder } from '../src/data/image-folder.ts';
import { ImageManifest } from '../src/data/image-manifest.ts';
import { Affine, Conv } from '../src/layers/compound.ts';
import { Model } from '../src/model/model.ts';
import { Rectlin, Softmax } from '../src/nn/activations.ts';
import { checkpoint, earlyStop, historyPlot, progressBar, saveBest } from '../src/nn/callbacks/index.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { Accuracy } from '../src/nn/metrics.ts';
import { Adagrad, Adam, GradientDescentMomentum, RMSProp } from '../src/nn/optimizers/index.ts';
import { throwsWith } from './data-fixtures.ts';

/** Calls a function with arguments its types forbid, as plain JavaScript can. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const untyped = (f: unknown) => f as (...args: unknown[]) => unknown;
const construct = <T>(C: new (...args: never[]) => T, ...args: unknown[]): T => new (C as unknown as new (...a: unknown[]) => T)(...args);

const data = () => new ArrayIterator(new Float32Array([1, 2, 3, 4, 5, 6]), new Int32Array([0, 1, 2]), { nclass: 3, lshape: [2], batchSize: 3 });
const model = () => new Model([new Affine(3, { activation: new Softmax() })], { seed: 1 });
const cost = () => new GeneralizedCost({ costfunc: new CrossEntropyMulti() });

test('Model: layers and options', async () => {
  await throwsWith(() => construct(Model, [new Affine(2), 'relu']), 'Model: layers[1] must be a layer', "got 'relu' (a string)");
  await throwsWith(() => construct(Model, []), 'Model: the layer list is empty');
  await throwsWith(() => construct(Model, [new Affine(2)], { sed: 1 }), "Model: unknown option 'sed' (did you mean 'seed'?)");
  await throwsWith(() => construct(Model, [new Affine(2)], { backend: 3 }), "Model: option 'backend' must be 'cpu', 'gpu' or 'auto', got 3");
  // Nested lists are flattened, as Sequential does: the same two layers, no container between them.
  const first = new Affine(4), second = new Affine(2);
  const nested = new Model([[first], second]);
  assert.is(nested.root.children().length, 2);
  assert.ok(nested.root.children()[0] === first && nested.root.children()[1] === second, 'the given layers, in order');
  await nested.build([3]);
  assert.equal(nested.params().map((p) => p.value.shape), [[4, 3], [2, 4]]);
  assert.equal(nested.outputShape, [2]);
  nested.dispose();
});

test('fit: every option is checked before training, and none is read from undefined', async () => {
  const m = model();
  const fit = untyped(m.fit.bind(m));
  await throwsWith(() => fit(data()), 'fit: the options { cost, optimizer, epochs } are required, got nothing');
  await throwsWith(() => fit(data(), { cost: cost(), epochs: 1 }), "fit: option 'optimizer' is required", 'new GradientDescentMomentum');
  await throwsWith(() => fit(data(), { optimizer: new Adam(), epochs: 1 }), "fit: option 'cost' is required", 'new GeneralizedCost');
  await throwsWith(() => fit(data(), { cost: cost(), optimizer: new Adam(), epoch: 2 }), "fit: unknown option 'epoch' (did you mean 'epochs'?)");
  await throwsWith(() => fit(data(), { cost: cost(), optimizer: new Adam(), epochs: '2' }), "fit: option 'epochs' must be a positive integer, got '2' (a string)");
  await throwsWith(() => fit(data(), { cost: cost(), optimizer: 'sgd', epochs: 1 }), "fit: option 'optimizer' must be an optimizer", "got 'sgd' (a string)");
  await throwsWith(() => fit(data(), { cost: new CrossEntropyMulti(), optimizer: new Adam(), epochs: 1 }),
    'fit: cost must be a GeneralizedCost', 'wrap the cost function: new GeneralizedCost({ costfunc: new CrossEntropyMulti() })');
  await throwsWith(() => fit(new Float32Array(6), { cost: cost(), optimizer: new Adam(), epochs: 1 }), 'fit: the training data must be a data iterator', 'got a Float32Array');
  await throwsWith(() => fit(data(), { cost: cost(), optimizer: new Adam(), epochs: 1, callbacks: progressBar() }), "fit: option 'callbacks' must be an array");
  await throwsWith(() => fit(data(), { cost: cost(), optimizer: new Adam(), epochs: 1, metric: 'accuracy' }), "fit: option 'metric' must be", 'new Accuracy()');
  assert.is(m.built, false, 'nothing was built');
});

test('eval, evaluate, getOutputs, summary, save, load', async () => {
  const m = model();
  await throwsWith(() => untyped(m.eval.bind(m))(data()), 'eval: the metric must be a metric, e.g. new Accuracy(), got nothing');
  await throwsWith(() => untyped(m.evaluate.bind(m))(data(), { metrics: [new Accuracy()] }), "evaluate: unknown option 'metrics' (did you mean 'metric'?)");
  await throwsWith(() => untyped(m.getOutputs.bind(m))(new Float32Array(2), { inputshape: [2] }), "getOutputs: unknown option 'inputshape' (did you mean 'inputShape'?)");
  await throwsWith(() => untyped(m.summary.bind(m))({ inputShape: [2] }), "summary: option 'batchSize' is required");
  await throwsWith(() => untyped(m.save.bind(m))(), 'Model.save: the path must be a file path (a string)');
  await throwsWith(() => untyped(Model.load)({ path: 'x' }), 'Model.load: the path must be a file path', 'got an object');
  const r = await m.evaluate(data(), { metric: new Accuracy() });
  assert.is(r.metrics.length, 1);
});

test('ArrayIterator: Keras-style rows and label arrays are taken; wrong kinds are named', async () => {
  const rows = new ArrayIterator([[1, 2], [3, 4], [5, 6]], [0, 1, 2], { nclass: 3, lshape: [2], batchSize: 3 });
  const flat = data();
  for await (const b of rows.batches()) for await (const c of flat.batches()) {
    assert.equal(Array.from(b.x), Array.from(c.x));
    assert.equal(Array.from(b.labels), Array.from(c.labels));
  }
  await throwsWith(() => construct(ArrayIterator, new Float32Array(4), new Int32Array(2)), 'ArrayIterator: the options (third argument) must be { nclass, lshape, batchSize }, got nothing');
  await throwsWith(() => construct(ArrayIterator, new Float32Array(4), 'ab', { nclass: 2, lshape: [2], batchSize: 1 }), 'ArrayIterator: y must be the integer labels');
  await throwsWith(() => construct(ArrayIterator, [[1, 2], [3]], [0, 1], { nclass: 2, lshape: [2], batchSize: 1 }), 'ArrayIterator: X[1] has 1 values; one sample of lshape has 2');
  await throwsWith(() => construct(ArrayIterator, new Float32Array(4), new Int32Array(2), { nclass: 2, lshape: [2], batchsize: 1 }),
    "ArrayIterator: unknown option 'batchsize' (did you mean 'batchSize'?)");
  await throwsWith(() => construct(ArrayIterator, new Float32Array(4), new Int32Array(2), { nclass: 2, lshape: [2], batchSize: 1, classNames: ['a'] }),
    'ArrayIterator: classNames has 1 names for nclass 2');
});

test('image data sets: the path and the options object', async () => {
  await throwsWith(() => untyped(ImageManifest.open)('faces/train.csv'), 'ImageManifest: the options must be { inputShape: [C, H, W], batchSize, … }, got nothing');
  await throwsWith(() => construct(ImageManifest, { path: 'x' }, {}), "ImageManifest: the CSV path must be a file path, e.g. 'faces/train.csv', got an object");
  await throwsWith(() => construct(ImageFolder, 3, {}), 'ImageFolder: the folder must be a folder path');
  await throwsWith(() => construct(ImageFolder, 'x', { inputShape: [3, 8, 8], batchSize: 2, classNames: ['a', 'a'] }), "ImageFolder: classNames lists 'a' twice");
});

test('layers: Keras habits such as activation strings are named', async () => {
  await throwsWith(() => construct(Conv, [3, 3, 8], { activation: 'relu' }), "Conv: option 'activation' must be an activation object, e.g. new Rectlin()", "got 'relu' (a string)");
  await throwsWith(() => construct(Affine, 10, { activation: Rectlin }), "Affine: option 'activation' must be an activation object", 'got a function (Rectlin)');
  await throwsWith(() => construct(Conv, [3, 3, 8], { padding: 1, kernelInitializer: 'he' }), "Conv: unknown option 'kernelInitializer'");
  await throwsWith(() => construct(Affine, 10, { init: {} }), "Affine: option 'init' must be an initializer object");
});

test('optimizers, costs and callbacks', async () => {
  await throwsWith(() => construct(GradientDescentMomentum, { learningRate: 0.1 }),
    'GradientDescentMomentum: the first argument is the learning rate, a number (new GradientDescentMomentum(0.01, { momentumCoef: 0.9 })), got an object');
  await throwsWith(() => construct(GradientDescentMomentum, 0.1, { momentum: 0.9 }), "GradientDescentMomentum: unknown option 'momentum' (did you mean 'momentumCoef'?)");
  await throwsWith(() => construct(Adam, { lr: 0.1 }), "Adam: unknown option 'lr' (did you mean 'learningRate'?)");
  await throwsWith(() => construct(Adam, { beta1: 2 }), "Adam: option 'beta1' must be a number in [0, 1], got 2");
  await throwsWith(() => construct(RMSProp, { schedule: 3 }), "RMSProp: option 'schedule' must be an object, got 3");
  await throwsWith(() => construct(Adagrad, { schedule: {} }), "Adagrad: option 'schedule' must be a schedule, e.g. new Schedule([6, 8], 0.1)");
  await throwsWith(() => construct(GeneralizedCost, {}), 'GeneralizedCost: costfunc is required');
  await throwsWith(() => untyped(earlyStop)({}), "earlyStop: option 'patience' is required (a non-negative integer)");
  await throwsWith(() => untyped(earlyStop)({ patience: 2, monitor: 'valLoss' }), "earlyStop: unknown option 'monitor'");
  await throwsWith(() => untyped(checkpoint)({ every: 2 }), "checkpoint: option 'path' is required");
  await throwsWith(() => untyped(saveBest)({ path: 'a', metrc: 'Accuracy' }), "saveBest: unknown option 'metrc' (did you mean 'metric'?)");
  await throwsWith(() => untyped(historyPlot)('runs/x'), "historyPlot: options must be an object { path, jsonName, svgName, title }, got 'runs/x' (a string)");
  await throwsWith(() => untyped(progressBar)({ updateSeconds: -1 }), "progressBar: option 'updateSeconds' must be a non-negative number, got -1");
});

test.run();
