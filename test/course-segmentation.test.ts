// The segmentation task (issue 7): the pixel-label rule, the batch layout, pixel accuracy and mean
// IoU, the mask strip, models.fcn (shapes, save/load, end-to-end learning on a synthetic task) and
// `argon train --task segmentation` on Fashion-MNIST (a short run; the 0.90 bar is a 3.5-minute
// run reported in the README, not a unit test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { backward } from '../src/autograd/index.ts';
import { createRefBackend } from '../src/backends/ref/backend.ts';
import { MASK_PALETTE, stripPixels } from '../src/cli/segment-strip.ts';
import { FOREGROUND_THRESHOLD, SegmentationIterator, pixelLabels } from '../src/data/segmentation.ts';
import { buildLayers, Sequential } from '../src/layers/index.ts';
import { Model } from '../src/model/model.ts';
import { fcn } from '../src/models/index.ts';
import { GeneralizedCost, PixelwiseCrossEntropy } from '../src/nn/costs.ts';
import { Adam } from '../src/nn/optimizers/index.ts';
import { PixelConfusion } from '../src/nn/segmentation-metrics.ts';
import { Random } from '../src/random.ts';
import { Tensor, tidy } from '../src/tensor.ts';
import { runMain } from './cli-capture.ts';
import { expectClose, randomArray } from './helpers.ts';

test('pixelLabels: class + 1 above the threshold, 0 at or below it', () => {
  assert.is(FOREGROUND_THRESHOLD, 10);
  const images = [0, 10, 11, 255, 3, 200, 0, 12];
  assert.equal(Array.from(pixelLabels(images, [4, 0], 4)), [0, 0, 5, 5, 0, 1, 0, 1]);
  assert.throws(() => pixelLabels(images, [1], 4), /not 1 images of 4 pixels/);
});

test('SegmentationIterator: batch-innermost images, one-hot targets per pixel, garment labels', async () => {
  // 3 samples of 1×1×2 pixels, 3 classes.
  const data = { X: Float32Array.from([1, 2, 3, 4, 5, 6]), y: Int32Array.from([0, 1, 1]), masks: Uint8Array.from([0, 1, 2, 2, 0, 1]) };
  const it = new SegmentationIterator(data, { shape: [1, 1, 2], nclass: 3, batchSize: 2 });
  const batches = [];
  for await (const b of it.batches()) batches.push(b);
  const [a, b] = batches;
  assert.is(it.nbatches, 2);
  assert.equal(it.targetShape, [3, 1, 2]);
  assert.equal(Array.from(a.x), [1, 3, 2, 4]);
  assert.equal(Array.from(a.labels), [0, 1]);
  // targets [3 classes, 2 pixels, 2 samples]
  assert.equal(Array.from(a.targets), [1, 0, 0, 0, /* class 1 */ 0, 0, 1, 0, /* class 2 */ 0, 1, 0, 1]);
  assert.is(b.n, 1);
  assert.equal(Array.from(b.targets), [1, 0, 0, 1, 0, 0]);
  assert.throws(() => new SegmentationIterator({ ...data, masks: new Uint8Array(5) }, { shape: [1, 1, 2], nclass: 3, batchSize: 2 }), /label map values/);
});

test('PixelConfusion: pixel accuracy and mean IoU by hand', () => {
  const c = new PixelConfusion(3);
  // 4 pixels, scores [3, 4]: predictions 0, 1, 1, 2; truth 0, 1, 2, 2.
  c.update([9, 0, 0, 0, /**/ 0, 9, 9, 0, /**/ 0, 0, 0, 9], [0, 1, 2, 2]);
  assert.is(c.pixelAccuracy(), 3 / 4);
  // IoU: class 0 1/1, class 1 1/2 (tp 1, fp 1), class 2 1/2 (tp 1, fn 1).
  expectClose(c.iou(), [1, 0.5, 0.5], { rtol: 1e-12, atol: 0 }, 'iou');
  expectClose([c.meanIoU()], [2 / 3], { rtol: 1e-12, atol: 0 }, 'mean');
  const d = new PixelConfusion(4);
  d.update([1, 0, 0, 0, 0, 0, 0, 0], [0, 0]);
  assert.ok(Number.isNaN(d.iou()[2]), 'a class in neither truth nor prediction has no IoU');
  assert.is(d.meanIoU(), 1);
});

