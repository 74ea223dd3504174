// `argon train --task segmentation --model fcn --data fashion-mnist`: per-pixel classes on
// Fashion-MNIST (the rule: src/data/segmentation.ts), the fully convolutional models.fcn trained
// end to end with PixelwiseSoftmax + PixelwiseCrossEntropy, then pixel accuracy and mean IoU on the
// 10,000 test images and a PNG strip of inputs, true masks and predicted masks.
// Model.fit is built for one label per sample, so the loop here is its trainStep over per-pixel
// targets: forward, fused cost, backward, optimize.
import { backward, noGrad } from '../autograd/index.ts';
import { checkBackendName, type BackendName } from '../backends/select.ts';
import {
  FOREGROUND_THRESHOLD, SEGMENTATION_CLASSES, SegmentationIterator, loadFashionMnistSegmentation, type SegmentationData,
} from '../data/segmentation.ts';
import { Model } from '../model/model.ts';
import { fcn } from '../models/fcn.ts';
import { GeneralizedCost, PixelwiseCrossEntropy } from '../nn/costs.ts';
import { Adam } from '../nn/optimizers/index.ts';
import { Schedule } from '../nn/schedules.ts';
import { PixelConfusion } from '../nn/segmentation-metrics.ts';
import { Tensor, tidy } from '../tensor.ts';
import { UsageError, type Parsed } from './args.ts';
import { writeStripPng, type StripSample } from './segment-strip.ts';

const SHAPE = [1, 28, 28] as const;
const PIXELS = 28 * 28;
const NCLASS = SEGMENTATION_CLASSES.length;

export interface SegmentationOptions {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (divided by 10 for the last epoch when there are 3 or more). */
  lr: number;
  seed: number;
  /** Training images used (the first N of the 60,000). */
  limit: number;
  /** Where model.argon, metrics.json and segmentation.png go. */
  out: string;
  backend?: BackendName;
  /** fcn width (feature maps at full resolution). */
  width: number;
  log: (line: string) => void;
}

export const SEGMENTATION_DEFAULTS = { epochs: 3, batchSize: 32, lr: 0.003, seed: 1, limit: 30000, width: 8 } as const;

export interface SegmentationResult {
  pixelAccuracy: number;
  meanIoU: number;
  /** IoU per class, SEGMENTATION_CLASSES order (null: in neither truth nor prediction). */
  iou: (number | null)[];
  trainSeconds: number;
  evalSeconds: number;
  epochCosts: number[];
}

/** Pixel accuracy and mean IoU of a model over a data set; fills `strip` with the first image of
 *  each garment class. */
function evaluate(model: Model, data: SegmentationData, strip: StripSample[]): PixelConfusion {
  const confusion = new PixelConfusion(NCLASS);
  const wanted = new Map<number, number>();
  data.y.forEach((c, i) => { if (!wanted.has(c)) wanted.set(c, i); });
  const it = new SegmentationIterator(data, { shape: SHAPE, nclass: NCLASS, batchSize: 250 });
  let start = 0;
  for (const batch of it.batches()) {
    const y = noGrad(() => tidy(() => {
      const x = Tensor.fromArray(model.backend, batch.x, [...SHAPE, batch.n]);
      return Float32Array.from(model.root.forward(x, { training: false, random: model.random }).toArray());
    }));
    confusion.update(y, batch.masks);
    for (const [cls, index] of wanted) {
      const j = index - start;
      if (j < 0 || j >= batch.n) continue;
      const pick = (v: ArrayLike<number>, k: number, p: number) => v[(k * PIXELS + p) * batch.n + j];
      const predicted = Array.from({ length: PIXELS }, (_, p) => {
        let best = 0;
        for (let k = 1; k < NCLASS; k++) if (pick(y, k, p) > pick(y, best, p)) best = k;
        return best;
      });
      strip[cls] = {
        image: Array.from({ length: PIXELS }, (_, p) => batch.x[p * batch.n + j]),
        truth: Array.from({ length: PIXELS }, (_, p) => batch.masks[p * batch.n + j]),
        predicted,
      };
    }
    start += batch.n;
  }
  return confusion;
}

