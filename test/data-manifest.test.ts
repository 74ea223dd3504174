// ImageManifest: CSV parsing (split column, relative paths), bad images, the persisted cache, mean
// subtraction, seeded augmentation; and the real faces when ../shared/data/faces is present.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageManifest, parseManifest } from '../src/data/image-manifest.ts';
import { parseCsv } from '../src/data/csv.ts';
import { collect, png, tempDir, throwsWith, write } from './data-fixtures.ts';

const { dir, cleanup } = tempDir('manifest');
mkdirSync(join(dir, 'img'));
// Constant-colour 6×6 PNGs: image k has RGB (10k, 10k + 1, 10k + 2).
for (let k = 0; k < 6; k++) write(join(dir, 'img'), `${k}.png`, png(6, 6, 3, (_x, _y, c) => 10 * k + c));
write(dir, 'bad.png', 'this is not an image');
const csv = write(dir, 'all.csv', 'path,label,split\n' +
  'img/0.png,0,train\nimg/1.png,1,train\nimg/2.png,0,test\n"img/3.png",1,train\nimg/4.png,2,train\nimg/5.png,1,test\n');
const withBad = write(dir, 'bad.csv', 'file,label\nimg/0.png,0\nbad.png,1\nimg/1.png,1\nmissing.png,0\nimg/2.png,1\n');
const shape = [3, 6, 6];

test('CSV: quotes, CRLF, BOM, blank lines; manifest rows with split and label checks', async () => {
  const rows = parseCsv('\ufeffa,b\r\n"x,1","say ""hi"""\r\n\r\n  \nlast,2');
  assert.equal(rows.map((r) => r.fields), [['a', 'b'], ['x,1', 'say "hi"'], ['last', '2']]);
  assert.equal(rows.map((r) => r.line), [1, 2, 5]);
  assert.equal(parseManifest('path,y,Split\na.jpg,1,test\nb.jpg,0,train\n', 'train', 'M'), [{ file: 'b.jpg', label: 0, line: 3 }]);
  await throwsWith(() => parseManifest('path,y\na.jpg,1\nb.jpg,x\n', undefined, 'M'), 'line 3', "'b.jpg'", "label 'x'");
  await throwsWith(() => parseManifest('path,y\na.jpg,-1\n', undefined, 'M'), 'line 2', "label '-1'");
  await throwsWith(() => parseManifest('path,y\na.jpg,1\n', 'test', 'M'), "split 'test'", "no 'split' column");
  await throwsWith(() => parseManifest('path\na.jpg\n', undefined, 'M'), 'at least 2 columns');
});

test('split column, relative paths, nclass inferred, layout [C,H,W,n]', async () => {
  const m = new ImageManifest(csv, { inputShape: shape, batchSize: 3, split: 'train', cache: false });
  await throwsWith(() => m.ndata, 'not loaded yet');
  const batches = await collect(m);
  assert.is(m.ndata, 4);
  assert.is(m.nclass, 3);
  assert.equal(batches.map((b) => Array.from(b.labels)), [[0, 1, 1], [2]]);
  const b = batches[0];
  for (const [j, k] of [[0, 0], [1, 1], [2, 3]]) {
    for (let c = 0; c < 3; c++) assert.is(b.x[(c * 36 + 17) * 3 + j], 10 * k + c, `sample ${j} channel ${c}`);
  }
  assert.equal(Array.from(batches[1].targets), [0, 0, 1]);
  const test1 = await ImageManifest.open(csv, { inputShape: [1, 2, 2], batchSize: 2, split: 'test', cache: false, nclass: 3 });
  assert.is(test1.ndata, 2);
  assert.is(test1.nclass, 3);
  const [t] = await collect(test1);
  // Grey of (20, 21, 22) is 20.9 → 21, and of (50, 51, 52) 50.9 → 51: every pixel, images resized 6×6 → 2×2.
  assert.equal(Array.from(t.x), [21, 51, 21, 51, 21, 51, 21, 51]);
});