test('stripPixels: three rows per image (input, truth, prediction) in the class palette', () => {
  const s = { image: [0, 255, 128, 7], truth: [0, 1, 2, 3], predicted: [3, 3, 0, 0] };
  const { width, height, data } = stripPixels([s, s], 2, 2, 1, 1);
  assert.is(width, 2 * 3 + 1);
  assert.is(height, 3 * 3 + 1);
  const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
  assert.equal(at(2, 1), [255, 255, 255], 'input pixel 1');
  assert.equal(at(2, 4), [...MASK_PALETTE[1]], 'truth pixel 1');
  assert.equal(at(1, 7), [...MASK_PALETTE[3]], 'prediction pixel 0');
  assert.equal(at(0, 0), [255, 255, 255], 'gap');
});

test('models.fcn: per-pixel output, parameter count, shape check, save/load gives the same outputs', async () => {
  const m = new Model(fcn(), { seed: 3 });
  const s = m.summary({ inputShape: [1, 28, 28], batchSize: 8, print: false });
  assert.equal(s.rows.at(-1)!.outShape, [11, 28, 28]);
  assert.is(s.params, 34907);
  assert.throws(() => fcn({ inputShape: [1, 30, 30] }), /multiples of 4/);
  const x = Float32Array.from(randomArray(2 * 784, 9, 0, 255));
  const y = await m.getOutputs(x, { inputShape: [1, 28, 28] });
  assert.is(y.length, 2 * 11 * 784);
  const again = Model.fromBytes(m.toBytes());
  expectClose(await again.getOutputs(x, { inputShape: [1, 28, 28] }), y, { rtol: 0, atol: 0 }, 'reloaded');
  let sum = 0;
  for (let k = 0; k < 11; k++) sum += y[k * 784]; // sample 0, pixel 0: rows are [11, 28, 28] per sample
  expectClose([sum], [1], { rtol: 1e-5, atol: 0 }, 'pixel probabilities sum to 1');
  m.dispose();
  again.dispose();
});

test('an fcn learns a synthetic per-pixel task end to end (ref float64)', () => {
  // 8×8 images: a bright square at a random place; its pixels are class 1 (small square) or 2
  // (large square), the rest class 0. Learning it needs both position (where) and size (which class).
  const backend = createRefBackend('float64');
  const root = new Sequential(fcn({ nclass: 3, inputShape: [1, 8, 8], width: 4 }));
  buildLayers(root, [1, 8, 8], { backend, random: new Random(5) });
  const rnd = new Random(11), N = 16;
  const x = new Float32Array(64 * N), t = new Float32Array(3 * 64 * N);
  for (let n = 0; n < N; n++) {
    const size = n % 2 === 0 ? 2 : 4, cls = size === 2 ? 1 : 2;
    const r0 = rnd.int(8 - size + 1), c0 = rnd.int(8 - size + 1);
    for (let p = 0; p < 64; p++) {
      const inside = Math.floor(p / 8) >= r0 && Math.floor(p / 8) < r0 + size && p % 8 >= c0 && p % 8 < c0 + size;
      x[p * N + n] = inside ? 200 : 0;
      t[((inside ? cls : 0) * 64 + p) * N + n] = 1;
    }
  }
  const cost = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
  const opt = new Adam({ learningRate: 0.01 });
  const params = root.params();
  const losses: number[] = [];
  for (let step = 0; step < 60; step++) {
    losses.push(tidy(() => {
      const { pre, final } = root.forwardPre(Tensor.fromArray(backend, x, [1, 8, 8, N]), { training: true, random: rnd });
      const { loss } = cost.loss(pre, final, Tensor.fromArray(backend, t, [3, 8, 8, N]));
      backward(loss);
      opt.optimize(params, N, 0);
      for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
      return loss.item() / N / 64;
    }));
  }
  const confusion = new PixelConfusion(3);
  tidy(() => {
    const y = root.forward(Tensor.fromArray(backend, x, [1, 8, 8, N]), { training: false, random: rnd }).toArray();
    const masks = Array.from({ length: 64 * N }, (_, j) => [0, 1, 2].findIndex((k) => t[k * 64 * N + j] === 1));
    confusion.update(y, masks);
  });
  assert.ok(losses[59] < 0.25 * losses[0], `cost per pixel ${losses[0].toFixed(3)} → ${losses[59].toFixed(3)}`);
  assert.ok(confusion.pixelAccuracy() > 0.95, `training pixel accuracy ${confusion.pixelAccuracy()}`);
  root.dispose();
  opt.dispose();
});

