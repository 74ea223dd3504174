// What a model reads: batches of samples in Argon's layout (channel-major, batch innermost) with
// labels. Every loader yields raw pixel values (0–255 for images); scaling is the model's job
// (DataTransform(Normalizer(128)) in the course's networks).

export interface Batch {
  /** Input values [...inputShape, n]: sample j of the batch is at x[i·n + j] for feature i. */
  x: Float32Array;
  /** Samples in this batch (the last batch of an epoch may be smaller). */
  n: number;
  /** Integer class labels, one per sample (length n); empty (length 0) when the data set has no
   *  single class per sample (regression targets, or per-pixel maps without an image class). */
  labels: Int32Array;
  /** Targets [...targetShape, n] in the model's output layout: one-hot [nclass, n] for
   *  classification, one-hot per pixel [nclass, H, W, n] for class maps, real values for regression. */
  targets: Float32Array;
}

export interface DataIterator {
  /** Per-sample input shape, e.g. [3, 64, 64] or [784]. */
  readonly inputShape: readonly number[];
  /** Classes (0 for real-valued targets). */
  readonly nclass: number;
  /** Per-sample target shape when it is not [nclass] (class maps, regression); see model/targets.ts. */
  readonly targetShape?: readonly number[];
  /** Names of the classes (index = label) when the data has them: folder names, a manifest's class
   *  names, MNIST's digits. Model.fit keeps them as the model's classNames. */
  readonly classNames?: readonly string[];
  /** Number of samples. */
  readonly ndata: number;
  readonly batchSize: number;
  /** Batches per epoch: ceil(ndata / batchSize). */
  readonly nbatches: number;
  /** One epoch of batches, in order or shuffled (a shuffling iterator draws a new order per call). */
  batches(): AsyncIterable<Batch>;
  /** Loaders that read files first: ndata, nclass and inputShape are valid after it resolves. */
  load?(): Promise<void>;
  /** Shuffling/augmentation state at an epoch boundary, saved in checkpoints for an exact resume. */
  getState?(): unknown;
  setState?(state: unknown): void;
  /** False when the iterator has no seed of its own: the Model then seeds it from its own seed. */
  readonly seeded?: boolean;
  reseed?(seed: number): void;
  /** The same data in file order without shuffling or augmentation (for evaluation). */
  plain?(): DataIterator;
}
