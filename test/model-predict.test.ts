// Keras-like habits: predict takes one sample or a batch in any of the forms users hold data in
// (rows, a Tensor, an iterator) and gives per-sample probabilities; predictClasses gives labels;
// class names come from the data (ArrayIterator, named manifest labels, class folders), stay with
// the model file, and a test set maps its names by its training set's; the default recipe's heads
// for more than 2 classes are Softmax (course recipe: the lecture's Logistic).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend } from '../src/backends/select.ts';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { ImageFolder } from '../src/data/image-folder.ts';
import { ImageManifest, parseManifest, readManifest } from '../src/data/image-manifest.ts';
import { Affine, Conv } from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { costFor, headType as head, models, modelNames } from '../src/models/index.ts';
import { Rectlin, Softmax } from '../src/nn/activations.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import { Tensor } from '../src/tensor.ts';
import { collect, png, tempDir, throwsWith, write } from './data-fixtures.ts';
import { expectClose } from './helpers.ts';

const F = 2 * 3 * 3;
const X = Float32Array.from({ length: 5 * F }, (_, i) => ((i * 29) % 17) / 17);
const row = (j: number) => X.slice(j * F, (j + 1) * F);

async function trained(): Promise<Model> {
  const data = new ArrayIterator(X, [0, 1, 2, 0, 1], { nclass: 3, lshape: [2, 3, 3], batchSize: 5, classNames: ['cat', 'dog', 'eel'] });
  const m = new Model([new Conv([3, 3, 4], { padding: 1, activation: new Rectlin() }), new Affine(3, { activation: new Softmax() })], { seed: 3 });
  await m.fit(data, { cost: new GeneralizedCost({ costfunc: new CrossEntropyMulti() }), optimizer: new GradientDescentMomentum(0.1), epochs: 2 });
  return m;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => expectClose(a, b, { rtol: 1e-5, atol: 1e-6 }, what);

test('predict: one sample → one vector; rows, a Tensor or an iterator → one vector per sample, all equal to getOutputs', async () => {
  const m = await trained();
  const all = await m.getOutputs(X, { inputShape: [2, 3, 3] });
  const want = (j: number) => all.slice(j * 3, j * 3 + 3);
  const one = await m.predict(row(1));
  assert.ok(one instanceof Float32Array);
  close(one, want(1), 'Float32Array sample');
  close(await m.predict(Array.from(row(2))), want(2), 'number[] sample');
  close([one.reduce((a, b) => a + b, 0)], [1], 'Softmax probabilities sum to 1');

  const rows = await m.predict([row(0), row(3), row(4)]);
  assert.is(rows.length, 3);
  [0, 3, 4].forEach((j, k) => close(rows[k], want(j), `Float32Array[] row ${k}`));
  const arrays = await m.predict([Array.from(row(4)), Array.from(row(0))]);
  close(arrays[0], want(4), 'number[][] row 0');
  close(arrays[1], want(0), 'number[][] row 1');

  // A Tensor in Argon's layout: [...inputShape, N], batch last.
  const N = 5, cm = new Float32Array(F * N);
  for (let j = 0; j < N; j++) for (let i = 0; i < F; i++) cm[i * N + j] = X[j * F + i];
  const t = Tensor.fromArray(await getBackend('cpu'), cm, [2, 3, 3, N]);
  const fromTensor = await m.predict(t);
  t.dispose();
  assert.is(fromTensor.length, N);
  fromTensor.forEach((p, j) => close(p, want(j), `Tensor sample ${j}`));

  const it = new ArrayIterator(X, new Int32Array(5), { nclass: 3, lshape: [2, 3, 3], batchSize: 2 });
  const fromIt = await m.predict(it);
  assert.is(fromIt.length, 5);
  fromIt.forEach((p, j) => close(p, want(j), `iterator sample ${j}`));

  const labels = await m.predictClasses([row(0), row(1), row(2)]);
  assert.equal(labels, [0, 1, 2].map((j) => { const p = want(j); return p.indexOf(Math.max(...p)); }));
  assert.is(await m.predictClasses(row(1)), labels[1]);
  m.dispose();
});

test('predict: what is not one sample or a batch says what to pass', async () => {
  const m = await trained();
  await throwsWith(() => m.predict(X.subarray(0, 2 * F)), `predict: expected ${F} values for one [2, 3, 3] sample, got ${2 * F} (2 samples' worth: for several samples pass rows`);
  await throwsWith(() => m.predict([row(0), row(1).subarray(1)]), `predict: row 1 has ${F - 1} values; one [2, 3, 3] sample has ${F}`);
  const t = Tensor.fromArray(await getBackend('cpu'), new Float32Array(F * 2), [F, 2]);
  await throwsWith(() => m.predict(t), 'predict: a Tensor batch must have shape [2, 3, 3, N] (the model\'s input, batch last), got [18, 2]');
  t.dispose();
  await throwsWith(() => m.predict({ width: 3 } as unknown as Float32Array), 'predict: expected one sample', 'got an object (width)');
  const unbuilt = new Model([new Affine(2)]);
  await throwsWith(() => unbuilt.predict([1, 2]), 'predict: the model is not built yet');
  m.dispose();
});

test('class names: from the data to the model, through the model file', async () => {
  const m = await trained();
  assert.equal(m.classNames, ['cat', 'dog', 'eel']);
  const back = Model.fromBytes(m.toBytes());
  assert.equal(back.classNames, ['cat', 'dog', 'eel']);
  close(await back.predict(row(2)), await m.predict(row(2)), 'reloaded');
  back.dispose();
  m.dispose();
});

test('manifests: class names as labels (sorted), a classNames option to map by, mixed labels refused', async () => {
  assert.equal(readManifest('path,animal\na.png,eel\nb.png,cat\nc.png,eel\n', undefined, 'M'),
    { rows: [{ file: 'a.png', label: 1, line: 2 }, { file: 'b.png', label: 0, line: 3 }, { file: 'c.png', label: 1, line: 4 }], classNames: ['cat', 'eel'] });
  // Names map over every row, whatever the split: both splits of one CSV agree.
  const csv = 'path,animal,split\na.png,eel,test\nb.png,cat,train\nc.png,dog,train\n';
  assert.equal(parseManifest(csv, 'test', 'M'), [{ file: 'a.png', label: 2, line: 2 }]);
  assert.equal(readManifest('path,y\na.png,1\n', undefined, 'M', ['no', 'yes']).classNames, ['no', 'yes'], 'names for integer labels');
  assert.equal(parseManifest('path,y\na.png,eel\nb.png,0\n', undefined, 'M', ['cat', 'dog', 'eel']), [{ file: 'a.png', label: 2, line: 2 }, { file: 'b.png', label: 0, line: 3 }]);
  await throwsWith(() => parseManifest('path,y\na.png,cat\nb.png,1\n', undefined, 'M'), "line 3 ('b.png') has label '1' among class names");
  await throwsWith(() => parseManifest('path,y\na.png,cow\n', undefined, 'M', ['cat', 'dog']), "line 2 ('a.png') has class 'cow', not one of classNames (cat, dog)");
  await throwsWith(() => parseManifest('path,y\na.png,2\n', undefined, 'M', ['cat', 'dog']), 'has label 2, but classNames names only 2 classes');

  const { dir, cleanup } = tempDir('names');
  try {
    for (const k of [0, 1, 2]) write(dir, `${k}.png`, png(4, 4, 3, () => 40 * k));
    const train = await ImageManifest.open(write(dir, 'train.csv', 'path,animal\n0.png,eel\n1.png,cat\n2.png,dog\n'), { inputShape: [3, 4, 4], batchSize: 3, cache: false });
    assert.equal(train.classNames, ['cat', 'dog', 'eel']);
    assert.equal(Array.from(train.images.labels), [2, 0, 1]);
    // The test set lacks 'cat': mapped by the training names it keeps eel = 2 and 3 classes.
    const held = await ImageManifest.open(write(dir, 'test.csv', 'path,animal\n0.png,eel\n2.png,dog\n'),
      { inputShape: [3, 4, 4], batchSize: 2, cache: false, classNames: train.classNames });
    assert.equal(Array.from(held.images.labels), [2, 1]);
    assert.is(held.nclass, 3);
    const [b] = await collect(held);
    assert.equal(Array.from(b.targets), [0, 0, 0, 1, 1, 0]);
  } finally {
    cleanup();
  }
});

test('class folders: a test folder maps its folders by the training names', async () => {
  const { dir, cleanup } = tempDir('folders');
  try {
    for (const cls of ['b', 'c']) {
      mkdirSync(join(dir, cls));
      write(join(dir, cls), '0.png', png(4, 4, 3, () => 50));
    }
    const f = new ImageFolder(dir, { inputShape: [3, 4, 4], batchSize: 2, cache: false, classNames: ['a', 'b', 'c'] });
    await f.load();
    assert.equal(f.classNames, ['a', 'b', 'c']);
    assert.equal(Array.from(f.images.labels), [1, 2]);
    assert.is(f.nclass, 3);
    const stray = new ImageFolder(dir, { inputShape: [3, 4, 4], batchSize: 2, cache: false, classNames: ['a', 'b'] });
    await throwsWith(() => stray.load(), "subfolder 'c' is not one of classNames (a, b)");
  } finally {
    cleanup();
  }
});

test('default recipe: Softmax heads for more than 2 classes; 2 classes and the course recipe keep Logistic', async () => {
  for (const name of ['fcnn1', 'fcnn2', 'fcnn3', 'cnn1', 'cnn2'] as const) {
    assert.ok(modelNames.includes(name));
    const opts = { inputShape: [1, 28, 28] };
    assert.is(head(models[name]({ ...opts, nclass: 10 })), 'Softmax', `${name}, 10 classes`);
    assert.is(head(models[name]({ ...opts, nclass: 2 })), 'Logistic', `${name}, 2 classes`);
    assert.is(head(models[name]({ ...opts, nclass: 10, recipe: 'course' })), 'Logistic', `${name}, course recipe`);
  }
  assert.is(head(models.resnet18({ nclass: 10, inputShape: [3, 32, 32] })), 'Softmax');
  assert.is(costFor(models.cnn1({ nclass: 10, inputShape: [1, 28, 28] })).costfunc.type, 'CrossEntropyMulti');
  assert.is(costFor(models.cnn1({ nclass: 2 })).costfunc.type, 'CrossEntropyBinary');
  assert.is(costFor(models.fcn({ nclass: 11, inputShape: [1, 28, 28] })).costfunc.type, 'PixelwiseCrossEntropy');
  await throwsWith(() => costFor([new Affine(1)]), 'costFor: the network ends in no activation', 'MeanSquared');
});

test.run();
