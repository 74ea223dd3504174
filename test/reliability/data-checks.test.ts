// Data is not trusted (issue 15 §4): manifest paths stay inside the manifest's folder unless
// allowed; labels are integers in 0..nclass−1 with nclass from the data or given, the error naming
// the row; evaluation sets take any batch size (a final partial batch is scored); images above the
// pixel limit are refused before they are decoded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { crc32 } from '../../src/io/model-file.ts';
import { ImageManifest } from '../../src/data/image-manifest.ts';
import { Model } from '../../src/model/model.ts';
import { Accuracy } from '../../src/nn/metrics.ts';
import { expectClose, F64, randomArray } from '../helpers.ts';
import { png, tempDir, throwsWith } from '../data-fixtures.ts';
import { smallNet } from './fixtures.ts';

const { dir, cleanup } = tempDir('data');
const data = join(dir, 'data');
mkdirSync(join(data, 'img'), { recursive: true });
/** An 8×8 RGB PNG, every sample v. */
const flat = (v: number) => png(8, 8, 3, () => v);
for (let i = 0; i < 6; i++) writeFileSync(join(data, 'img', `${i}.png`), flat(20 * i));
writeFileSync(join(dir, 'outside.png'), flat(99));
const csv = (name: string, rows: string[]) => {
  const p = join(data, name);
  writeFileSync(p, `path,label\n${rows.join('\n')}\n`);
  return p;
};
const open = (path: string, extra: Record<string, unknown> = {}) =>
  ImageManifest.open(path, { inputShape: [3, 8, 8], batchSize: 2, cache: false, ...extra });

test('image paths resolve inside the manifest\'s folder unless allowOutside', async () => {
  const up = csv('up.csv', ['img/0.png,0', '../outside.png,1']);
  const msg = await throwsWith(() => open(up), 'up.csv', 'line 3', '../outside.png', 'outside', 'allowOutside');
  assert.match(msg, /--allow-outside/);
  const abs = csv('abs.csv', ['img/0.png,0', `${join(dir, 'outside.png')},1`]);
  await throwsWith(() => open(abs), 'line 3', 'outside');
  const passwd = csv('passwd.csv', ['img/0.png,0', '../../../../../../etc/passwd,1']);
  const leak = await throwsWith(() => open(passwd), 'line 3', 'outside');
  assert.not.match(leak, /root|726f6f74/, 'nothing of the file is read or echoed');
  const m = await open(up, { allowOutside: true });
  assert.is(m.ndata, 2);
  // Paths inside, spelled the long way round, are fine.
  assert.is((await open(csv('inside.csv', ['./img/../img/1.png,0', 'img/2.png,1']))).ndata, 2);
});

test('labels: integers 0..nclass−1, nclass from the data or given; the error names the row', async () => {
  const seven = csv('seven.csv', ['img/0.png,0', 'img/1.png,1', 'img/2.png,7', 'img/3.png,1']);
  await throwsWith(() => open(seven), 'seven.csv', 'line 4', "'img/2.png'", 'label 7', 'nclass');
  const huge = csv('huge.csv', ['img/0.png,0', 'img/1.png,100000000']);
  const msg = await throwsWith(() => open(huge), 'line 3', 'label 100000000');
  assert.not.match(msg, /Invalid typed array|Array buffer/);
  const withN = await open(seven, { nclass: 8 });
  assert.is(withN.nclass, 8, 'a given class count allows classes without samples');
  await throwsWith(() => open(seven, { nclass: 4 }), 'line 4', 'label 7', '0..3');
  const fine = await open(csv('fine.csv', ['img/0.png,1', 'img/1.png,0', 'img/2.png,2']));
  assert.is(fine.nclass, 3);
});

test('evaluation sets take any batch size: a final partial batch is scored, not refused', async () => {
  const three = csv('three.csv', ['img/0.png,0', 'img/1.png,1', 'img/2.png,0']);
  const evalSet = await open(three, { batchSize: 128 });
  assert.is(evalSet.nbatches, 1);
  const model = new Model(smallNet(), { seed: 1 });
  const [acc] = await model.eval(evalSet, new Accuracy());
  // Scored like the same rows one per batch: every sample counted once, no padding column counted.
  const oneByOne = await model.getOutputs(await open(three, { batchSize: 1 }));
  expectClose([acc], [accuracyOf(oneByOne, [0, 1, 0])], F64, 'accuracy of a partial batch of 3 in 128');
  const X = Float32Array.from(randomArray(5 * 192, 1, 0, 255)), y = Int32Array.from([0, 1, 0, 1, 1]);
  const rows = new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 500 });
  const partial = await model.evaluate(rows, { metric: new Accuracy() });
  expectClose(partial.metrics, [accuracyOf(await model.getOutputs(X), y)], F64, 'accuracy of a partial batch of 5 in 500');
  // A training set (shuffled) still refuses a batch larger than the data.
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 2, lshape: [3, 8, 8], batchSize: 500, shuffle: true }), 'batchSize 500', '5 samples');
  await throwsWith(() => open(three, { batchSize: 128, shuffle: true }), 'batchSize 128', '3 samples');
  model.dispose();
});

/** The fraction of samples whose largest output (rows of nclass outputs) is at their label. */
function accuracyOf(outputs: Float32Array, labels: ArrayLike<number>): number {
  const nclass = outputs.length / labels.length;
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = Array.from(outputs.subarray(i * nclass, (i + 1) * nclass));
    if (row.indexOf(Math.max(...row)) === labels[i]) right++;
  }
  return right / labels.length;
}

/** A PNG whose header claims w×h (valid signature and IHDR CRC) followed by a tiny IDAT. */
function claimedPng(w: number, h: number): Uint8Array {
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length), dv = new DataView(out.buffer);
    dv.setUint32(0, body.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(body, 8);
    dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
    return out;
  };
  const ihdr = new Uint8Array(13), dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h); ihdr[8] = 8; ihdr[9] = 2;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(16)), chunk('IEND', new Uint8Array(0))];
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return all;
}

test('an image above the pixel limit is refused before it is decoded', async () => {
  writeFileSync(join(data, 'img', 'bomb.png'), claimedPng(100000, 100000));
  const bomb = csv('bomb.csv', ['img/0.png,0', 'img/bomb.png,1']);
  const msg = await throwsWith(() => open(bomb), 'bomb.png', '100000×100000', 'pixel', 'maxImagePixels');
  assert.not.match(msg, /Invalid typed array|Array buffer|memory/i);
  const model = new Model(smallNet(), { seed: 1 });
  await model.build([3, 8, 8]);
  await throwsWith(() => model.predict(join(data, 'img', 'bomb.png')), 'bomb.png', '100000×100000');
  // The limit is an option: a generous one lets an ordinary image through and still stops this one.
  await throwsWith(() => open(bomb, { maxImagePixels: 1e6 }), 'bomb.png', '1,000,000');
  model.dispose();
});

test.after(cleanup);
test.run();
