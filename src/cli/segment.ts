// `argon train --task segmentation --model fcn --data fashion-mnist`: per-pixel classes on
// Fashion-MNIST (the rule: src/data/segmentation.ts), the fully convolutional models.fcn trained
// through Model.fit like any model — PixelwiseSoftmax + PixelwiseCrossEntropy, pixel accuracy and
// mean IoU on the 10,000 test images after every epoch, a progress bar, a locked run folder with a
// checkpoint per epoch (run-folder.ts) and --resume — then a PNG strip of inputs, true masks and
// predicted masks.
import type { BackendName } from '../backends/select.ts';
import {
  FOREGROUND_THRESHOLD, SEGMENTATION_CLASSES, SegmentationIterator, loadFashionMnistSegmentation, type SegmentationData,
} from '../data/segmentation.ts';
import { Model } from '../model/model.ts';
import { fcn } from '../models/fcn.ts';
import { progressBar, type Callback } from '../nn/callbacks/index.ts';
import { GeneralizedCost, PixelwiseCrossEntropy } from '../nn/costs.ts';
import { MeanIoU, MetricList, PixelAccuracy } from '../nn/dense-metrics.ts';
import { Adam } from '../nn/optimizers/index.ts';
import { Schedule } from '../nn/schedules.ts';
import { UsageError, type Parsed } from './args.ts';
import { carryOptimizerState, openRun, startBackend } from './resume.ts';
import type { RunFolder } from './run-folder.ts';
import { writeStripPng, type StripSample } from './segment-strip.ts';

const SHAPE = [1, 28, 28] as const;
const PIXELS = 28 * 28;
const NCLASS = SEGMENTATION_CLASSES.length;

export interface SegmentationOptions {
  /** Train until this many epochs are complete. */
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (divided by 10 for the last epoch when there are 3 or more). */
  lr: number;
  seed: number;
  /** Training images used (the first N of the 60,000). */
  limit: number;
  /** Where model.argon, run.json, history.json, curves.svg, metrics.json and segmentation.png go. */
  out: string;
  /** Continue the run saved in `out` (its model.argon) up to `epochs`. */
  resume?: boolean;
  backend?: BackendName;
  /** fcn width (feature maps at full resolution). */
  width: number;
  /** Show a progress bar. */
  progress?: boolean;
  log: (line: string) => void;
}

export const SEGMENTATION_DEFAULTS = { epochs: 3, batchSize: 32, lr: 0.003, seed: 1, limit: 30000, width: 8 } as const;

export interface SegmentationResult {
  pixelAccuracy: number;
  meanIoU: number;
  /** IoU per class, SEGMENTATION_CLASSES order (null: in neither truth nor prediction). */
  iou: (number | null)[];
  /** Seconds of this run's fit (training and the per-epoch test passes). */
  trainSeconds: number;
  /** Seconds of the last test pass. */
  evalSeconds: number;
  /** Training cost per pixel of every epoch so far (resumed runs include the earlier ones). */
  epochCosts: number[];
}

/** The first test image of each garment class with its true and predicted masks. */
async function stripSamples(model: Model, data: SegmentationData): Promise<StripSample[]> {
  const picks: number[] = [];
  for (let cls = 0; cls < NCLASS - 1; cls++) {
    const i = data.y.indexOf(cls);
    if (i >= 0) picks.push(i);
  }
  const rows = new Float32Array(picks.length * PIXELS);
  picks.forEach((s, k) => rows.set(data.X.subarray(s * PIXELS, (s + 1) * PIXELS), k * PIXELS));
  const y = await model.getOutputs(rows, { inputShape: SHAPE });
  return picks.map((s, k) => {
    const base = k * NCLASS * PIXELS;
    const predicted = Array.from({ length: PIXELS }, (_, p) => {
      let best = 0;
      for (let c = 1; c < NCLASS; c++) if (y[base + c * PIXELS + p] > y[base + best * PIXELS + p]) best = c;
      return best;
    });
    return { image: rows.subarray(k * PIXELS, (k + 1) * PIXELS), truth: data.masks.subarray(s * PIXELS, (s + 1) * PIXELS), predicted };
  });
}

/** What run.json keeps so that --resume needs no other flags. */
export interface SegmentationSettings { task: 'segmentation'; batchSize: number; lr: number; seed: number; limit: number; width: number }