const FASHION = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

test('argon train --task segmentation: the report lines, metrics.json, the PNG strip, history and --resume', async () => {
  if (!existsSync(FASHION)) { console.log('  (skipped: apt-get install dataset-fashion-mnist)'); return; }
  const dir = await mkdtemp(join(tmpdir(), 'argon-seg-'));
  try {
    await segmentationRuns(join(dir, 'run'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function segmentationRuns(out: string): Promise<void> {
  const first = await runMain(['train', '--task', 'segmentation', '--model', 'fcn', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '1000', '--seed', '1', '--out', out, '--quiet']);
  assert.is(first.code, 0, [...first.lines, ...first.errors].join('\n'));
  assert.match(first.lines.join('\n'), /\npixel accuracy: 0\.\d{4}\nmean IoU: 0\.\d{4}$/);
  const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { pixelAccuracy: number; iou: unknown[]; epochCosts: number[] };
  assert.ok(metrics.pixelAccuracy > 0.45, `after 1000 images: ${metrics.pixelAccuracy}`);
  assert.is(metrics.iou.length, 11);
  const png = decode(await readFile(join(out, 'segmentation.png')));
  assert.equal([png.width, png.height], [10 * (84 + 4) + 4, 3 * (84 + 4) + 4]);
  assert.ok(existsSync(join(out, 'model.argon')));
  // The run is a Model.fit run: history.json has the test metrics, and --resume continues it.
  const resumed = await runMain(['train', '--resume', out, '--epochs', '2', '--quiet']); // run.json says it is a segmentation run
  assert.is(resumed.code, 0, [...resumed.lines, ...resumed.errors].join('\n'));
  const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { epoch: number[]; metrics: Record<string, number[]> };
  assert.equal(history.epoch, [0, 1]);
  assert.equal(Object.keys(history.metrics), ['PixelAccuracy', 'MeanIoU']);
  const after = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { pixelAccuracy: number; epochCosts: number[] };
  assert.is(after.epochCosts[0], metrics.epochCosts[0], 'the first epoch is kept');
  assert.ok(after.epochCosts[1] < after.epochCosts[0], `cost per pixel ${after.epochCosts.join(' → ')}`);
  assert.is(after.pixelAccuracy, history.metrics.PixelAccuracy[1]);
  const again = await runMain(['train', '--task', 'segmentation', '--resume', out, '--epochs', '2']);
  assert.is(again.code, 2);
  assert.match(again.errors[0], /already has 2 epoch\(s\)/);
  const wrong = await runMain(['train', '--task', 'segmentation', '--data', 'mnist']);
  assert.is(wrong.code, 2);
  assert.match(wrong.errors[0], /--task segmentation uses --data fashion-mnist/);
}

test.run();
