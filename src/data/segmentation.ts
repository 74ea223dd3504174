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
// Batches follow Argon's layout (batch innermost): x [1, 28, 28, n], targets [11, 28, 28, n] one-hot
// per pixel (built per batch; the whole set one-hot would be 2 GB).
import { FASHION_MNIST_CLASSES, loadFashionMnist } from './fashion-mnist.ts';
import { LabelMapIterator } from './target-iterators.ts';

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

export interface SegmentationIteratorOptions {
  /** Per-sample input shape [C, H, W]; the masks are H·W per sample. */
  shape: readonly number[];
  nclass: number;
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
}

/** Batches of images with per-pixel one-hot targets [nclass, H, W, n] (a LabelMapIterator over the
 *  masks; Batch.labels holds each image's garment class). */
export class SegmentationIterator extends LabelMapIterator {
  constructor(readonly data: SegmentationData, opts: SegmentationIteratorOptions) {
    super(data.X, data.masks, { lshape: opts.shape, nclass: opts.nclass, batchSize: opts.batchSize, shuffle: opts.shuffle, seed: opts.seed, labels: data.y },
      'SegmentationIterator');
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