export async function trainSegmentation(o: SegmentationOptions): Promise<SegmentationResult> {
  const fs = await import('node:fs/promises');
  const data = await loadFashionMnistSegmentation({ limit: o.limit });
  const model = new Model(fcn({ nclass: NCLASS, inputShape: [...SHAPE], width: o.width }), { seed: o.seed, backend: o.backend, name: 'fcn' });
  await model.build(SHAPE);
  const params = model.params();
  const cost = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
  const optimizer = new Adam({ learningRate: o.lr, schedule: o.epochs >= 3 ? new Schedule([o.epochs - 1], 0.1) : undefined });
  const train = new SegmentationIterator(data.train, { shape: SHAPE, nclass: NCLASS, batchSize: o.batchSize, shuffle: true, seed: o.seed });
  o.log(`training fcn (width ${o.width}, ${params.reduce((s, p) => s + p.value.size, 0)} parameters) for per-pixel classes on ` +
    `${data.train.y.length} Fashion-MNIST images (11 classes: background + 10 garments, foreground = value > ${FOREGROUND_THRESHOLD}), ` +
    `batch ${o.batchSize}, ${o.epochs} epochs, Adam lr ${o.lr}`);
  const started = Date.now();
  const epochCosts: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let total = 0, seen = 0;
    for (const batch of train.batches()) {
      total += tidy(() => {
        const x = Tensor.fromArray(model.backend, batch.x, [...SHAPE, batch.n]);
        const t = Tensor.fromArray(model.backend, batch.targets, [NCLASS, ...SHAPE.slice(1), batch.n]);
        const { pre, final } = model.root.forwardPre(x, { training: true, random: model.random });
        const { loss } = cost.loss(pre, final, t);
        const value = loss.item();
        if (!Number.isFinite(value)) throw new Error(`training stopped: the cost is ${value} at epoch ${epoch} (try a lower --lr)`);
        backward(loss);
        optimizer.optimize(params, batch.n, epoch);
        for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
        return value;
      });
      seen += batch.n;
    }
    epochCosts.push(total / seen / PIXELS);
    o.log(`epoch ${epoch + 1}/${o.epochs}: cost ${(total / seen / PIXELS).toFixed(4)} per pixel, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const trainSeconds = (Date.now() - started) / 1000;
  const evalStart = Date.now();
  const strip: StripSample[] = [];
  const confusion = evaluate(model, data.test, strip);
  const evalSeconds = (Date.now() - evalStart) / 1000;
  await fs.mkdir(o.out, { recursive: true });
  await model.save(`${o.out}/model.argon`);
  await writeStripPng(`${o.out}/segmentation.png`, strip.filter(Boolean), 28, 28);
  const result: SegmentationResult = {
    pixelAccuracy: confusion.pixelAccuracy(), meanIoU: confusion.meanIoU(),
    iou: confusion.iou().map((v) => (Number.isNaN(v) ? null : v)), trainSeconds, evalSeconds, epochCosts,
  };
  await fs.writeFile(`${o.out}/metrics.json`, `${JSON.stringify({ ...result, classes: SEGMENTATION_CLASSES, options: { ...o, log: undefined } }, null, 2)}\n`);
  model.dispose();
  optimizer.dispose();
  return result;
}

const UNSUPPORTED = ['test', 'recipe', 'input', 'resume', 'skip-bad'];

/** The train command's `--task segmentation` branch. */
export async function segmentCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  if (args.positional.length) throw new UsageError(`train takes no positional arguments, got '${args.positional.join(' ')}'`);
  for (const flag of UNSUPPORTED) if (f.has(flag)) throw new UsageError(`--${flag} is not supported with --task segmentation`);
  const model = (f.get('model') as string | undefined) ?? 'fcn';
  if (model !== 'fcn') throw new UsageError(`--task segmentation trains --model fcn (per-pixel outputs), got '${model}'`);
  const data = (f.get('data') as string | undefined) ?? 'fashion-mnist';
  if (data !== 'fashion-mnist') throw new UsageError(`--task segmentation uses --data fashion-mnist (its per-pixel labels are derived from it), got '${data}'`);
  const d = SEGMENTATION_DEFAULTS;
  const out = (f.get('out') as string | undefined) ?? 'runs/fcn';
  const quiet = f.has('quiet');
  const r = await trainSegmentation({
    epochs: (f.get('epochs') as number | undefined) ?? d.epochs,
    batchSize: (f.get('batch-size') as number | undefined) ?? d.batchSize,
    lr: (f.get('lr') as number | undefined) ?? d.lr,
    seed: (f.get('seed') as number | undefined) ?? d.seed,
    limit: (f.get('limit') as number | undefined) ?? d.limit,
    backend: f.has('backend') ? checkBackendName(f.get('backend') as string, '--backend') : undefined,
    width: d.width, out,
    log: (line) => { if (!quiet) console.log(line); },
  });
  console.log(`training time: ${r.trainSeconds.toFixed(1)} s; saved ${out}/model.argon, metrics.json, segmentation.png ` +
    '(rows: input, true mask, predicted mask)');
  console.log('held-out: the 10000 test images');
  console.log(`pixel accuracy: ${r.pixelAccuracy.toFixed(4)}`);
  console.log(`mean IoU: ${r.meanIoU.toFixed(4)}`);
}