export async function trainSegmentation(o: SegmentationOptions): Promise<SegmentationResult> {
  const settings: SegmentationSettings = { task: 'segmentation', batchSize: o.batchSize, lr: o.lr, seed: o.seed, limit: o.limit, width: o.width };
  // The folder is locked before any data is decoded (resume.ts: openRun); a new run replaces an earlier one.
  let model: Model | null = null;
  let folder: RunFolder | null = null;
  try {
    ({ model, folder } = await openRun({
      out: o.out, resume: o.resume === true, epochs: o.epochs, requested: 'fcn', runJson: 'fcn', backend: o.backend,
      describe: () => ({ title: 'fcn on Fashion-MNIST pixels', settings }), say: o.log,
    }));
    const data = await loadFashionMnistSegmentation({ limit: o.limit });
    const train = new SegmentationIterator(data.train, { shape: SHAPE, nclass: NCLASS, batchSize: o.batchSize, shuffle: true, seed: o.seed });
    const test = new SegmentationIterator(data.test, { shape: SHAPE, nclass: NCLASS, batchSize: 250 });
    model ??= new Model(fcn({ nclass: NCLASS, inputShape: [...SHAPE], width: o.width }), { seed: o.seed, backend: o.backend, name: 'fcn' });
    const optimizer = carryOptimizerState(new Adam({ learningRate: o.lr, schedule: o.epochs >= 3 ? new Schedule([o.epochs - 1], 0.1) : undefined }), model);
    const miou = new MeanIoU();
    const metric = new MetricList([new PixelAccuracy(), miou]);
    let evalSeconds = 0;
    const started = Date.now();
    const report: Callback = {
      onEpochEnd: (epoch, logs) => {
        evalSeconds = logs.valSeconds ?? 0;
        const m = logs.metrics ?? {};
        o.log(`epoch ${epoch + 1}/${o.epochs}: cost ${(logs.loss / PIXELS).toFixed(4)} per pixel, test pixel accuracy ` +
          `${m.PixelAccuracy?.toFixed(4)}, mean IoU ${m.MeanIoU?.toFixed(4)}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    };
    // model.argon, history.json and curves.svg are written together after every epoch.
    const callbacks: Callback[] = [report, folder.callback(model)];
    if (o.progress) callbacks.unshift(progressBar());
    await model.build(SHAPE);
    const params = model.params().reduce((s, p) => s + p.value.size, 0);
    o.log(`${o.resume ? `resuming from epoch ${model.epoch}: ` : ''}training fcn (width ${o.width}, ${params} parameters) for per-pixel classes on ` +
      `${data.train.y.length} Fashion-MNIST images (11 classes: background + 10 garments, foreground = value > ${FOREGROUND_THRESHOLD}), ` +
      `batch ${o.batchSize}, ${o.epochs} epochs, Adam lr ${o.lr}`);
    const cost = new GeneralizedCost({ costfunc: new PixelwiseCrossEntropy() });
    const history = await model.fit(train, { cost, optimizer, epochs: o.epochs, valid: test, metric, callbacks });
    const trainSeconds = (Date.now() - started) / 1000;
    const [pixelAccuracy, meanIoU] = metric.values();
    await writeStripPng(`${o.out}/segmentation.png`, await stripSamples(model, data.test), 28, 28);
    const result: SegmentationResult = {
      pixelAccuracy, meanIoU, iou: miou.iou().map((v) => (Number.isNaN(v) ? null : v)), trainSeconds, evalSeconds,
      epochCosts: history.loss.map((v) => v / PIXELS),
    };
    await folder.writeAtomic('metrics.json', `${JSON.stringify({ ...result, classes: SEGMENTATION_CLASSES, options: { ...o, log: undefined } }, null, 2)}\n`);
    optimizer.dispose();
    return result;
  } finally {
    await folder?.close();
    model?.dispose();
  }
}

/** argon train flags the segmentation task does not take (it refuses them rather than ignore them). */
const UNSUPPORTED = ['test', 'recipe', 'input', 'skip-bad', 'classes', 'random-crop', 'flip', 'allow-outside', 'cache-dir', 'no-cache'];

/** The train command's `--task segmentation` branch; `runJson`: the resumed run's run.json (train read it). */
export async function segmentCommand(args: Parsed, runJson: Record<string, unknown> | null): Promise<void> {
  const f = args.flags;
  if (args.positional.length) throw new UsageError(`train takes no positional arguments, got '${args.positional.join(' ')}'`);
  for (const flag of UNSUPPORTED) if (f.has(flag)) throw new UsageError(`--${flag} is not supported with --task segmentation`);
  const model = (f.get('model') as string | undefined) ?? 'fcn';
  if (model !== 'fcn') throw new UsageError(`--task segmentation trains --model fcn (per-pixel outputs), got '${model}'`);
  const data = (f.get('data') as string | undefined) ?? 'fashion-mnist';
  if (data !== 'fashion-mnist') throw new UsageError(`--task segmentation uses --data fashion-mnist (its per-pixel labels are derived from it), got '${data}'`);
  const d = SEGMENTATION_DEFAULTS;
  const resume = f.get('resume') as string | undefined;
  const saved = runJson as Partial<SegmentationSettings> | null;
  const settings = {
    batchSize: (f.get('batch-size') as number | undefined) ?? saved?.batchSize ?? d.batchSize,
    lr: (f.get('lr') as number | undefined) ?? saved?.lr ?? d.lr,
    seed: (f.get('seed') as number | undefined) ?? saved?.seed ?? d.seed,
    limit: (f.get('limit') as number | undefined) ?? saved?.limit ?? d.limit,
    width: saved?.width ?? d.width,
  };
  const out = resume ?? (f.get('out') as string | undefined) ?? 'runs/fcn';
  const quiet = f.has('quiet');
  const backend = await startBackend(f);
  const r = await trainSegmentation({
    ...settings,
    epochs: (f.get('epochs') as number | undefined) ?? d.epochs,
    backend,
    out, resume: resume !== undefined, progress: !quiet,
    log: (line) => { if (!quiet) console.log(line); },
  });
  console.log(`training time: ${r.trainSeconds.toFixed(1)} s (with a test pass per epoch); saved ${out}/model.argon, history.json, ` +
    'curves.svg, metrics.json, segmentation.png (rows: input, true mask, predicted mask)');
  console.log('held-out: the 10000 test images');
  console.log(`pixel accuracy: ${r.pixelAccuracy.toFixed(4)}`);
  console.log(`mean IoU: ${r.meanIoU.toFixed(4)}`);
}