test('a corrupt or missing image is an error naming it; skipBad skips and counts', async () => {
  await throwsWith(() => ImageManifest.open(withBad, { inputShape: shape, batchSize: 1, cache: false }), 'bad.png', 'not a JPEG or PNG');
  const m = await ImageManifest.open(withBad, { inputShape: shape, batchSize: 1, cache: false, skipBad: true });
  assert.is(m.skipped, 2);
  assert.ok(m.skippedFiles[0].endsWith('bad.png') && m.skippedFiles[1].endsWith('missing.png'));
  assert.equal(Array.from(m.images.labels), [0, 1, 1]);
  const only = write(dir, 'onlybad.csv', 'path,label\nbad.png,0\n');
  await throwsWith(() => ImageManifest.open(only, { inputShape: shape, batchSize: 1, cache: false, skipBad: true }), 'empty', 'skipped');
});

test('bad options and data: empty CSV, labels ≥ nclass, batch larger than the data', async () => {
  const empty = write(dir, 'empty.csv', 'path,label\n');
  await throwsWith(() => ImageManifest.open(empty, { inputShape: shape, batchSize: 1, cache: false }), 'empty');
  await throwsWith(() => ImageManifest.open(csv, { inputShape: shape, batchSize: 2, nclass: 2, cache: false }), "line 6 ('img/4.png')", 'label 2', '0..1');
  await throwsWith(() => ImageManifest.open(csv, { inputShape: shape, batchSize: 7, cache: false, shuffle: true }), 'batchSize 7', '6 samples');
  assert.is((await ImageManifest.open(csv, { inputShape: shape, batchSize: 7, cache: false })).nbatches, 1, 'an evaluation set takes it');
  await throwsWith(() => ImageManifest.open(join(dir, 'nope.csv'), { inputShape: shape, batchSize: 1 }), 'nope.csv', 'cannot read');
  await throwsWith(() => new ImageManifest(csv, { inputShape: [2, 6, 6], batchSize: 1 }), 'C = 1 or 3');
  await throwsWith(() => new ImageManifest(csv, { inputShape: shape, batchSize: 0 }), 'batchSize', 'got 0');
});

// Where caches live, what invalidates them and that a hit decodes nothing: reliability/image-cache.test.ts.
// Here, what is particular to a manifest with a split column.
test('cache: one file per CSV, shape and split, holding only that split; a hit reports its progress in one step', async () => {
  const cacheDir = join(dir, 'cache');
  const opts = { inputShape: shape, batchSize: 2, split: 'train', cacheDir };
  const a = await ImageManifest.open(csv, opts);
  assert.is(a.fromCache, false);
  assert.is(a.decoded, 4, 'the 4 training images only');
  assert.ok(a.cachePath !== null && a.cachePath.startsWith(join(cacheDir, 'images')) && a.cachePath.endsWith('-all.csv-3x6x6-train.bin'), `${a.cachePath}`);
  const progress: number[] = [];
  const b = await ImageManifest.open(csv, { ...opts, onProgress: (d, t) => progress.push(d, t) });
  assert.is(b.fromCache, true);
  assert.equal(progress, [4, 4]);
  assert.equal(b.images.labels, a.images.labels);
  assert.equal(Array.from(b.images.labels), [0, 1, 1, 2]);
});

