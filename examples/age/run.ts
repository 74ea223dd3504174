// Age from a face photo: a regression target (one real value per sample, in years) through the same
// Model.fit / Model.evaluate API as classification (issue 14). The photos and ages come from
// ../shared/data/faces/metadata.csv (its `split` column: 9,600 train, 2,400 test); the network is the
// course's CNN-1 body with an Affine(1) head without an activation, its bias starting at the training
// mean; the cost is L1 (the mean absolute error itself) or MeanSquared; the metric MeanAbsoluteError.
// Beside the model it scores the trivial baselines: predict the training mean (and median) for all.
//   npm run example:age -- [--epochs N] [--cost l1|mse] [--lr X] [--batch-size B] [--input 3x64x64]
//     [--limit N] [--seed S] [--faces DIR] [--out DIR]
// Writes DIR/results.json (default examples/age) and the model to runs/age/model.argon.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseCsv } from '../../src/data/csv.ts';
import { ImageManifest } from '../../src/data/image-manifest.ts';
import { TargetArrayIterator } from '../../src/data/target-iterators.ts';
import { Affine, Conv, DataTransform, Pooling, type Layer } from '../../src/layers/index.ts';
import { Model } from '../../src/model/model.ts';
import { checkpoint, progressBar } from '../../src/nn/callbacks/index.ts';
import { GeneralizedCost, L1, MeanSquared } from '../../src/nn/costs.ts';
import { MeanAbsoluteError } from '../../src/nn/dense-metrics.ts';
import { Normalizer, Rectlin } from '../../src/nn/activations.ts';
import { Constant, Kaiming, Xavier } from '../../src/nn/initializers.ts';
import { Adam } from '../../src/nn/optimizers/index.ts';
import { Schedule } from '../../src/nn/schedules.ts';
import { flag, num } from '../flags.ts';

const settings = {
  epochs: num('epochs', 10),
  batchSize: num('batch-size', 64),
  lr: num('lr', 0.001),
  seed: num('seed', 1),
  cost: flag('cost') ?? 'l1',
  input: (flag('input') ?? '3x64x64').split('x').map(Number),
  limit: flag('limit') === undefined ? undefined : num('limit', 1),
};
if (settings.cost !== 'l1' && settings.cost !== 'mse') throw new Error(`--cost: 'l1' or 'mse', got '${settings.cost}'`);
const faces = flag('faces') ?? new URL('../../../shared/data/faces', import.meta.url).pathname;
const metadata = `${faces}/metadata.csv`;
if (!existsSync(metadata)) {
  console.error(`faces data not found at ${faces} (pass --faces DIR; the data set is not shipped with Argon)`);
  process.exit(1);
}
const out = (flag('out') ?? new URL('.', import.meta.url).pathname).replace(/\/$/, '');

/** The `age` column of metadata.csv for the rows of each split, in file order (ImageManifest's order). */
function agesBySplit(text: string): Record<'train' | 'test', Float32Array> {
  const [header, ...rows] = parseCsv(text);
  const col = (name: string) => {
    const i = header.fields.indexOf(name);
    if (i < 0) throw new Error(`${metadata}: no '${name}' column (header: ${header.fields.join(',')})`);
    return i;
  };
  const ageCol = col('age'), splitCol = col('split');
  const of = (split: string) => Float32Array.from(rows.filter((r) => r.fields[splitCol] === split), (r) => {
    const age = Number(r.fields[ageCol]);
    if (!Number.isFinite(age)) throw new Error(`${metadata}: line ${r.line} has age '${r.fields[ageCol]}'`);
    return age;
  });
  return { train: of('train'), test: of('test') };
}
const allAges = agesBySplit(await readFile(metadata, 'utf8'));

async function split(name: 'train' | 'test', shuffle: boolean): Promise<{ it: TargetArrayIterator; ages: Float32Array }> {
  const inputShape = settings.input;
  const images = await ImageManifest.open(metadata, { inputShape, batchSize: settings.batchSize, split: name, limit: settings.limit });
  const { pixels } = images.images;
  const ages = allAges[name].subarray(0, images.ndata);
  const it = new TargetArrayIterator(pixels, ages, { lshape: inputShape, tshape: [1], batchSize: settings.batchSize, shuffle, seed: settings.seed });
  return { it, ages };
}

const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
const median = (a: Float32Array) => { const s = Float64Array.from(a).sort(); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const maeOf = (a: Float32Array, guess: number) => a.reduce((s, v) => s + Math.abs(v - guess), 0) / a.length;

const train = await split('train', true), test = await split('test', false);
const trainMean = mean(train.ages), trainMedian = median(train.ages);
const baseline = { mean: trainMean, median: trainMedian, meanMAE: maeOf(test.ages, trainMean), medianMAE: maeOf(test.ages, trainMedian) };

// The course's CNN-1 body (two dilated 3×3 convs with 3×3/2 max pooling), then one linear output.
const conv = (k: number) => new Conv([3, 3, k], { padding: 2, strides: 1, dilation: 2, init: new Kaiming(), activation: new Rectlin() });
const pool = () => new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' });
const layers: Layer[] = [
  new DataTransform(new Normalizer({ divisor: 128 })),
  conv(32), pool(), conv(64), pool(),
  new Affine(1, { init: new Xavier({ local: false }), bias: new Constant({ val: trainMean }) }),
];
const model = new Model(layers, { seed: settings.seed, name: 'age-cnn1' });
const cost = new GeneralizedCost({ costfunc: settings.cost === 'l1' ? new L1() : new MeanSquared() });
const optimizer = new Adam({ learningRate: settings.lr, schedule: new Schedule([Math.ceil(settings.epochs * 0.6), Math.ceil(settings.epochs * 0.85)], 0.1) });
console.log(`age regression: ${train.it.ndata} training and ${test.it.ndata} test faces at ${settings.input.join('x')}, ` +
  `${settings.cost === 'l1' ? 'L1' : 'MeanSquared'} cost, Adam lr ${settings.lr}, batch ${settings.batchSize}, ${settings.epochs} epochs`);
console.log(`baselines on the test split: predict the training mean (${trainMean.toFixed(2)} years) → MAE ${baseline.meanMAE.toFixed(2)}, ` +
  `the training median (${trainMedian} years) → MAE ${baseline.medianMAE.toFixed(2)}`);
const started = Date.now();
const history = await model.fit(train.it, {
  cost, optimizer, epochs: settings.epochs, valid: test.it, metric: new MeanAbsoluteError(),
  callbacks: [progressBar(), checkpoint({ path: 'runs/age/model.argon' })],
});
const seconds = (Date.now() - started) / 1000;
const [mae] = (await model.evaluate(test.it, { metric: new MeanAbsoluteError() })).metrics;
console.log(`test MAE: ${mae.toFixed(2)} years (predict-the-mean ${baseline.meanMAE.toFixed(2)}, median ${baseline.medianMAE.toFixed(2)}); ` +
  `training ${seconds.toFixed(0)} s including a test pass per epoch`);
await mkdir(out, { recursive: true });
await writeFile(`${out}/results.json`, `${JSON.stringify({
  settings, sizes: { train: train.it.ndata, test: test.it.ndata }, baseline, testMAE: mae,
  epochMAE: history.metrics.MeanAbsoluteError, trainCost: history.loss, seconds, date: new Date().toISOString(),
}, null, 2)}\n`);
model.dispose();
