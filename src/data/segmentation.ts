// A per-pixel task derived from Fashion-MNIST (issue 7; the lecture's segmentation output S[i, j, k]).
//
// THE RULE. Pixel (i, j) of an image of garment class g (0–9) gets label g + 1 when its value is
// above FOREGROUND_THRESHOLD = 10 (of 255), and label 0 (background) otherwise: 11 classes.
// Why 10: Fashion-MNIST's products were photographed on white and the images negated, so the
// background is exactly 0 (50.2 % of all training pixels). Values 1–10 are another 3.1 % of the
// pixels, and 95 % of those touch an exact-0 pixel (8-neighbourhood): the one-pixel fringe left by
// downscaling, not garment. Above 10 the share of such fringe pixels falls (1–25: 88 %, 1–50: 77 %)
// as real, dim garment parts mix in. (Measured on the 60,000 training images; the fringe shares on the
// first 10,000.) A white garment on white therefore has near-0 pixels labelled background: the rule
// labels what the image shows.
//
// Batches follow Argon's layout (batch innermost): x [1, 28, 28, n], masks [28·28, n] (labels),
// targets [11, 28, 28, n] one-hot per pixel (built per batch; the whole set one-hot would be 2 GB).
import { EpochRng } from './batching.ts';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from './fashion-mnist.ts';

export const FOREGROUND_THRESHOLD = 10;
export const SEGMENTATION_CLASSES: readonly string[] = ['background', ...FASHION_MNIST_CLASSES];

/** Per-pixel labels, sample-major (N × pixels): class + 1 where the value > threshold, else 0. */
export function pixelLabels(images: ArrayLike<number>, labels: ArrayLike<number>, pixels: number, threshold = FOREGROUND_THRESHOLD): Uint8Array {
  if (images.length !== labels.length * pixels) {
    throw new Error(`pixelLabels: ${images.length} values are not ${labels.length} images of ${pixels} pixels`);
  }
  const out = new Uint8Array(images.length);
  for (let i = 0; i < labels.length; i++) {
    const fg = labels[i] + 1;
    for (let p = 0; p < pixels; p++) out[i * pixels + p] = images[i * pixels + p] > threshold ? fg : 0;
  }
  return out;
}

export interface SegmentationData {
  /** Images, sample-major, 0–255. */
  X: Float32Array;
  /** Pixel labels, sample-major (pixelLabels). */
  masks: Uint8Array;
  /** The garment class of each image. */
  y: Int32Array;
}

export interface SegmentationBatch {
  /** [1, H, W, n]. */
  x: Float32Array;
  n: number;
  /** Pixel labels [H·W, n]. */
  masks: Uint8Array;
  /** One-hot per pixel [nclass, H, W, n]. */
  targets: Float32Array;
}

export interface SegmentationIteratorOptions {
  /** Per-sample input shape [C, H, W]; the masks are H·W per sample. */
  shape: readonly number[];
  nclass: number;
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
}

/** Batches of images with their masks and per-pixel one-hot targets. */
export class SegmentationIterator {
  readonly ndata: number;
  readonly nbatches: number;
  private readonly rng: EpochRng;

  constructor(readonly data: SegmentationData, readonly opts: SegmentationIteratorOptions) {
    const [c, h, w] = opts.shape;
    this.ndata = data.y.length;
    if (opts.shape.length !== 3 || data.X.length !== this.ndata * c * h * w || data.masks.length !== this.ndata * h * w) {
      throw new Error(`SegmentationIterator: ${this.ndata} samples need ${this.ndata * c * h * w} image values and ${this.ndata * h * w} mask values ` +
        `(shape [${opts.shape.join(', ')}]), got ${data.X.length} and ${data.masks.length}`);
    }
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error(`SegmentationIterator: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.nbatches = Math.ceil(this.ndata / opts.batchSize);
    this.rng = new EpochRng(opts.seed ?? 0);
  }

  /** One epoch, shuffled when the options say so (a new order per call). */
  *batches(): Generator<SegmentationBatch> {
    const order = this.rng.startEpoch(this.ndata, this.opts.shuffle ?? false).order;
    for (let start = 0; start < this.ndata; start += this.opts.batchSize) {
      yield this.gather(order, start, Math.min(this.opts.batchSize, this.ndata - start));
    }
  }

  private gather(order: Uint32Array, start: number, n: number): SegmentationBatch {
    const [c, h, w] = this.opts.shape;
    const F = c * h * w, P = h * w, C = this.opts.nclass;
    const x = new Float32Array(F * n), masks = new Uint8Array(P * n), targets = new Float32Array(C * P * n);
    for (let j = 0; j < n; j++) {
      const s = order[start + j];
      for (let f = 0; f < F; f++) x[f * n + j] = this.data.X[s * F + f];
      for (let p = 0; p < P; p++) {
        const label = this.data.masks[s * P + p];
        if (label >= C) throw new Error(`SegmentationIterator: pixel label ${label} of sample ${s} is outside [0, ${C})`);
        masks[p * n + j] = label;
        targets[(label * P + p) * n + j] = 1;
      }
    }
    return { x, n, masks, targets };
  }
}

/** Fashion-MNIST with per-pixel labels (the rule above). `limit` keeps the first N training images. */
export async function loadFashionMnistSegmentation(opts: { dir?: string; limit?: number; testLimit?: number; threshold?: number } = {}):
  Promise<{ train: SegmentationData; test: SegmentationData }> {
  const d = await loadFashionMnist({ dir: opts.dir });
  const cut = (X: Float32Array, y: Int32Array, n: number | undefined): SegmentationData => {
    const m = n === undefined ? y.length : Math.min(n, y.length);
    const Xs = X.subarray(0, m * 784), ys = y.subarray(0, m);
    return { X: Xs, y: ys, masks: pixelLabels(Xs, ys, 784, opts.threshold) };
  };
  return { train: cut(d.train.X, d.train.y, opts.limit), test: cut(d.test.X, d.test.y, opts.testLimit) };
}
