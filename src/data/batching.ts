// Pieces every iterator shares: argument checks with messages that name the values, the per-epoch
// order (a seeded Random whose state and epoch counter can be saved and restored), and the copy of
// row-major samples into Argon's layout [...shape, n] with the batch innermost.
import { Random } from '../random.ts';

/** What an iterator saves so a resumed run reshuffles (and augments) exactly as an uninterrupted one. */
export interface IteratorState {
  /** Epochs started so far (each call of batches() starts one). */
  epoch: number;
  /** The Random's state from which the next epoch draws its order. */
  rng: number[];
}

export function checkPositiveInt(value: number, what: string, owner: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${owner}: ${what} must be a positive integer, got ${value}`);
  }
}

export function checkShape(shape: readonly number[], what: string, owner: string): void {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${owner}: ${what} must be a non-empty list of positive integers, got [${shape.join(', ')}]`);
  }
}

/** Checks batchSize against the number of samples. A training set (shuffled) must fill at least
 *  one batch; an evaluation set (`partialOk`) takes any batch size and scores its last, partial
 *  batch, so a small test set never has to follow the training batch size. */
export function checkBatchSize(batchSize: number, ndata: number, owner: string, partialOk = false): void {
  checkPositiveInt(batchSize, 'batchSize', owner);
  if (ndata === 0) throw new Error(`${owner}: the data set is empty (0 samples)`);
  if (batchSize > ndata && !partialOk) {
    throw new Error(`${owner}: batchSize ${batchSize} is larger than the data set (${ndata} samples); ` +
      'a shuffled (training) set needs at least one full batch');
  }
}

/** Checks listed labels before anything is decoded: integers in 0..nclass−1, with nclass given or,
 *  by default, the number of distinct labels (so label 7 in a 0/1 set is an error, not an 8-class
 *  model). Errors name the row. Returns nclass. */
export function checkEntryLabels(entries: readonly { label: number; name: string; row?: string }[],
  nclass: number | undefined, owner: string): number {
  const where = (e: { name: string; row?: string }) => e.row ?? `'${e.name}'`;
  if (nclass !== undefined) {
    checkPositiveInt(nclass, 'nclass', owner);
    const bad = entries.find((e) => !(Number.isInteger(e.label) && e.label >= 0 && e.label < nclass));
    if (bad) throw new Error(`${owner}: ${where(bad)} has label ${bad.label}, outside 0..${nclass - 1} (nclass ${nclass})`);
    return nclass;
  }
  const distinct = [...new Set(entries.map((e) => e.label))].sort((a, b) => a - b);
  const k = distinct.length;
  const bad = entries.find((e) => !(Number.isInteger(e.label) && e.label >= 0 && e.label < k));
  if (bad) {
    const shown = distinct.length > 8 ? `${distinct.slice(0, 8).join(', ')}, …` : distinct.join(', ');
    throw new Error(`${owner}: ${where(bad)} has label ${bad.label}, but the data holds ${k} distinct label(s) (${shown}), so nclass ` +
      `is ${k} and labels must be 0..${k - 1}; give the class count (nclass, or --classes for argon train) if some classes have no samples here`);
  }
  return k;
}

/** Checks every label is in [0, nclass); `name(i)` describes sample i in the message. */
export function checkLabels(labels: ArrayLike<number>, nclass: number, owner: string,
  name: (i: number) => string = (i) => `sample ${i}`): void {
  checkPositiveInt(nclass, 'nclass', owner);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= nclass) {
      throw new Error(`${owner}: label ${v} of ${name(i)} is outside [0, ${nclass}) (nclass ${nclass})`);
    }
  }
}

/**
 * The per-epoch randomness of an iterator. Every draw for an epoch happens when the epoch starts
 * (its order, then a seed for its augmentation), so the state saved between epochs replays the
 * rest of the run exactly.
 */
export class EpochRng {
  private rng: Random;
  private epochs = 0;
  /** Whether a seed was given (a Model may reseed an iterator that has none of its own). */
  seeded: boolean;

  constructor(seed: number | undefined) {
    this.seeded = seed !== undefined;
    this.rng = new Random(seed ?? 0);
  }

  get epoch(): number {
    return this.epochs;
  }

  reseed(seed: number): void {
    this.rng = new Random(seed);
    this.epochs = 0;
    this.seeded = true;
  }

  /** Starts an epoch: the sample order (identity unless shuffle) and a seed for its augmentation. */
  startEpoch(ndata: number, shuffle: boolean): { order: Uint32Array; augSeed: number } {
    const order = new Uint32Array(ndata);
    for (let i = 0; i < ndata; i++) order[i] = i;
    if (shuffle) {
      for (let i = ndata - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        const t = order[i]; order[i] = order[j]; order[j] = t;
      }
    }
    const augSeed = this.rng.nextUint32();
    this.epochs++;
    return { order, augSeed };
  }

  getState(): IteratorState {
    return { epoch: this.epochs, rng: this.rng.getState() };
  }

  setState(state: IteratorState): void {
    if (!Number.isInteger(state.epoch) || state.epoch < 0) {
      throw new Error(`setState: epoch must be a non-negative integer, got ${state.epoch}`);
    }
    this.rng.setState(state.rng);
    this.epochs = state.epoch;
  }
}

/** The seeding and checkpoint members of an iterator that shuffles with an EpochRng, delegated to
 *  it (the subclass creates `rng` in its constructor, after checking its options). */
export abstract class EpochRngIterator {
  protected abstract readonly rng: EpochRng;

  /** Epochs started so far. */
  get epoch(): number { return this.rng.epoch; }
  /** Whether the iterator has its own seed. */
  get seeded(): boolean { return this.rng.seeded; }
  /** Restarts the shuffling sequence from `seed` (epoch counter back to 0). */
  reseed(seed: number): void { this.rng.reseed(seed); }
  getState(): IteratorState { return this.rng.getState(); }
  setState(state: IteratorState): void { this.rng.setState(state); }
}

/** Targets [nclass, n] one-hot: targets[c·n + j] = 1 where c is sample j's label. */
export function oneHot(labels: Int32Array, nclass: number): Float32Array {
  const n = labels.length;
  const t = new Float32Array(nclass * n);
  for (let j = 0; j < n; j++) t[labels[j] * n + j] = 1;
  return t;
}

/**
 * Copies samples order[start..start+n) of the row-major data (sample s, feature i at s·F + i) into
 * x[i·n + j] (Argon's layout, batch innermost). Reads each sample contiguously, writes with stride n.
 */
export function gatherInputs(data: Float32Array | Uint8Array, F: number, order: Uint32Array, start: number, n: number): Float32Array {
  const x = new Float32Array(F * n);
  for (let j = 0; j < n; j++) {
    const base = order[start + j] * F;
    for (let i = 0, o = j; i < F; i++, o += n) x[o] = data[base + i];
  }
  return x;
}

/** gatherInputs, and the labels of the same samples. */
export function gatherRows(data: Float32Array | Uint8Array, labelsAll: Int32Array, F: number,
  order: Uint32Array, start: number, n: number): { x: Float32Array; labels: Int32Array } {
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) labels[j] = labelsAll[order[start + j]];
  return { x: gatherInputs(data, F, order, start, n), labels };
}
