// In-memory samples whose targets are not one class per sample (issue 14), as DataIterators that
// Model.fit / Model.eval take like any other:
//   LabelMapIterator    a class per position (per-pixel segmentation): targetShape [nclass, ...map],
//                       one-hot per position, built per batch (a whole set one-hot would not fit);
//                       positions holding `ignoreLabel` get an all-zero column, which the costs and
//                       the class-map metrics read as "no label" (no cost, no gradient, not counted).
//   TargetArrayIterator real-valued targets of any shape per sample (regression): targetShape tshape.
// Both take row-major samples (N × prod(lshape), pixel values 0–255 for images) and shuffle with a
// seeded per-epoch order whose state a checkpoint saves (batching.ts EpochRng), as ArrayIterator.
import type { Batch, DataIterator } from './iterator.ts';
import { checkBatchSize, checkPositiveInt, checkShape, EpochRng, EpochRngIterator, gatherInputs } from './batching.ts';
import { checkArg, checkOptions, type FieldSpecs } from '../check.ts';

interface RowOptions {
  /** Per-sample input shape, e.g. [1, 28, 28]. */
  lshape: readonly number[];
  batchSize: number;
  /** Draw a new order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling; without one a Model reseeds the iterator from its own seed. */
  seed?: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The options every row iterator takes, for checkOptions (plain-JS callers: misspelt or missing). */
const ROW_FIELDS: FieldSpecs = {
  lshape: { kind: 'shape', required: true }, batchSize: { kind: 'integer', min: 1, required: true }, shuffle: 'boolean', seed: 'integer',
};

/** Checks an iterator's options object against its fields (before anything reads it). */
function checkRowOptions(owner: string, opts: unknown, fields: FieldSpecs): void {
  checkArg(owner, 'the options (third argument)', opts, { kind: 'object', required: true, expect: '{ lshape, batchSize, … }' });
  checkOptions(owner, opts, { ...ROW_FIELDS, ...fields });
}

/** Inputs, order, state and plain(); subclasses gather the targets of a batch. */
abstract class RowIterator extends EpochRngIterator implements DataIterator {
  readonly inputShape: readonly number[];
  abstract readonly nclass: number;
  abstract readonly targetShape: readonly number[];
  readonly ndata: number;
  readonly batchSize: number;
  readonly nbatches: number;
  readonly shuffle: boolean;
  protected readonly features: number;
  protected readonly rng: EpochRng;

  constructor(protected readonly X: Float32Array | Uint8Array, opts: RowOptions, protected readonly owner: string) {
    super();
    checkShape(opts.lshape, 'lshape', owner);
    this.features = size(opts.lshape);
    if (X.length === 0 || X.length % this.features !== 0) {
      throw new Error(`${owner}: X has ${X.length} values, not a positive multiple of prod(lshape) = ${this.features} ` +
        `(lshape [${opts.lshape.join(', ')}])`);
    }
    this.ndata = X.length / this.features;
    // Only a shuffled (training) set needs a full batch; an evaluation set is scored in one partial batch.
    checkBatchSize(opts.batchSize, this.ndata, owner, !(opts.shuffle ?? false));
    this.inputShape = [...opts.lshape];
    this.batchSize = opts.batchSize;
    this.nbatches = Math.ceil(this.ndata / opts.batchSize);
    this.shuffle = opts.shuffle ?? false;
    this.rng = new EpochRng(opts.seed);
  }

  /** Targets [...targetShape, n] and per-sample labels (or an empty array) of samples order[start..start+n). */
  protected abstract gatherTargets(order: Uint32Array, start: number, n: number): { targets: Float32Array; labels: Int32Array };

  batches(): AsyncIterable<Batch> {
    const self = this;
    return { async *[Symbol.asyncIterator]() { yield* self.epochBatches(self.rng.startEpoch(self.ndata, self.shuffle).order); } };
  }

  /** The same samples in order, without touching the shuffling state (for evaluation). */
  plain(): DataIterator {
    const self = this;
    const { inputShape, nclass, targetShape, ndata, batchSize, nbatches } = this;
    return {
      inputShape, nclass, targetShape, ndata, batchSize, nbatches,
      batches: () => ({
        async *[Symbol.asyncIterator]() { yield* self.epochBatches(Uint32Array.from({ length: ndata }, (_, i) => i)); },
      }),
    };
  }