test('mean subtraction: image and channel means from training, reused for test', async () => {
  const train = await ImageManifest.open(csv, { inputShape: shape, batchSize: 4, split: 'train', meanSubtract: 'channel', cache: false });
  // Training images 0, 1, 3, 4 → channel c mean 10·(0+1+3+4)/4 + c = 20 + c.
  assert.equal(Array.from(train.mean!.values), [20, 21, 22]);
  const [b] = await collect(train);
  for (let c = 0; c < 3; c++) assert.is(b.x[(c * 36 + 5) * 4 + 3], 40 + c - (20 + c));
  const test1 = await ImageManifest.open(csv, { inputShape: shape, batchSize: 2, split: 'test', mean: train.mean!, cache: false });
  const [t] = await collect(test1);
  assert.equal([t.x[0], t.x[1], t.x[36 * 2]], [20 - 20, 50 - 20, 21 - 21]);
  const img = await ImageManifest.open(csv, { inputShape: shape, batchSize: 4, split: 'train', meanSubtract: 'image', cache: false });
  assert.is(img.mean!.values.length, 108);
  assert.ok(img.mean!.values.every((v, i) => v === 20 + Math.floor(i / 36)));
  await throwsWith(() => new ImageManifest(csv, { inputShape: [3, 4, 4], batchSize: 1, mean: train.mean! }), 'mean', '[3, 6, 6]', '[3, 4, 4]');
});

test('augmentation: seeded pad-and-crop and flip; each sample is a shifted/mirrored original', async () => {
  const aug = tempDir('aug');
  write(aug.dir, 'r.png', png(5, 4, 1, (x, y) => 1 + 5 * y + x)); // unique non-zero values
  const acsv = write(aug.dir, 'a.csv', 'path,label\n' + 'r.png,0\n'.repeat(16));
  const mk = (seed: number) => new ImageManifest(acsv, { inputShape: [1, 4, 5], batchSize: 16, randomCrop: 2, flip: true, seed, cache: false });
  const [a] = await collect(mk(5)), [b] = await collect(mk(5)), [c] = await collect(mk(6));
  assert.equal(a.x, b.x);
  assert.not.equal(a.x, c.x);
  const kinds = new Set<string>();
  for (let j = 0; j < 16; j++) {
    const got = Array.from({ length: 20 }, (_, i) => a.x[i * 16 + j]);
    let match = '';
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) for (const f of [false, true]) {
      const want = Array.from({ length: 20 }, (_, i) => {
        const y = Math.floor(i / 5) + dy, x = (f ? 4 - (i % 5) : i % 5) + dx;
        return y < 0 || y >= 4 || x < 0 || x >= 5 ? 0 : 1 + 5 * y + x;
      });
      if (want.every((v, i) => v === got[i])) match = `${dy},${dx},${f}`;
    }
    assert.ok(match !== '', `sample ${j} is no crop/flip of the original: ${got.join(' ')}`);
    kinds.add(match);
  }
  assert.ok(kinds.size > 4, `only ${kinds.size} distinct augmentations in 16 samples`);
  const [p] = await collect(mk(5).plain());
  assert.ok(Array.from({ length: 20 }, (_, i) => p.x[i * 16 + 7]).every((v, i) => v === i + 1), 'plain() does not augment');
  aug.cleanup();
});

const FACES = '../shared/data/faces/train.csv';
test('real faces: the first 64 rows of shared/data/faces/train.csv', async () => {
  if (!existsSync(FACES)) {
    console.log(`  (skipped: ${FACES} is absent; it ships with the project's shared data, not with a clone)`);
    return;
  }
  const want = parseManifest(readFileSync(FACES, 'utf8'), undefined, 'faces').slice(0, 64);
  const m = await ImageManifest.open(FACES, { inputShape: [3, 64, 64], batchSize: 32, limit: 64, cache: false });
  assert.is(m.ndata, 64);
  assert.is(m.nclass, 2);
  assert.equal(Array.from(m.images.labels), want.map((r) => r.label));
  const batches = await collect(m);
  assert.equal(batches.map((b) => b.x.length), [3 * 64 * 64 * 32, 3 * 64 * 64 * 32]);
  let lo = 255, hi = 0, sum = 0;
  for (const v of m.images.pixels) { lo = Math.min(lo, v); hi = Math.max(hi, v); sum += v; }
  const avg = sum / m.images.pixels.length;
  assert.ok(lo <= 10 && hi >= 245 && avg > 60 && avg < 190, `pixel range ${lo}–${hi}, mean ${avg}`);
});

test.after(cleanup);
test.run();
