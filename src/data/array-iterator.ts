// In-memory samples → batches in Argon's layout. Users hand over rows (N×C×H×W or N×F, row-major,
// pixel values 0–255) as in neon's ArrayIterator (neon-semantics.md §1.8); unlike neon (§2.15) the
// last batch of an epoch is short instead of topped up from the start, and shuffling is optional.
import type { Batch, DataIterator } from './iterator.ts';
import {
  checkBatchSize, checkLabels, checkPositiveInt, checkShape, EpochRng, gatherRows, oneHot,
  type IteratorState,
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
}

/** Row-major samples as they come from a loader: X is N × prod(lshape), y has N labels. */
export interface ArrayData {
  X: Float32Array;
  y: Int32Array;
}

export class ArrayIterator implements DataIterator {
  readonly inputShape: readonly number[];
  readonly nclass: number;
  readonly ndata: number;
  readonly batchSize: number;
  readonly nbatches: number;
  readonly shuffle: boolean;
  private readonly X: Float32Array | Uint8Array;
  private readonly y: Int32Array;
  private readonly F: number;
  private readonly rng: EpochRng;

  constructor(X: Float32Array | Uint8Array, y: Int32Array, opts: ArrayIteratorOptions) {
    const OWNER = opts.source === undefined ? 'ArrayIterator' : `ArrayIterator(${opts.source})`;
    checkShape(opts.lshape, 'lshape', OWNER);
    checkPositiveInt(opts.nclass, 'nclass', OWNER);
    const N = y.length;
    const F = opts.lshape.reduce((a, b) => a * b, 1);
    if (N === 0 || X.length === 0) {
      throw new Error(`${OWNER}: the data set is empty (X has ${X.length} values, y has ${N} labels)`);
    }
    if (X.length !== N * F) {
      throw new Error(`${OWNER}: X has ${X.length} values but N·prod(lshape) = ${N}·${F} = ${N * F} ` +
        `(N = ${N} labels, lshape [${opts.lshape.join(', ')}])`);
    }
    checkBatchSize(opts.batchSize, N, OWNER, !(opts.shuffle ?? false));
    checkLabels(y, opts.nclass, OWNER);
    if (X instanceof Float32Array) checkRowsFinite(OWNER, X, F);
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

  /** Epochs started so far. */
  get epoch(): number {
    return this.rng.epoch;
  }

  /** Whether the iterator has its own seed. */
  get seeded(): boolean {
    return this.rng.seeded;
  }

  /** Restarts the shuffling sequence from `seed` (epoch counter back to 0). */
  reseed(seed: number): void {
    this.rng.reseed(seed);
  }

  getState(): IteratorState {
    return this.rng.getState();
  }

  setState(state: IteratorState): void {
    this.rng.setState(state);
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