  private *epochBatches(order: Uint32Array): Generator<Batch> {
    for (let start = 0; start < this.ndata; start += this.batchSize) {
      const n = Math.min(this.batchSize, this.ndata - start);
      yield { x: gatherInputs(this.X, this.features, order, start, n), n, ...this.gatherTargets(order, start, n) };
    }
  }
}

export interface LabelMapIteratorOptions extends RowOptions {
  nclass: number;
  /** Shape of one sample's label map (default lshape without its channel axis: [H, W] for [C, H, W]). */
  mapShape?: readonly number[];
  /** Positions with this label are unlabelled (all-zero target); it may lie outside [0, nclass). */
  ignoreLabel?: number;
  /** A class per sample (e.g. the image's class), passed through as Batch.labels. */
  labels?: Int32Array;
}

/** Per-position classes: maps holds N × prod(mapShape) labels, row-major per sample. */
export class LabelMapIterator extends RowIterator {
  readonly nclass: number;
  readonly targetShape: readonly number[];
  readonly mapShape: readonly number[];
  readonly ignoreLabel: number | undefined;
  private readonly positions: number;
  private readonly labelsAll: Int32Array | undefined;

  constructor(X: Float32Array | Uint8Array, readonly maps: ArrayLike<number>, opts: LabelMapIteratorOptions, owner = 'LabelMapIterator') {
    checkRowOptions(owner, opts, { nclass: { kind: 'integer', min: 1, required: true }, mapShape: 'shape', ignoreLabel: 'integer', labels: 'any' });
    super(X, opts, owner);
    checkPositiveInt(opts.nclass, 'nclass', owner);
    this.mapShape = [...(opts.mapShape ?? opts.lshape.slice(1))];
    checkShape(this.mapShape, 'mapShape', owner);
    this.positions = size(this.mapShape);
    if (maps.length !== this.ndata * this.positions) {
      throw new Error(`${owner}: ${this.ndata} samples need ${this.ndata * this.positions} label map values ` +
        `(map [${this.mapShape.join(', ')}]), got ${maps.length}`);
    }
    const ignore = opts.ignoreLabel;
    if (ignore !== undefined && !Number.isInteger(ignore)) throw new Error(`${owner}: ignoreLabel must be an integer, got ${ignore}`);
    for (let i = 0; i < maps.length; i++) {
      const v = maps[i];
      if (v !== ignore && !(Number.isInteger(v) && v >= 0 && v < opts.nclass)) {
        throw new Error(`${owner}: label ${v} at position ${i % this.positions} of sample ${Math.floor(i / this.positions)} is outside ` +
          `[0, ${opts.nclass})${ignore === undefined ? '' : ` and is not the ignore label ${ignore}`}`);
      }
    }
    if (opts.labels !== undefined && opts.labels.length !== this.ndata) {
      throw new Error(`${owner}: labels has ${opts.labels.length} entries for ${this.ndata} samples`);
    }
    this.labelsAll = opts.labels;
    this.nclass = opts.nclass;
    this.ignoreLabel = ignore;
    this.targetShape = [opts.nclass, ...this.mapShape];
  }

  protected gatherTargets(order: Uint32Array, start: number, n: number): { targets: Float32Array; labels: Int32Array } {
    const P = this.positions;
    const targets = new Float32Array(this.nclass * P * n);
    const labels = new Int32Array(this.labelsAll === undefined ? 0 : n);
    for (let j = 0; j < n; j++) {
      const s = order[start + j];
      if (this.labelsAll !== undefined) labels[j] = this.labelsAll[s];
      for (let p = 0; p < P; p++) {
        const label = this.maps[s * P + p];
        if (label !== this.ignoreLabel) targets[(label * P + p) * n + j] = 1;
      }
    }
    return { targets, labels };
  }
}

export interface TargetArrayIteratorOptions extends RowOptions {
  /** Per-sample target shape, e.g. [1] for one real value per sample. */
  tshape: readonly number[];
}

/** Real-valued targets: T holds N × prod(tshape) values, row-major per sample. nclass is 0. */
export class TargetArrayIterator extends RowIterator {
  readonly nclass = 0;
  readonly targetShape: readonly number[];
  private readonly T: Float32Array;
  private readonly units: number;

  constructor(X: Float32Array | Uint8Array, T: Float32Array, opts: TargetArrayIteratorOptions) {
    const owner = 'TargetArrayIterator';
    checkRowOptions(owner, opts, { tshape: { kind: 'shape', required: true } });
    super(X, opts, owner);
    checkShape(opts.tshape, 'tshape', owner);
    this.units = size(opts.tshape);
    if (T.length !== this.ndata * this.units) {
      throw new Error(`${owner}: ${this.ndata} samples need ${this.ndata * this.units} target values (tshape [${opts.tshape.join(', ')}]), got ${T.length}`);
    }
    const bad = T.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${owner}: target value ${T[bad]} of sample ${Math.floor(bad / this.units)} is not finite`);
    this.T = T;
    this.targetShape = [...opts.tshape];
  }

  protected gatherTargets(order: Uint32Array, start: number, n: number): { targets: Float32Array; labels: Int32Array } {
    const U = this.units;
    const targets = new Float32Array(U * n);
    for (let j = 0; j < n; j++) {
      const base = order[start + j] * U;
      for (let u = 0, o = j; u < U; u++, o += n) targets[o] = this.T[base + u];
    }
    return { targets, labels: new Int32Array(0) };
  }
}
