// In-memory samples → batches in Argon's layout. Users hand over rows (N×C×H×W or N×F, row-major,
// pixel values 0–255) as in neon's ArrayIterator (neon-semantics.md §1.8); unlike neon (§2.15) the
// last batch of an epoch is short instead of topped up from the start, and shuffling is optional.
import type { Batch, DataIterator } from './iterator.ts';
import { checkArg, checkOptions, shown } from '../check.ts';
import { checkClassNames } from './manifest-labels.ts';
import {
  checkBatchSize, checkLabels, checkPositiveInt, checkShape, EpochRng, EpochRngIterator, gatherRows, oneHot,
} from './batching.ts';
import { checkRowsFinite } from '../finite.ts';

export interface ArrayIteratorOptions {
  nclass: number;
  /** Per-sample shape, e.g. [1, 28, 28] (C, H, W) or [784]. */
  lshape: readonly number[];
  batchSize: number;
  /** Draw a new order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling Random; without one a Model may reseed the iterator from its own seed. */
  seed?: number;
  /** Where the rows came from (a file name), named in errors. */
  source?: string;
  /** Names of the nclass classes, in label order (Model.fit keeps them as the model's classNames). */
  classNames?: readonly string[];
}

/** Row-major samples as they come from a loader: X is N × prod(lshape), y has N labels. */
export interface ArrayData {
  X: Float32Array;
  y: Int32Array;
}

const OWNER = 'ArrayIterator';

/** Samples as users have them: flat values, or one row per sample (number[][], Float32Array[]). */
export type ArrayRows = Float32Array | Uint8Array | readonly number[] | readonly (readonly number[] | Float32Array | Uint8Array)[];

/** X as flat row-major values (rows of arrays are concatenated, each checked for its length). */
function flatRows(X: unknown, F: number): Float32Array | Uint8Array {
  if (X instanceof Float32Array || X instanceof Uint8Array) return X;
  if (!Array.isArray(X)) throw new Error(`${OWNER}: X must be the samples (a Float32Array, number[] or one row per sample), got ${shown(X)}`);
  if (X.length === 0 || typeof X[0] === 'number') return Float32Array.from(X as number[]);
  const out = new Float32Array(X.length * F);
  X.forEach((row: unknown, i) => {
    if (!(Array.isArray(row) || row instanceof Float32Array || row instanceof Uint8Array)) {
      throw new Error(`${OWNER}: X[${i}] must be a row of numbers, got ${shown(row)}`);
    }
    if (row.length !== F) throw new Error(`${OWNER}: X[${i}] has ${row.length} values; one sample of lshape has ${F}`);
    out.set(row as ArrayLike<number>, i * F);
  });
  return out;
}

/** y as Int32Array labels (a number[] is converted; checkLabels then checks the values). */
function labelArray(y: unknown): Int32Array {
  if (y instanceof Int32Array) return y;
  if (Array.isArray(y) && y.every((v) => typeof v === 'number')) return Int32Array.from(y);
  throw new Error(`${OWNER}: y must be the integer labels (an Int32Array or number[]), got ${shown(y)}`);
}

export class ArrayIterator extends EpochRngIterator implements DataIterator {
  readonly inputShape: readonly number[];
  readonly nclass: number;
  readonly ndata: number;
  readonly batchSize: number;
  readonly nbatches: number;
  readonly shuffle: boolean;
  readonly classNames: readonly string[] | undefined;
  private readonly X: Float32Array | Uint8Array;
  private readonly y: Int32Array;
  private readonly F: number;
  protected readonly rng: EpochRng;

  constructor(samples: ArrayRows, labels: Int32Array | readonly number[], opts: ArrayIteratorOptions) {
    super();
    checkArg(OWNER, 'the options (third argument)', opts, { kind: 'object', required: true, expect: '{ nclass, lshape, batchSize }' });
    checkOptions(OWNER, opts, {
      nclass: { kind: 'integer', min: 1, required: true }, lshape: { kind: 'shape', required: true },
      batchSize: { kind: 'integer', min: 1, required: true }, shuffle: 'boolean', seed: 'integer', classNames: 'array', source: 'string',
    });
    // Errors name the rows' source file when the loader gave one.
    const owner = opts.source === undefined ? OWNER : `${OWNER}(${opts.source})`;
    checkShape(opts.lshape, 'lshape', owner);
    checkPositiveInt(opts.nclass, 'nclass', owner);
    // The options are checked in full before the samples are converted and scanned.
    checkClassNames(opts.classNames, owner);
    if (opts.classNames !== undefined && opts.classNames.length !== opts.nclass) {
      throw new Error(`${owner}: classNames has ${opts.classNames.length} names for nclass ${opts.nclass}`);
    }
    const F = opts.lshape.reduce((a, b) => a * b, 1);
    const X = flatRows(samples, F), y = labelArray(labels);
    const N = y.length;
    if (N === 0 || X.length === 0) {
      throw new Error(`${owner}: the data set is empty (X has ${X.length} values, y has ${N} labels)`);
    }
    if (X.length !== N * F) {
      throw new Error(`${owner}: X has ${X.length} values but N·prod(lshape) = ${N}·${F} = ${N * F} ` +
        `(N = ${N} labels, lshape [${opts.lshape.join(', ')}])`);
    }
    checkBatchSize(opts.batchSize, N, owner, !(opts.shuffle ?? false));
    checkLabels(y, opts.nclass, owner);
    if (X instanceof Float32Array) checkRowsFinite(owner, X, F);
    this.classNames = opts.classNames === undefined ? undefined : [...opts.classNames];
    this.X = X;
    this.y = y;
    this.F = F;
    this.inputShape = [...opts.lshape];
    this.nclass = opts.nclass;
    this.ndata = N;
    this.batchSize = opts.batchSize;
    this.nbatches = Math.ceil(N / opts.batchSize);
    this.shuffle = opts.shuffle ?? false;
    this.rng = new EpochRng(opts.seed);
  }

  batches(): AsyncIterable<Batch> {
    // The order is drawn when iteration starts, not when batches() is called.
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        yield* self.epochBatches();
      },
    };
  }

  /** The same samples in order, without touching the shuffling state (for evaluation). */
  plain(): DataIterator {
    const self = this;
    const { inputShape, nclass, ndata, batchSize, nbatches } = this;
    return {
      inputShape, nclass, ndata, batchSize, nbatches,
      batches: () => ({
        async *[Symbol.asyncIterator]() {
          yield* self.epochBatches(Uint32Array.from({ length: ndata }, (_, i) => i));
        },
      }),
    };
  }

  private *epochBatches(order = this.rng.startEpoch(this.ndata, this.shuffle).order): Generator<Batch> {
    for (let start = 0; start < this.ndata; start += this.batchSize) {
      const n = Math.min(this.batchSize, this.ndata - start);
      const { x, labels } = gatherRows(this.X, this.y, this.F, order, start, n);
      yield { x, n, labels, targets: oneHot(labels, this.nclass) };
    }
  }
}
