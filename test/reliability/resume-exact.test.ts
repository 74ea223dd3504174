// Exact resume for every layer or loader that draws random numbers (issue 15 §2): training 2 epochs
// straight equals 1 epoch, save, load into a fresh model and a fresh iterator, 1 more epoch — bit
// for bit, with Dropout (the model's Random) and with augmentation (the iterator's).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { ImageManifest } from '../../src/data/image-manifest.ts';
import type { DataIterator } from '../../src/data/iterator.ts';
import { Model } from '../../src/model/model.ts';
import { CrossEntropyBinary, GeneralizedCost } from '../../src/nn/costs.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { randomArray } from '../helpers.ts';
import { tempDir } from '../data-fixtures.ts';
import { smallNet } from './fixtures.ts';

const cost = () => new GeneralizedCost({ costfunc: new CrossEntropyBinary() });
const sgd = () => new GradientDescentMomentum(0.01, { momentumCoef: 0.9, wdecay: 0.0005 });
const bits = (m: Model) => m.params().map((p) => Array.from(new Uint32Array(Float32Array.from(p.value.toArray()).buffer)));

/** Trains 2 epochs straight and 1 + save/load + 1, each from a fresh iterator, and compares. */
async function straightVsResumed(layers: () => ReturnType<typeof smallNet>, data: () => Promise<DataIterator>): Promise<void> {
  const straight = new Model(layers(), { seed: 11 });
  await straight.fit(await data(), { cost: cost(), optimizer: sgd(), epochs: 2 });

  const first = new Model(layers(), { seed: 11 });
  await first.fit(await data(), { cost: cost(), optimizer: sgd(), epochs: 1 });
  const resumed = Model.fromBytes(first.toBytes());
  await resumed.fit(await data(), { cost: cost(), optimizer: resumed.optimizer!, epochs: 2 });

  assert.equal(resumed.history!.loss, straight.history!.loss, 'epoch losses identical');
  assert.equal(bits(resumed), bits(straight), 'weights identical bit for bit');
  for (const m of [straight, first, resumed]) m.dispose();
}

test('Dropout: 2 epochs straight == 1 + save/load + 1, bit for bit', async () => {
  const X = Float32Array.from(randomArray(64 * 192, 5, 0, 255));
  const y = Int32Array.from({ length: 64 }, (_, i) => (X[i * 192] > 127 ? 1 : 0));
  await straightVsResumed(() => smallNet({ dropout: true }),
    async () => new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 16, shuffle: true, seed: 4 }));
});

const { dir, cleanup } = tempDir('resume');

test('augmentation (random crop and flip): 2 epochs straight == 1 + save/load + 1, bit for bit', async () => {
  const rows = ['path,label'];
  const noise = randomArray(32 * 100 * 3, 9, 0, 255);
  for (let i = 0; i < 32; i++) {
    const data = Uint8Array.from(noise.subarray(i * 300, (i + 1) * 300), (v) => Math.floor(v));
    writeFileSync(join(dir, `${i}.png`), encode({ width: 10, height: 10, channels: 3, depth: 8, data }));
    rows.push(`${i}.png,${i % 2}`);
  }
  const csv = join(dir, 'train.csv');
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const open = () => ImageManifest.open(csv, { inputShape: [3, 8, 8], batchSize: 8, shuffle: true, seed: 2, randomCrop: 2, flip: true, cache: false });
  await straightVsResumed(() => smallNet(), open);
  await straightVsResumed(() => smallNet({ dropout: true }), open);
});

test.after(cleanup);
test.run();
