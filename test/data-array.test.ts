// ArrayIterator: Argon's batch layout from user rows, one-hot targets, the short last batch,
// seeded reshuffling that resumes exactly, and the bad-input errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import type { Batch } from '../src/data/iterator.ts';
import { collect, throwsWith } from './data-fixtures.ts';

// N = 5 samples of [C=2, H=2, W=3]: value = 1000·s + 100·c + 10·h + w, so every index is checkable.
const N = 5, C = 2, H = 2, W = 3, F = C * H * W;
const X = new Float32Array(N * F);
for (let s = 0; s < N; s++) {
  for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    X[s * F + c * H * W + h * W + w] = 1000 * s + 100 * c + 10 * h + w;
  }
}
const y = Int32Array.from([2, 0, 1, 2, 1]);

test('layout: x[(c,h,w)·n + j] is sample j at (c,h,w); one-hot targets [nclass, n]; short last batch', async () => {
  const it = new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 2 });
  assert.equal(it.inputShape, [2, 2, 3]);
  assert.is(it.ndata, 5);
  assert.is(it.nbatches, 3);
  const batches = await collect(it);
  assert.equal(batches.map((b) => b.n), [2, 2, 1]);
  for (let b = 0; b < 3; b++) {
    const { x, n, labels, targets } = batches[b];
    assert.is(x.length, F * n);
    assert.is(targets.length, 3 * n);
    for (let j = 0; j < n; j++) {
      const s = 2 * b + j;
      assert.is(labels[j], y[s]);
      for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        const i = c * H * W + h * W + w;
        assert.is(x[i * n + j], 1000 * s + 100 * c + 10 * h + w, `batch ${b} sample ${j} (${c},${h},${w})`);
      }
      for (let k = 0; k < 3; k++) assert.is(targets[k * n + j], k === y[s] ? 1 : 0);
    }
  }
});

test('flat features [F] and Uint8Array input', async () => {
  const u8 = Uint8Array.from({ length: 6 }, (_, i) => i * 40); // 3 samples × 2 features
  const it = new ArrayIterator(u8, Int32Array.from([0, 1, 0]), { nclass: 2, lshape: [2], batchSize: 3 });
  const [b] = await collect(it);
  assert.equal(Array.from(b.x), [0, 80, 160, 40, 120, 200]);
});

function orderOf(b: Batch[]): number[] {
  // Sample identity from the (c,h,w) = (0,0,0) value 1000·s.
  return b.flatMap((batch) => Array.from({ length: batch.n }, (_, j) => batch.x[j] / 1000));
}

test('no shuffle: the same order every epoch', async () => {
  const it = new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 2 });
  assert.equal(orderOf(await collect(it)), [0, 1, 2, 3, 4]);
  assert.equal(orderOf(await collect(it)), [0, 1, 2, 3, 4]);
  assert.is(it.epoch, 2);
});

test('shuffle: a new permutation per epoch, reproducible by seed, labels follow samples', async () => {
  const mk = (seed: number) => new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 2, shuffle: true, seed });
  const a = mk(7), b = mk(7), c = mk(8);
  const ea: number[][] = [], eb: number[][] = [], ec: number[][] = [];
  for (let e = 0; e < 4; e++) {
    const ba = await collect(a);
    for (const batch of ba) for (let j = 0; j < batch.n; j++) assert.is(batch.labels[j], y[batch.x[j] / 1000]);
    ea.push(orderOf(ba));
    eb.push(orderOf(await collect(b)));
    ec.push(orderOf(await collect(c)));
  }
  assert.equal(ea, eb);
  assert.not.equal(ea, ec);
  for (const o of ea) assert.equal([...o].sort(), [0, 1, 2, 3, 4]);
  assert.ok(new Set(ea.map((o) => o.join())).size > 1, 'epochs should differ');
});

test('getState/setState: a resumed iterator reshuffles exactly like the uninterrupted one', async () => {
  const opts = { nclass: 3, lshape: [C, H, W], batchSize: 2, shuffle: true, seed: 3 };
  const whole = new ArrayIterator(X, y, opts);
  await collect(whole);
  await collect(whole);
  const state = whole.getState();
  assert.is(state.epoch, 2);
  const rest = [orderOf(await collect(whole)), orderOf(await collect(whole))];
  const resumed = new ArrayIterator(X, y, { ...opts, seed: 99 });
  resumed.setState(JSON.parse(JSON.stringify(state)));
  assert.is(resumed.epoch, 2);
  assert.equal([orderOf(await collect(resumed)), orderOf(await collect(resumed))], rest);
});

test('plain(): file order, and evaluating through it leaves the shuffling state alone', async () => {
  const it = new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 2, shuffle: true, seed: 3 });
  const before = it.getState();
  const p = it.plain();
  assert.is(p.nbatches, 3);
  assert.equal(orderOf(await collect(p)), [0, 1, 2, 3, 4]);
  assert.equal(it.getState(), before);
});

test('reseed: an unseeded iterator takes a seed from outside', async () => {
  const it = new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 5, shuffle: true });
  assert.is(it.seeded, false);
  it.reseed(7);
  assert.is(it.seeded, true);
  const ref = new ArrayIterator(X, y, { nclass: 3, lshape: [C, H, W], batchSize: 5, shuffle: true, seed: 7 });
  assert.equal(orderOf(await collect(it)), orderOf(await collect(ref)));
});

test('errors name the bad values', async () => {
  const lshape = [C, H, W];
  await throwsWith(() => new ArrayIterator(X, Int32Array.from([0, 1, 3, 0, 1]), { nclass: 3, lshape, batchSize: 2 }),
    'label 3', 'sample 2', '[0, 3)');
  await throwsWith(() => new ArrayIterator(X, Int32Array.from([0, -1, 0, 0, 1]), { nclass: 3, lshape, batchSize: 2 }),
    'label -1', 'sample 1');
  await throwsWith(() => new ArrayIterator(X.subarray(1), y, { nclass: 3, lshape, batchSize: 2 }),
    'X has 59 values', '5·12 = 60');
  await throwsWith(() => new ArrayIterator(new Float32Array(0), new Int32Array(0), { nclass: 3, lshape, batchSize: 2 }),
    'empty');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 3, lshape, batchSize: 6, shuffle: true }), 'batchSize 6', 'larger', '5 samples');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 3, lshape, batchSize: 0 }), 'batchSize', 'positive integer', 'got 0');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 3, lshape, batchSize: 1.5 }), 'batchSize', 'got 1.5');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 3, lshape, batchSize: -2 }), 'batchSize', 'got -2');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 3, lshape: [2, 0, 3], batchSize: 2 }), 'lshape', '[2, 0, 3]');
  await throwsWith(() => new ArrayIterator(X, y, { nclass: 0, lshape, batchSize: 2 }), 'nclass', 'got 0');
  const it = new ArrayIterator(X, y, { nclass: 3, lshape, batchSize: 2 });
  await throwsWith(() => it.setState({ epoch: -1, rng: [1, 2, 3, 4, NaN] }), 'epoch', 'got -1');
});

test.run();
